/**
 * DMARC aggregate, DMARC failure and TLS-RPT reports written for the tests
 * from the schemas of RFC 7489 Appendix C, RFC 9990, RFC 6591 and RFC 8460
 * §4.4; all names are under .test and addresses in 127.0.0.0/8 or the
 * documentation ranges.
 */
import { gzipSync } from 'node:zlib';

export interface SampleRow {
  ip: string;
  count: number;
  disposition?: 'none' | 'quarantine' | 'reject';
  /** policy_evaluated: aligned verdicts. */
  dkim: 'pass' | 'fail';
  spf: 'pass' | 'fail';
  reason?: { type: string; comment?: string };
  headerFrom?: string;
  envelopeFrom?: string;
  dkimAuth?: Array<{ domain: string; selector?: string; result: string }>;
  spfAuth?: Array<{ domain: string; scope?: string; result: string }>;
}

export interface SampleReport {
  org?: string;
  reportId?: string;
  domain?: string;
  begin?: number;
  end?: number;
  p?: string;
  sp?: string;
  pct?: number;
  rows: SampleRow[];
}

/** 2026-11-01T00:00:00Z and one day later. */
export const DAY1 = 1_793_491_200;
export const DAY = 86_400;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function rowXml(row: SampleRow, domain: string): string {
  const reason = row.reason
    ? `<reason><type>${row.reason.type}</type>${row.reason.comment ? `<comment>${escape(row.reason.comment)}</comment>` : ''}</reason>`
    : '';
  const dkim = (row.dkimAuth ?? [])
    .map((auth) => `<dkim><domain>${auth.domain}</domain>${auth.selector ? `<selector>${auth.selector}</selector>` : ''}<result>${auth.result}</result></dkim>`)
    .join('');
  const spf = (row.spfAuth ?? [{ domain, result: row.spf }])
    .map((auth) => `<spf><domain>${auth.domain}</domain><scope>${auth.scope ?? 'mfrom'}</scope><result>${auth.result}</result></spf>`)
    .join('');
  return `  <record>
    <row><source_ip>${row.ip}</source_ip><count>${row.count}</count>
      <policy_evaluated><disposition>${row.disposition ?? 'none'}</disposition><dkim>${row.dkim}</dkim><spf>${row.spf}</spf>${reason}</policy_evaluated>
    </row>
    <identifiers><header_from>${row.headerFrom ?? domain}</header_from>${row.envelopeFrom ? `<envelope_from>${row.envelopeFrom}</envelope_from>` : ''}</identifiers>
    <auth_results>${dkim}${spf}</auth_results>
  </record>`;
}

/** An RFC 7489 Appendix C report (no namespace). */
export function rfc7489Xml(report: SampleReport): string {
  const domain = report.domain ?? 'example.test';
  return `<?xml version="1.0" encoding="UTF-8" ?>
<feedback>
  <report_metadata>
    <org_name>${escape(report.org ?? 'receiver.test')}</org_name>
    <email>noreply-dmarc@receiver.test</email>
    <report_id>${escape(report.reportId ?? 'r-1')}</report_id>
    <date_range><begin>${report.begin ?? DAY1}</begin><end>${report.end ?? DAY1 + DAY - 1}</end></date_range>
  </report_metadata>
  <policy_published>
    <domain>${domain}</domain><adkim>r</adkim><aspf>r</aspf><p>${report.p ?? 'none'}</p>${report.sp ? `<sp>${report.sp}</sp>` : ''}<pct>${report.pct ?? 100}</pct>
  </policy_published>
${report.rows.map((row) => rowXml(row, domain)).join('\n')}
</feedback>
`;
}

/** An RFC 9990 report: namespace, version, np, discovery_method, testing. */
export function rfc9990Xml(report: SampleReport): string {
  const domain = report.domain ?? 'example.test';
  return `<?xml version="1.0" encoding="UTF-8"?>
<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">
  <version>1.0</version>
  <report_metadata>
    <org_name>${escape(report.org ?? 'receiver2.test')}</org_name>
    <email>dmarc@receiver2.test</email>
    <report_id>${escape(report.reportId ?? 'v2-1')}</report_id>
    <date_range><begin>${report.begin ?? DAY1}</begin><end>${report.end ?? DAY1 + DAY - 1}</end></date_range>
    <generator>receiver2 mailer 1.0</generator>
  </report_metadata>
  <policy_published>
    <domain>${domain}</domain><p>${report.p ?? 'none'}</p><sp>${report.sp ?? report.p ?? 'none'}</sp><np>reject</np>
    <adkim>r</adkim><aspf>r</aspf><discovery_method>treewalk</discovery_method><testing>n</testing>
  </policy_published>
${report.rows.map((row) => rowXml(row, domain)).join('\n')}
</feedback>
`;
}

