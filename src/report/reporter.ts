/**
 * What a reporter is: a pure function of the reports to a string. The
 * registry of formats (src/report/formats.ts) loads reporters on use; the
 * reporters themselves import only these types.
 */
import type { FailOn } from '../severity.js';
import type { Report, Severity } from '../schema/report.js';
import type { DocumentRenderer } from './document.js';

export interface ReporterOptions {
  /** Emit ANSI colour (only src/report/style.ts knows how). */
  color: boolean;
  /** Show evidence and every fact. */
  verbose: boolean;
  /** The --fail-on threshold (formats that mark failures, e.g. JUnit, use it). */
  failOn: FailOn;
  /** Terminal width to lay text out for; default 80. */
  width?: number;
  /** The --min-score threshold, when given (JUnit adds a score test case). */
  minScore?: number;
  /** SARIF: a repository path to give results as their physical location (the --zone file). */
  artifactUri?: string;
  /** The run audits a list (--file): JSON is an array even when the list holds one domain. */
  list?: boolean;
}

/** Renders all reports of a run into one document. */
export type Reporter = (reports: readonly Report[], options: ReporterOptions) => string;

export interface FormatSpec {
  /** One line for --help. */
  description: string;
  /** Loads the reporter. */
  load(): Promise<Reporter>;
  /**
   * For formats that can stream (one chunk per domain as it finishes, e.g.
   * ndjson): renders one report. When present the CLI may write each report
   * as soon as it is done instead of holding all of them.
   */
  loadStreaming?(): Promise<(report: Report, options: ReporterOptions) => string>;
  /**
   * For formats written as one document: renders it one report at a time, in
   * input order (src/report/document.ts), so a batch holds only what the
   * document's totals need, never the reports.
   */
  loadDocument?(): Promise<DocumentRenderer>;
}

/** One finding of a check's catalogue, as formats that list every finding (SARIF rules) show it. */
export interface CatalogueFinding {
  checkId: string;
  /** `<check>/<state>`. */
  id: string;
  title: string;
  description: string;
  /** The default severity. */
  severity: Severity;
}

/**
 * The registered checks, for formats that list every check or every finding
 * whatever the reports hold (csv columns, SARIF rules). The caller passes it
 * in, so that reporters read only reports and options, never the checks.
 */
export interface CheckCatalogue {
  /** Every registered check id, in report order. */
  checkIds: readonly string[];
  /** Every finding of every registered check, in registry order. */
  findings: readonly CatalogueFinding[];
}
