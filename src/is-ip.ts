/**
 * `net.isIP` without its start-up cost: Node compiles a large IPv6 pattern the
 * first time it is used (about 30 ms of a one-domain audit), and `isIP` uses
 * it for every text that is not an IPv4 address, domain names included. Here
 * only an IPv6 address with a zone id (`fe80::1%eth0`, which ./ip.ts does not
 * parse) reaches that pattern; the answers are the same as `net.isIP`'s.
 */
import net from 'node:net';
import { parseIpv4, parseIpv6 } from './ip.js';

/** 4 or 6 for an IP address in text form, else 0 (as `net.isIP`). */
export function isIp(text: string): 0 | 4 | 6 {
  // parseIpv4 takes exactly what net.isIPv4 takes: dotted quads without leading zeros.
  if (!text.includes(':')) return parseIpv4(text) ? 4 : 0;
  // RFC 4291 §2.2 text forms, as net.isIPv6 takes them.
  if (parseIpv6(text)) return 6;
  return text.includes('%') ? (net.isIP(text) as 0 | 4 | 6) : 0;
}
