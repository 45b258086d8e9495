/**
 * The registry of output formats: format name → reporter. A reporter is a
 * pure function of the reports; it never prints or writes files (the CLI
 * does). Reporters are loaded lazily so the CLI only pays for the one it uses.
 *
 * To add a format: write src/report/<name>.ts exporting a `Reporter`, and add
 * one entry here. `--format` accepts every key of FORMATS.
 */
import type { CheckCatalogue, FormatSpec, Reporter, ReporterOptions } from './reporter.js';
import type { DocumentRenderer } from './document.js';

export type { FormatSpec, Reporter, ReporterOptions } from './reporter.js';

/** A reporter that lists every registered check, given the catalogue (loaded with it, on use). */
async function withCatalogue<Options>(
  render: (reports: Parameters<Reporter>[0], options: Options) => string,
): Promise<Reporter> {
  const { checkCatalogue } = await import('../check-catalogue.js');
  const catalogue: CheckCatalogue = checkCatalogue();
  return (reports, options: ReporterOptions) => render(reports, { ...options, catalogue } as Options);
}

/** The same for a document rendered one report at a time (src/report/document.ts). */
async function documentWithCatalogue(renderer: DocumentRenderer): Promise<DocumentRenderer> {
  const { checkCatalogue } = await import('../check-catalogue.js');
  const catalogue: CheckCatalogue = checkCatalogue();
  return (options, context) => renderer({ ...options, catalogue } as ReporterOptions, context);
}

export const FORMATS = {
  text: {
    description: 'human-readable report with fixes as zone-file lines (default)',
    load: async () => (await import('./text.js')).renderText,
    loadDocument: async () => (await import('./text.js')).textDocument,
  },
  json: {
    description: 'the Report as JSON (one domain given as an argument: an object; several, or --file: an array)',
    load: async () => (await import('./json.js')).renderJson,
    loadDocument: async () => (await import('./json.js')).jsonDocument,
  },
  ndjson: {
    description: 'one Report per line, written as each domain finishes',
    load: async () => (await import('./ndjson.js')).formatNdjson,
    loadStreaming: async () => (await import('./ndjson.js')).ndjsonLine,
  },
  csv: {
    description: 'one row per domain: score, grade, each check status, finding ids (RFC 4180)',
    load: async () => withCatalogue((await import('./csv.js')).formatCsv),
    loadDocument: async () => documentWithCatalogue((await import('./csv.js')).csvDocument),
  },
  markdown: {
    description: 'score table, findings by severity and fixes, for a pull request or job summary',
    load: async () => (await import('./markdown.js')).formatMarkdown,
    loadDocument: async () => (await import('./markdown.js')).markdownDocument,
  },
  sarif: {
    description: 'SARIF 2.1.0 for code-scanning dashboards',
    load: async () => withCatalogue((await import('./sarif.js')).formatSarif),
    loadDocument: async () => documentWithCatalogue((await import('./sarif.js')).sarifDocument),
  },
  junit: {
    description: 'JUnit XML: a test suite per domain, a test case per check',
    load: async () => (await import('./junit.js')).formatJunit,
    loadDocument: async () => (await import('./junit.js')).junitDocument,
  },
  html: {
    description: 'one self-contained HTML page with a score gauge and copyable fixes',
    load: async () => (await import('./html.js')).formatHtml,
    loadDocument: async () => (await import('./html.js')).htmlDocument,
  },
} satisfies Record<string, FormatSpec>;

export type FormatName = keyof typeof FORMATS;

/** The text format under --quiet: one line per domain, written as each domain finishes. */
export const QUIET_TEXT: FormatSpec = {
  description: 'one summary line per domain (--quiet)',
  load: async () => (await import('./quiet.js')).renderQuiet,
  loadStreaming: async () => (await import('./quiet.js')).quietLine,
};

export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];

export function getFormat(name: string): FormatSpec | undefined {
  return (FORMATS as Record<string, FormatSpec>)[name];
}
