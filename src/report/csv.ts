/**
 * csv: one row per domain (RFC 4180): domain, score, grade, whether the score
 * is complete, each check's status (one column per registered check, empty when
 * the check was not selected), the finding ids, the receiving-security score
 * and grade, whether the domain is parked, each mailbox-provider profile's
 * verdict (empty when not judged), and with a baseline the score
 * delta and the new and resolved finding ids. Lines end in CRLF; fields holding
 * a comma, a double quote or a line break are quoted, quotes doubled.
 */
import { findingsOf, type FormatOptions } from './common.js';
import type { Report } from '../schema/report.js';
import { PROFILE_IDS } from '../profiles/table.js';
import { scoreGrade, scoreValue } from './verdicts.js';
import type { CheckCatalogue, ReporterOptions } from './reporter.js';
import type { DocumentRenderer } from './document.js';

export interface CsvOptions extends FormatOptions {
  /** The registered checks: one status column each (src/check-catalogue.ts). */
  catalogue: CheckCatalogue;
  /** Add the baseline columns (default: when any report has a diff). */
  diffColumns?: boolean;
}

/** RFC 4180 §2: quote a field holding a comma, a double quote, CR or LF; double the quotes inside. */
export function csvField(value: string | number | boolean | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(fields: ReadonlyArray<string | number | boolean | null | undefined>): string {
  // RFC 4180 §2 rule 1: each record ends with CRLF.
  return `${fields.map(csvField).join(',')}\r\n`;
}

const uniqueIds = (ids: string[]) => [...new Set(ids)].join(' ');

/** The header line. */
export function csvHeader(options: CsvOptions): string {
  const columns = [
    'domain',
    'score',
    'grade',
    'complete',
    ...options.catalogue.checkIds,
    'findings',
    'receiving_score',
    'receiving_grade',
    'parked',
    ...PROFILE_IDS.map((id) => `profile_${id}`),
  ];
  if (options.diffColumns) columns.push('score_delta', 'new_findings', 'resolved_findings');
  return csvLine(columns);
}

/** One domain's row. */
export function csvRow(report: Report, options: CsvOptions): string {
  const status = new Map(report.checks.map((check) => [check.id, check.status]));
  const fields: Array<string | number | boolean | null> = [
    report.domain,
    // "—" where nothing the score counts could be verified, as every format shows it.
    scoreValue(report.score),
    scoreGrade(report.score),
    report.score.complete,
    ...options.catalogue.checkIds.map((id) => status.get(id) ?? ''),
    uniqueIds(findingsOf(report).map(({ finding }) => finding.id)),
    scoreValue(report.receiving),
    scoreGrade(report.receiving),
    report.parked,
    // A profile's verdict, empty when the report did not judge it.
    ...PROFILE_IDS.map((id) => report.profiles.find((profile) => profile.id === id)?.verdict ?? ''),
  ];
  if (options.diffColumns) {
    const diff = report.diff;
    fields.push(
      diff?.scoreDelta ?? '',
      diff ? uniqueIds(diff.new.map((finding) => finding.id)) : '',
      diff ? uniqueIds(diff.resolved.map((finding) => finding.id)) : '',
    );
  }
  return csvLine(fields);
}

export function formatCsv(reports: readonly Report[], options: CsvOptions): string {
  const resolved = { ...options, diffColumns: options.diffColumns ?? reports.some((report) => report.diff !== undefined) };
  return csvHeader(resolved) + reports.map((report) => csvRow(report, resolved)).join('');
}

/** The same CSV one report at a time: the header, then a row as each report comes. */
export const csvDocument: DocumentRenderer = (reporterOptions, context) => {
  // The catalogue comes with the options, as formats.ts gives it to formatCsv.
  const options: CsvOptions = { catalogue: (reporterOptions as ReporterOptions & { catalogue: CheckCatalogue }).catalogue, diffColumns: context.diff };
  let first = true;
  return {
    add(report) {
      const header = first ? csvHeader(options) : '';
      first = false;
      return { out: header + csvRow(report, options) };
    },
    // No report: the header alone, as formatCsv writes it.
    finish: () => [first ? csvHeader(options) : ''],
  };
};
