/**
 * The Report contract now lives in ../schema/report.ts; this path re-exports
 * it for the check modules that still import it from here.
 */
export * from '../schema/report.js';
