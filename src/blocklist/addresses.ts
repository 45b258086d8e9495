/**
 * Which addresses are worth asking a blocklist about. Public blocklists only
 * list publicly routed addresses: a private, loopback or link-local address is
 * reported as not queried rather than sent out as a meaningless query.
 * Documentation ranges (RFC 5737, RFC 3849) are queried: they are what
 * examples and fixtures use.
 */
import { inNetwork, parseIp, unmapIpv4 as unmapAddress, withText, type IpNetwork, type ParsedIp } from '../ip.js';

interface Range {
  network: IpNetwork;
  label: string;
}

function range(cidr: string, label: string): Range {
  const [address, prefix] = cidr.split('/');
  return { network: { ...parseIp(address!)!, prefix: Number(prefix) }, label };
}

const V4_NOT_QUERIED: Range[] = [
  range('0.0.0.0/8', '"this network" (RFC 791)'),
  range('10.0.0.0/8', 'private (RFC 1918)'),
  range('100.64.0.0/10', 'shared address space (RFC 6598)'),
  range('127.0.0.0/8', 'loopback (RFC 1122)'),
  range('169.254.0.0/16', 'link-local (RFC 3927)'),
  range('172.16.0.0/12', 'private (RFC 1918)'),
  range('192.168.0.0/16', 'private (RFC 1918)'),
  range('224.0.0.0/4', 'multicast (RFC 5771)'),
  range('240.0.0.0/4', 'reserved (RFC 1112)'),
];

const V6_NOT_QUERIED: Range[] = [
  range('::/128', 'unspecified (RFC 4291)'),
  range('::1/128', 'loopback (RFC 4291)'),
  range('fc00::/7', 'unique local (RFC 4193)'),
  range('fe80::/10', 'link-local (RFC 4291)'),
  range('ff00::/8', 'multicast (RFC 4291)'),
];

/** Why an address is not sent to public blocklists, or null when it is. */
export function notQueriedReason(ip: ParsedIp): string | null {
  const ranges = ip.version === 4 ? V4_NOT_QUERIED : V6_NOT_QUERIED;
  const hit = ranges.find((candidate) => inNetwork(ip, candidate.network));
  return hit ? `${hit.label} address` : null;
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) as its IPv4 address; others unchanged. */
export function unmapIpv4(ip: ParsedIp): ParsedIp {
  const plain = unmapAddress(ip);
  return plain === ip ? ip : withText(plain);
}
