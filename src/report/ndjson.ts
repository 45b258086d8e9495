/**
 * ndjson: one Report per line (the JSON Report exactly as `--format json`
 * prints it, without indentation). `ndjsonLine` is what the CLI writes as each
 * domain finishes, so a batch never holds its reports in memory.
 */
import type { Report } from '../schema/report.js';
import type { FormatOptions } from './common.js';

/** One report as one line, newline included. */
export function ndjsonLine(report: Report): string {
  return `${JSON.stringify(report)}\n`;
}

export function formatNdjson(reports: readonly Report[], _options: FormatOptions = {}): string {
  return reports.map(ndjsonLine).join('');
}
