/**
 * mailauth's `resolver` option, backed by mailcheck's resolver.
 *
 * mailauth calls `resolver(name, rrtype)` and expects what Node's
 * `dns.promises.resolve` returns, and Node's error codes on failure. Always
 * pass this adapter: without a resolver, mailauth silently uses the system's
 * DNS, outside `--resolver`, the cache and the query log.
 */
import { isRRType } from './record-types.js';
import type { DnsAnswer, DnsClient, MxData, RecordData, RRType, SoaData } from './types.js';

/** The error codes Node's resolver uses (`dns.NOTFOUND` …), by answer status. */
export const NODE_ERROR_CODES = {
  nxdomain: 'ENOTFOUND',
  nodata: 'ENODATA',
  servfail: 'ESERVFAIL',
  refused: 'EREFUSED',
  // mailauth treats ETIMEOUT (Node's code) as a temporary error; dns2 says ETIMEDOUT, which it does not know.
  timeout: 'ETIMEOUT',
} as const;

/** What Node's `dns.resolve` gives for each type (SOA is one object, not a list). */
export interface NodeResolveShape {
  A: string[];
  AAAA: string[];
  CNAME: string[];
  PTR: string[];
  NS: string[];
  TXT: string[][];
  MX: { exchange: string; priority: number }[];
  SOA: { nsname: string; hostmaster: string; serial: number; refresh: number; retry: number; expire: number; minttl: number };
  TLSA: { certUsage: number; selector: number; match: number; data: ArrayBuffer }[];
  DS: RecordData['DS'][];
  DNSKEY: RecordData['DNSKEY'][];
}

/**
 * mailauth's resolver signature. Its typings declare `Promise<string[][] | string[]>`,
 * but at run time it reads MX objects too; the result is typed loosely so the
 * adapter can be passed to any mailauth function without a cast.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MailauthResolver = (name: string, rrtype: string) => Promise<any>;

/** An Error shaped like Node's DNS errors: `code`, `syscall`, `hostname`. */
export interface NodeDnsError extends Error {
  code: string;
  syscall: string;
  hostname: string;
}

function dnsError(code: string, rrtype: string, hostname: string): NodeDnsError {
  const syscall = `query${rrtype.charAt(0).toUpperCase()}${rrtype.slice(1).toLowerCase()}`;
  return Object.assign(new Error(`${syscall} ${code} ${hostname}`), { code, syscall, hostname });
}

/** Our records of each type in the shape Node's `dns.resolve` gives them. */
const NODE_SHAPES: { readonly [T in RRType]: (records: RecordData[T][]) => NodeResolveShape[T] } = {
  A: (records) => [...records],
  AAAA: (records) => [...records],
  CNAME: (records) => [...records],
  PTR: (records) => [...records],
  NS: (records) => [...records],
  // One string[] per record (Node's shape already).
  TXT: (records) => records.map((strings) => [...strings]),
  MX: (records) => records.map((mx: MxData) => ({ exchange: mx.exchange, priority: mx.preference })),
  SOA: (records) => {
    const soa = records[0] as SoaData;
    return {
      nsname: soa.mname,
      hostmaster: soa.rname,
      serial: soa.serial,
      refresh: soa.refresh,
      retry: soa.retry,
      expire: soa.expire,
      minttl: soa.minimum,
    };
  },
  TLSA: (records) =>
    records.map((tlsa) => {
      const data = Buffer.from(tlsa.data, 'hex');
      return {
        certUsage: tlsa.usage,
        selector: tlsa.selector,
        match: tlsa.matchingType,
        data: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
      };
    }),
  // As decoded.
  DS: (records) => [...records],
  DNSKEY: (records) => [...records],
};

/** Converts one answer to Node's shape, or throws the Node error for its status. */
export function toNodeShape<T extends RRType>(answer: DnsAnswer<RecordData[T]>, type: T, name: string): NodeResolveShape[T] {
  if (answer.status === 'servfail') {
    // mailauth's SPF evaluator knows ETIMEOUT and EREFUSED as temporary, but
    // silently skips an include: whose lookup failed with any other code. RFC 7208
    // §5.2 makes a failed include a temperror, so say so in mailauth's own terms
    // (the `spfResult` it reads from errors), keeping Node's code.
    throw Object.assign(dnsError(NODE_ERROR_CODES.servfail, type, name), {
      spfResult: { error: 'temperror', text: `DNS server failure (SERVFAIL) resolving ${name}` },
    });
  }
  if (answer.status !== 'ok') throw dnsError(NODE_ERROR_CODES[answer.status], type, name);
  const shape = NODE_SHAPES[type] as (records: RecordData[T][]) => NodeResolveShape[T];
  return shape(answer.records);
}

/** Adapts a DnsClient to mailauth's `resolver(name, rrtype)`. */
export function toMailauthResolver(dns: DnsClient): MailauthResolver {
  return async (name: string, rrtype: string = 'A') => {
    const type = rrtype.toUpperCase();
    // Node answers an unknown type with ENOTIMP-like failure; mailauth only asks the supported ones.
    if (!isRRType(type)) throw dnsError('ENOTIMP', type, name);
    let answer: DnsAnswer<RecordData[RRType]>;
    try {
      answer = await dns.query(name, type);
    } catch (error) {
      // A name that cannot be put in a query (Node: EBADNAME).
      const code = (error as { code?: unknown }).code;
      throw dnsError(typeof code === 'string' ? code : 'EBADNAME', type, name);
    }
    return toNodeShape(answer, type, name);
  };
}
