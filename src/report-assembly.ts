/**
 * The Report of one domain from its check results: ignore rules, scoring,
 * profiles, keys in schema order. Shared by the runner (src/run.ts) and by a
 * batch whose audit of a domain could not run at all (a worker that stopped,
 * src/cli/audit-workers.ts), which still owes that domain a report.
 */
import { readFileSync } from 'node:fs';
import type { CheckDefinition } from './checks/define.js';
import { NOT_FOUND_SKIP } from './checks/domain.js';
import type { AuditOptions } from './context.js';
import { parkedAssertion } from './profiles/parked.js';
import { skippedCheck } from './run-check.js';
import { SCHEMA_VERSION } from './schema/report-constants.js';
import type { CheckResult, Report } from './schema/report.js';
import { scoreChecks } from './score.js';
import { applyIgnores, countedChecks, utcDay } from './suppress.js';

let toolInfo: { name: string; version: string } | undefined;

/** Name and version from package.json, read once. */
export function tool(): { name: string; version: string } {
  if (!toolInfo) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      name: string;
      version: string;
    };
    toolInfo = { name: pkg.name, version: pkg.version };
  }
  return toolInfo;
}

/** The checks of a run, each with the reason it does not run (src/run.ts `selectChecks`). */
export type CheckSelection = ReadonlyArray<{ check: CheckDefinition; skipReason?: string }>;

/**
 * Assembles the Report: `existence` is the domain check's result (a finding
 * there means the name does not exist: every check is skipped), `ran` the
 * results of `selection` in its order.
 */
export function assembleReport(
  target: { domain: string; input?: string },
  options: Readonly<AuditOptions>,
  existence: CheckResult,
  ran: CheckResult[],
  selection: CheckSelection,
  dns: Report['dns'],
): Report {
  const missing = existence.findings.length > 0;
  const results: CheckResult[] = missing ? selection.map(({ check }) => skippedCheck(check, NOT_FOUND_SKIP)) : ran;
  if (missing) results.unshift(existence);
  else if (options.parked) results.push(parkedAssertion(target.domain, results));
  const selected = [...(options.profiles ?? []), ...(options.parked && !missing ? ['parked'] : [])];
  // Ignore rules mark findings before scoring; the scorer sees only the findings that count.
  const judged = applyIgnores(results, target.domain, options.ignore ?? [], utcDay(new Date()));
  const scored = scoreChecks(countedChecks(judged), {
    ...(options.ips && options.ips.length > 0 ? { sendingIps: options.ips } : {}),
    selected: [...new Set(selected)],
  });
  // Keys in schema order, so JSON reads the same for every check.
  const checks = scored.checks.map((check, index): CheckResult => ({
    id: check.id,
    title: check.title,
    status: check.status,
    score: check.score,
    // The findings as scored (a parked domain's expected ones lowered to info), then the ignored ones, kept marked.
    findings: [...check.findings, ...judged[index]!.findings.filter((finding) => finding.suppressed !== undefined)],
    facts: check.facts,
    ...(check.summary !== undefined ? { summary: check.summary } : {}),
    ...(check.record !== undefined ? { record: check.record } : {}),
    ...(check.unknownNames !== undefined ? { unknownNames: check.unknownNames } : {}),
    ...(check.error !== undefined ? { error: check.error } : {}),
    ...(check.skipReason !== undefined ? { skipReason: check.skipReason } : {}),
    durationMs: check.durationMs,
  }));
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    tool: tool(),
    domain: target.domain,
    ...(target.input !== undefined && target.input !== target.domain ? { input: target.input } : {}),
    generatedAt: new Date().toISOString(),
    score: scored.score,
    receiving: scored.receiving,
    parked: scored.parked,
    profiles: scored.profiles,
    checks,
    fixes: scored.fixes,
    dns,
  };
  return report;
}

/**
 * The report of a domain whose audit could not run (its worker stopped, or
 * the audit threw): every selected check is `error` with `message`, so the
 * score is incomplete and the run's exit code says so (3), like a domain
 * whose DNS did not answer.
 */
export function failedReport(
  target: { domain: string; input?: string },
  options: Readonly<AuditOptions>,
  selection: CheckSelection,
  existenceCheck: CheckDefinition,
  message: string,
  servers: readonly string[],
): Report {
  const failed = (check: CheckDefinition): CheckResult => ({
    id: check.id,
    title: check.title,
    status: 'error',
    score: null,
    findings: [],
    facts: {},
    error: message,
    durationMs: 0,
  });
  const ran = selection.map(({ check, skipReason }) => (skipReason !== undefined ? skippedCheck(check, skipReason) : failed(check)));
  return assembleReport(target, options, failed(existenceCheck), ran, selection, { queries: 0, servers: [...servers] });
}
