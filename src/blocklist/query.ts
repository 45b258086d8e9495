/**
 * Asking DNS blocklists (RFC 5782) and reading their answers. Pure mechanics:
 * which name to ask, one A query (plus TXT when listed), and what the answer
 * means for that list. The check decides what to report.
 */
import type { DnsClient, DnsStatus } from '../dns/types.js';
import { reversedLabels, type IpAddress } from '../ip.js';
import { parseIp } from '../lookups/reverse.js';
import { isLoopbackCode, type CodeMeaning } from './codes.js';
import type { BlocklistDefinition } from './lists.js';

/**
 * The outcome of one (list, key) query:
 * - `listed` / `policy-listed`: the key is on the list (a policy list for `policy-listed`);
 * - `not-listed`: NXDOMAIN (or NODATA) from the list;
 * - `refused`: the list answered with one of its error codes: neither listed nor clean;
 * - `unexpected`: an answer outside 127.0.0.0/8 (a resolver rewriting NXDOMAIN), only codes the
 *   list does not document, or a list whose test-negative entry is listed (a sinkhole): not a listing;
 * - `inconclusive`: no usable reply (timeout, SERVFAIL, REFUSED rcode).
 */
export type ListOutcome = 'listed' | 'policy-listed' | 'not-listed' | 'refused' | 'unexpected' | 'inconclusive';

export interface ListAnswer {
  /** The list, as shown in reports. */
  list: string;
  /** The key asked about: an IP address (canonical text) or a domain. */
  key: string;
  /** The DNS name queried (with a DQS key masked). */
  query: string;
  /** The DNS outcome of the A query. */
  dnsStatus: DnsStatus;
  outcome: ListOutcome;
  /** A record values returned. */
  answers: string[];
  /** Meaning of each 127.0.0.0/8 answer, in the list's terms. */
  codes: Array<{ address: string } & CodeMeaning>;
  /** TXT reason published with a listing (asked only when listed). */
  reason?: string;
  /** Why an answer was set aside (unexpected answers). */
  note?: string;
}

/**
 * The name to ask for an IP address: reversed octets for IPv4 (RFC 5782 §2.1),
 * 32 reversed hex nibbles for IPv6 (RFC 5782 §2.4), followed by the zone.
 */
export function ipQueryName(ip: IpAddress, zone: string): string {
  return `${reversedLabels(ip)}.${zone}`;
}

/** The name to ask for a domain: the domain followed by the zone (RFC 5782 §3). */
export function domainQueryName(domain: string, zone: string): string {
  return `${domain}.${zone}`;
}

/**
 * Asks one list about one key: an IP address (canonical text) or a domain.
 * `onListed` hears of a listing as soon as the A answer shows it, before the
 * TXT reason is asked: what depends on a listing need not wait for the reason.
 */
export async function queryList(
  dns: DnsClient,
  list: BlocklistDefinition,
  key: string,
  onListed?: (list: BlocklistDefinition) => void,
): Promise<ListAnswer> {
  let name: string;
  let shown: string;
  const ip = parseIp(key);
  if (ip) {
    if (list.kind === 'domain') throw new Error(`${list.displayZone} is a domain list, not an IP list`);
    name = ipQueryName(ip, list.zone);
    shown = ipQueryName(ip, list.displayZone);
  } else {
    if (list.kind === 'ip') throw new Error(`${list.displayZone} is an IP list, not a domain list`);
    name = domainQueryName(key, list.zone);
    shown = domainQueryName(key, list.displayZone);
  }
  const base = { list: list.displayZone, key, query: shown };
  const answer = await dns.query(name, 'A');
  if (answer.status === 'nxdomain' || answer.status === 'nodata') {
    // RFC 5782 §2.1: a key that is not listed has no A record.
    return { ...base, dnsStatus: answer.status, outcome: 'not-listed', answers: [], codes: [] };
  }
  if (answer.status !== 'ok') {
    return { ...base, dnsStatus: answer.status, outcome: 'inconclusive', answers: [], codes: [] };
  }
  const answers = [...new Set(answer.records)].sort(compareAddresses);
  const inRange = answers.filter(isLoopbackCode);
  const outside = answers.filter((address) => !isLoopbackCode(address));
  if (inRange.length === 0) {
    // RFC 5782 §2.1: listing values are in 127.0.0.0/8. Anything else comes from
    // a resolver that rewrites NXDOMAIN (search pages, ad redirection): not a listing.
    return {
      ...base,
      dnsStatus: 'ok',
      outcome: 'unexpected',
      answers,
      codes: [],
      note: `answer ${outside.join(', ')} is outside 127.0.0.0/8: the resolver probably rewrites NXDOMAIN; not counted as a listing`,
    };
  }
  const codes = inRange.map((address) => ({ address, ...list.interpret(address) }));
  const note = outside.length > 0 ? `answers outside 127.0.0.0/8 ignored: ${outside.join(', ')}` : undefined;
  // An error code makes the whole answer an error, whatever else came with it:
  // a refused query is never a listing.
  let outcome: ListOutcome;
  if (codes.some((code) => code.class === 'refused')) outcome = 'refused';
  else if (codes.some((code) => code.class === 'listing')) outcome = 'listed';
  else if (codes.some((code) => code.class === 'policy')) outcome = 'policy-listed';
  // Only codes the list does not document: unusable, never a listing.
  else outcome = 'unexpected';
  const unknown = codes.filter((code) => code.class === 'unknown').map((code) => code.address);
  const notes = [
    ...(note ? [note] : []),
    ...(unknown.length > 0 ? [`return code ${unknown.join(', ')} is not one ${list.displayZone} documents: not counted as a listing`] : []),
  ];
  const result: ListAnswer = { ...base, dnsStatus: 'ok', outcome, answers, codes };
  if (notes.length > 0) result.note = notes.join('; ');
  if (outcome === 'listed' || outcome === 'policy-listed') {
    onListed?.(list);
    // RFC 5782 §2.1: a TXT record at the same name may give the reason; only worth asking once listed.
    const txt = await dns.query(name, 'TXT');
    if (txt.status === 'ok' && txt.records.length > 0) {
      result.reason = txt.records.map((strings) => strings.join('')).join(' | ');
    }
  }
  return result;
}

function compareAddresses(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i += 1) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return a.localeCompare(b);
}

/**
 * RFC 5782 §5: an IPv4 list MUST NOT list 127.0.0.1 (asked as
 * `1.0.0.127.<zone>`) and a domain list MUST NOT list `invalid`. When the
 * test-negative entry comes back listed, the list's answers cannot be trusted
 * (a resolver answering every name, a sinkhole, a refusing list): returns the
 * name that was listed, else undefined.
 */
export async function listsTestNegative(dns: DnsClient, list: BlocklistDefinition): Promise<string | undefined> {
  const name = list.kind === 'domain' ? `invalid.${list.zone}` : `1.0.0.127.${list.zone}`;
  const answer = await dns.query(name, 'A');
  return answer.status === 'ok' && answer.records.length > 0 ? (list.kind === 'domain' ? `invalid.${list.displayZone}` : `1.0.0.127.${list.displayZone}`) : undefined;
}
