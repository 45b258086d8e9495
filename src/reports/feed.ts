/**
 * `mailcheck <domain> --reports <path>`: what the reports tell the domain
 * audit. The DKIM selectors that signed for the audited domain (d= equal to
 * it, RFC 6376 §3.6.2.1: the key lives at <selector>._domainkey.<d>) are
 * probed, no guessing; the IPs of its legitimate sources (forwarders aside,
 * most mail first) are evaluated as --ip evaluates them.
 */
import { collectReports } from './collect.js';
import { buildSources } from './sources.js';

/** Sending IPs handed to the audit at most: each costs reverse DNS, SPF and blocklist queries. */
export const MAX_FEED_IPS = 20;

export interface ReportsFeed {
  selectors: string[];
  ips: string[];
  read: number;
  failed: number;
}

export async function reportsFeed(paths: readonly string[], domains: readonly string[]): Promise<ReportsFeed> {
  const wanted = new Set(domains);
  const collected = await collectReports(paths, {});
  const selectors = new Set<string>();
  const ips: Array<{ ip: string; messages: number }> = [];
  for (const totals of collected.totals.domains.values()) {
    for (const key of totals.selectors.keys()) {
      const [domain, selector] = key.split('|') as [string, string];
      if (wanted.has(domain)) selectors.add(selector);
    }
    if (!wanted.has(totals.domain)) continue;
    for (const source of await buildSources(totals.sources, undefined)) {
      if (source.legitimate && source.verdict !== 'forwarder') ips.push({ ip: source.ip, messages: source.messages });
    }
  }
  const top = [...new Map(ips.sort((a, b) => b.messages - a.messages).map((entry) => [entry.ip, entry])).keys()].slice(0, MAX_FEED_IPS);
  return { selectors: [...selectors].sort(), ips: top, read: collected.counts.read, failed: collected.failed };
}
