/** A resolver that does not answer: one line on stderr naming the resolver, not the domain. */
import type { DnsClient, QueryLogEntry } from '../dns/types.js';

/** Counts the queries that went on the wire and how they ended. */
export interface DnsHealth {
  record(entry: QueryLogEntry): void;
  /**
   * One line for stderr when no query on the wire got an answer (every one
   * timed out or was refused) and the servers do not answer a question about
   * a name outside the audit either: the cause is the resolver or the
   * network, not the domain (whose own servers may be the ones not answering).
   */
  notice(dns: DnsClient): Promise<string | undefined>;
}

/** Asked when every query failed: any resolver answers it (NXDOMAIN, RFC 6761 §6.4), no domain's servers are involved. */
export const RESOLVER_PROBE_NAME = 'resolver-check.mailcheck.invalid';

export function trackDnsHealth(): DnsHealth {
  let wire = 0;
  let timeouts = 0;
  let refused = 0;
  return {
    record(entry) {
      // Cache hits and zone-file answers say nothing about the servers.
      if (entry.cached || entry.server === 'override') return;
      wire++;
      if (entry.status === 'timeout') timeouts++;
      else if (entry.status === 'refused') refused++;
    },
    async notice(dns) {
      if (wire === 0 || timeouts + refused < wire) return undefined;
      const probe = await dns.query(RESOLVER_PROBE_NAME, 'A');
      if (probe.status !== 'timeout' && probe.status !== 'refused') return undefined;
      const servers = dns.servers;
      const plural = servers.length > 1;
      const who = servers.length === 0 ? 'the DNS server' : `the DNS server${plural ? 's' : ''} ${servers.join(', ')}`;
      const count = (n: number) => `${n} quer${n === 1 ? 'y' : 'ies'}`;
      const what =
        refused === 0
          ? `did not answer (${count(timeouts)} timed out)`
          : timeouts === 0
            ? `refused every query (${count(refused)}): ${plural ? 'they do' : 'it does'} not resolve names for this host`
            : `did not answer (${count(timeouts)} timed out, ${refused} refused)`;
      return `mailcheck: ${who} ${what}. Check --resolver, or the network's DNS.\n`;
    },
  };
}
