/**
 * Reports in JSON: TLS-RPT (RFC 8460 §4.3, §4.4) and DMARC aggregate reports
 * in the JSON shape some receivers send, which mirrors the XML elements of
 * RFC 7489 Appendix C (`feedback` → `report_metadata`, `policy_published`,
 * `record`), a repeated element being an array or a single object.
 */
import { parseIp } from '../lookups/reverse.js';
import { ReportInputError, type AggregateRecord, type AggregateReport, type AuthResult, type TlsRptReport } from './model.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);
const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value.slice(0, 2048).trim() : typeof value === 'number' ? String(value) : undefined;

/** Whether parsed JSON is a TLS-RPT report or an aggregate report, or neither. */
export function parseJsonReport(value: unknown): AggregateReport | TlsRptReport {
  if (isObject(value) && ('policies' in value || 'organization-name' in value)) return parseTlsRpt(value);
  const feedback = isObject(value) && isObject(value.feedback) ? value.feedback : value;
  if (isObject(feedback) && ('policy_published' in feedback || 'report_metadata' in feedback)) return parseAggregateJson(feedback);
  throw new ReportInputError('unknown schema: JSON that is neither a TLS-RPT report (RFC 8460) nor a DMARC aggregate report');
}

/** RFC 8460 §4.4 date-time (RFC 3339) as seconds since the epoch. */
function dateTime(value: unknown, what: string): number {
  const raw = text(value);
  const ms = raw !== undefined && /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : NaN;
  if (!Number.isFinite(ms)) throw new ReportInputError(`invalid TLS-RPT report: "${what}" is not an RFC 3339 date-time`);
  return Math.floor(ms / 1000);
}

function wholeNumber(value: unknown, what: string): number {
  const number = typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
    throw new ReportInputError(`invalid report: "${what}" is not a whole number`);
  }
  return number;
}

/** RFC 8460 §4.4: organization-name, date-range, report-id and policies are required. */
export function parseTlsRpt(report: Json): TlsRptReport {
  const range = report['date-range'];
  if (!isObject(range)) throw new ReportInputError('invalid TLS-RPT report: no "date-range"');
  if (!Array.isArray(report.policies)) throw new ReportInputError('invalid TLS-RPT report: "policies" is not a list');
  const policies = report.policies.map((entry, index): TlsRptReport['policies'][number] => {
    const policy = isObject(entry) && isObject(entry.policy) ? entry.policy : undefined;
    const summary = isObject(entry) && isObject(entry.summary) ? entry.summary : undefined;
    if (!policy || !summary) throw new ReportInputError(`invalid TLS-RPT report: policies[${index}] lacks "policy" or "summary"`);
    const failures = list(isObject(entry) ? entry['failure-details'] : undefined)
      .filter(isObject)
      .map((detail) => ({
        resultType: (text(detail['result-type']) ?? 'unknown').toLowerCase(),
        count: wholeNumber(detail['failed-session-count'] ?? 0, 'failed-session-count'),
      }));
    return {
      policyType: (text(policy['policy-type']) ?? 'unknown').toLowerCase(),
      policyDomain: (text(policy['policy-domain']) ?? '').toLowerCase().replace(/\.$/, ''),
      success: wholeNumber(summary['total-successful-session-count'], 'total-successful-session-count'),
      failure: wholeNumber(summary['total-failure-session-count'], 'total-failure-session-count'),
      failures,
    };
  });
  return {
    kind: 'tlsrpt',
    orgName: text(report['organization-name']) ?? '',
    reportId: text(report['report-id']) ?? '',
    begin: dateTime(range['start-datetime'], 'start-datetime'),
    end: dateTime(range['end-datetime'], 'end-datetime'),
    policies,
  };
}

function authResults(value: unknown, kind: 'dkim' | 'spf'): AuthResult[] {
  return list(value)
    .filter(isObject)
    .slice(0, 16)
    .flatMap((entry) => {
      const domain = text(entry.domain)?.toLowerCase();
      const result = text(entry.result)?.toLowerCase();
      if (domain === undefined || result === undefined) return [];
      const selector = kind === 'dkim' ? text(entry.selector) : undefined;
      const scope = kind === 'spf' ? text(entry.scope)?.toLowerCase() : undefined;
      return [{ domain, result, ...(selector ? { selector } : {}), ...(scope ? { scope } : {}) }];
    });
}

function aggregateRecord(entry: unknown, index: number): AggregateRecord {
  const record = isObject(entry) ? entry : {};
  const row = isObject(record.row) ? record.row : {};
  const evaluated = isObject(row.policy_evaluated) ? row.policy_evaluated : {};
  const identifiers = isObject(record.identifiers) ? record.identifiers : {};
  const auth = isObject(record.auth_results) ? record.auth_results : {};
  const ip = parseIp(text(row.source_ip) ?? '');
  if (!ip) throw new ReportInputError(`invalid report: record[${index}] has no valid source_ip`);
  const envelopeFrom = text(identifiers.envelope_from)?.toLowerCase();
  return {
    sourceIp: ip.text,
    count: wholeNumber(row.count, 'count'),
    disposition: text(evaluated.disposition)?.toLowerCase() ?? 'none',
    dkim: text(evaluated.dkim)?.toLowerCase() ?? 'fail',
    spf: text(evaluated.spf)?.toLowerCase() ?? 'fail',
    reasons: list(evaluated.reason)
      .filter(isObject)
      .slice(0, 8)
      .flatMap((reason) => {
        const type = text(reason.type)?.toLowerCase();
        const comment = text(reason.comment);
        return type ? [{ type, ...(comment ? { comment } : {}) }] : [];
      }),
    headerFrom: text(identifiers.header_from)?.toLowerCase() ?? '',
    ...(envelopeFrom ? { envelopeFrom } : {}),
    dkimResults: authResults(auth.dkim, 'dkim'),
    spfResults: authResults(auth.spf, 'spf'),
  };
}

export function parseAggregateJson(feedback: Json): AggregateReport {
  const metadata = isObject(feedback.report_metadata) ? feedback.report_metadata : {};
  const range = isObject(metadata.date_range) ? metadata.date_range : undefined;
  const published = isObject(feedback.policy_published) ? feedback.policy_published : {};
  const domain = (text(published.domain) ?? '').toLowerCase().replace(/\.$/, '');
  if (domain === '') throw new ReportInputError('invalid report: policy_published has no domain');
  if (!range) throw new ReportInputError('invalid report: report_metadata has no date_range');
  const policy: AggregateReport['policy'] = { domain };
  for (const tag of ['p', 'sp', 'np', 'adkim', 'aspf', 'testing'] as const) {
    const value = text(published[tag]);
    if (value) policy[tag] = value.toLowerCase();
  }
  const pct = text(published.pct);
  if (pct !== undefined && /^\d{1,3}$/.test(pct)) policy.pct = Number(pct);
  return {
    kind: 'aggregate',
    format: 'json',
    orgName: text(metadata.org_name) ?? '',
    reportId: text(metadata.report_id) ?? '',
    begin: wholeNumber(range.begin, 'begin'),
    end: wholeNumber(range.end, 'end'),
    policy,
    records: list(feedback.record).map(aggregateRecord),
  };
}
