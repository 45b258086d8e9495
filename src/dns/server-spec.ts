/**
 * DNS server addresses as the user writes them: `ip`, `ip:port`, `[v6]:port`,
 * `[v6]` or a bare IPv6 address (as `dns.getServers()` returns them). The port
 * defaults to 53 (RFC 1035 §4.2).
 */
import dns from 'node:dns';
import { isIp } from '../is-ip.js';

export interface ServerAddress {
  /** The IP address, without brackets. */
  host: string;
  port: number;
  family: 4 | 6;
  /** Canonical text: `ip:port` or `[v6]:port`. */
  label: string;
}

export const DNS_PORT = 53;

/**
 * Parses one server spec. Throws an Error with a one-line message naming the
 * problem (the CLI turns it into exit code 2). Host names are refused: a
 * resolver's address cannot itself need resolving.
 */
export function parseServerSpec(spec: string): ServerAddress {
  const text = spec.trim();
  if (text === '') throw new Error('invalid DNS server "": expected ip, ip:port or [ipv6]:port');
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
    if (isIp(host) !== 6) throw new Error(`invalid DNS server "${spec}": "${host}" is not an IPv6 address`);
  } else if (isIp(text) === 6) {
    // A bare IPv6 address has no port: `::1:53` is an address, not ::1 port 53.
    host = text;
  } else {
    const colon = text.lastIndexOf(':');
    host = colon === -1 ? text : text.slice(0, colon);
    portText = colon === -1 ? undefined : text.slice(colon + 1);
    if (host.includes(':')) throw new Error(`invalid DNS server "${spec}": write IPv6 addresses with a port as [address]:port`);
    if (isIp(host) !== 4) throw new Error(`invalid DNS server "${spec}": "${host}" is not an IP address`);
  }
  let port = DNS_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new Error(`invalid DNS server "${spec}": port "${portText}" is not a number from 1 to 65535`);
    }
    port = Number(portText);
  }
  const family = isIp(host) === 6 ? 6 : 4;
  return { host, port, family, label: family === 6 ? `[${host}]:${port}` : `${host}:${port}` };
}

/** The servers of the system's resolver configuration (read only; Node's resolver is never used to resolve). */
export function systemServers(): string[] {
  return dns.getServers();
}
