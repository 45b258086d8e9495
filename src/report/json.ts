/**
 * JSON reporter: the Report exactly as the schema defines it
 * (schema/report.schema.json). One domain gives a single Report object,
 * several give an array of Reports.
 */
import type { Report } from './schema.js';
import type { Reporter } from './formats.js';

export const renderJson: Reporter = (reports: readonly Report[]): string => {
  const value = reports.length === 1 ? reports[0] : reports;
  return `${JSON.stringify(value, null, 2)}\n`;
};
