/**
 * HTTPS GET for policy files (MTA-STS, RFC 8461 §3.3) and logos: the host is
 * resolved with mailcheck's resolver, the connection goes to that address
 * with SNI and certificate checks against the URL's host name, redirects are
 * returned rather than followed, the body is capped and the whole request
 * has a deadline.
 */
import https from 'node:https';
import tls from 'node:tls';
import { isIp } from '../is-ip.js';
import type { IncomingMessage } from 'node:http';
import type { DnsClient, DnsStatus } from '../dns/types.js';
import { derToPem } from './certificates.js';
import type { HttpsFetchOptions, HttpsResult } from './types.js';

export interface HttpsFetchSettings {
  /** Port used for every URL without an explicit port (443; tests use their own). */
  port: number;
  /** Default timeout, ms. */
  timeoutMs: number;
  /** Trusted roots (undefined: Node's default store). */
  ca?: string[];
}

/** Default body cap: 64 KiB, the size RFC 8461 §3.3 suggests for policies. */
export const DEFAULT_MAX_BYTES = 64 * 1024;

/** Failure outcomes rank above absence: a timeout says nothing about existence. */
const DNS_RANK: Record<DnsStatus, number> = { ok: 0, nodata: 1, nxdomain: 2, refused: 3, servfail: 4, timeout: 5 };

/** Addresses of `host` from mailcheck's resolver, IPv4 first. */
async function resolveHost(dns: DnsClient, host: string): Promise<{ addresses: string[]; worst: DnsStatus; detail: string }> {
  if (isIp(host)) return { addresses: [host], worst: 'ok', detail: '' };
  const [a, aaaa] = await Promise.all([dns.query(host, 'A'), dns.query(host, 'AAAA')]);
  const addresses = [...(a.status === 'ok' ? a.records : []), ...(aaaa.status === 'ok' ? aaaa.records : [])];
  const worst = DNS_RANK[a.status] >= DNS_RANK[aaaa.status] ? a.status : aaaa.status;
  return { addresses, worst, detail: `A: ${a.status}, AAAA: ${aaaa.status}` };
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN']);
const TLS_ERROR = /CERT|SELF_SIGNED|UNABLE_TO|ALTNAME|ERR_SSL|ERR_TLS|EPROTO|SSL/;

function requestOnce(
  url: URL,
  address: string,
  port: number,
  settings: HttpsFetchSettings,
  maxBytes: number,
  timeoutMs: number,
): Promise<HttpsResult> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: HttpsResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    const request = https.request({
      host: address,
      port,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      // SNI and certificate verification use the URL's host name, not the address connected to.
      ...(isIp(hostname) === 0 ? { servername: hostname } : {}),
      headers: { host: url.port ? `${url.hostname}:${url.port}` : url.hostname, 'user-agent': 'mailcheck', accept: 'text/plain, */*' },
      agent: false,
      rejectUnauthorized: true,
      ...(settings.ca ? { ca: settings.ca } : {}),
      // RFC 6125 matching against the URL's host name (RFC 8461 §3.3: valid for the mta-sts host).
      checkServerIdentity: (_name, certificate) => tls.checkServerIdentity(hostname, certificate),
    });
    const timer = setTimeout(() => {
      request.destroy();
      settle({ status: 'timeout', message: `no complete response from ${address} port ${port} within ${timeoutMs} ms` });
    }, timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? '';
      if (CONNECT_ERRORS.has(code)) {
        settle({ status: 'connect-error', message: `${address} port ${port}: ${code}`, code });
      } else if (TLS_ERROR.test(code) || TLS_ERROR.test(error.message)) {
        settle({ status: 'tls-error', message: `${address} port ${port}: ${error.message}`, ...(code ? { code } : {}) });
      } else {
        settle({ status: 'http-error', message: `${address} port ${port}: ${error.message}` });
      }
    });
    request.on('response', (response: IncomingMessage) => {
      const socket = response.socket as tls.TLSSocket;
      const peerCertificates: string[] = [];
      try {
        let current = socket.getPeerCertificate(true);
        const seen = new Set<string>();
        while (current && current.raw && !seen.has(current.fingerprint256)) {
          seen.add(current.fingerprint256);
          peerCertificates.push(derToPem(current.raw));
          current = current.issuerCertificate;
        }
      } catch {
        // The chain is informative only.
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
      }
      const done = () =>
        settle({
          status: 'ok',
          httpStatus: response.statusCode ?? 0,
          headers,
          body: Buffer.concat(chunks).subarray(0, maxBytes),
          truncated,
          address,
          peerCertificates,
        });
      response.on('data', (chunk: Buffer) => {
        if (truncated) return;
        size += chunk.length;
        chunks.push(chunk);
        if (size > maxBytes) {
          truncated = true;
          done();
          request.destroy();
        }
      });
      response.on('end', done);
      response.on('error', (error) => settle({ status: 'http-error', message: `${address} port ${port}: ${error.message}` }));
    });
    request.end();
  });
}

/** GET `url` over HTTPS. Never throws. */
export async function fetchHttps(dns: DnsClient, rawUrl: string, settings: HttpsFetchSettings, options: HttpsFetchOptions = {}): Promise<HttpsResult> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { status: 'http-error', message: `not a URL: ${rawUrl}` };
  }
  if (url.protocol !== 'https:') return { status: 'http-error', message: `not an https URL: ${rawUrl}` };
  const timeoutMs = options.timeoutMs ?? settings.timeoutMs;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const port = url.port ? Number(url.port) : settings.port;
  const hostname = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const { addresses, worst, detail } = await resolveHost(dns, hostname);
  if (addresses.length === 0) {
    return { status: 'dns-error', message: `${hostname} has no address (${detail})`, dnsStatus: worst };
  }
  // Try each address in turn until one connects; any answer (even an HTTP error) ends the search.
  let last: HttpsResult | undefined;
  for (const address of addresses) {
    last = await requestOnce(url, address, port, settings, maxBytes, timeoutMs);
    if (last.status !== 'connect-error') return last;
  }
  return last!;
}
