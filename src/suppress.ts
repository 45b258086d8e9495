/**
 * Ignore rules: a finding the user has accepted (config file `ignore`,
 * `--ignore`) stays in the report, marked `suppressed`, but leaves the score,
 * the thresholds and the ranked fixes. One pure step between the checks and
 * scoring: the scorer, the exit code and the reporters see the marks, nothing
 * else changes. As SARIF keeps suppressed results (§3.35) and ESLint keeps
 * disabled problems, nothing observed is ever dropped from the JSON.
 */
import { statusFromFindings } from './run-check.js';
import type { CheckResult, Finding, Suppression } from './schema/report.js';
import type { IgnoreRule } from './context.js';

// Defined with AuditOptions (src/context.ts), whose `ignore` it types.
export type { IgnoreRule } from './context.js';

/** The ignore rules of `--ignore` ids (on the command line: every domain; on a `--file` line: that line's domain). */
export function ignoreRulesFromIds(ids: readonly string[] | undefined, source: string, domain?: string): IgnoreRule[] {
  return [...new Set(ids ?? [])].map((id) => ({ id, ...(domain !== undefined ? { domain } : {}), reason: 'given to --ignore', source }));
}

/** The UTC day of `now` as `YYYY-MM-DD`: what `until` is compared with. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** A rule is in force through its `until` day (inclusive); an ISO day compares as text. */
function inForce(rule: IgnoreRule, today: string): boolean {
  return rule.until === undefined || today <= rule.until;
}

function mark(rule: IgnoreRule): Suppression {
  return { reason: rule.reason, ...(rule.until !== undefined ? { until: rule.until } : {}), source: rule.source ?? 'ignore option' };
}

/**
 * Marks the findings `rules` accept: `suppressed` when a rule for the
 * finding's id (and this domain, or every domain) is in force on `today`;
 * `ignoreExpired` when only expired rules match (the finding counts again,
 * and the report says so). A check whose status came from its findings gets
 * the status of the findings that still count.
 */
export function applyIgnores(
  checks: readonly CheckResult[],
  domain: string,
  rules: readonly IgnoreRule[],
  today: string,
): CheckResult[] {
  if (rules.length === 0) return [...checks];
  return checks.map((check) => {
    let changed = false;
    const findings = check.findings.map((finding): Finding => {
      const matching = rules.filter((rule) => rule.id === finding.id && (rule.domain === undefined || rule.domain === domain));
      if (matching.length === 0) return finding;
      changed = true;
      const active = matching.find((rule) => inForce(rule, today));
      if (active) return { ...finding, suppressed: mark(active) };
      // The rule that expired last says when the finding started counting again.
      const latest = [...matching].sort((a, b) => (b.until ?? '').localeCompare(a.until ?? ''))[0]!;
      return { ...finding, ignoreExpired: mark(latest) };
    });
    if (!changed) return check;
    const derived = check.status === statusFromFindings(check.findings) && ['pass', 'warn', 'fail'].includes(check.status);
    const status = derived ? statusFromFindings(counted(findings)) : check.status;
    return { ...check, status, findings };
  });
}

/** The findings that count: those no ignore rule in force accepts. */
export function counted(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.suppressed === undefined);
}

/** The checks as the scorer must see them: suppressed findings left out. */
export function countedChecks(checks: readonly CheckResult[]): CheckResult[] {
  return checks.map((check) => (check.findings.some((finding) => finding.suppressed) ? { ...check, findings: counted(check.findings) } : check));
}
