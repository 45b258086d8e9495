/**
 * `mailcheck reports <path...>`: DMARC aggregate reports (RFC 7489 Appendix C,
 * RFC 9990), DMARC failure reports (ARF, RFC 6591) and TLS-RPT reports
 * (RFC 8460) read from files, folders, archives and e-mails, summarised per
 * domain: pass rates, sources, enforcement readiness with the next DMARC
 * record, and TLS-RPT failures mapped to the domain audit's findings.
 *
 * Exit codes: 0 every input was read; 3 some input could not be read;
 * 2 none could (or a usage error).
 */
import { createSharedMemo } from '../context.js';
import type { DnsClient } from '../dns/types.js';
import { getDmarcPolicy, type DmarcPolicy } from '../lookups/dmarc.js';
import { createNetClient } from '../net/client.js';
import { selectSpfRecords } from '../spf/parse.js';
import { collectReports, type ReportFilters } from '../reports/collect.js';
import type { InputLimits } from '../reports/inputs.js';
import { assessReadiness } from '../reports/readiness.js';
import { REPORTS_SCHEMA_VERSION, type DomainResult, type ReportsResult } from '../reports/schema.js';
import { buildSources, createReverseResolver } from '../reports/sources.js';
import { tlsRptResults } from '../reports/tlsrpt.js';
import { topKeys } from '../reports/sources.js';
import type { DomainTotals } from '../reports/totals.js';

export interface ReportsCommandInput {
  paths: readonly string[];
  filters: ReportFilters;
  /** The resolver for reverse DNS and the current DMARC and SPF records; undefined: no DNS at all. */
  dns?: DnsClient;
  limits?: InputLimits;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10000) / 10000);

export async function reportsCommand(input: ReportsCommandInput): Promise<ReportsResult> {
  const collected = await collectReports(input.paths, input.filters, input.limits);
  const reverse = input.dns ? createReverseResolver(input.dns) : undefined;
  const domains: DomainResult[] = [];
  for (const totals of [...collected.totals.domains.values()].sort((a, b) => b.messages - a.messages || a.domain.localeCompare(b.domain))) {
    domains.push(await domainResult(totals, input.dns, reverse));
  }
  const filters: ReportsResult['filters'] = {};
  if (input.filters.domain !== undefined) filters.domain = input.filters.domain;
  if (input.filters.since !== undefined) filters.since = iso(input.filters.since);
  if (input.filters.until !== undefined) filters.until = iso(input.filters.until);
  return {
    schemaVersion: REPORTS_SCHEMA_VERSION,
    reports: { ...collected.counts, failed: collected.failed },
    filters,
    domains,
    tlsrpt: tlsRptResults(collected.totals.tlsrpt.values()),
    errors: collected.errors,
  };
}

async function domainResult(totals: DomainTotals, dns: DnsClient | undefined, reverse: ReturnType<typeof createReverseResolver> | undefined): Promise<DomainResult> {
  const sources = await buildSources(totals.sources, reverse);
  const dmarc = dns ? await currentDmarc(dns, totals.domain) : undefined;
  const spfCache = new Map<string, Promise<string | null | undefined>>();
  const spfRecord = (name: string) => {
    if (!dns) return Promise.resolve(undefined);
    let answer = spfCache.get(name);
    if (!answer) {
      answer = dns.query(name, 'TXT').then((result) => {
        if (result.status === 'ok') return selectSpfRecords(result.records)[0] ?? null;
        return result.status === 'nxdomain' || result.status === 'nodata' ? null : undefined;
      });
      spfCache.set(name, answer);
    }
    return answer;
  };
  const readiness = await assessReadiness({ domain: totals.domain, sources, dmarc, published: totals.policy, spfRecord });
  const policy = totals.policy ? Object.fromEntries(Object.entries(totals.policy).filter(([key]) => key !== 'domain')) : null;
  return {
    domain: totals.domain,
    begin: Number.isFinite(totals.begin) ? iso(totals.begin) : null,
    end: totals.end > 0 ? iso(totals.end) : null,
    reports: totals.reports,
    receivers: topKeys(totals.receivers, 500).map((name) => ({ name, reports: totals.receivers.get(name)! })),
    messages: totals.messages,
    dmarc: { pass: totals.dmarcPass, fail: totals.messages - totals.dmarcPass, passRate: rate(totals.dmarcPass, totals.messages) },
    aligned: {
      spf: totals.spfAligned,
      dkim: totals.dkimAligned,
      spfRate: rate(totals.spfAligned, totals.messages),
      dkimRate: rate(totals.dkimAligned, totals.messages),
    },
    dispositions: { ...totals.dispositions },
    policy,
    failureReports: totals.failureReports,
    selectors: topKeys(totals.selectors, 64)
      .map((key) => {
        const [domain, selector] = key.split('|') as [string, string];
        return { domain, selector };
      })
      .sort((a, b) => a.domain.localeCompare(b.domain) || a.selector.localeCompare(b.selector)),
    sources,
    readiness,
    daily: [...totals.daily]
      .sort((a, b) => a[0] - b[0])
      .map(([day, counts]) => ({ day: iso(day * 86_400).slice(0, 10), ...counts })),
  };
}

/** The DMARC policy from DNS (RFC 9989 tree walk, as the dmarc check finds it); undefined when DNS did not answer. */
async function currentDmarc(dns: DnsClient, domain: string): Promise<DmarcPolicy | undefined> {
  const ctx = { domain, options: { offline: true }, dns, net: createNetClient(dns, { offline: true }), shared: createSharedMemo() };
  const policy = await getDmarcPolicy(ctx).catch(() => undefined);
  return policy && !policy.inconclusive ? policy : undefined;
}
