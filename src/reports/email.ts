/**
 * E-mails that carry reports (parsed with postal-mime): the attachments that
 * may hold an aggregate or TLS-RPT report (RFC 7489 §7.2.1.1: gzip, zip or
 * XML; RFC 8460 §5.3: application/tlsrpt+json or +gzip), and the
 * message/feedback-report part of a DMARC failure report (ARF, RFC 5965 §3.1,
 * with the auth-failure fields of RFC 6591 §3.1).
 */
import PostalMime from 'postal-mime';
import { parseIp } from '../lookups/reverse.js';
import { ReportInputError, type FailureReport } from './model.js';

export interface EmailReports {
  attachments: Array<{ name: string; content: Buffer }>;
  failures: FailureReport[];
}

/** Types of parts that carry reports; other parts (logos, signatures, the body) are passed over. */
const REPORT_TYPES = /^(application\/(x-)?(gzip|zip|x-zip-compressed|xml|json|octet-stream|tlsrpt\+json|tlsrpt\+gzip)|text\/xml)$/i;
const REPORT_NAMES = /\.(xml|gz|zip|json)$/i;

export async function parseEmail(bytes: Buffer): Promise<EmailReports> {
  let email;
  try {
    // Limits well under postal-mime's defaults: report e-mails are small and flat.
    email = await PostalMime.parse(bytes, { attachmentEncoding: 'arraybuffer', maxNestingDepth: 16, maxPartCount: 500 });
  } catch (error) {
    throw new ReportInputError(`invalid e-mail: ${(error as Error).message}`);
  }
  const attachments: EmailReports['attachments'] = [];
  const failures: FailureReport[] = [];
  for (const [index, attachment] of email.attachments.entries()) {
    const type = (attachment.mimeType ?? '').toLowerCase();
    const content = toBuffer(attachment.content);
    if (type === 'message/feedback-report') {
      const failure = parseFeedbackReport(content.toString('utf8'));
      if (failure) failures.push(failure);
      continue;
    }
    const name = attachment.filename ?? `part-${index + 1}`;
    if (REPORT_TYPES.test(type) || REPORT_NAMES.test(name)) attachments.push({ name: name.replace(/[\r\n]/g, ' '), content });
  }
  return { attachments, failures };
}

function toBuffer(content: ArrayBuffer | Uint8Array | string): Buffer {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  return content instanceof ArrayBuffer ? Buffer.from(content) : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
}

/** The fields of a message/feedback-report body (RFC 5965 §3.1: header syntax, lines may be folded). */
export function feedbackFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && last) {
      fields.set(last, `${fields.get(last)} ${line.trim()}`.trim());
      continue;
    }
    const match = /^([!-9;-~]+):\s*(.*)$/.exec(line);
    if (!match) continue;
    last = match[1]!.toLowerCase();
    // The first occurrence counts; repeated fields (Reported-URI …) are not needed here.
    if (!fields.has(last)) fields.set(last, match[2]!.trim().slice(0, 1024));
  }
  return fields;
}

/**
 * A DMARC failure report from its feedback fields: RFC 6591 §3.1 requires
 * Auth-Failure for Feedback-Type auth-failure; RFC 5965 §3.2 Reported-Domain
 * names the domain. Null for other feedback types (abuse, fraud …).
 */
export function parseFeedbackReport(text: string): FailureReport | null {
  const fields = feedbackFields(text);
  if ((fields.get('feedback-type') ?? '').toLowerCase() !== 'auth-failure') return null;
  const reportedDomain = (fields.get('reported-domain') ?? '').toLowerCase().replace(/\.$/, '');
  if (reportedDomain === '') throw new ReportInputError('invalid failure report: no Reported-Domain field');
  const ip = parseIp(fields.get('source-ip') ?? '');
  const arrival = Date.parse(fields.get('arrival-date') ?? '');
  const authFailure = fields.get('auth-failure')?.toLowerCase();
  const dkimDomain = fields.get('dkim-domain')?.toLowerCase();
  const dkimSelector = fields.get('dkim-selector');
  return {
    kind: 'failure',
    reportedDomain,
    ...(ip ? { sourceIp: ip.text } : {}),
    ...(Number.isFinite(arrival) ? { arrival: Math.floor(arrival / 1000) } : {}),
    ...(authFailure ? { authFailure } : {}),
    ...(dkimDomain ? { dkimDomain } : {}),
    ...(dkimSelector ? { dkimSelector } : {}),
  };
}
