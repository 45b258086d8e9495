/**
 * Documents rendered one report at a time. A batch of 100,000 domains cannot
 * hold its reports until the end, yet CSV, text, JSON, markdown, HTML, JUnit
 * and SARIF are each one document, some with totals or tables at the top.
 * Each of those formats therefore also offers a `DocumentRenderer`: it is
 * given the reports one by one in input order, returns the text that can be
 * written at once, and puts the parts that must wait for the totals into
 * named sections (the CLI keeps them on disk); at the end it returns the rest
 * of the document, naming where each section goes. What it keeps in memory is
 * what its totals need (counts, one short line per domain), never a report.
 *
 * The output is byte for byte the whole-run reporter's (test/report-document.test.ts).
 */
import type { ReporterOptions } from './reporter.js';
import type { Report } from '../schema/report.js';

/** What a document knows before the first report. */
export interface DocumentContext {
  /** How many reports it will be given. */
  total: number;
  /** Whether the reports carry a baseline comparison (`diff`): all of them do, or none. */
  diff: boolean;
}

/** What one report adds: text for the output now, and text for sections written at the end. */
export interface DocumentPart {
  out?: string;
  sections?: Record<string, string>;
}

/** The document's last parts: text, and the sections where they go. */
/** `skip`: leave out the section's first characters (a separator that turned out not to be needed). */
export type DocumentTail = Array<string | { section: string; skip?: number }>;

export interface Document {
  /** One report, in input order. */
  add(report: Report): DocumentPart;
  /** After the last report. */
  finish(): DocumentTail;
}

export type DocumentRenderer = (options: ReporterOptions, context: DocumentContext) => Document;

/**
 * The whole document in memory (for tests and small runs): the same text as
 * the format's whole-run reporter.
 */
export function renderDocument(renderer: DocumentRenderer, reports: readonly Report[], options: ReporterOptions): string {
  const document = renderer(options, { total: reports.length, diff: reports.some((report) => report.diff !== undefined) });
  let out = '';
  const sections = new Map<string, string>();
  for (const report of reports) {
    const part = document.add(report);
    out += part.out ?? '';
    for (const [name, text] of Object.entries(part.sections ?? {})) sections.set(name, (sections.get(name) ?? '') + text);
  }
  for (const piece of document.finish()) out += typeof piece === 'string' ? piece : (sections.get(piece.section) ?? '').slice(piece.skip ?? 0);
  return out;
}

/**
 * A value as `JSON.stringify(array, null, 2)` shows it as an element `depth`
 * levels down: the same text, each line indented by two spaces per level.
 * (JSON strings hold no raw line breaks, so every line break is structure.)
 */
export function jsonElement(value: unknown, depth: number): string {
  const indent = '  '.repeat(depth);
  return indent + JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
}

/**
 * The elements of a JSON array written one by one, as `JSON.stringify(…, null, 2)`
 * writes the array `depth - 1` levels down: `[` before the first element,
 * `,` between, and `close()` for the end (`[]` when there was none).
 */
export function jsonArrayWriter(depth: number): { element(value: unknown): string; close(): string } {
  let count = 0;
  return {
    element(value) {
      return `${count++ === 0 ? '[\n' : ',\n'}${jsonElement(value, depth)}`;
    },
    close() {
      return count === 0 ? '[]' : `\n${'  '.repeat(depth - 1)}]`;
    },
  };
}
