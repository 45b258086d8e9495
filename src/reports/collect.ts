/**
 * Reading every input into running totals: duplicates (the same report
 * delivered twice) are counted once, --domain, --since and --until are
 * applied, errors are kept per file.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_LIMITS, readInputs, type InputLimits } from './inputs.js';
import type { ParsedReport } from './model.js';
import { addAggregate, addFailure, addTlsRpt, createTotals, startAggregate, withinDomain, type Totals } from './totals.js';

export interface ReportFilters {
  domain?: string;
  /** Seconds since the epoch. */
  since?: number;
  until?: number;
}

export interface Collected {
  totals: Totals;
  counts: { read: number; aggregate: number; failure: number; tlsrpt: number; duplicates: number; filtered: number };
  errors: Array<{ file: string; message: string }>;
  /** Inputs that could not be read (all of them, even beyond the error lines kept). */
  failed: number;
}

/** Most error lines kept (the count goes on). */
const MAX_ERRORS = 10_000;

export async function collectReports(paths: readonly string[], filters: ReportFilters, limits: InputLimits = DEFAULT_LIMITS): Promise<Collected> {
  const totals = createTotals();
  const counts = { read: 0, aggregate: 0, failure: 0, tlsrpt: 0, duplicates: 0, filtered: 0 };
  const errors: Collected['errors'] = [];
  let failed = 0;
  // 12 bytes of a hash per report: duplicates are found without keeping the reports.
  const seen = new Set<string>();
  const keepDomain = (domain: string) => filters.domain === undefined || withinDomain(domain, filters.domain);
  const inPeriod = (begin: number, end: number) =>
    (filters.since === undefined || end >= filters.since) && (filters.until === undefined || begin <= filters.until);
  const duplicate = (report: ParsedReport): boolean => {
    if (report.kind === 'failure') return false;
    const id = report.kind === 'aggregate' ? `${report.policy.domain}|${report.begin}` : `${report.begin}`;
    if (report.reportId === '') return false;
    const key = createHash('sha256').update(`${report.kind}|${report.orgName}|${report.reportId}|${id}`).digest('base64').slice(0, 16);
    if (seen.has(key)) return true;
    seen.add(key);
    return false;
  };
  await readInputs(
    paths,
    {
      aggregate(_file, header) {
        counts.read++;
        counts.aggregate++;
        if (duplicate(header)) {
          counts.duplicates++;
          return undefined;
        }
        if (!keepDomain(header.policy.domain) || !inPeriod(header.begin, header.end)) {
          counts.filtered++;
          return undefined;
        }
        return startAggregate(totals, header);
      },
      report(_file, report) {
        counts.read++;
        counts[report.kind === 'aggregate' ? 'aggregate' : report.kind === 'failure' ? 'failure' : 'tlsrpt']++;
        if (duplicate(report)) {
          counts.duplicates++;
          return;
        }
        if (report.kind === 'aggregate') {
          // Aggregate reports come through aggregate() above; kept for a sink that hands over whole reports.
          if (!keepDomain(report.policy.domain) || !inPeriod(report.begin, report.end)) counts.filtered++;
          else addAggregate(totals, report);
        } else if (report.kind === 'failure') {
          const when = report.arrival;
          if (!keepDomain(report.reportedDomain) || (when !== undefined && !inPeriod(when, when))) counts.filtered++;
          else addFailure(totals, report);
        } else if (!inPeriod(report.begin, report.end) || !report.policies.some((policy) => keepDomain(policy.policyDomain))) {
          counts.filtered++;
        } else {
          addTlsRpt(totals, report, keepDomain);
        }
      },
      error(file, message) {
        failed++;
        if (errors.length < MAX_ERRORS) errors.push({ file, message });
      },
    },
    limits,
  );
  return { totals, counts, errors, failed };
}
