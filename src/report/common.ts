/**
 * Small pure helpers shared by the CI reporters (ndjson, csv, markdown, sarif,
 * junit, html): options, severity ordering, the record a finding concerns,
 * and zone-file lines for fix records (from ./zone.ts, as the text report).
 */
import type { FailOn } from '../baseline.js';
import { SEVERITIES } from '../schema/report-constants.js';
import type { CheckResult, Finding, Report, Severity } from '../schema/report.js';

/** Options every reporter accepts; each uses what it needs. */
export interface FormatOptions {
  /** --fail-on: findings at or above it count as failures (junit, sarif levels, markdown). Default 'high'. */
  failOn?: FailOn;
  /** --min-score, when given. */
  minScore?: number;
  /** Show facts and low-severity detail. */
  verbose?: boolean;
}

export const DEFAULT_FAIL_ON: FailOn = 'high';

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Every finding that counts (not accepted by an ignore rule) with its check, most severe first, then in check order. */
export function findingsOf(report: Report): Array<{ check: CheckResult; finding: Finding }> {
  const list: Array<{ check: CheckResult; finding: Finding; order: number }> = [];
  let order = 0;
  for (const check of report.checks) {
    for (const finding of check.findings) if (!finding.suppressed) list.push({ check, finding, order: order++ });
  }
  list.sort((a, b) => severityRank(a.finding.severity) - severityRank(b.finding.severity) || a.order - b.order);
  return list.map(({ check, finding }) => ({ check, finding }));
}

/** Count of findings that count (not accepted by an ignore rule) per severity. */
export function severityCounts(report: Report): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const { finding } of findingsOf(report)) counts[finding.severity]++;
  return counts;
}

/** The DNS record a finding concerns: its first fix record, else the check's main record. */
export function recordOf(domain: string, check: CheckResult, finding: Finding): { name: string; type: string } {
  const first = finding.fix?.records?.[0];
  if (first) return { name: first.name, type: first.type };
  return check.record ?? { name: domain, type: 'TXT' };
}

/** A fix record as zone-file lines: the text reporter's presentation, shared by every format. */
export { fixRecordLines as zoneLines } from './zone.js';
