/**
 * mailcheck's resolver: every DNS question of a run goes through here.
 *
 * - Speaks to recursive resolvers over UDP, falling back to TCP on truncation
 *   (./transport.ts), with EDNS0 and the DO bit so the AD flag can be read.
 * - Several servers: a server that times out, answers SERVFAIL or REFUSED
 *   makes us ask the next one; timeouts are retried `retries` times, round by
 *   round over the servers (so one dead server costs one timeout, not all of
 *   its retries, before the next is asked).
 * - Answers are the tagged union of ./types.ts; nothing is collapsed.
 * - One cache per resolver: (name, type) → the promise of the answer, so
 *   concurrent identical questions share one query and no question goes on the
 *   wire twice in a run.
 * - CNAME chains are followed (RFC 1034 §3.6.2, §4.3.2), within the reply and,
 *   when a server gives only part of the chain, by asking for the target.
 * - A query log (name, type, status, ms, server, cached, tcp, startedAt).
 * - `overrides` answers chosen names without the wire (zone-file previews,
 *   replays, seeded answers).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS } from './defaults.js';
import { parseServerSpec, systemServers, type ServerAddress } from './server-spec.js';
import { createLimiter } from '../limiter.js';
import { createAnswerCache } from './answer-cache.js';
import { createTransport, exchange, type EarlyAttempts, type ExchangeResult } from './transport.js';
import { dohExchange, dohServerAddress, isDohSpec, type DohServer } from './doh.js';
import { createPacer, DEFAULT_RATE, isLoopbackHost, type Pacer } from './pacer.js';
import type { DnsAnswer, DnsClient, DnssecRecords, QueryLogEntry, RecordData, RRType } from './types.js';
import { canonicalName, RCODE, TYPE_NUMBER, type WireMessage } from './wire.js';
import { isRRType } from './record-types.js';
import { markTakesListener, type QueryListener } from './query-scope.js';
import { expectUnknownNames } from './unknown-names.js';
import { joinDnssec, signedRecords } from './signed-records.js';

export { parseServerSpec, systemServers, type ServerAddress } from './server-spec.js';

export { DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS } from './defaults.js';
/** Longest CNAME chain followed (more is answered servfail, as recursive resolvers do). */
export const MAX_CNAME_CHAIN = 8;

/**
 * Answers a question without the wire, or `undefined` to ask the servers.
 * Consulted once per (name, type) before any query is sent (the result is
 * cached like a wire answer), also for the targets of CNAME chains. An
 * override may itself call `query` on the same resolver (say, for a CNAME
 * target outside a zone file); a question that comes back to one whose
 * override is still being computed is a loop and is answered servfail.
 */
export type DnsOverride = (
  name: string,
  type: RRType,
) => DnsAnswer<RecordData[RRType]> | undefined | Promise<DnsAnswer<RecordData[RRType]> | undefined>;

export interface ResolverOptions {
  /** Servers as ip, ip:port or [v6]:port (later also https:// URLs); default: the system's resolvers. */
  servers?: string[];
  /** Per-query timeout, ms (each UDP and TCP attempt). */
  timeoutMs?: number;
  /** Retries per server after a timeout. */
  retries?: number;
  /** Answers to use instead of the wire for some names (see {@link DnsOverride}). */
  overrides?: DnsOverride;
  /** Called with each log entry when its query completes (a live `--verbose` transcript). */
  onQuery?: (entry: QueryLogEntry) => void;
  /** At most this many queries in flight at once (large batches); default 256. */
  maxInFlight?: number;
  /** Set the EDNS DO bit (RFC 3225); default true. */
  dnssecOk?: boolean;
  /** Extra trusted CA certificates (PEM) for DNS-over-HTTPS servers, besides the system store. */
  extraCa?: string[];
  /**
   * Keep at most this many answered questions in the cache, least recently
   * used dropped first (./answer-cache.ts); default: no limit. For large
   * batches, where most names belong to one domain and are never asked again.
   */
  cacheLimit?: number;
  /** Keep the query log (default true). False for large batches: `onQuery` still sees every entry, `log` stays empty. */
  keepLog?: boolean;
  /**
   * At most this many queries per second to each server, with back-off on
   * bursts of REFUSED/SERVFAIL (./pacer.ts). 0: no limit. Default: no limit
   * for servers on this machine (127.0.0.0/8, ::1), DEFAULT_RATE for others.
   */
  rate?: number;
  /** First attempts the CLI sent before the resolver was made (src/cli/early-round.ts). */
  early?: EarlyAttempts;
}


/** Thrown (as a rejected promise) for a name that cannot be put in a query. */
export class InvalidNameError extends Error {
  readonly code = 'EBADNAME';
}

