/**
 * Forward-confirmed reverse DNS (FCrDNS) for one IP address, shared by every
 * check that needs to know an address's host name (ptr, blocklist, …).
 *
 * The address's PTR records are looked up at its reverse name (RFC 1035 §3.5
 * in-addr.arpa, RFC 3596 §2.5 ip6.arpa nibbles); each PTR name is then resolved
 * forward (A for IPv4, AAAA for IPv6) and the address is "forward-confirmed"
 * when at least one name resolves back to it (RFC 8601 §3 "iprev", the test
 * receivers such as Gmail and Yahoo apply to senders).
 */
import type { CheckContext } from '../context.js';
import { isDnsFailure, type DnsStatus } from '../dns/types.js';
import { hexDigits, parseIp as parseAddress, reverseName as reverseNameOf, withText, type ParsedIp } from '../ip.js';

export type { ParsedIp } from '../ip.js';

const FAILURE_STATUSES: ReadonlySet<DnsStatus> = new Set(['servfail', 'refused', 'timeout']);

/** At most this many PTR names are resolved forward (RFC 8601 §3 lets verifiers bound the work). */
export const MAX_FORWARD_NAMES = 10;

/** One PTR name resolved forward. */
export interface ForwardCheck {
  name: string;
  type: 'A' | 'AAAA';
  status: DnsStatus;
  /** Addresses the name resolves to (canonical text). */
  addresses: string[];
  /** One of the addresses is the IP under test. */
  confirms: boolean;
}

/**
 * confirmed: a PTR name resolves back to the IP; mismatch: PTR names exist
 * but none resolves back; missing: no PTR record (NXDOMAIN or NODATA);
 * inconclusive: a query failed (SERVFAIL, REFUSED, timeout) before anything could be concluded.
 */
export type ReverseOutcome = 'confirmed' | 'mismatch' | 'missing' | 'inconclusive';

export interface ReverseLookup {
  /** The IP, canonical text. */
  ip: string;
  version: 4 | 6;
  /** The name the PTR query asks for (no trailing dot). */
  reverseName: string;
  /** Outcome of the PTR query. */
  ptrStatus: DnsStatus;
  /** PTR names, lower case, no trailing dot. */
  names: string[];
  /** Forward look-ups of the PTR names (at most MAX_FORWARD_NAMES). */
  forward: ForwardCheck[];
  /** PTR names that resolve back to the IP. */
  confirmedNames: string[];
  outcome: ReverseOutcome;
  /** For inconclusive outcomes: which query failed and how. */
  failure?: string;
}

/**
 * Parses an IPv4 or IPv6 address as given by DNS answers or users: white space
 * around it and zero-padded IPv4 octets are accepted; zone ids are not.
 * Null when the text is neither.
 */
export function parseIp(input: string): ParsedIp | null {
  const address = parseAddress(input.trim(), { leadingZeros: true });
  return address ? withText(address) : null;
}

/**
 * The reverse-mapping name of an address: `d.c.b.a.in-addr.arpa` (RFC 1035 §3.5)
 * or 32 reversed nibbles under `ip6.arpa` (RFC 3596 §2.5).
 */
export function reverseName(ip: ParsedIp | string): string {
  const parsed = typeof ip === 'string' ? parseIp(ip) : ip;
  if (!parsed) throw new Error(`not an IP address: ${String(ip)}`);
  return reverseNameOf(parsed);
}

/** True when two address texts denote the same address. */
export function sameIp(a: string, b: string): boolean {
  const x = parseIp(a);
  const y = parseIp(b);
  return x !== null && y !== null && x.text === y.text;
}

/**
 * PTR and forward confirmation for one address; memoized per audit, so the
 * ptr and blocklist checks (or two MX hosts sharing an address) pay once.
 */
export function lookupReverse(ctx: CheckContext, ip: string): Promise<ReverseLookup> {
  const parsed = parseIp(ip);
  if (!parsed) return Promise.reject(new Error(`not an IP address: ${ip}`));
  return ctx.shared(`reverse:${parsed.text}`, () => computeReverse(ctx, parsed));
}

async function computeReverse(ctx: CheckContext, ip: ParsedIp): Promise<ReverseLookup> {
  const name = reverseName(ip);
  // PTR answers reached through a CNAME (RFC 2317 classless delegation) are
  // followed by the resolver, so `records` are the PTR names either way.
  const answer = await ctx.dns.query(name, 'PTR');
  const base = { ip: ip.text, version: ip.version, reverseName: name, ptrStatus: answer.status };
  if (isDnsFailure(answer)) {
    return { ...base, names: [], forward: [], confirmedNames: [], outcome: 'inconclusive', failure: `PTR ${name}: ${answer.status}` };
  }
  const names = answer.status === 'ok' ? unique(answer.records.map(cleanName).filter((n) => n !== '')) : [];
  if (names.length === 0) return { ...base, names, forward: [], confirmedNames: [], outcome: 'missing' };

  const type = ip.version === 4 ? 'A' : 'AAAA';
  const forward = await Promise.all(
    names.slice(0, MAX_FORWARD_NAMES).map(async (ptrName): Promise<ForwardCheck> => {
      const result = await ctx.dns.query(ptrName, type);
      const addresses = result.status === 'ok' ? result.records.map((address) => parseIp(address)?.text ?? address) : [];
      return { name: ptrName, type, status: result.status, addresses, confirms: addresses.includes(ip.text) };
    }),
  );
  const confirmedNames = forward.filter((check) => check.confirms).map((check) => check.name);
  if (confirmedNames.length > 0) return { ...base, names, forward, confirmedNames, outcome: 'confirmed' };
  const failed = forward.filter((check) => FAILURE_STATUSES.has(check.status));
  if (failed.length > 0) {
    const failure = failed.map((check) => `${check.type} ${check.name}: ${check.status}`).join('; ');
    return { ...base, names, forward, confirmedNames, outcome: 'inconclusive', failure };
  }
  return { ...base, names, forward, confirmedNames, outcome: 'mismatch' };
}

