/**
 * Running totals: every report is folded in as soon as it is read and then
 * dropped, so memory grows with the number of domains and distinct sending
 * IPs, not with the number of reports.
 */
import type { AggregateRecord, AggregateReport, FailureReport, PublishedPolicy, TlsRptReport } from './model.js';

/** Keys with counts, in first-seen order. */
export type CountList = Array<[string, number]>;

/** What one sending IP did for one domain over the period. */
export interface SourceTotals {
  ip: string;
  messages: number;
  /** Messages that passed DMARC (aligned SPF or aligned DKIM, RFC 7489 §3.1, policy_evaluated). */
  dmarcPass: number;
  spfAligned: number;
  dkimAligned: number;
  /** Messages with an SPF or DKIM pass for any domain (aligned or not). */
  spfAuthenticated: number;
  dkimAuthenticated: number;
  /** Messages receivers marked as forwarded (ARC, mailing list, trusted forwarder). */
  forwarded: number;
  failureReports: number;
  /** Domains SPF and DKIM passed for, with message counts (a few kept; small lists, lighter than maps per source). */
  spfDomains: CountList;
  dkimDomains: CountList;
  /** Domains SPF did not pass for (fail, softfail, neutral, none …): the MAIL FROM domains whose record lacks this IP. */
  spfFailedDomains: CountList;
}

export interface DomainTotals {
  domain: string;
  begin: number;
  end: number;
  reports: number;
  messages: number;
  dmarcPass: number;
  spfAligned: number;
  dkimAligned: number;
  dispositions: Record<'none' | 'quarantine' | 'reject', number>;
  receivers: Map<string, number>;
  /** The policy of the latest report (by its end date). */
  policy?: PublishedPolicy;
  policyEnd: number;
  /** DKIM selectors that signed for the domain or its subdomains: `d|selector` → messages. */
  selectors: Map<string, number>;
  failureReports: number;
  sources: Map<string, SourceTotals>;
  /** Messages and DMARC passes per UTC day (the day each report's period begins), for the pass-rate chart. */
  daily: Map<number, { messages: number; pass: number }>;
}

export interface TlsRptTotals {
  domain: string;
  policy: string;
  success: number;
  failure: number;
  failures: Map<string, number>;
  reports: number;
}

export interface Totals {
  domains: Map<string, DomainTotals>;
  tlsrpt: Map<string, TlsRptTotals>;
}

/** Bounds on the small per-source lists (they are labels, not data). */
const MAX_AUTH_DOMAINS = 8;
const MAX_SELECTORS = 64;
const MAX_RECEIVERS = 500;
/** Days kept for the chart (a bit over three years of daily reports). */
const MAX_DAYS = 1200;

export function createTotals(): Totals {
  return { domains: new Map(), tlsrpt: new Map() };
}

/**
 * RFC 7489 §7.2.1.1 / RFC 9990: receivers name the reason for a local
 * override; forwarded mail (a mailing list, a trusted forwarder, or a
 * receiver that trusted an ARC chain, reported as `arc=pass` in the comment)
 * is expected to fail DMARC and is not a source of its own.
 */
export function isForwarded(reasons: ReadonlyArray<{ type: string; comment?: string }>): boolean {
  return reasons.some(
    (reason) => ['forwarded', 'trusted_forwarder', 'mailing_list'].includes(reason.type) || /\barc\s*=\s*pass\b/i.test(reason.comment ?? ''),
  );
}

function domainTotals(totals: Totals, domain: string): DomainTotals {
  let entry = totals.domains.get(domain);
  if (!entry) {
    entry = {
      domain,
      begin: Number.POSITIVE_INFINITY,
      end: 0,
      reports: 0,
      messages: 0,
      dmarcPass: 0,
      spfAligned: 0,
      dkimAligned: 0,
      dispositions: { none: 0, quarantine: 0, reject: 0 },
      receivers: new Map(),
      policyEnd: -1,
      selectors: new Map(),
      failureReports: 0,
      sources: new Map(),
      daily: new Map(),
    };
    totals.domains.set(domain, entry);
  }
  return entry;
}

/** A sending IP before any record of it is counted. */
export function emptySourceTotals(ip: string): SourceTotals {
  return {
    ip,
    messages: 0,
    dmarcPass: 0,
    spfAligned: 0,
    dkimAligned: 0,
    spfAuthenticated: 0,
    dkimAuthenticated: 0,
    forwarded: 0,
    failureReports: 0,
    spfDomains: [],
    dkimDomains: [],
    spfFailedDomains: [],
  };
}

function sourceTotals(domain: DomainTotals, ip: string): SourceTotals {
  let source = domain.sources.get(ip);
  if (!source) {
    source = emptySourceTotals(ip);
    domain.sources.set(ip, source);
  }
  return source;
}

function bumpList(list: CountList, key: string, by: number, max: number): void {
  const entry = list.find((item) => item[0] === key);
  if (entry) entry[1] += by;
  else if (list.length < max) list.push([key, by]);
}

