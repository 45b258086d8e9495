/**
 * Renderers of `mailcheck list` rows and summary (pure: data → string), and a
 * buffered writer that waits for the destination to drain, so a million rows
 * stream through bounded memory.
 */
import { terminalText as escapeTerminal } from '../report/escape.js';
import type { Style } from '../report/style.js';
import type { ListRow, ListSummary } from './schema.js';
import { csvRecord } from './records.js';

/** Where output goes: anything with a Node-style write(chunk, callback). */
export interface ChunkSink {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
}

/** A writer that buffers small strings and, past `highWater` characters, writes and waits for the sink. */
export function bufferedWriter(sink: ChunkSink, highWater = 64 * 1024): { write(text: string): Promise<void> | undefined; flush(): Promise<void> } {
  let buffer = '';
  const flush = (): Promise<void> => {
    if (buffer === '') return Promise.resolve();
    const chunk = buffer;
    buffer = '';
    return new Promise((resolve, reject) => {
      sink.write(chunk, (error) => (error ? reject(error) : resolve()));
    });
  };
  return {
    write(text) {
      buffer += text;
      return buffer.length >= highWater ? flush() : undefined;
    },
    flush,
  };
}

/** The verdict columns appended to each CSV row. */
export const VERDICT_COLUMNS = ['verdict', 'reasons', 'suggestion', 'detail'] as const;

/** The verdict column names, prefixed with `mailcheck_` when the input already has a column of that name. */
export function verdictColumnNames(header: readonly string[]): string[] {
  const taken = new Set(header.map((name) => name.trim().toLowerCase()));
  const clash = VERDICT_COLUMNS.some((name) => taken.has(name));
  return VERDICT_COLUMNS.map((name) => (clash ? `mailcheck_${name}` : name));
}

/** The verdict cells of a row, in VERDICT_COLUMNS order. */
export function verdictCells(row: ListRow): string[] {
  return [row.verdict, row.reasons.join(' '), row.suggestion ?? '', row.detail ?? ''];
}

/** A CSV output row: the user's fields, then the verdict cells (all neutralised). */
export function csvOutputRow(fields: readonly string[], row: ListRow): string {
  return csvRecord([...fields, ...verdictCells(row)]);
}

/** One text line for a row that is not ok. */
export function textRow(row: ListRow, style: Style): string {
  const paint = row.verdict === 'invalid' ? style.bad : row.verdict === 'risky' ? style.warning : style.good;
  const parts = [`${String(row.line).padStart(6)}  ${paint(row.verdict.padEnd(7))} ${escapeTerminal(row.address)}`];
  if (row.reasons.length > 0) parts.push(style.dim(row.reasons.join(', ')));
  if (row.suggestion) parts.push(`did you mean ${escapeTerminal(row.suggestion)}?`);
  if (row.detail) parts.push(style.dim(`(${escapeTerminal(row.detail)})`));
  return `${parts.join('  ')}\n`;
}

/** The text summary: counts per verdict and per reason. */
export function textSummary(summary: ListSummary, style: Style): string {
  const lines = [
    '',
    style.heading('Summary'),
    `  rows      ${summary.rows}`,
    `  ok        ${style.good(String(summary.verdicts.ok))}`,
    `  risky     ${style.warning(String(summary.verdicts.risky))}`,
    `  invalid   ${style.bad(String(summary.verdicts.invalid))}`,
  ];
  const reasons = Object.entries(summary.reasons);
  if (reasons.length > 0) {
    lines.push('', style.heading('Reasons'));
    for (const [reason, count] of reasons) lines.push(`  ${reason.padEnd(16)} ${count}`);
  }
  lines.push('', style.dim(`${summary.domains} domains looked up with ${summary.dnsQueries} DNS queries; no mail server was contacted.`));
  return `${lines.join('\n')}\n`;
}
