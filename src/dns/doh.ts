/**
 * DNS over HTTPS (RFC 8484): the transport the resolver uses for `https://`
 * servers, for networks that block outbound port 53.
 *
 * - The DNS message is the wire format (`application/dns-message`, §6), sent
 *   with POST as the body (§4.1), or with GET as the base64url `dns` query
 *   parameter when the URL is a URI template ending in `{?dns}` (§4.1, §4.1.1).
 * - The message id is 0 (§4.1: it makes replies cacheable by HTTP caches);
 *   a reply is matched by its question instead.
 * - A non-2xx status (§4.2.1) means the server could not answer: reported as
 *   SERVFAIL so the resolver asks the next server. No reply before the
 *   deadline, or no connection, is a timeout.
 * - One keep-alive agent per server reuses TLS connections across queries.
 * - The server's host name itself is looked up by the system (a bootstrap
 *   name cannot go through the resolver it serves); give an IP address in the
 *   URL to avoid that.
 */
import type https from 'node:https';
import { createRequire } from 'node:module';
import type tls from 'node:tls';
import type { ExchangeResult } from './transport.js';
import type { Limiter } from '../limiter.js';
import { canonicalName, decodeMessage, encodeQuery, RCODE, type WireMessage } from './wire.js';

/** RFC 8484 §6: the media type of a DNS message. */
export const DNS_MESSAGE_TYPE = 'application/dns-message';

/** Largest DNS message (RFC 8484 §6: the same 65,535-octet bound as DNS over TCP). */
const MAX_MESSAGE = 65_535;

export interface DohServer {
  /** The endpoint without any `{?dns}` template suffix. */
  url: URL;
  method: 'GET' | 'POST';
  /** As given (the report's `dns.servers` and the query log show it). */
  label: string;
}

/** The resolver's view of a DoH server: an address record carrying the endpoint. */
export interface DohServerAddress {
  host: string;
  port: number;
  family: 4 | 6;
  label: string;
  doh: DohServer;
}

/** A DoH spec as a server entry of the resolver's list. */
export function dohServerAddress(spec: string): DohServerAddress {
  const doh = parseDohSpec(spec);
  const host = doh.url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(doh.url.port || 443), family: host.includes(':') ? 6 : 4, label: doh.label, doh };
}

/** True for a server spec that names a DNS-over-HTTPS endpoint. */
export function isDohSpec(spec: string): boolean {
  return /^https:\/\//i.test(spec.trim());
}

/**
 * Parses `https://host[:port]/path` (POST) or `https://host/path{?dns}` (GET).
 * Throws an Error with a one-line message naming the problem.
 */
export function parseDohSpec(spec: string): DohServer {
  const text = spec.trim();
  const template = /\{\?dns\}$/.test(text);
  let url: URL;
  try {
    url = new URL(template ? text.slice(0, -'{?dns}'.length) : text);
  } catch {
    throw new Error(`invalid DNS-over-HTTPS server "${spec}": not a URL`);
  }
  // RFC 8484 §5: DoH is HTTPS only.
  if (url.protocol !== 'https:') throw new Error(`invalid DNS-over-HTTPS server "${spec}": the URL must start with https://`);
  if (url.username || url.password) throw new Error(`invalid DNS-over-HTTPS server "${spec}": credentials in the URL are not supported`);
  if (url.hash) throw new Error(`invalid DNS-over-HTTPS server "${spec}": remove the #fragment`);
  return { url, method: template ? 'GET' : 'POST', label: text };
}

export interface DohExchangeOptions {
  timeoutMs: number;
  dnssecOk: boolean;
  limiter?: Limiter;
  /** Extra trusted CA certificates (PEM), added to the system store. */
  ca?: readonly string[];
}

const agents = new Map<string, https.Agent>();