/** The same report as JSON, mirroring the XML elements. */
export function aggregateJson(report: SampleReport): string {
  const domain = report.domain ?? 'example.test';
  return JSON.stringify({
    feedback: {
      report_metadata: { org_name: report.org ?? 'jsonreceiver.test', report_id: report.reportId ?? 'j-1', date_range: { begin: report.begin ?? DAY1, end: report.end ?? DAY1 + DAY - 1 } },
      policy_published: { domain, p: report.p ?? 'none', adkim: 'r', aspf: 'r', pct: 100 },
      record: report.rows.map((row) => ({
        row: { source_ip: row.ip, count: row.count, policy_evaluated: { disposition: row.disposition ?? 'none', dkim: row.dkim, spf: row.spf, ...(row.reason ? { reason: row.reason } : {}) } },
        identifiers: { header_from: row.headerFrom ?? domain },
        auth_results: { dkim: row.dkimAuth ?? [], spf: row.spfAuth ?? [{ domain, scope: 'mfrom', result: row.spf }] },
      })),
    },
  });
}

/** An RFC 8460 §4.4 report. */
export function tlsRptJson(policies: Array<{ type: string; domain: string; success: number; failures: Array<{ type: string; count: number }> }>, reportId = 'tls-1'): string {
  return JSON.stringify({
    'organization-name': 'sender.test',
    'date-range': { 'start-datetime': '2026-11-01T00:00:00Z', 'end-datetime': '2026-11-01T23:59:59Z' },
    'contact-info': 'tls-reports@sender.test',
    'report-id': reportId,
    policies: policies.map((policy) => ({
      policy: { 'policy-type': policy.type, 'policy-string': [], 'policy-domain': policy.domain, 'mx-host': [`mx.${policy.domain}`] },
      summary: { 'total-successful-session-count': policy.success, 'total-failure-session-count': policy.failures.reduce((sum, f) => sum + f.count, 0) },
      'failure-details': policy.failures.map((failure) => ({ 'result-type': failure.type, 'sending-mta-ip': '192.0.2.25', 'receiving-mx-hostname': `mx.${policy.domain}`, 'failed-session-count': failure.count })),
    })),
  });
}

/** An e-mail (RFC 5322, MIME) carrying one attachment, as receivers send reports (RFC 7489 §7.2.1.1). */
export function reportEmail(attachment: { name: string; type: string; content: Buffer | string }, subject = 'Report Domain: example.test'): string {
  const base64 = Buffer.from(attachment.content).toString('base64').replace(/(.{76})/g, '$1\r\n');
  return [
    'From: dmarc-noreply@receiver.test',
    'To: dmarc-reports@example.test',
    `Subject: ${subject}`,
    'Date: Mon, 02 Nov 2026 01:00:00 +0000',
    'Message-ID: <report-1@receiver.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'This is an aggregate report.',
    '--b1',
    `Content-Type: ${attachment.type}; name="${attachment.name}"`,
    `Content-Disposition: attachment; filename="${attachment.name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    base64,
    '--b1--',
    '',
  ].join('\r\n');
}

/** A DMARC failure report (RFC 6591 §3.1 fields in an RFC 5965 multipart/report). */
export function failureReportEmail(fields: { domain: string; ip: string; dkimDomain?: string; selector?: string }): string {
  return [
    'From: dmarc-failures@receiver.test',
    'To: dmarc-failures@example.test',
    'Subject: DMARC failure report',
    'Date: Mon, 02 Nov 2026 01:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="f1"',
    '',
    '--f1',
    'Content-Type: text/plain',
    '',
    'A message claiming to be from you failed DMARC.',
    '--f1',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: auth-failure',
    'User-Agent: receiver/1.0',
    'Version: 1',
    'Auth-Failure: dmarc',
    `Source-IP: ${fields.ip}`,
    `Reported-Domain: ${fields.domain}`,
    'Arrival-Date: Mon, 02 Nov 2026 00:30:00 +0000',
    ...(fields.dkimDomain ? [`DKIM-Domain: ${fields.dkimDomain}`] : []),
    ...(fields.selector ? [`DKIM-Selector: ${fields.selector}`] : []),
    '',
    '--f1',
    'Content-Type: text/rfc822-headers',
    '',
    `From: someone@${fields.domain}`,
    'Subject: hello',
    '',
    '--f1--',
    '',
  ].join('\r\n');
}

export const gzip = (text: string | Buffer) => gzipSync(Buffer.from(text));