/** What one question to the wire (or to the overrides) produced. */
type Hop =
  | { kind: 'final'; answer: DnsAnswer<RecordData[RRType]> }
  /** The reply stopped at a CNAME whose target it did not resolve: ask for the target. */
  | { kind: 'redirect'; cnames: string[]; ttl: number; ad: boolean; dnssec?: DnssecRecords };

interface HopResult {
  hop: Hop;
  server: string;
  ms: number;
  tcp: boolean;
}

type AnyAnswer = DnsAnswer<RecordData[RRType]>;

export function createResolver(options: ResolverOptions = {}): DnsClient {
  // `https://` servers speak DNS over HTTPS (./doh.ts, RFC 8484); the rest UDP/TCP.
  const servers: Array<ServerAddress & { doh?: DohServer }> = (options.servers?.length ? options.servers : systemServers()).map(
    (spec) => (isDohSpec(spec) ? dohServerAddress(spec) : parseServerSpec(spec)),
  );
  if (servers.length === 0) throw new Error('no DNS servers configured on this system: name one with --resolver');
  // Overrides may answer "outside the zone files" (./unknown-names.ts).
  if (options.overrides) expectUnknownNames();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = Math.max(0, options.retries ?? DEFAULT_RETRIES);
  const dnssecOk = options.dnssecOk ?? true;
  const limiter = createLimiter(options.maxInFlight ?? 256);
  // The resolver's own sockets: a few UDP sockets and kept-open TCP connections per server.
  const transport = createTransport();
  const created = performance.now();
  /** One pacer per server that is paced (server label → pacer). */
  const pacers = new Map<string, Pacer>();
  for (const server of servers) {
    const rate = options.rate ?? (isLoopbackHost(server.host) ? 0 : DEFAULT_RATE);
    if (rate > 0) pacers.set(server.label, createPacer(rate));
  }

  /** (name, type) → that question's single-hop result, shared by every asker. */
  const cache = createAnswerCache<HopResult>(options.cacheLimit);
  /** The (name, type) keys whose overrides are being computed in the current async context. */
  const overriding = new AsyncLocalStorage<ReadonlySet<string>>();
  /**
   * Completed queries in order of asking (an entry appears when its query
   * completes, at its asking position), with each entry's asking number.
   */
  const log: QueryLogEntry[] = [];
  const logOrder: number[] = [];
  let asked = 0;
  const publish = (entry: QueryLogEntry, order: number) => {
    if (options.keepLog === false) {
      options.onQuery?.(entry);
      return;
    }
    // Queries mostly complete in the order they were asked: the scan back is short.
    let at = log.length;
    while (at > 0 && logOrder[at - 1]! > order) at--;
    log.splice(at, 0, entry);
    logOrder.splice(at, 0, order);
    options.onQuery?.(entry);
  };

  /** Asks the servers one question: returns the first usable reply, or the last failure. */
  async function ask(name: string, type: RRType): Promise<HopResult> {
    const started = performance.now();
    const failed = new Set<ServerAddress>();
    let last: { status: 'servfail' | 'refused' | 'timeout'; server: string; tcp: boolean } = {
      status: 'timeout',
      server: servers[0]?.label ?? '',
      tcp: false,
    };
    for (let attempt = 0; attempt <= retries && failed.size < servers.length; attempt++) {
      for (const server of servers) {
        if (failed.has(server)) continue;
        const pacer = pacers.get(server.label);
        if (pacer) await pacer.acquire();
        const result: ExchangeResult = server.doh
          ? await dohExchange(server.doh, name, TYPE_NUMBER[type], { timeoutMs, dnssecOk, limiter, ...(options.extraCa ? { ca: options.extraCa } : {}) })
          : await exchange(server, name, TYPE_NUMBER[type], { timeoutMs, dnssecOk, limiter, transport, ...(options.early ? { early: options.early } : {}) });
        if (result.kind === 'timeout') {
          last = { status: 'timeout', server: server.label, tcp: result.tcp };
          continue;
        }
        const { message } = result;
        pacer?.record(message.rcode === RCODE.REFUSED || message.rcode === RCODE.SERVFAIL ? 'refusal' : 'answer');
        if (message.tc && result.tcp) {
          // RFC 7766 §5: over TCP the whole reply fits; one still marked truncated is
          // incomplete, and what it lacks is unknown: a failure, never absence.
          failed.add(server);
          last = { status: 'servfail', server: server.label, tcp: true };
          continue;
        }
        if (message.rcode === RCODE.NOERROR || message.rcode === RCODE.NXDOMAIN) {
          return { hop: readReply(message, name, type), server: server.label, ms: performance.now() - started, tcp: result.tcp };
        }
        // SERVFAIL, REFUSED (and FORMERR, NOTIMP, …: the server could not answer
        // this question) are final for this server: ask the next one.
        failed.add(server);
        last = { status: message.rcode === RCODE.REFUSED ? 'refused' : 'servfail', server: server.label, tcp: result.tcp };
      }
    }
    return { hop: { kind: 'final', answer: { status: last.status } }, server: last.server, ms: performance.now() - started, tcp: last.tcp };
  }

  /** The single-hop result for (name, type): from the cache, the overrides or the wire. */
  function hop(name: string, type: RRType): { result: Promise<HopResult>; cached: boolean } {
    const key = `${name} ${type}`;
    const outer = overriding.getStore();
    if (outer?.has(key)) {
      // An override asked (directly or through a chain) for its own question:
      // waiting for the cached promise would wait for ourselves.
      return { result: Promise.resolve({ hop: { kind: 'final', answer: { status: 'servfail' } }, server: 'override', ms: 0, tcp: false }), cached: false };
    }
    const existing = cache.get(key);
    if (existing) return { result: existing, cached: true };
    const result = (async (): Promise<HopResult> => {
      const override = options.overrides
        ? await overriding.run(new Set([...(outer ?? []), key]), () => options.overrides!(name, type))
        : undefined;
      if (override) return { hop: { kind: 'final', answer: override }, server: 'override', ms: 0, tcp: false };
      return ask(name, type);
    })();
    cache.set(key, result);
    return { result, cached: false };
  }

  /**
   * Resolves (name, type), following CNAMEs the server left unresolved.
   * `seen` holds every name of the chain so far (loop detection).
   */
  async function resolve(name: string, type: RRType, seen: ReadonlySet<string>, listener?: QueryListener): Promise<AnyAnswer> {
    const order = asked++;
    const startedAt = Math.round(performance.now() - created);
    const { result, cached } = hop(name, type);
    const { hop: step, server, ms, tcp } = await result;
    let answer: AnyAnswer;
    if (step.kind === 'final') {
      answer = step.answer;
    } else {
      const target = step.cnames[step.cnames.length - 1]!;
      if (step.cnames.some((cname) => seen.has(cname)) || seen.size + step.cnames.length > MAX_CNAME_CHAIN + 1) {
        // RFC 1034 §3.6.2: CNAME loops are an error; so is a chain longer than we follow.
        answer = { status: 'servfail' };
      } else {
        const rest = await resolve(target, type, new Set([...seen, ...step.cnames]), listener);
        answer = prependChain(step, rest);
      }
    }
    const entry: QueryLogEntry = {
      name,
      type,
      status: answer.status,
      ms: cached ? 0 : Math.round(ms),
      server,
      cached,
      ...(tcp && !cached ? { tcp: true } : {}),
      startedAt,
    };
    publish(entry, order);
    listener?.(entry);
    return answer;
  }

  const client = {
    query<T extends RRType>(name: string, type: T, listener?: QueryListener): Promise<DnsAnswer<RecordData[T]>> {
      let canonical: string;
      try {
        // The guard is for callers outside the type system.
        if (!isRRType(type)) throw new Error(`unsupported DNS record type: ${type}`);
        canonical = checkName(name);
      } catch (error) {
        return Promise.reject(error);
      }
      return resolve(canonical, type, new Set([canonical]), listener) as Promise<DnsAnswer<RecordData[T]>>;
    },
    get log(): readonly QueryLogEntry[] {
      return log;
    },
    servers: servers.map((server) => server.label),
  };
  // Without overrides every entry of a query comes from that query itself,
  // so a listener passed along sees them all (./query-scope.ts).
  return options.overrides ? client : markTakesListener(client);
}

