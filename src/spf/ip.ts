/**
 * IP address helpers for SPF: strict parsing of the `ip4-network` and
 * `ip6-network` productions (RFC 7208 §12, RFC 4291 §2.2), CIDR matching,
 * the macro forms of an address (RFC 7208 §7.3) and reverse names.
 * Pure functions; no node:net.
 */

/** A parsed address: 4 or 16 octets. */
export interface IpAddress {
  version: 4 | 6;
  bytes: Uint8Array;
}

/** One network: an address and a prefix length. */
export interface IpNetwork {
  version: 4 | 6;
  bytes: Uint8Array;
  prefix: number;
}

// RFC 7208 §12: qnum = DIGIT / %x31-39 DIGIT / "1" 2DIGIT / "2" %x30-34 DIGIT / "25" %x30-35
const QNUM = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])';
const IPV4_STRICT = new RegExp(`^${QNUM}\\.${QNUM}\\.${QNUM}\\.${QNUM}$`);

/** Parses a dotted-quad IPv4 address exactly as `ip4-network` (no leading zeros). */
export function parseIpv4(text: string): IpAddress | null {
  if (!IPV4_STRICT.test(text)) return null;
  return { version: 4, bytes: Uint8Array.from(text.split('.').map(Number)) };
}

/** Parses an IPv6 address in any RFC 4291 §2.2 text form (incl. `::` and an embedded IPv4 tail). */
export function parseIpv6(text: string): IpAddress | null {
  if (text.length === 0 || text.length > 45) return null;
  let head = text;
  let ipv4Tail: Uint8Array | null = null;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (!v4) return null;
    ipv4Tail = v4.bytes;
    // Keep the colon(s) before the IPv4 part: "::1.2.3.4" → head "::", "a::b:1.2.3.4" → "a::b:".
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const groupsWanted = ipv4Tail ? 6 : 8;
  const doubleColon = head.indexOf('::');
  if (doubleColon !== head.lastIndexOf('::')) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const groups = part.split(':');
    const values: number[] = [];
    for (const group of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
      values.push(parseInt(group, 16));
    }
    return values;
  };
  let groups: number[];
  if (doubleColon >= 0) {
    const left = parseGroups(head.slice(0, doubleColon));
    const right = parseGroups(head.slice(doubleColon + 2));
    if (!left || !right) return null;
    const missing = groupsWanted - left.length - right.length;
    if (missing < 1) return null;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  } else {
    const all = parseGroups(head);
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

/** Parses either family. */
export function parseIp(text: string): IpAddress | null {
  return parseIpv4(text) ?? parseIpv6(text);
}

/**
 * RFC 7208 §5 (last paragraph) and §5.6: an IPv4-mapped IPv6 client address
 * (::ffff:a.b.c.d) is treated as the IPv4 address.
 */
export function unmapIpv4(address: IpAddress): IpAddress {
  if (address.version !== 6) return address;
  const b = address.bytes;
  for (let index = 0; index < 10; index++) if (b[index] !== 0) return address;
  if (b[10] !== 0xff || b[11] !== 0xff) return address;
  return { version: 4, bytes: b.slice(12) };
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

/** The network of `address` with `prefix` bits (host bits cleared). */
export function networkOf(address: IpAddress, prefix: number): IpNetwork {
  const bytes = new Uint8Array(address.bytes);
  let remaining = prefix;
  for (let index = 0; index < bytes.length; index++) {
    const bits = Math.max(0, Math.min(8, remaining));
    const mask = bits === 0 ? 0 : (0xff << (8 - bits)) & 0xff;
    bytes[index] = bytes[index]! & mask;
    remaining -= 8;
  }
  return { version: address.version, bytes, prefix };
}

/** Dotted quad / RFC 5952 compressed lower-case text of an address. */
export function formatIp(address: IpAddress): string {
  if (address.version === 4) return Array.from(address.bytes).join('.');
  const groups: number[] = [];
  for (let index = 0; index < 16; index += 2) groups.push((address.bytes[index]! << 8) | address.bytes[index + 1]!);
  // RFC 5952 §4.2: compress the longest run (≥ 2) of zero groups, the first one on ties.
  let bestStart = -1;
  let bestLength = 0;
  for (let index = 0; index < 8; ) {
    if (groups[index] !== 0) {
      index++;
      continue;
    }
    let end = index;
    while (end < 8 && groups[end] === 0) end++;
    if (end - index > bestLength && end - index >= 2) {
      bestStart = index;
      bestLength = end - index;
    }
    index = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLength).join(':');
  return `${left}::${right}`;
}

/** `ip4:a.b.c.d[/n]` / `ip6:…[/n]` term for a network (prefix omitted when it is the full length). */
export function networkTerm(network: IpNetwork): string {
  const full = network.version === 4 ? 32 : 128;
  const text = formatIp({ version: network.version, bytes: network.bytes });
  return `ip${network.version}:${text}${network.prefix === full ? '' : `/${network.prefix}`}`;
}

/** Text of a network as `address/prefix`. */
export function formatNetwork(network: IpNetwork): string {
  return `${formatIp({ version: network.version, bytes: network.bytes })}/${network.prefix}`;
}

/**
 * The `i` macro value (RFC 7208 §7.3): dotted quad for IPv4; for IPv6 the
 * 32 nibbles, dot-separated, most significant first.
 */
export function macroIp(address: IpAddress): string {
  if (address.version === 4) return formatIp(address);
  const nibbles: string[] = [];
  for (const byte of address.bytes) nibbles.push((byte >> 4).toString(16), (byte & 0xf).toString(16));
  return nibbles.join('.');
}

/** The reverse-lookup name (in-addr.arpa / ip6.arpa) of an address. */
export function reverseName(address: IpAddress): string {
  const forward = macroIp(address).split('.');
  return `${forward.reverse().join('.')}.${address.version === 4 ? 'in-addr' : 'ip6'}.arpa`;
}

/** Numeric comparison of two networks (family, then address, then prefix). */
export function compareNetworks(a: IpNetwork, b: IpNetwork): number {
  if (a.version !== b.version) return a.version - b.version;
  for (let index = 0; index < a.bytes.length; index++) {
    const diff = a.bytes[index]! - b.bytes[index]!;
    if (diff !== 0) return diff;
  }
  return a.prefix - b.prefix;
}

/** True when `inner` is entirely inside `outer`. */
export function networkContains(outer: IpNetwork, inner: IpNetwork): boolean {
  return outer.version === inner.version && outer.prefix <= inner.prefix && inNetwork({ version: inner.version, bytes: inner.bytes }, outer);
}

/**
 * Sorted, de-duplicated networks with every network that lies inside another
 * one removed.
 */
export function reduceNetworks(networks: readonly IpNetwork[]): IpNetwork[] {
  const sorted = [...networks].sort((a, b) => a.prefix - b.prefix || compareNetworks(a, b));
  const kept: IpNetwork[] = [];
  for (const network of sorted) {
    if (kept.some((outer) => networkContains(outer, network))) continue;
    kept.push(network);
  }
  return kept.sort(compareNetworks);
}