function cleanName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/**
 * Keywords that mark a host name as belonging to an access-network address
 * pool rather than a mail server. Matched as whole tokens of the name's host
 * part (split at dots, hyphens, underscores and digit/letter boundaries).
 */
export const GENERIC_PTR_KEYWORDS: readonly string[] = [
  'dynamic', 'dyn', 'dynip', 'dip', 'dsl', 'adsl', 'vdsl', 'xdsl', 'sdsl', 'pool', 'dhcp', 'cable', 'catv',
  'dialup', 'dial', 'ppp', 'pppoe', 'client', 'clients', 'broadband', 'bb', 'cust', 'customer', 'customers',
  'residential', 'resnet', 'unassigned', 'unknown', 'nat', 'ftth', 'fttx', 'fttc', 'modem',
];

/** Keywords that make a name generic only together with some of the address's digits (`static-10-2`, `ip-2-10`). */
export const GENERIC_PTR_WEAK_KEYWORDS: readonly string[] = ['static', 'ip', 'host', 'node', 'addr', 'address', 'srv', 'server', 'vps'];

/**
 * Whether a PTR name looks like a generic name from an address pool, and why.
 *
 * Heuristic (documented in the README): only the host part is examined (the
 * labels left of the last two, which approximate the operator's own domain).
 * The name is generic when
 *  1. the host part embeds the whole address: IPv4 octets in order or
 *     reversed, joined by `-`, `.`, `_` or nothing, with or without zero
 *     padding to three digits, or as 8 hex digits; IPv6 as its 32 nibbles
 *     (separators ignored) or its text form with `:` written as `-`;
 *  2. or it contains a pool keyword token (`dynamic`, `dsl`, `pool`, `dhcp`,
 *     `cable`, `dialup`, `ppp`, `client`, …: GENERIC_PTR_KEYWORDS);
 *  3. or it contains a weak keyword token (`static`, `ip`, `host`, …) and at
 *     least the last two octets of the IPv4 address, in order or reversed.
 * Returns null when none applies.
 */
export function genericPtrReason(name: string, ip: string): string | null {
  const parsed = parseIp(ip);
  const labels = cleanName(name).split('.');
  const hostPart = labels.slice(0, Math.max(0, labels.length - 2)).join('.');
  if (hostPart === '') return null;
  if (parsed && embedsWholeAddress(hostPart, parsed)) return `embeds the address ${parsed.text}`;
  const tokens = hostPart.split(/[._-]+|(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)/).filter((token) => token !== '');
  const keyword = tokens.find((token) => GENERIC_PTR_KEYWORDS.includes(token));
  if (keyword) return `contains the pool keyword "${keyword}"`;
  const weak = tokens.find((token) => GENERIC_PTR_WEAK_KEYWORDS.includes(token));
  if (weak && parsed?.version === 4 && embedsLastOctets(hostPart, parsed.bytes)) {
    return `contains "${weak}" with digits of the address ${parsed.text}`;
  }
  return null;
}

function embedsWholeAddress(hostPart: string, ip: ParsedIp): boolean {
  if (ip.version === 4) {
    const octets = Array.from(ip.bytes, String);
    const padded = octets.map((octet) => octet.padStart(3, '0'));
    const forms: string[] = [];
    for (const list of [octets, padded]) {
      for (const order of [list, [...list].reverse()]) {
        for (const separator of ['-', '.', '_']) forms.push(order.join(separator));
      }
    }
    // Without separators only the zero-padded form is unambiguous.
    forms.push(padded.join(''), [...padded].reverse().join(''));
    if (containsToken(hostPart, hexDigits(ip))) return true;
    return forms.some((form) => containsDigits(hostPart, form));
  }
  const squashed = hostPart.replace(/[._-]/g, '');
  if (squashed.includes(hexDigits(ip))) return true;
  const dashed = ip.text.replace(/:/g, '-');
  return dashed.length >= 6 && hostPart.includes(dashed);
}

function embedsLastOctets(hostPart: string, bytes: Uint8Array): boolean {
  const [, , c, d] = Array.from(bytes, String);
  const forms = ['-', '.', '_'].flatMap((separator) => [`${c}${separator}${d}`, `${d}${separator}${c}`]);
  return forms.some((form) => containsDigits(hostPart, form));
}

/** `needle` occurs in `haystack` not flanked by further digits. */
function containsDigits(haystack: string, needle: string): boolean {
  return containsFlanked(haystack, needle, isDigit);
}

/** `needle` occurs as a whole token (not flanked by letters or digits). */
function containsToken(haystack: string, needle: string): boolean {
  return containsFlanked(haystack, needle, isAlnum);
}

/** `needle` occurs somewhere with no `joins` character right before or after it. */
function containsFlanked(haystack: string, needle: string, joins: (char: string | undefined) => boolean): boolean {
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    if (!joins(haystack[at - 1]) && !joins(haystack[at + needle.length])) return true;
  }
  return false;
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

function isAlnum(char: string | undefined): boolean {
  return char !== undefined && /[0-9a-z]/.test(char);
}
