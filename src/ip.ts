/**
 * IP addresses as data, for every part of mailcheck that reads or writes one:
 * parsing IPv4 and IPv6 text (RFC 4291 §2.2, with `::` and a dotted-quad
 * tail), the canonical text form (dotted quad; RFC 5952 §4 for IPv6),
 * IPv4-mapped addresses, reverse-lookup names (RFC 1035 §3.5, RFC 3596 §2.5)
 * and CIDR containment. Pure functions; no node:net.
 */

/** A parsed address: 4 octets (IPv4) or 16 (IPv6), network byte order. */
export interface IpAddress {
  version: 4 | 6;
  bytes: Uint8Array;
}

/** A network: an address and a prefix length in bits. */
export interface IpNetwork extends IpAddress {
  prefix: number;
}

export interface ParseIpOptions {
  /**
   * Accept zero-padded IPv4 octets (`010`, read as decimal). Off by default:
   * RFC 7208 §12 (qnum) and RFC 3986 §3.2.2 (dec-octet) allow no leading zeros.
   */
  leadingZeros?: boolean;
}

// RFC 7208 §12: qnum = DIGIT / %x31-39 DIGIT / "1" 2DIGIT / "2" %x30-34 DIGIT / "25" %x30-35
const QNUM = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])';
const IPV4_STRICT = new RegExp(`^${QNUM}\\.${QNUM}\\.${QNUM}\\.${QNUM}$`);
const IPV4_PADDED = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** Parses a dotted-quad IPv4 address; null when the text is not one. */
export function parseIpv4(text: string, options: ParseIpOptions = {}): IpAddress | null {
  if (!(options.leadingZeros ? IPV4_PADDED : IPV4_STRICT).test(text)) return null;
  const bytes = text.split('.').map(Number);
  if (bytes.some((byte) => byte > 255)) return null;
  return { version: 4, bytes: Uint8Array.from(bytes) };
}

/**
 * Parses an IPv6 address in any RFC 4291 §2.2 text form: eight groups, `::`
 * for one run of zero groups, and the last 32 bits optionally as a dotted quad
 * (form 3). Hex digits in either case. Zone ids (`%eth0`) are not accepted.
 */
export function parseIpv6(text: string, options: ParseIpOptions = {}): IpAddress | null {
  // The longest text form: six full groups and a dotted quad.
  if (text.length === 0 || text.length > 45) return null;
  let head = text;
  let ipv4Tail: Uint8Array | null = null;
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return null;
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(text.slice(lastColon + 1), options);
    if (!v4) return null;
    ipv4Tail = v4.bytes;
    // Keep "::" before the dotted quad ("::1.2.3.4" → "::"), drop a single ":" ("a::b:1.2.3.4" → "a::b").
    head = text.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const groupsWanted = ipv4Tail ? 6 : 8;
  const doubleColon = head.indexOf('::');
  if (doubleColon !== head.lastIndexOf('::')) return null;
  let groups: number[];
  if (doubleColon >= 0) {
    const left = hexGroups(head.slice(0, doubleColon));
    const right = hexGroups(head.slice(doubleColon + 2));
    if (!left || !right) return null;
    // "::" stands for one or more zero groups (RFC 4291 §2.2 form 2).
    const missing = groupsWanted - left.length - right.length;
    if (missing < 1) return null;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  } else {
    const all = hexGroups(head);
    if (!all || all.length !== groupsWanted) return null;
    groups = all;
  }
  const bytes = new Uint8Array(16);
  groups.forEach((value, index) => {
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  if (ipv4Tail) bytes.set(ipv4Tail, 12);
  return { version: 6, bytes };
}

function hexGroups(part: string): number[] | null {
  if (part === '') return [];
  const values: number[] = [];
  for (const group of part.split(':')) {
    if (!HEX_GROUP.test(group)) return null;
    values.push(parseInt(group, 16));
  }
  return values;
}

/** Parses either family. */
export function parseIp(text: string, options: ParseIpOptions = {}): IpAddress | null {
  return parseIpv4(text, options) ?? parseIpv6(text, options);
}

/** Canonical text: dotted quad for IPv4; RFC 5952 §4 for IPv6 (lower case, no leading zeros, `::` for the longest zero run). */
export function formatIp(address: IpAddress): string {
  // Every A record of every reply passes here: no intermediate array.
  if (address.version === 4) return `${address.bytes[0]}.${address.bytes[1]}.${address.bytes[2]}.${address.bytes[3]}`;
  const groups: number[] = [];
  for (let index = 0; index < 16; index += 2) groups.push((address.bytes[index]! << 8) | address.bytes[index + 1]!);
  // RFC 5952 §4.2.2/§4.2.3: compress the longest run of two or more zero groups, the first one on ties.
  let bestStart = -1;
  let bestLength = 1;
  for (let index = 0; index < 8; ) {
    if (groups[index] !== 0) {
      index++;
      continue;
    }
    let end = index;
    while (end < 8 && groups[end] === 0) end++;
    if (end - index > bestLength) {
      bestStart = index;
      bestLength = end - index;
    }
    index = end;
  }
  // RFC 5952 §4.3: lower case; §4.1: no leading zeros.
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) as its IPv4 address; any other address unchanged. */
export function unmapIpv4(address: IpAddress): IpAddress {
  if (address.version !== 6) return address;
  const b = address.bytes;
  for (let index = 0; index < 10; index++) if (b[index] !== 0) return address;
  if (b[10] !== 0xff || b[11] !== 0xff) return address;
  return { version: 4, bytes: b.slice(12) };
}

/** The address's octets as lower-case hex, two digits each (for IPv6: its 32 nibbles, most significant first). */
export function hexDigits(address: IpAddress): string {
  return Array.from(address.bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The address's labels in reverse-lookup order: the octets reversed for IPv4
 * (RFC 1035 §3.5), the 32 nibbles reversed for IPv6 (RFC 3596 §2.5). DNS
 * blocklists use the same order under their own zone (RFC 5782 §2.1, §2.4).
 */
export function reversedLabels(address: IpAddress): string {
  if (address.version === 4) return Array.from(address.bytes).reverse().join('.');
  return hexDigits(address).split('').reverse().join('.');
}

/** The reverse-mapping name of an address: `d.c.b.a.in-addr.arpa` or 32 nibbles under `ip6.arpa`. */
export function reverseName(address: IpAddress): string {
  return `${reversedLabels(address)}.${address.version === 4 ? 'in-addr' : 'ip6'}.arpa`;
}

/** True when `address` lies in `network` (same family only). */
export function inNetwork(address: IpAddress, network: IpNetwork): boolean {
  if (address.version !== network.version) return false;
  let remaining = network.prefix;
  for (let index = 0; index < address.bytes.length && remaining > 0; index++) {
    const bits = Math.min(8, remaining);
    const mask = (0xff << (8 - bits)) & 0xff;
    if ((address.bytes[index]! & mask) !== (network.bytes[index]! & mask)) return false;
    remaining -= bits;
  }
  return true;
}

/** An address with its canonical text (formatIp), for code that keys, shows or compares addresses as text. */
export interface ParsedIp extends IpAddress {
  /** Canonical text: dotted quad for IPv4, RFC 5952 for IPv6. */
  text: string;
}

/** The address with its canonical text. */
export function withText(address: IpAddress): ParsedIp {
  return { version: address.version, bytes: address.bytes, text: formatIp(address) };
}
