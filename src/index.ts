/**
 * mailcheck as a library: `audit(domains, options)` returns one typed Report
 * per domain, the same objects `mailcheck --format json` prints.
 *
 * ```ts
 * import { audit } from 'mailcheck-cli';
 * const [report] = await audit('example.com', { resolvers: ['192.0.2.53'] });
 * console.log(report.score.value, report.fixes[0]?.fix.summary);
 * ```
 *
 * Batches, baselines and zone previews take the same options as the CLI:
 * `audit(domains, { offline: true }, { zones: [parseZoneFile(text)], baseline: readBaseline(json),
 * concurrency: 32, keepReports: false, onReport })`.
 */
export { audit, auditDomain, selectChecks, DEFAULT_CONCURRENCY } from './run.js';
export type { AuditRunOptions, RunDependencies } from './run.js';
export type { AuditOptions, CheckContext } from './context.js';
export { parseDomain, normaliseDomain, InputError } from './domain.js';
export type { DomainParseResult } from './domain.js';
export { exitCodeFor, breaches, EXIT } from './exit-code.js';
export type { Thresholds } from './exit-code.js';
export { atOrAbove } from './severity.js';
export type { FailOn } from './severity.js';
export { CHECKS, CHECK_IDS } from './checks/index.js';
export { CHECK_WEIGHTS, SEVERITY_PENALTY, SEVERITY_CAP, GRADE_BANDS, scoreChecks } from './score.js';
export { SCORE_TABLE, REJECTED_CAP, areaScore, deliverabilityScore, rankFixes } from './score.js';
export { PROFILES, PROFILE_IDS, SOURCES_READ } from './profiles/table.js';
export type { ProfileDefinition, ProfileRequirement, RequirementId } from './profiles/table.js';
export { evaluateProfile, evaluateProfiles, isParked } from './profiles/evaluate.js';
export type { ProfileInputs, CheckView } from './profiles/evaluate.js';
export { FORMATS, FORMAT_NAMES, getFormat } from './report/formats.js';
export type { Reporter, ReporterOptions, FormatSpec, FormatName } from './report/formats.js';
export {
  SCHEMA_VERSION,
  SEVERITIES,
  reportSchema,
  checkResultSchema,
  findingSchema,
  fixSchema,
  fixRecordSchema,
} from './schema/report.js';
export { reportJsonSchema } from './schema/report-json.js';
export { diffReport, applyBaseline, regressions } from './baseline.js';
export { readBaseline, BaselineError } from './baseline-read.js';
export type { Baseline } from './baseline.js';
export { parseZoneFile, zoneOverride, indexZones, ZoneFileError } from './dns/zone-file.js';
export type { Zone, ZoneRecord, ParseZoneOptions } from './dns/zone-file.js';
export { captureDns, replayDns, parseCapture, serializeCapture, CaptureError } from './dns/capture.js';
export type { CaptureFile, CapturingDnsClient } from './dns/capture.js';
export { createAuditDns } from './dns/audit-dns.js';
export type { AuditDnsOptions } from './dns/audit-dns.js';
export { formatNdjson, ndjsonLine } from './report/ndjson.js';
export { formatMarkdown } from './report/markdown.js';
export { formatJunit } from './report/junit.js';
export { formatHtml } from './report/html.js';
export type { FormatOptions } from './report/common.js';
export type { ReportDiff, DiffFinding } from './schema/report.js';
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
  ProfileResult,
  ProfileRequirementResult,
  RequirementStatus as ProfileRequirementStatus,
} from './schema/report.js';
export { auditMessage } from './commands/message.js';
export { messageExitCode } from './exit-code.js';
export type { MessageAuditInput } from './commands/message.js';
export { prepareMessage, MAX_MESSAGE_BYTES } from './message/read.js';
export { messageResultSchema, messageJsonSchema } from './message/schema.js';
export type { MessageResult, MessageFinding, Requirements, RequirementStatus } from './message/schema.js';
export { MESSAGE_FINDINGS } from './message/catalogue.js';
export { formatMessageText } from './message/text.js';
export { messageAsReport } from './message/as-report.js';
export { applyIgnores, countedChecks } from './suppress.js';
export type { IgnoreRule } from './suppress.js';
export type { Suppression } from './schema/report.js';

// The csv and SARIF reporters list every registered check: the library gives them the catalogue.
import { checkCatalogue } from './check-catalogue.js';
import * as csv from './report/csv.js';
import * as sarif from './report/sarif.js';
import type { Report as LibraryReport } from './schema/report.js';
type Optional<Options> = Omit<Options, 'catalogue'> & { catalogue?: csv.CsvOptions['catalogue'] };
export const formatCsv = (reports: readonly LibraryReport[], options: Optional<csv.CsvOptions> = {}): string =>
  csv.formatCsv(reports, { catalogue: checkCatalogue(), ...options });
export const csvHeader = (options: Optional<csv.CsvOptions> = {}): string => csv.csvHeader({ catalogue: checkCatalogue(), ...options });
export const csvRow = (report: LibraryReport, options: Optional<csv.CsvOptions> = {}): string =>
  csv.csvRow(report, { catalogue: checkCatalogue(), ...options });
export const formatSarif = (reports: readonly LibraryReport[], options: Optional<sarif.SarifOptions> = {}): string =>
  sarif.formatSarif(reports, { catalogue: checkCatalogue(), ...options });
