/**
 * Which addresses are worth asking a blocklist about. Public blocklists only
 * list publicly routed addresses: a private, loopback or link-local address is
 * reported as not queried rather than sent out as a meaningless query.
 * Documentation ranges (RFC 5737, RFC 3849) are queried: they are what
 * examples and fixtures use.
 */
import type { ParsedIp } from '../lookups/reverse.js';

interface Range {
  bytes: number[];
  prefix: number;
  label: string;
}

const V4_NOT_QUERIED: Range[] = [
  { bytes: [0, 0, 0, 0], prefix: 8, label: '"this network" (RFC 791)' },
  { bytes: [10, 0, 0, 0], prefix: 8, label: 'private (RFC 1918)' },
  { bytes: [100, 64, 0, 0], prefix: 10, label: 'shared address space (RFC 6598)' },
  { bytes: [127, 0, 0, 0], prefix: 8, label: 'loopback (RFC 1122)' },
  { bytes: [169, 254, 0, 0], prefix: 16, label: 'link-local (RFC 3927)' },
  { bytes: [172, 16, 0, 0], prefix: 12, label: 'private (RFC 1918)' },
  { bytes: [192, 168, 0, 0], prefix: 16, label: 'private (RFC 1918)' },
  { bytes: [224, 0, 0, 0], prefix: 4, label: 'multicast (RFC 5771)' },
  { bytes: [240, 0, 0, 0], prefix: 4, label: 'reserved (RFC 1112)' },
];

const V6_NOT_QUERIED: Range[] = [
  { bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], prefix: 128, label: 'unspecified (RFC 4291)' },
  { bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], prefix: 128, label: 'loopback (RFC 4291)' },
  { bytes: [0xfc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], prefix: 7, label: 'unique local (RFC 4193)' },
  { bytes: [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], prefix: 10, label: 'link-local (RFC 4291)' },
  { bytes: [0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], prefix: 8, label: 'multicast (RFC 4291)' },
];

function inRange(bytes: number[], range: Range): boolean {
  let bits = range.prefix;
  for (let i = 0; bits > 0; i += 1, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((range.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** Why an address is not sent to public blocklists, or null when it is. */
export function notQueriedReason(ip: ParsedIp): string | null {
  const ranges = ip.version === 4 ? V4_NOT_QUERIED : V6_NOT_QUERIED;
  const hit = ranges.find((range) => inRange(ip.bytes, range));
  return hit ? `${hit.label} address` : null;
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) as its IPv4 address; others unchanged. */
export function unmapIpv4(ip: ParsedIp): ParsedIp {
  if (ip.version !== 6) return ip;
  const b = ip.bytes;
  const mapped = b.slice(0, 10).every((byte) => byte === 0) && b[10] === 0xff && b[11] === 0xff;
  if (!mapped) return ip;
  const v4 = b.slice(12);
  return { version: 4, text: v4.join('.'), bytes: v4 };
}
