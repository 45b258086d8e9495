/**
 * The domain's MX hosts and their addresses: one shared lookup that feeds the
 * mx, ptr, tls, mta-sts, dane and blocklist checks. RFC 5321 §5.1.
 */
import type { CheckContext } from '../context.js';
import type { DnsAnswer, MxData } from '../dns/types.js';

export interface MxHost {
  /** Exchange name, lower case, no trailing dot. */
  exchange: string;
  preference: number;
  /** The exchange is written as an IP address literal (invalid, RFC 7505 §3 / RFC 5321 §5.1). */
  ipLiteral: boolean;
  /** The A answer for the exchange. */
  a: DnsAnswer<string>;
  /** The AAAA answer for the exchange. */
  aaaa: DnsAnswer<string>;
  /** CNAME chain met when resolving the exchange (RFC 2181 §10.3 forbids it). */
  cnames: string[];
  /** IPv4 addresses (from A, or the literal). */
  ipv4: string[];
  /** IPv6 addresses. */
  ipv6: string[];
}

export interface MxLookup {
  /** The MX answer itself. */
  answer: DnsAnswer<MxData>;
  /** True for a null MX: a single record "0 ." (RFC 7505 §3). */
  nullMx: boolean;
  /** Hosts ordered by preference (empty for a null MX or no MX). */
  hosts: MxHost[];
}

const IPV4_LITERAL = /^\d{1,3}(\.\d{1,3}){3}$/;

/** MX hosts of the audited domain, with addresses; computed once per domain. */
export function getMxHosts(ctx: CheckContext): Promise<MxLookup> {
  return ctx.shared('mx-hosts', async () => {
    const answer = await ctx.dns.query(ctx.domain, 'MX');
    if (answer.status !== 'ok') return { answer, nullMx: false, hosts: [] };
    // RFC 7505 §3: a null MX is a single MX with preference 0 and exchange ".".
    const nullMx = answer.records.some((record) => record.exchange === '');
    if (nullMx) return { answer, nullMx: true, hosts: [] };
    const sorted = [...answer.records].sort(
      (x, y) => x.preference - y.preference || x.exchange.localeCompare(y.exchange),
    );
    const hosts = await Promise.all(sorted.map((record) => resolveHost(ctx, record)));
    return { answer, nullMx: false, hosts };
  });
}

async function resolveHost(ctx: CheckContext, record: MxData): Promise<MxHost> {
  const exchange = record.exchange;
  const ipLiteral = IPV4_LITERAL.test(exchange) || exchange.includes(':');
  const [a, aaaa] = await Promise.all([ctx.dns.query(exchange, 'A'), ctx.dns.query(exchange, 'AAAA')]);
  const cnames = a.status === 'ok' || a.status === 'nodata' || a.status === 'nxdomain' ? a.cnames : [];
  const ipv4 = a.status === 'ok' ? a.records : ipLiteral && IPV4_LITERAL.test(exchange) ? [exchange] : [];
  const ipv6 = aaaa.status === 'ok' ? aaaa.records : [];
  return { exchange, preference: record.preference, ipLiteral, a, aaaa, cnames, ipv4, ipv6 };
}
