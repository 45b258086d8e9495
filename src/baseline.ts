/**
 * Baselines: compare a run with an earlier one, per domain. Findings are
 * matched by (check id, finding id); checks that did not conclude in either run
 * are left out of the comparison, so a DNS timeout today never shows up as
 * "resolved". Pure apart from `readBaseline`, which parses a file's text.
 */
import { severityRank } from './severity.js';
import {
  SCHEMA_VERSION,
  reportSchema,
  type DiffFinding,
  type Report,
  type ReportDiff,
} from './schema/report.js';

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

/** A baseline that cannot be used: the message names the problem. */
export class BaselineError extends Error {
  override name = 'BaselineError';
}

/**
 * Parses a baseline: the output of `--format json` (one Report or an array)
 * or of `--format ndjson` (one Report per line). Later reports of the same
 * domain replace earlier ones.
 */
export function readBaseline(text: string, source = 'baseline'): Map<string, Report> {
  let values: unknown[];
  const trimmed = text.trim();
  if (trimmed === '') throw new BaselineError(`${source} is empty`);
  try {
    const parsed: unknown = JSON.parse(trimmed);
    values = Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    values = [];
    const lines = trimmed.split(/\r?\n/);
    for (let index = 0; index < lines.length; index++) {
      const line = lines[index]!.trim();
      if (line === '') continue;
      try {
        values.push(JSON.parse(line));
      } catch {
        throw new BaselineError(`${source} is neither JSON nor NDJSON (line ${index + 1} does not parse)`);
      }
    }
  }
  const reports = new Map<string, Report>();
  values.forEach((value, index) => {
    const parsed = reportSchema.safeParse(asCurrentVersion(value));
    if (!parsed.success) {
      const found = describeNonReport(value, parsed.error.issues[0]?.path ?? []);
      const which = values.length > 1 ? ` (entry ${index + 1})` : '';
      throw new BaselineError(`${source}: expected a mailcheck report, found ${found}${which}`);
    }
    reports.set(parsed.data.domain, parsed.data);
  });
  return reports;
}

/**
 * A version-2 report differs from a version-3 one only in what a baseline
 * does not compare (the shape of facts; data, summary and record are new), so
 * it is read as one: upgrading mailcheck does not void a saved baseline.
 */
function asCurrentVersion(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || (value as { schemaVersion?: unknown }).schemaVersion !== 2) return value;
  return { ...value, schemaVersion: SCHEMA_VERSION };
}

/** The fields every report has (schema/report.ts), to say which a non-report lacks. */
const REPORT_FIELDS = ['schemaVersion', 'tool', 'domain', 'generatedAt', 'score', 'checks'] as const;

/** What a value that is not a valid report is, in words (`issuePath`: where validation failed). */
function describeNonReport(value: unknown, issuePath: readonly PropertyKey[]): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a JSON array inside the list of reports';
  if (typeof value !== 'object') return `a JSON ${typeof value}`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 0) return 'an empty JSON object';
  const missing = REPORT_FIELDS.filter((field) => !(field in record));
  if (missing.length === REPORT_FIELDS.length) {
    const shown = keys.slice(0, 3).map((key) => JSON.stringify(key)).join(', ');
    return `a JSON object with other fields (${shown}${keys.length > 3 ? ', …' : ''})`;
  }
  if ('schemaVersion' in record && record.schemaVersion !== SCHEMA_VERSION && record.schemaVersion !== 2) {
    return `a report of schemaVersion ${JSON.stringify(record.schemaVersion)} (this mailcheck reads schemaVersions 2 and ${SCHEMA_VERSION})`;
  }
  const of = typeof record.domain === 'string' ? ` of ${record.domain}` : '';
  if (missing.length > 0) return `a report${of} without ${missing.join(', ')}`;
  const field = issuePath.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}${text === '' ? '' : '.'}${String(key)}`),
    '',
  );
  return field === '' ? `a report${of} that does not validate` : `a report${of} whose ${field} is not valid`;
}
