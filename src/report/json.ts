/**
 * JSON reporter: the Report exactly as the schema defines it
 * (schema/report.schema.json). One domain given as an argument gives a
 * single Report object; several, or any run with --file, an array of Reports.
 */
import type { Report } from '../schema/report.js';
import type { Reporter } from './reporter.js';
import { jsonArrayWriter, type DocumentRenderer } from './document.js';

export const renderJson: Reporter = (reports: readonly Report[], options): string => {
  // A list (--file) is always an array, so a script reads the same shape whatever the list's length.
  const value = reports.length === 1 && !options?.list ? reports[0] : reports;
  return `${JSON.stringify(value, null, 2)}\n`;
};

/**
 * The same JSON one report at a time: an array written element by element
 * (a single Report object when the run is one domain given as an argument).
 */
export const jsonDocument: DocumentRenderer = (options, context) => {
  const single = context.total === 1 && !options.list;
  const array = jsonArrayWriter(1);
  return {
    add: (report) => ({ out: single ? JSON.stringify(report, null, 2) : array.element(report) }),
    finish: () => [single ? '\n' : `${array.close()}\n`],
  };
};