function bump(map: Map<string, number>, key: string, by: number, max: number): void {
  const current = map.get(key);
  if (current !== undefined) map.set(key, current + by);
  else if (map.size < max) map.set(key, by);
}

/** True when `name` is `domain` or a subdomain of it. */
export function withinDomain(name: string, domain: string): boolean {
  return name === domain || name.endsWith(`.${domain}`);
}

export function addAggregate(totals: Totals, report: AggregateReport): void {
  const fold = startAggregate(totals, report);
  for (const record of report.records) fold(record);
}

/** Counts one report (its `records` are not read) and returns the function that folds in its records. */
export function startAggregate(totals: Totals, report: AggregateReport): (record: AggregateRecord) => void {
  const entry = domainTotals(totals, report.policy.domain);
  entry.reports++;
  entry.begin = Math.min(entry.begin, report.begin);
  entry.end = Math.max(entry.end, report.end);
  bump(entry.receivers, report.orgName || '(unnamed receiver)', 1, MAX_RECEIVERS);
  if (report.end >= entry.policyEnd) {
    entry.policy = report.policy;
    entry.policyEnd = report.end;
  }
  const day = Math.floor(report.begin / 86_400);
  let daily = entry.daily.get(day);
  if (!daily && entry.daily.size < MAX_DAYS) {
    daily = { messages: 0, pass: 0 };
    entry.daily.set(day, daily);
  }
  return (record) => {
    const count = record.count;
    if (daily) {
      daily.messages += count;
      if (record.spf === 'pass' || record.dkim === 'pass') daily.pass += count;
    }
    const spfAligned = record.spf === 'pass';
    const dkimAligned = record.dkim === 'pass';
    const pass = spfAligned || dkimAligned;
    entry.messages += count;
    if (pass) entry.dmarcPass += count;
    if (spfAligned) entry.spfAligned += count;
    if (dkimAligned) entry.dkimAligned += count;
    const disposition = record.disposition === 'quarantine' || record.disposition === 'reject' ? record.disposition : 'none';
    entry.dispositions[disposition] += count;
    const source = sourceTotals(entry, record.sourceIp);
    source.messages += count;
    if (pass) source.dmarcPass += count;
    if (spfAligned) source.spfAligned += count;
    if (dkimAligned) source.dkimAligned += count;
    if (isForwarded(record.reasons)) source.forwarded += count;
    const spfPassing = record.spfResults.filter((result) => result.result === 'pass');
    const dkimPassing = record.dkimResults.filter((result) => result.result === 'pass');
    if (spfPassing.length > 0) source.spfAuthenticated += count;
    if (dkimPassing.length > 0) source.dkimAuthenticated += count;
    for (const result of spfPassing) bumpList(source.spfDomains, result.domain, count, MAX_AUTH_DOMAINS);
    for (const result of dkimPassing) bumpList(source.dkimDomains, result.domain, count, MAX_AUTH_DOMAINS);
    for (const result of record.spfResults) {
      if (result.result !== 'pass' && result.domain !== '') bumpList(source.spfFailedDomains, result.domain, count, MAX_AUTH_DOMAINS);
    }
    for (const result of record.dkimResults) {
      // Selectors of the domain's own signatures feed the domain audit (RFC 6376 §3.1).
      if (result.selector && withinDomain(result.domain, report.policy.domain)) {
        bump(entry.selectors, `${result.domain}|${result.selector}`, count, MAX_SELECTORS);
      }
    }
  };
}

export function addFailure(totals: Totals, report: FailureReport): void {
  const entry = domainTotals(totals, report.reportedDomain);
  entry.failureReports++;
  if (report.arrival !== undefined) {
    entry.begin = Math.min(entry.begin, report.arrival);
    entry.end = Math.max(entry.end, report.arrival);
  }
  if (report.sourceIp) sourceTotals(entry, report.sourceIp).failureReports++;
  if (report.dkimDomain && report.dkimSelector && withinDomain(report.dkimDomain, report.reportedDomain)) {
    bump(entry.selectors, `${report.dkimDomain}|${report.dkimSelector}`, 0, MAX_SELECTORS);
  }
}

export function addTlsRpt(totals: Totals, report: TlsRptReport, keep: (domain: string) => boolean): void {
  for (const policy of report.policies) {
    if (!keep(policy.policyDomain)) continue;
    const key = `${policy.policyDomain}|${policy.policyType}`;
    let entry = totals.tlsrpt.get(key);
    if (!entry) {
      entry = { domain: policy.policyDomain, policy: policy.policyType, success: 0, failure: 0, failures: new Map(), reports: 0 };
      totals.tlsrpt.set(key, entry);
    }
    entry.reports++;
    entry.success += policy.success;
    entry.failure += policy.failure;
    for (const failure of policy.failures) bump(entry.failures, failure.resultType, failure.count, 64);
  }
}
