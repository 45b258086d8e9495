/**
 * IP address helpers for SPF on top of ../ip.ts: networks as `ip4`/`ip6`
 * terms, the macro form of an address (RFC 7208 §7.3) and the reduction of
 * network lists. Parsing follows the `ip4-network` and `ip6-network`
 * productions (RFC 7208 §12: no leading zeros; RFC 4291 §2.2).
 * Pure functions; no node:net.
 */
import { formatIp, hexDigits, inNetwork, type IpAddress, type IpNetwork } from '../ip.js';

export { formatIp, inNetwork, parseIp, parseIpv4, parseIpv6, reverseName, type IpAddress, type IpNetwork } from '../ip.js';
/**
 * RFC 7208 §5 (last paragraph) and §5.6: an IPv4-mapped IPv6 client address
 * (::ffff:a.b.c.d) is treated as the IPv4 address.
 */
export { unmapIpv4 } from '../ip.js';

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

/** `ip4:a.b.c.d[/n]` / `ip6:…[/n]` term for a network (prefix omitted when it is the full length). */
export function networkTerm(network: IpNetwork): string {
  const full = network.version === 4 ? 32 : 128;
  const text = formatIp(network);
  return `ip${network.version}:${text}${network.prefix === full ? '' : `/${network.prefix}`}`;
}

/** Text of a network as `address/prefix`. */
export function formatNetwork(network: IpNetwork): string {
  return `${formatIp(network)}/${network.prefix}`;
}

/**
 * The `i` macro value (RFC 7208 §7.3): dotted quad for IPv4; for IPv6 the
 * 32 nibbles, dot-separated, most significant first.
 */
export function macroIp(address: IpAddress): string {
  if (address.version === 4) return formatIp(address);
  return hexDigits(address).split('').join('.');
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
  return outer.version === inner.version && outer.prefix <= inner.prefix && inNetwork(inner, outer);
}

/**
 * Sorted, de-duplicated networks with every network that lies inside another
 * one removed. O(n log n): in address order (a network before the ones it
 * contains, which start at or after it), a network is either inside the last
 * one kept or after all of them, since two CIDR networks are nested or disjoint.
 */
export function reduceNetworks(networks: readonly IpNetwork[]): IpNetwork[] {
  const sorted = [...networks].sort(compareNetworks);
  const kept: IpNetwork[] = [];
  for (const network of sorted) {
    const last = kept[kept.length - 1];
    if (last && networkContains(last, network)) continue;
    kept.push(network);
  }
  return kept;
}
