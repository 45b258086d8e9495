/**
 * The process exit code, computed from the reports alone (pure; rendering
 * plays no part). Documented in the README's exit-codes section.
 */
import type { BouncesResult } from './bounces/schema.js';
import type { ListSummary } from './list/schema.js';
import type { MessageResult } from './message/schema.js';
import type { ReportsResult } from './reports/schema.js';
import type { CheckStatus, Report, ReportDiff } from './schema/report.js';
import { atOrAbove, severityRank, type FailOn } from './severity.js';
import type { SpfResult } from './spf/evaluation-state.js';

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

export interface Thresholds {
  /** Lowest severity that fails the run; 'none' never fails on findings. */
  failOn: FailOn;
  /** Scores below this fail the run (0–100); undefined or 0 disables it. */
  minScore?: number;
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
  if (thresholds.minScore !== undefined && report.score.value < thresholds.minScore && report.score.verified) {
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

/**
 * What makes a diff a regression (--fail-on-regression): a new finding at or
 * above `failOn`, an unchanged finding whose severity rose to at or above it,
 * or a lower score than in the baseline. A domain missing from the baseline is
 * not a regression (its findings still count against --fail-on as usual).
 */
export function regressions(diff: ReportDiff, failOn: FailOn): string[] {
  if (diff.baseline === null) return [];
  const reasons: string[] = [];
  for (const finding of diff.new) {
    if (atOrAbove(finding.severity, failOn)) reasons.push(`new ${finding.severity} finding ${finding.id}`);
  }
  for (const finding of diff.unchanged) {
    if (
      finding.previousSeverity &&
      severityRank(finding.severity) < severityRank(finding.previousSeverity) &&
      atOrAbove(finding.severity, failOn)
    ) {
      reasons.push(`${finding.id} rose from ${finding.previousSeverity} to ${finding.severity}`);
    }
  }
  if (diff.scoreDelta !== null && diff.scoreDelta < 0) {
    reasons.push(`score dropped by ${-diff.scoreDelta} (${diff.baseline.score.value} → ${diff.baseline.score.value + diff.scoreDelta})`);
  }
  return reasons;
}

/** Exit code of one report under the run's rules (regressions replace --fail-on with a baseline). */
export function reportExitCode(report: Report, rules: { failOn: FailOn; minScore?: number; failOnRegression?: boolean }): number {
  const thresholds = { failOn: rules.failOn, ...(rules.minScore !== undefined ? { minScore: rules.minScore } : {}) };
  if (rules.failOnRegression && report.diff) {
    // With a baseline, only regressions fail the run on findings: known findings are accepted.
    // With nothing verified the score is no measure: neither its drop nor --min-score breaches (exit 3).
    const breached =
      regressions(report.diff, rules.failOn).length > 0 ||
      (rules.minScore !== undefined && report.score.value < rules.minScore && report.score.verified);
    if (breached) return EXIT.breached;
    return exitCodeFor([report], { failOn: 'none' });
  }
  return exitCodeFor([report], thresholds);
}

/** Combines per-report exit codes: breached beats incomplete beats ok. */
export function combineExitCodes(a: number, b: number): number {
  if (a === EXIT.breached || b === EXIT.breached) return EXIT.breached;
  if (a === EXIT.incomplete || b === EXIT.incomplete) return EXIT.incomplete;
  return EXIT.ok;
}

/** The exit code of `mailcheck message`: 1 on a message finding at or above --fail-on or a score below --min-score, else 3 when incomplete, else 0. */
export function messageExitCode(result: MessageResult, thresholds: Thresholds): number {
  const breached =
    result.findings.some((finding) => atOrAbove(finding.severity, thresholds.failOn)) ||
    (thresholds.minScore !== undefined && result.score.value < thresholds.minScore);
  // A chosen profile that fails fails the run, as in the domain audit.
  if (breached || (result.profiles ?? []).some((profile) => profile.verdict === 'fail')) return EXIT.breached;
  return result.score.complete ? EXIT.ok : EXIT.incomplete;
}

/** Exit codes of `mailcheck reports`. */
export const REPORTS_EXIT = { ok: 0, usage: 2, someFailed: 3 } as const;

/** `mailcheck reports`: 0 all read; 3 some input failed; 2 nothing could be read. */
export function reportsExitCode(result: ReportsResult): number {
  if (result.reports.read === 0) return REPORTS_EXIT.usage;
  return result.reports.failed > 0 ? REPORTS_EXIT.someFailed : REPORTS_EXIT.ok;
}

/** Exit codes of `mailcheck spf`. */
export const SPF_EXIT = { pass: 0, other: 1, usage: 2, temperror: 3 } as const;

/** `mailcheck spf <domain> --ip`: 0 on pass, 3 on temperror (nothing concluded), 1 on any other result. */
export function spfEvaluationExitCode(result: SpfResult): number {
  return result === 'pass' ? SPF_EXIT.pass : result === 'temperror' ? SPF_EXIT.temperror : SPF_EXIT.other;
}

/** `mailcheck spf <domain>` (the tree): 3 when the check errored, 1 when it failed, else 0. */
export function spfTreeExitCode(status: CheckStatus): number {
  return status === 'error' ? SPF_EXIT.temperror : status === 'fail' ? SPF_EXIT.other : SPF_EXIT.pass;
}

/** Exit codes of `mailcheck list`. */
export const LIST_EXIT = { ok: 0, usage: 2, incomplete: 3 } as const;

/** `mailcheck list`: 3 when a row's domain could not be looked up (a DNS error), else 0. */
export function listExitCode(summary: ListSummary): number {
  return (summary.reasons['dns-error'] ?? 0) > 0 ? LIST_EXIT.incomplete : LIST_EXIT.ok;
}

/** Exit codes of `mailcheck bounces`. */
export const BOUNCES_EXIT = { ok: 0, senderIssues: 1, usage: 2, unreadable: 3 } as const;

/** `mailcheck bounces`: 1 when bounces point at the sender's setup, else 3 when an input was unreadable, else 0. */
export function bouncesExitCode(result: Pick<BouncesResult, 'senders' | 'errors'>): number {
  if (result.senders.length > 0) return BOUNCES_EXIT.senderIssues;
  return result.errors.length > 0 ? BOUNCES_EXIT.unreadable : BOUNCES_EXIT.ok;
}
