/**
 * Severities and the --fail-on threshold: the one place that knows their
 * order. Free of zod, so the CLI's start-up can read them without building the
 * Report schema (which takes its severity enum from here).
 */

/** Severities ordered from most to least severe. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

/** How much a finding hurts deliverability or security. */
export type Severity = (typeof SEVERITIES)[number];

/** A threshold as given to --fail-on: the lowest severity that fails the run, or 'none'. */
export type FailOn = Severity | 'none';

/** Every value --fail-on accepts, most severe first. */
export const FAIL_ON_VALUES: readonly FailOn[] = [...SEVERITIES, 'none'];

/** --fail-on when it is not given. */
export const DEFAULT_FAIL_ON: FailOn = 'high';

/** 0 for the most severe, increasing towards 'info'. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Sort comparator: most severe first. */
export function bySeverity(a: { severity: Severity }, b: { severity: Severity }): number {
  return severityRank(a.severity) - severityRank(b.severity);
}

/** True when `severity` is at or above `failOn` (never for 'none'). */
export function atOrAbove(severity: Severity, failOn: FailOn): boolean {
  if (failOn === 'none') return false;
  return severityRank(severity) <= severityRank(failOn);
}
