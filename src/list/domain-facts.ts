/**
 * What DNS says about one domain of a list: whether it exists and whether it
 * accepts mail. Asked once per distinct domain (the caller memoizes), through
 * the run's one resolver and its cache. Never connects to a mail server.
 *
 * RFC 5321 §5.1: mail goes to the MX hosts; with no MX record, the domain's own
 * address record is the implicit MX. RFC 7505: a single MX "." (null MX)
 * says the domain accepts no mail at all.
 */
import type { DnsAnswer, DnsClient } from '../dns/types.js';

/** The mail-acceptance state of a domain. */
export type MailState =
  /** MX records naming at least one host. */
  | 'mx'
  /** No MX, but an A or AAAA record: the implicit MX of RFC 5321 §5.1. */
  | 'implicit-mx'
  /** A null MX (RFC 7505 §3): the domain accepts no mail. */
  | 'null-mx'
  /** The domain exists but has neither MX nor an address record. */
  | 'no-mail-host'
  /** NXDOMAIN: the domain does not exist. */
  | 'nxdomain'
  /** DNS did not answer (timeout, SERVFAIL, REFUSED): nothing is known. */
  | 'dns-error';

/** Facts about one domain. */
export interface DomainFacts {
  state: MailState;
  /** MX host names, by preference (empty unless `state` is `mx`). */
  mxHosts: string[];
  /** The failing DNS outcome, for `dns-error`. */
  dnsError?: string;
}

const failed = (answer: DnsAnswer<unknown>): string | undefined =>
  answer.status === 'servfail' || answer.status === 'refused' || answer.status === 'timeout' ? answer.status : undefined;

/** Looks a domain up: MX first; A and AAAA only when there is no MX record. */
export async function lookupDomain(dns: DnsClient, domain: string): Promise<DomainFacts> {
  const mx = await dns.query(domain, 'MX');
  const mxError = failed(mx);
  if (mxError) return { state: 'dns-error', mxHosts: [], dnsError: `MX ${mxError}` };
  if (mx.status === 'nxdomain') return { state: 'nxdomain', mxHosts: [] };
  if (mx.status === 'ok' && mx.records.length > 0) {
    const hosts = [...mx.records].sort((a, b) => a.preference - b.preference).map((record) => record.exchange);
    // RFC 7505 §3: a null MX is one record with exchange "." (and preference 0); with other hosts beside it, it is not one.
    if (hosts.every((host) => host === '')) return { state: 'null-mx', mxHosts: [] };
    return { state: 'mx', mxHosts: hosts.filter((host) => host !== '') };
  }
  // RFC 5321 §5.1: no MX records: the domain itself is the host, if it has an address.
  const [a, aaaa] = await Promise.all([dns.query(domain, 'A'), dns.query(domain, 'AAAA')]);
  if ((a.status === 'ok' && a.records.length > 0) || (aaaa.status === 'ok' && aaaa.records.length > 0)) {
    return { state: 'implicit-mx', mxHosts: [] };
  }
  const addressError = failed(a) ?? failed(aaaa);
  if (addressError) return { state: 'dns-error', mxHosts: [], dnsError: `A/AAAA ${addressError}` };
  if (a.status === 'nxdomain' || aaaa.status === 'nxdomain') return { state: 'nxdomain', mxHosts: [] };
  return { state: 'no-mail-host', mxHosts: [] };
}