let modules: { https: typeof https; tls: typeof tls } | undefined;
/**
 * node:https and node:tls, loaded when a DoH server is first asked: on Node
 * ≥ 22 loading node:tls parses NODE_EXTRA_CA_CERTS (some 10 ms), which a run
 * over UDP/TCP does not need.
 */
function load(): { https: typeof https; tls: typeof tls } {
  const require = createRequire(import.meta.url);
  return (modules ??= { https: require('node:https') as typeof https, tls: require('node:tls') as typeof tls });
}

function agentFor(server: DohServer, ca: readonly string[] | undefined): https.Agent {
  const key = `${server.url.origin}\u0000${(ca ?? []).join('')}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new (load().https.Agent)({
      keepAlive: true,
      maxSockets: 16,
      // Node replaces the system roots when `ca` is given: keep them and add the extra ones.
      ...(ca && ca.length > 0 ? { ca: [...load().tls.rootCertificates, ...ca] } : {}),
    });
    // Node unreferences idle keep-alive sockets, so they never hold the process open.
    agents.set(key, agent);
  }
  return agent;
}

/** Closes the keep-alive connections of every DoH server (end of a run). */
export function closeDohAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

/** A SERVFAIL stand-in for an HTTP-level failure, so the resolver moves on to the next server. */
function httpFailure(): WireMessage {
  return { id: 0, qr: 1, opcode: 0, tc: false, ad: false, rcode: RCODE.SERVFAIL, questions: [], answers: [], authorities: [], edns: false };
}

/** One HTTP exchange: the reply body, an HTTP failure, or nothing (timeout, no connection). */
function post(server: DohServer, query: Buffer, options: DohExchangeOptions): Promise<Buffer | 'http-error' | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: Buffer | 'http-error' | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(value);
    };
    const url = new URL(server.url);
    if (server.method === 'GET') {
      // RFC 8484 §4.1: base64url without padding (RFC 4648 §5).
      url.searchParams.set('dns', query.toString('base64url'));
    }
    const request = load().https.request(url, {
      method: server.method,
      agent: agentFor(server, options.ca),
      headers: {
        accept: DNS_MESSAGE_TYPE,
        ...(server.method === 'POST' ? { 'content-type': DNS_MESSAGE_TYPE, 'content-length': String(query.length) } : {}),
      },
    });
    const timer = setTimeout(() => {
      request.destroy();
      finish(undefined);
    }, options.timeoutMs);
    request.on('error', () => finish(undefined));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const type = String(response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (status < 200 || status > 299 || type !== DNS_MESSAGE_TYPE) {
        response.resume();
        finish('http-error');
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_MESSAGE) {
          request.destroy();
          finish('http-error');
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => finish(Buffer.concat(chunks)));
      response.on('error', () => finish(undefined));
    });
    if (server.method === 'POST') request.end(query);
    else request.end();
  });
}

/** Asks a DoH server one question; the same result shape as the UDP/TCP transport. */
export async function dohExchange(server: DohServer, name: string, type: number, options: DohExchangeOptions): Promise<ExchangeResult> {
  const query = encodeQuery({ id: 0, name, type, edns: true, dnssecOk: options.dnssecOk });
  const run = () => post(server, query, options);
  const body = await (options.limiter ? options.limiter.run(run) : run());
  if (body === undefined) return { kind: 'timeout', tcp: false };
  if (body === 'http-error') return { kind: 'reply', message: httpFailure(), tcp: false };
  let message: WireMessage;
  try {
    message = decodeMessage(body);
  } catch {
    return { kind: 'reply', message: httpFailure(), tcp: false };
  }
  const question = message.questions[0];
  // RFC 5452 §9.1 (as for UDP): only a response to this very question counts.
  const matches =
    message.qr === 1 &&
    message.id === 0 &&
    message.questions.length === 1 &&
    question !== undefined &&
    question.name === canonicalName(name) &&
    question.type === type;
  if (!matches) return { kind: 'reply', message: httpFailure(), tcp: false };
  return { kind: 'reply', message, tcp: false };
}
