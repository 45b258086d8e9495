/**
 * The domain's MX hosts and their addresses: one shared lookup that feeds the
 * mx, ptr, tls, mta-sts, dane and blocklist checks. RFC 5321 §5.1.
 *
 * Two stages, so a check waits only for what it uses: `getMxList` settles
 * with the MX answer (host names: enough for TLSA, DNSSEC zones, DKIM
 * providers, MTA-STS), `getMxHosts` once every host's A and AAAA are in too
 * (addresses: PTR, blocklists, SMTP probes).
 */
import type { CheckContext } from '../context.js';
import type { DnsAnswer, MxData } from '../dns/types.js';

/** Why a check about receiving mail does not apply to the domain (status skipped). */
export const NO_MAIL_SKIP = {
  /** RFC 7505 §3: a null MX says the domain accepts no mail. */
  nullMx: 'the domain publishes a null MX: it accepts no mail',
  noMx: 'the domain publishes no MX records',
} as const;

export interface MxHost {
  /** Exchange name, lower case, no trailing dot. */
  exchange: string;
  preference: number;
  /** The exchange is written as an IP address literal (invalid: RFC 1035 §3.3.9 wants a domain name, RFC 5321 §2.3.5). */
  ipLiteral: boolean;
  /** The A answer for the exchange. */
  a: DnsAnswer<string>;
  /** The AAAA answer for the exchange. */
  aaaa: DnsAnswer<string>;
  /** CNAME chain met when resolving the exchange (RFC 2181 §10.3 forbids it). */
  cnames: string[];
  /**
   * When the exchange is an alias: the canonical name its CNAME chain ends at
   * (the name the MX record should name instead); null otherwise.
   */
  canonical: string | null;
  /** IPv4 addresses (from A, or the literal). */
  ipv4: string[];
  /** IPv6 addresses (from AAAA, or the literal). */
  ipv6: string[];
}

/** The MX answer, before any host is resolved. */
export interface MxList {
  /** The MX answer itself. */
  answer: DnsAnswer<MxData>;
  /** True for a null MX: the only MX record is "0 ." (RFC 7505 §3). */
  nullMx: boolean;
  /** A null MX published alongside other MX records (RFC 7505 §3 forbids it); `records` then holds the others. */
  nullMxMixed: boolean;
  /** The MX records other than a null MX, without duplicates, ordered by preference then name. */
  records: MxData[];
}

export interface MxLookup {
  /** The MX answer itself. */
  answer: DnsAnswer<MxData>;
  /** True for a null MX: the only MX record is "0 ." (RFC 7505 §3). */
  nullMx: boolean;
  /**
   * True when a null MX ("." exchange) is published alongside other MX
   * records, which RFC 7505 §3 forbids; `hosts` then holds the other records.
   */
  nullMxMixed: boolean;
  /** Hosts ordered by preference (empty for a null MX or no MX). */
  hosts: MxHost[];
}

const IPV4_LITERAL = /^\d{1,3}(\.\d{1,3}){3}$/;

/** MX records of the audited domain, without their addresses; computed once per domain. */
export function getMxList(ctx: CheckContext): Promise<MxList> {
  return ctx.shared('mx-list', async () => {
    const answer = await ctx.dns.query(ctx.domain, 'MX');
    if (answer.status !== 'ok') return { answer, nullMx: false, nullMxMixed: false, records: [] };
    // RFC 7505 §3: a null MX is an MX whose exchange is the root "." (preference 0);
    // a domain that publishes it MUST NOT publish any other MX record.
    const real = answer.records.filter((record) => record.exchange !== '');
    const hasNull = real.length < answer.records.length;
    if (hasNull && real.length === 0) return { answer, nullMx: true, nullMxMixed: false, records: [] };
    const records = uniqueRecords(real).sort((x, y) => x.preference - y.preference || x.exchange.localeCompare(y.exchange));
    return { answer, nullMx: false, nullMxMixed: hasNull, records };
  });
}

/** MX hosts of the audited domain, with addresses; computed once per domain. */
export function getMxHosts(ctx: CheckContext): Promise<MxLookup> {
  return ctx.shared('mx-hosts', async () => {
    const { answer, nullMx, nullMxMixed, records } = await getMxList(ctx);
    const hosts = await Promise.all(records.map((record) => resolveHost(ctx, record)));
    return { answer, nullMx, nullMxMixed, hosts };
  });
}

function uniqueRecords(records: MxData[]): MxData[] {
  const seen = new Set<string>();
  return records.filter((record) => {
    const key = `${record.preference} ${record.exchange}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function resolveHost(ctx: CheckContext, record: MxData): Promise<MxHost> {
  const exchange = record.exchange;
  const v4Literal = IPV4_LITERAL.test(exchange);
  const v6Literal = exchange.includes(':');
  const ipLiteral = v4Literal || v6Literal;
  const [a, aaaa] = await Promise.all([ctx.dns.query(exchange, 'A'), ctx.dns.query(exchange, 'AAAA')]);
  const cnames = chainOf(a).length > 0 ? chainOf(a) : chainOf(aaaa);
  const canonical = cnames.length > 0 ? (cnames[cnames.length - 1] ?? null) : null;
  const ipv4 = a.status === 'ok' ? a.records : v4Literal ? [exchange] : [];
  const ipv6 = aaaa.status === 'ok' ? aaaa.records : v6Literal ? [exchange] : [];
  return { exchange, preference: record.preference, ipLiteral, a, aaaa, cnames, canonical, ipv4, ipv6 };
}

function chainOf(answer: DnsAnswer<string>): string[] {
  return answer.status === 'ok' || answer.status === 'nodata' || answer.status === 'nxdomain' ? answer.cnames : [];
}
