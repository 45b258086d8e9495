/**
 * JSON reporter: the Report exactly as the schema defines it
 * (schema/report.schema.json). One domain given as an argument gives a
 * single Report object; several, or any run with --file, an array of Reports.
 */
import type { Report } from '../schema/report.js';
import type { Reporter } from './reporter.js';

export const renderJson: Reporter = (reports: readonly Report[], options): string => {
  // A list (--file) is always an array, so a script reads the same shape whatever the list's length.
  const value = reports.length === 1 && !options?.list ? reports[0] : reports;
  return `${JSON.stringify(value, null, 2)}\n`;
};