/** Joins the CNAMEs of a redirect hop with the answer for its target. */
function prependChain(step: Extract<Hop, { kind: 'redirect' }>, rest: AnyAnswer): AnyAnswer {
  const dnssec = joinDnssec(step.dnssec, 'dnssec' in rest ? rest.dnssec : undefined);
  switch (rest.status) {
    case 'ok':
      return { ...rest, ttl: Math.min(step.ttl, rest.ttl), ad: step.ad && rest.ad, cnames: [...step.cnames, ...rest.cnames], ...(dnssec ? { dnssec } : {}) };
    case 'nxdomain':
    case 'nodata':
      return { status: rest.status, ad: step.ad && rest.ad, cnames: [...step.cnames, ...rest.cnames], ...(dnssec ? { dnssec } : {}) };
    default:
      return rest;
  }
}

/**
 * Reads a NOERROR/NXDOMAIN reply to (qname, qtype): walks the CNAME chain in
 * the answer section from qname, then takes the records of qtype owned by the
 * chain's last name. Records owned by other names are ignored.
 */
function readReply(message: WireMessage, qname: string, qtype: RRType): Hop {
  const typeNumber = TYPE_NUMBER[qtype];
  const ad = message.ad; // RFC 4035 §3.2.3: AD set by the (trusted) resolver = validated.
  const dnssec = signedRecords(message);
  const signed = dnssec ? { dnssec } : {};
  const cnames: string[] = [];
  let ttl = Infinity;
  let current = qname;
  for (;;) {
    const records = message.answers.filter((record) => record.name === current && record.type === typeNumber);
    if (records.length > 0) {
      for (const record of records) ttl = Math.min(ttl, record.ttl);
      return {
        kind: 'final',
        answer: { status: 'ok', records: records.map((record) => record.data as RecordData[RRType]), ttl, ad, cnames, ...signed },
      };
    }
    if (qtype === 'CNAME') break;
    const alias = message.answers.find((record) => record.name === current && record.type === TYPE_NUMBER.CNAME);
    if (!alias) break;
    const target = alias.data as string;
    // RFC 1034 §3.6.2: a chain that comes back to one of its names is a loop.
    if (target === qname || cnames.includes(target) || cnames.length >= MAX_CNAME_CHAIN) {
      return { kind: 'final', answer: { status: 'servfail' } };
    }
    cnames.push(target);
    ttl = Math.min(ttl, alias.ttl);
    current = target;
  }
  // An answer section holding records, none of them for the name asked (or a
  // name of its chain), answers another question: a broken or spoofed reply
  // says nothing about this name (RFC 1034 §4.3.2 puts only the chain's records there).
  if (message.answers.length > 0 && !message.answers.some((record) => record.name === qname || cnames.includes(record.name))) {
    return { kind: 'final', answer: { status: 'servfail' } };
  }
  // RFC 6604 §3: with a CNAME chain, the RCODE speaks of the chain's last name.
  if (message.rcode === RCODE.NXDOMAIN) return { kind: 'final', answer: { status: 'nxdomain', ad, cnames, ...signed } };
  if (cnames.length === 0) return { kind: 'final', answer: { status: 'nodata', ad, cnames, ...signed } };
  // A chain that ends without records of qtype is either a NODATA at its last
  // name, or a chain the server did not finish (RFC 1034 §4.3.2 step 3: an
  // authoritative server answers with the CNAME alone when the target lies
  // outside its zones, at most with a referral). RFC 2308 §2.2: a NODATA
  // carries the SOA of the zone holding the name in the authority section
  // (an SOA of another zone, say the alias's own, says nothing about the
  // target; a referral carries NS and no SOA); RFC 2308 §2.2.1's "type 3"
  // NODATA, with neither, cannot be told from an unfinished chain.
  const negative = message.authorities.some(
    (record) => record.type === TYPE_NUMBER.SOA && (record.name === '' || current === record.name || current.endsWith(`.${record.name}`)),
  );
  if (negative) return { kind: 'final', answer: { status: 'nodata', ad, cnames, ...signed } };
  // Ask for the target ourselves.
  return { kind: 'redirect', cnames, ttl, ad, ...signed };
}

