/**
 * Writing a document format (text, JSON, CSV, markdown, HTML, JUnit, SARIF)
 * while a batch runs, so that memory does not grow with the list:
 *
 * - Reports arrive in completion order; documents are written in input order
 *   (the order the whole-run reporters always used). `inInputOrder` holds the
 *   reports that finished before an earlier one; the audit starts no domain
 *   more than `INPUT_ORDER_WINDOW` places after the oldest unfinished one
 *   (`maxAhead` of `audit`), so at most that many reports wait.
 * - Each report is rendered at once (src/report/document.ts): text for the
 *   output goes out, text that must follow the totals (a markdown table, the
 *   JUnit counts, SARIF's rules) goes to section files in a temporary folder,
 *   copied into the output at the end and removed.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Document, DocumentContext, DocumentRenderer } from '../report/document.js';
import type { ReporterOptions } from '../report/reporter.js';
import type { Report } from '../schema/report.js';

/**
 * Most domains started past the oldest unfinished one while a document is
 * written in input order: the reports waiting for a slow domain (each some
 * tens of kilobytes) stay within a few tens of megabytes.
 */
export const INPUT_ORDER_WINDOW = 1000;

/** Where a document goes: each call resolves once the text is handed to the file or pipe. */
export type WriteText = (text: string) => Promise<void>;

/** Delivers reports given in any order to `deliver` in input order (index 0, 1, 2 …). */
export function inInputOrder(deliver: (report: Report) => void): (report: Report, index: number) => void {
  const waiting = new Map<number, Report>();
  let next = 0;
  return (report, index) => {
    waiting.set(index, report);
    for (let ready = waiting.get(next); ready !== undefined; ready = waiting.get(next)) {
      waiting.delete(next++);
      deliver(ready);
    }
  };
}

export interface DocumentOutput {
  /** The next report in input order. */
  add(report: Report): void;
  /** Writes the rest of the document (totals, held sections) and removes the section files. */
  finish(): Promise<void>;
}

/** A document written to `write` as reports come, its held sections kept on disk. */
export function documentOutput(renderer: DocumentRenderer, options: ReporterOptions, context: DocumentContext, write: WriteText): DocumentOutput {
  const document: Document = renderer(options, context);
  let folder: string | undefined;
  const sections = new Map<string, { file: string; stream: WriteStream }>();
  let failed: Error | undefined;
  const section = (name: string) => {
    let held = sections.get(name);
    if (!held) {
      folder ??= mkdtempSync(path.join(os.tmpdir(), 'mailcheck-sections-'));
      const file = path.join(folder, `${sections.size}.part`);
      const stream = createWriteStream(file);
      stream.on('error', (error) => (failed ??= error));
      held = { file, stream };
      sections.set(name, held);
    }
    return held;
  };
  const close = (stream: WriteStream) => new Promise<void>((resolve) => (stream.closed ? resolve() : stream.end(() => resolve())));
  return {
    add(report) {
      const part = document.add(report);
      if (part.out) void write(part.out);
      for (const [name, text] of Object.entries(part.sections ?? {})) section(name).stream.write(text);
    },
    async finish() {
      try {
        const tail = document.finish();
        for (const { stream } of sections.values()) await close(stream);
        if (failed) throw failed;
        for (const piece of tail) {
          if (typeof piece === 'string') {
            if (piece !== '') await write(piece);
            continue;
          }
          const held = sections.get(piece.section);
          if (!held) continue;
          // Copied chunk by chunk, each handed off before the next is read: the output's pace, not the file's size, bounds memory.
          for await (const chunk of createReadStream(held.file, { encoding: 'utf8', start: piece.skip ?? 0 })) await write(chunk as string);
        }
      } finally {
        if (folder) rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}
