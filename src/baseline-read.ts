/**
 * Reads a baseline file's text into Reports, validated against the Report
 * schema. Apart from ./baseline.ts so that an audit without --baseline does
 * not build the schema (about a tenth of a one-domain audit's CPU).
 */
import { SCHEMA_VERSION, reportSchema, type Report } from './schema/report.js';
import { areaOf, gradeFor } from './score.js';

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
  if (typeof value !== 'object' || value === null) return value;
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (version !== 2 && version !== SCHEMA_VERSION) return value;
  const fixes = (value as { fixes?: unknown }).fixes;
  return { ...value, schemaVersion: SCHEMA_VERSION, ...(Array.isArray(fixes) ? { fixes: fixes.map(withAreaAndGrade) } : {}) };
}

/**
 * A ranked fix saved before fixes carried `area` and `gradeAfter` gets them
 * from its check and score, as mailcheck computes them now.
 */
function withAreaAndGrade(fix: unknown): unknown {
  if (typeof fix !== 'object' || fix === null) return fix;
  const { checkId, scoreAfter } = fix as { checkId?: unknown; scoreAfter?: unknown };
  return {
    ...(typeof checkId === 'string' ? { area: areaOf(checkId) } : {}),
    ...(typeof scoreAfter === 'number' ? { gradeAfter: gradeFor(scoreAfter) } : {}),
    ...fix,
  };
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