/** Lower case, no trailing dot; rejects names that cannot be encoded (RFC 1035 §2.3.4). */
function checkName(name: string): string {
  const canonical = canonicalName(name.trim());
  if (canonical === '') return '';
  if (canonical.length > 253) throw new InvalidNameError(`DNS name is longer than 253 characters: ${name}`);
  // A name read from DNS with a dot (or backslash) inside a label comes escaped (`a\.b`, RFC 1035
  // §5.1). It is no host name (RFC 1123 §2.1: letters, digits, hyphens) and asking for it would
  // ask for a different name (`a.b` as two labels): it is unusable, never rewritten.
  if (canonical.includes('\\')) throw new InvalidNameError(`DNS name has a dot or backslash inside a label (shown escaped): ${name}`);
  for (const label of canonical.split('.')) {
    if (label === '') throw new InvalidNameError(`DNS name has an empty label: ${name}`);
    if (label.length > 63) throw new InvalidNameError(`DNS label is longer than 63 characters: ${label}`);
    // Internationalised names must be given as A-labels (RFC 5890 §2.3.2.1).
    // A space is a legal label octet (RFC 2181 §11) and SPF macros can produce one (RFC 7208 §7.3 "%_").
    if (/[^\x20-\x7e]/.test(label)) throw new InvalidNameError(`DNS name is not ASCII (convert it to A-labels): ${name}`);
  }
  return canonical;
}
