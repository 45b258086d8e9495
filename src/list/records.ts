/**
 * Streaming readers for list input: one address per line, or CSV (RFC 4180:
 * quoted fields may hold commas, doubled quotes and line breaks). Lines end in
 * LF, CRLF or a lone CR. A record longer than {@link MAX_RECORD_CHARS} is an
 * input error rather than unbounded memory.
 */
import { InputError } from '../domain.js';

/** Longest record (line, or CSV record with its quoted line breaks) accepted. */
export const MAX_RECORD_CHARS = 1 << 20;

/** One record: its fields and the line it starts on (1-based). */
export interface InputRecord {
  fields: string[];
  line: number;
}

/**
 * Splits a character stream into CSV records (`csv`), or into lines, each a
 * record of one field. Empty lines are skipped in both modes.
 */
export async function* readRecords(chunks: AsyncIterable<string>, mode: 'csv' | 'lines', source: string): AsyncGenerator<InputRecord> {
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  /** Inside quotes, the previous character was a quote (an escape or the closing quote). */
  let quoteSeen = false;
  let afterCr = false;
  let line = 1;
  let recordLine = 1;
  let size = 0;
  let fieldWasQuoted = false;

  const endRecord = (): InputRecord | undefined => {
    fields.push(field);
    const record = { fields, line: recordLine };
    fields = [];
    field = '';
    size = 0;
    fieldWasQuoted = false;
    const empty = record.fields.length === 1 && record.fields[0]!.trim() === '';
    return empty ? undefined : record;
  };

  let first = true;
  for await (const raw of chunks) {
    // A UTF-8 byte order mark (spreadsheets write one) is not part of the first field.
    const chunk = first && raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
    first = false;
    for (let i = 0; i < chunk.length; i++) {
      const char = chunk[i]!;
      if (afterCr) {
        afterCr = false;
        if (char === '\n') {
          continue;
        }
      }
      if (mode === 'csv' && quoted) {
        if (quoteSeen) {
          quoteSeen = false;
          if (char === '"') {
            field += '"';
            continue;
          }
          quoted = false; // the previous quote closed the field; fall through to read this character unquoted
        } else if (char === '"') {
          quoteSeen = true;
          continue;
        } else {
          // A line break inside quotes: LF, or a CR not followed by LF, ends a physical line.
          if (char === '\n' || (char === '\r' && chunk[i + 1] !== '\n')) line++;
          field += char;
          if (++size > MAX_RECORD_CHARS) throw tooLong(source, recordLine);
          continue;
        }
      }
      if (char === '\r' || char === '\n') {
        if (char === '\r') afterCr = true;
        line++;
        const record = endRecord();
        recordLine = line;
        if (record) yield record;
        continue;
      }
      if (mode === 'csv' && char === ',') {
        fields.push(field);
        field = '';
        fieldWasQuoted = false;
        continue;
      }
      if (mode === 'csv' && char === '"' && field === '' && !fieldWasQuoted) {
        quoted = true;
        fieldWasQuoted = true;
        continue;
      }
      field += char;
      if (++size > MAX_RECORD_CHARS) throw tooLong(source, recordLine);
    }
  }
  if (quoted && !quoteSeen) throw new InputError(`${source}: line ${recordLine}: a quoted CSV field is not closed`);
  const record = field !== '' || fields.length > 0 ? endRecord() : undefined;
  if (record) yield record;
}

function tooLong(source: string, line: number): InputError {
  return new InputError(`${source}: line ${line} is longer than ${MAX_RECORD_CHARS} characters; is this a list of addresses?`);
}

/** Serialises one CSV record (RFC 4180), each field made safe with `neutraliseFormula`, ending in CRLF. */
export function csvRecord(fields: readonly string[]): string {
  return `${fields.map((field) => quoteCsv(neutraliseFormula(field))).join(',')}\r\n`;
}

/** RFC 4180 §2: quote a field holding a comma, a quote, CR or LF; double the quotes inside. */
export function quoteCsv(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A spreadsheet runs a cell starting with `=`, `+`, `-`, `@`, tab or CR as a
 * formula (CSV injection): such a cell gets a leading `'`, which spreadsheets
 * show as text. Plain numbers (`-5`, `+3.2`) are left as they are.
 */
export function neutraliseFormula(text: string): string {
  if (!/^[=+\-@\t\r]/.test(text) || /^[+-]?\d+(?:\.\d+)?$/.test(text)) return text;
  return `'${text}`;
}
