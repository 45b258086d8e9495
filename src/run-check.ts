/**
 * Runs one check in isolation (as Lighthouse's audit runner does): a check
 * that throws or overruns its time budget becomes a result with status
 * `error`; the rest of the report still stands.
 */
import type { CheckContext } from './context.js';
import { makeEmit, type CheckDefinition, type CheckOutcome } from './checks/define.js';
import type { CheckResult, CheckStatus, Finding } from './schema/report.js';
import { collectUnknownNames, describeUnknownNames } from './dns/unknown-names.js';
import { terminalText } from './report/escape.js';

/** Default time budget for one check, ms. */
export const CHECK_TIMEOUT_MS = 60_000;

/** Status from findings: fail on high/critical, warn on medium/low, pass otherwise (info never fails). */
export function statusFromFindings(findings: readonly Finding[]): CheckStatus {
  if (findings.some((finding) => finding.severity === 'critical' || finding.severity === 'high')) return 'fail';
  if (findings.some((finding) => finding.severity === 'medium' || finding.severity === 'low')) return 'warn';
  return 'pass';
}

/** Runs `check` against `ctx`, never throwing. `score` is filled later by score.ts. */
export async function runCheck(
  check: CheckDefinition,
  ctx: CheckContext,
  timeoutMs: number = CHECK_TIMEOUT_MS,
): Promise<CheckResult> {
  const started = performance.now();
  const base = { id: check.id, title: check.title, score: null };
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`check did not finish within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
    });
    const unknown = new Set<string>();
    const ran = await Promise.race([collectUnknownNames(unknown, () => outcomeOf(check, ctx)), timeout]);
    const outcome: CheckOutcome = unknown.size > 0 ? withUnknownNames(ran, unknown) : ran;
    const durationMs = Math.round(performance.now() - started);
    const described = {
      ...base,
      findings: outcome.findings,
      facts: outcome.facts,
      summary: summaryOf(check, outcome.facts),
      record: { name: `${check.record.prefix}${ctx.domain}`, type: check.record.type },
      ...(unknown.size > 0 ? { unknownNames: [...unknown].sort() } : {}),
    };
    if (outcome.skipped !== undefined) return { ...described, status: 'skipped', skipReason: outcome.skipped, durationMs };
    if (outcome.inconclusive !== undefined) return { ...described, status: 'error', error: outcome.inconclusive, durationMs };
    const status = outcome.status ?? statusFromFindings(outcome.findings);
    return { ...described, status, durationMs };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if ((error as { code?: unknown } | null)?.code === 'EBADNAME') {
      // A name from DNS or from input that cannot be put in a query (RFC 1035 §2.3.4
      // lengths; bytes that are not ASCII): what it would answer is unknown.
      return {
        ...base,
        status: 'error',
        findings: [],
        facts: {},
        error: `a name cannot be asked in DNS: ${terminalText(message)}`,
        durationMs: Math.round(performance.now() - started),
      };
    }
    if ((error as { code?: unknown } | null)?.code === 'EWORKBUDGET') {
      // Outside input that would take too long to compute (src/work-budget.ts): inconclusive, not a bug.
      return { ...base, status: 'error', findings: [], facts: {}, error: terminalText(message), durationMs: Math.round(performance.now() - started) };
    }
    return {
      ...base,
      status: 'error',
      findings: [],
      facts: {},
      error: `internal error: ${message}`,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Gather (all I/O) → judge (pure) → propose (the fixes that need more DNS). */
async function outcomeOf(check: CheckDefinition, ctx: CheckContext): Promise<CheckOutcome> {
  const facts = await check.gather(ctx);
  const judgement = check.judge(facts, makeEmit(check));
  const findings = check.propose ? await check.propose(facts, judgement.findings, ctx) : judgement.findings;
  return { ...judgement, findings, facts };
}

/** The text report's key lines; a summariser that trips on odd facts says nothing rather than failing the check. */
function summaryOf(check: CheckDefinition, facts: Record<string, unknown>): string[] {
  try {
    return check.summarise(facts);
  } catch {
    return [];
  }
}

/** A result for a check the user chose not to run. */
export function skippedCheck(check: CheckDefinition, reason: string): CheckResult {
  return { id: check.id, title: check.title, status: 'skipped', score: null, findings: [], facts: {}, skipReason: reason, durationMs: 0 };
}

/**
 * A check that met names of unknown existence (offline, outside the zone
 * files) keeps its own verdict: each check already takes a SERVFAIL for what
 * it is, never for absence. Its result lists those names (`unknownNames`); when it could not
 * conclude, its message names them too, and none of its fixes removes or
 * replaces a record (what the record points to may well exist).
 */
function withUnknownNames(outcome: CheckOutcome, unknown: ReadonlySet<string>): CheckOutcome {
  if (outcome.skipped !== undefined) return outcome;
  if (outcome.inconclusive === undefined) return outcome;
  const findings = outcome.findings.map((finding): Finding => {
    if (!finding.fix || (finding.fix.records ?? []).every((record) => record.action === 'add')) return finding;
    const { fix: _dropped, ...rest } = finding;
    return rest;
  });
  return {
    ...outcome,
    findings,
    inconclusive: `${outcome.inconclusive} (offline, these names are outside the zone files and unknown: ${describeUnknownNames(unknown)})`,
  };
}
