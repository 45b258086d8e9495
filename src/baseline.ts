/**
 * Baselines: compare a run with an earlier one, per domain. Findings are
 * matched by (check id, finding id); checks that did not conclude in either run
 * are left out of the comparison, so a DNS timeout today never shows up as
 * "resolved". Pure; a baseline file is read by ./baseline-read.ts.
 */
import { severityRank } from './severity.js';
import type { DiffFinding, Report, ReportDiff } from './schema/report.js';

/** Reports of an earlier run, by domain. */
export type Baseline = ReadonlyMap<string, Report>;

function concluded(status: string): boolean {
  return status !== 'error' && status !== 'skipped';
}

/**
 * Most severe occurrence of each (check, finding id) in the concluded checks
 * named by `keep`, leaving out accepted findings (ignore rules) and the keys
 * in `accepted`.
 */
function findingMap(report: Report, keep: (checkId: string) => boolean, accepted: ReadonlySet<string> = new Set()): Map<string, DiffFinding> {
  const map = new Map<string, DiffFinding>();
  for (const check of report.checks) {
    if (!keep(check.id)) continue;
    for (const finding of check.findings) {
      const key = `${check.id}\u0000${finding.id}`;
      if (finding.suppressed || accepted.has(key)) continue;
      const seen = map.get(key);
      if (seen && severityRank(seen.severity) <= severityRank(finding.severity)) continue;
      map.set(key, { checkId: check.id, id: finding.id, severity: finding.severity, title: finding.title });
    }
  }
  return map;
}

/** The diff of `current` against `previous` (the baseline's report of the same domain, if any). */
export function diffReport(current: Report, previous: Report | undefined): ReportDiff {
  if (!previous) {
    const all = [...findingMap(current, () => true).values()];
    return { baseline: null, scoreDelta: null, new: all, resolved: [], unchanged: [], notCompared: [] };
  }
  const before = new Map(previous.checks.map((check) => [check.id, check.status]));
  const after = new Map(current.checks.map((check) => [check.id, check.status]));
  const notCompared = new Set<string>();
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(id);
    const b = after.get(id);
    // A check present in one run only (selected with --checks/--skip) is not compared either.
    if (a === undefined || b === undefined || !concluded(a) || !concluded(b)) notCompared.add(id);
  }
  const compared = (id: string) => !notCompared.has(id);
  // A finding accepted now (an ignore rule in force) is neither new nor resolved; one whose rule expired counts again.
  const accepted = new Set(
    current.checks.flatMap((check) => check.findings.filter((finding) => finding.suppressed).map((finding) => `${check.id}\u0000${finding.id}`)),
  );
  const old = findingMap(previous, compared, accepted);
  const now = findingMap(current, compared, accepted);
  const added: DiffFinding[] = [];
  const unchanged: DiffFinding[] = [];
  for (const [key, finding] of now) {
    const was = old.get(key);
    if (!was) added.push(finding);
    else unchanged.push(was.severity === finding.severity ? finding : { ...finding, previousSeverity: was.severity });
  }
  const resolved = [...old].filter(([key]) => !now.has(key)).map(([, finding]) => finding);
  return {
    baseline: { generatedAt: previous.generatedAt, score: previous.score },
    // With nothing verified in either run its score measures nothing: no delta.
    scoreDelta: !current.score.verified || !previous.score.verified ? null : current.score.value - previous.score.value,
    new: added,
    resolved,
    unchanged,
    notCompared: [...notCompared].sort(),
  };
}

/** The report with its `diff` block set from the baseline. */
export function applyBaseline(report: Report, baseline: Baseline): Report {
  return { ...report, diff: diffReport(report, baseline.get(report.domain)) };
}

// What fails a run against a baseline is an exit-code rule (src/exit-code.ts).
export { regressions } from './exit-code.js';

