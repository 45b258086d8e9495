/**
 * mailcheck as a library: `audit(domains, options)` returns one typed Report
 * per domain, the same objects `mailcheck --format json` prints.
 *
 * ```ts
 * import { audit } from 'mailcheck-cli';
 * const [report] = await audit('example.com', { resolvers: ['192.0.2.53'] });
 * console.log(report.score.value, report.fixes[0]?.fix.summary);
 * ```
 */
export { audit, auditDomain, selectChecks, DEFAULT_CONCURRENCY } from './run.js';
export type { AuditRunOptions, RunDependencies } from './run.js';
export type { AuditOptions, CheckContext } from './context.js';
export { parseDomain, normaliseDomain, InputError } from './domain.js';
export type { DomainParseResult } from './domain.js';
export { exitCodeFor, breaches, atOrAbove, EXIT } from './exit-code.js';
export type { FailOn, Thresholds } from './exit-code.js';
export { CHECKS, CHECK_IDS } from './checks/index.js';
export { CHECK_WEIGHTS, SEVERITY_PENALTY, SEVERITY_CAP, GRADE_BANDS, scoreChecks } from './score.js';
export { FORMATS, FORMAT_NAMES, getFormat } from './report/formats.js';
export type { Reporter, ReporterOptions, FormatSpec, FormatName } from './report/formats.js';
export {
  SCHEMA_VERSION,
  SEVERITIES,
  reportSchema,
  reportJsonSchema,
  checkResultSchema,
  findingSchema,
  fixSchema,
  fixRecordSchema,
} from './report/schema.js';
export type {
  Report,
  CheckResult,
  CheckStatus,
  Finding,
  Fix,
  FixRecord,
  RankedFix,
  Score,
  Grade,
  Severity,
} from './report/schema.js';
