/**
 * The process exit code, computed from the reports alone (pure; rendering
 * plays no part). Documented in the README's exit-codes section.
 */
import type { Report, Severity } from './schema/report.js';

/**
 * Severities, most severe first: the order of SEVERITIES in schema/report.ts
 * (a test keeps them equal). Repeated here so that the CLI's start-up, which
 * needs EXIT, does not load zod.
 */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export const EXIT = {
  /** No finding at or above --fail-on, every score ≥ --min-score, every check concluded. */
  ok: 0,
  /** A threshold was breached: a finding at or above --fail-on, or a score below --min-score. */
  breached: 1,
  /** Usage or input error: nothing was audited. */
  usage: 2,
  /** The audit is incomplete (a check ended in `error`) and no threshold was breached. */
  incomplete: 3,
  /** mailcheck itself failed unexpectedly (a bug); the message says what happened. */
  internal: 4,
} as const;

export type FailOn = Severity | 'none';

export interface Thresholds {
  /** Lowest severity that fails the run; 'none' never fails on findings. */
  failOn: FailOn;
  /** Scores below this fail the run (0–100); undefined or 0 disables it. */
  minScore?: number;
}

/** True when `severity` is at or above `failOn`. */
export function atOrAbove(severity: Severity, failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  return SEVERITY_ORDER.indexOf(severity) <= SEVERITY_ORDER.indexOf(failOn);
}

/**
 * True when no check the deliverability score counts concluded (the resolver
 * did not answer, say, or they were not run): the score then says nothing
 * about the domain and every format shows "—" (score.ts sets `verified`).
 */
export function nothingVerified(report: Report): boolean {
  return !report.score.verified;
}

/** Receiving security: nothing it counts could be verified (errored or skipped), so it is shown as "—". */
export function receivingUnverified(report: Report): boolean {
  return !report.receiving.verified;
}

/** What breached the thresholds in one report (empty when nothing did). */
export function breaches(report: Report, thresholds: Thresholds): string[] {
  const reasons: string[] = [];
  for (const check of report.checks) {
    if (check.status === 'skipped') continue;
    for (const finding of check.findings) {
      // An accepted finding (an ignore rule in force) breaches nothing.
      if (finding.suppressed) continue;
      if (atOrAbove(finding.severity, thresholds.failOn)) reasons.push(finding.id);
    }
  }
  // A profile chosen with --profile (or --parked) whose verdict is fail breaches like a threshold.
  for (const profile of report.profiles ?? []) {
    if (profile.selected && profile.verdict === 'fail') reasons.push(`profile ${profile.id}`);
  }
  // A score of nothing verified is no measure of the domain: the run is incomplete (3), not breached.
  if (thresholds.minScore !== undefined && report.score.value < thresholds.minScore && !nothingVerified(report)) {
    reasons.push(`score ${report.score.value} < ${thresholds.minScore}`);
  }
  return reasons;
}

/**
 * 1 when any report breaches a threshold; else 3 when any check ended in
 * `error`; else 0.
 */
export function exitCodeFor(reports: readonly Report[], thresholds: Thresholds): number {
  if (reports.some((report) => breaches(report, thresholds).length > 0)) return EXIT.breached;
  if (reports.some((report) => report.checks.some((check) => check.status === 'error'))) return EXIT.incomplete;
  return EXIT.ok;
}
