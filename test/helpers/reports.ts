/**
 * Sample Reports for reporter tests, built through the real scoring code so
 * they carry consistent scores and ranked fixes.
 */
import { scoreChecks } from '../../src/score.js';
import { SCHEMA_VERSION, reportSchema, type CheckResult, type Finding, type Report } from '../../src/schema/report.js';

export function check(id: string, findings: Finding[] = [], extra: Partial<CheckResult> = {}): CheckResult {
  const worst = findings.some((f) => f.severity === 'critical' || f.severity === 'high')
    ? 'fail'
    : findings.length > 0
      ? 'warn'
      : 'pass';
  return {
    id,
    title: id.toUpperCase(),
    status: worst,
    score: null,
    findings,
    facts: { record: `${id} facts` },
    durationMs: 12,
    ...extra,
  };
}

export function finding(id: string, severity: Finding['severity'], extra: Partial<Finding> = {}): Finding {
  return { id, severity, title: `Title of ${id}`, message: `Observed for ${id}`, evidence: [], ...extra };
}

export function report(domain: string, checks: CheckResult[], extra: Partial<Report> = {}): Report {
  const scored = scoreChecks(checks);
  const value: Report = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'mailcheck', version: '0.1.0' },
    domain,
    generatedAt: '2026-05-01T10:00:00.000Z',
    score: scored.score,
    receiving: scored.receiving,
    parked: scored.parked,
    profiles: scored.profiles,
    checks: scored.checks,
    fixes: scored.fixes,
    dns: { queries: 17, servers: ['127.0.0.1:5353'] },
    ...extra,
  };
  return reportSchema.parse(value);
}

/** A domain with a spread of findings, fixes with TXT records, an errored and a skipped check. */
export function brokenReport(domain = 'broken.example'): Report {
  return report(domain, [
    check('mx', [finding('mx/no-ipv6', 'info', { evidence: ['mx1.broken.example A 192.0.2.1'] })]),
    check('spf', [
      finding('spf/too-many-lookups', 'high', {
        message: 'SPF needs 12 DNS lookups, "limit" is 10, <b>bold</b>',
        evidence: ['v=spf1 include:a include:b ~all'],
        fix: {
          summary: 'Flatten the SPF record',
          records: [
            {
              action: 'replace',
              name: domain,
              type: 'TXT',
              value: `v=spf1 ip4:192.0.2.0/24 ${'ip4:198.51.100.1 '.repeat(20)}-all`,
              current: 'v=spf1 include:a include:b ~all',
            },
          ],
        },
      }),
    ]),
    check('dmarc', [
      finding('dmarc/policy-none', 'medium', {
        fix: {
          summary: 'Publish p=quarantine',
          records: [
            { action: 'replace', name: `_dmarc.${domain}`, type: 'TXT', value: 'v=DMARC1; p=quarantine; rua=mailto:<REPORT-MAILBOX>', current: 'v=DMARC1; p=none' },
          ],
          placeholders: { 'REPORT-MAILBOX': 'a mailbox that receives DMARC aggregate reports' },
        },
      }),
    ]),
    check('dkim', [], { status: 'error', error: 'DNS timeout for default._domainkey', facts: {} }),
    check('tls', [], { status: 'skipped', skipReason: 'offline: network probes are skipped', facts: {} }),
  ]);
}

export function healthyReport(domain = 'healthy.example'): Report {
  return report(domain, [check('mx'), check('spf'), check('dmarc'), check('dkim')]);
}
