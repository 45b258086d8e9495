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

const FAILURE_STATUSES: ReadonlySet<DnsStatus> = new Set(['servfail', 'refused', 'timeout']);

/** At most this many PTR names are resolved forward (RFC 8601 §3 lets verifiers bound the work). */
export const MAX_FORWARD_NAMES = 10;

export interface ParsedIp {
  version: 4 | 6;
  /** Canonical text: dotted quad for IPv4, RFC 5952 compressed lower case for IPv6. */
  text: string;
  /** The address's bytes (4 or 16). */
  bytes: number[];
}

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

/** Parses an IPv4 or IPv6 address; null when the text is neither. Zone ids are not accepted. */
export function parseIp(input: string): ParsedIp | null {
  const text = input.trim().toLowerCase();
  const v4 = parseIpv4(text);
  if (v4) return { version: 4, text: v4.join('.'), bytes: v4 };
  const v6 = parseIpv6(text);
  if (v6) return { version: 6, text: formatIpv6(v6), bytes: v6 };
  return null;
}

function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes.push(value);
  }
  return bytes;
}

function parseIpv6(text: string): number[] | null {
  if (!/^[0-9a-f:.]+$/.test(text) || !text.includes(':')) return null;
  let groupsText = text;
  // RFC 4291 §2.2 form 3: the last 32 bits may be written as a dotted quad;
  // rewrite them as two hex groups.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIpv4(tail);
    if (!v4) return null;
    const high = (((v4[0] ?? 0) << 8) | (v4[1] ?? 0)).toString(16);
    const low = (((v4[2] ?? 0) << 8) | (v4[3] ?? 0)).toString(16);
    groupsText = `${text.slice(0, lastColon + 1)}${high}:${low}`;
  }
  const halves = groupsText.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const groups: number[] = [];
    for (const group of part.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(group)) return null;
      groups.push(parseInt(group, 16));
    }
    return groups;
  };
  const head = parseGroups(halves[0] ?? '');
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!head || !rest) return null;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    if (head.length !== 8) return null;
    groups = head;
  }
  const bytes: number[] = [];
  for (const group of groups) bytes.push(group >> 8, group & 0xff);
  return bytes;
}

/** RFC 5952 §4 text form: lower case, leading zeros dropped, the longest run (≥2) of zero groups as "::". */
function formatIpv6(bytes: number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestLength < 2) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLength).join(':');
  return `${left}::${right}`;
}

/** The 32 hex nibbles of an IPv6 address, most significant first. */
function nibbles(bytes: number[]): string {
  return bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The reverse-mapping name of an address: `d.c.b.a.in-addr.arpa` (RFC 1035 §3.5)
 * or 32 reversed nibbles under `ip6.arpa` (RFC 3596 §2.5).
 */
export function reverseName(ip: ParsedIp | string): string {
  const parsed = typeof ip === 'string' ? parseIp(ip) : ip;
  if (!parsed) throw new Error(`not an IP address: ${String(ip)}`);
  if (parsed.version === 4) return `${[...parsed.bytes].reverse().join('.')}.in-addr.arpa`;
  return `${nibbles(parsed.bytes).split('').reverse().join('.')}.ip6.arpa`;
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
    const octets = ip.bytes.map(String);
    const padded = ip.bytes.map((byte) => String(byte).padStart(3, '0'));
    const forms: string[] = [];
    for (const list of [octets, padded]) {
      for (const order of [list, [...list].reverse()]) {
        for (const separator of ['-', '.', '_']) forms.push(order.join(separator));
      }
    }
    // Without separators only the zero-padded form is unambiguous.
    forms.push(padded.join(''), [...padded].reverse().join(''));
    const hex = ip.bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
    if (containsToken(hostPart, hex)) return true;
    return forms.some((form) => containsDigits(hostPart, form));
  }
  const squashed = hostPart.replace(/[._-]/g, '');
  if (squashed.includes(nibbles(ip.bytes))) return true;
  const dashed = ip.text.replace(/:/g, '-');
  return dashed.length >= 6 && hostPart.includes(dashed);
}

function embedsLastOctets(hostPart: string, bytes: number[]): boolean {
  const [, , c, d] = bytes.map(String);
  const forms = ['-', '.', '_'].flatMap((separator) => [`${c}${separator}${d}`, `${d}${separator}${c}`]);
  return forms.some((form) => containsDigits(hostPart, form));
}

/** `needle` occurs in `haystack` not flanked by further digits. */
function containsDigits(haystack: string, needle: string): boolean {
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(needle, from);
    if (at < 0) return false;
    const before = haystack[at - 1];
    const after = haystack[at + needle.length];
    if (!isDigit(before) && !isDigit(after)) return true;
    from = at + 1;
  }
}

/** `needle` occurs as a whole token (not flanked by letters or digits). */
function containsToken(haystack: string, needle: string): boolean {
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(needle, from);
    if (at < 0) return false;
    const before = haystack[at - 1];
    const after = haystack[at + needle.length];
    if (!isAlnum(before) && !isAlnum(after)) return true;
    from = at + 1;
  }
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

function isAlnum(char: string | undefined): boolean {
  return char !== undefined && /[0-9a-z]/.test(char);
}
