/**
 * What one message is: a bounce (RFC 3464 DSN or a known non-standard
 * notice) with its failed or delayed recipients, a delivery success report,
 * an auto-reply (RFC 3834), a feedback-loop complaint (ARF, RFC 5965), or
 * something else. MIME is parsed by postal-mime.
 */
import PostalMime from 'postal-mime';
import { parseDeliveryStatus, parseFieldBlock, bareAddress, type DsnRecipient } from './dsn.js';
import { parseNonStandard, type FormatName } from './formats.js';

export type MessageKind = 'bounce' | 'delivered' | 'autoreply' | 'feedback' | 'other';

/** A recipient of a bounce with where it came from. */
export interface BouncedRecipient extends DsnRecipient {
  recipient: string;
}

export interface ClassifiedMessage {
  kind: MessageKind;
  /** `rfc3464` or the non-standard format recognised (bounces only). */
  format?: 'rfc3464' | FormatName;
  recipients: BouncedRecipient[];
  reportingMta?: string;
  /** The domain that sent the bounced message (From of the returned copy, else the bounce's To). */
  sendingDomain?: string;
  /** When the failure happened (ISO 8601), from the DSN or the message's Date. */
  date?: string;
  /** ARF Feedback-Type (RFC 5965 §3.1), for feedback. */
  feedbackType?: string;
  /** ARF Source-IP (RFC 5965 §3.2), for feedback. */
  sourceIp?: string;
  /** Who sent the auto-reply or complaint. */
  from?: string;
}

const decoder = new TextDecoder('utf-8');
const contentText = (content: ArrayBuffer | Uint8Array | string): string => (typeof content === 'string' ? content : decoder.decode(content));

function isoDate(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const time = Date.parse(raw.replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

const domainOf = (address: string | undefined): string | undefined => {
  const at = address?.lastIndexOf('@') ?? -1;
  return at > 0 ? address!.slice(at + 1).trim().replace(/[>.]$/, '').toLowerCase() : undefined;
};

/** RFC 3834 §5 and the headers auto-responders commonly add. */
function isAutoReply(header: (name: string) => string | undefined, subject: string): boolean {
  const autoSubmitted = header('auto-submitted')?.toLowerCase();
  if (autoSubmitted && autoSubmitted.startsWith('auto-replied')) return true;
  if (header('x-autoreply') !== undefined || header('x-autorespond') !== undefined || header('x-autoreply-from') !== undefined) return true;
  if (/^auto[_-]?reply$/i.test(header('precedence') ?? '')) return true;
  // \u00e9 is é: the CLI bundle stays ASCII (scripts/build-cli.mjs).
  return (autoSubmitted !== undefined && autoSubmitted !== 'no') || /^(?:auto(?:matic)? ?reply|out of (?:the )?office|abwesenheitsnotiz|r[e\u00e9]ponse automatique)\b/i.test(subject.replace(/^(?:re|aw|fwd?):\s*/i, ''));
}

/** Classifies one raw message. */
export async function classifyMessage(raw: Buffer | string): Promise<ClassifiedMessage> {
  const email = await PostalMime.parse(raw);
  const header = (name: string) => email.headers.find((entry) => entry.key === name)?.value;
  const subject = email.subject ?? '';
  const from = email.from?.address ?? '';
  const contentType = (header('content-type') ?? '').toLowerCase();
  const attachments = email.attachments.map((part) => ({ type: part.mimeType.toLowerCase(), text: () => contentText(part.content) }));
  const original = attachments.find((part) => part.type === 'message/rfc822' || part.type === 'text/rfc822-headers' || part.type === 'message/rfc822-headers');
  const originalFields = original ? parseFieldBlock(original.text().replace(/\r\n?/g, '\n').split(/\n\s*\n/)[0] ?? '') : undefined;
  const originalFrom = originalFields?.get('from');
  const toAddress = email.to?.[0]?.address;
  const sendingDomain = domainOf(originalFrom ? bareAddress(originalFrom) : undefined) ?? domainOf(toAddress);
  const messageDate = isoDate(header('date'));
  const base = { ...(sendingDomain ? { sendingDomain } : {}) };

  // RFC 5965 §2: multipart/report; report-type=feedback-report with a message/feedback-report part.
  const feedback = attachments.find((part) => part.type === 'message/feedback-report');
  if (feedback || /report-type="?feedback-report/.test(contentType)) {
    const fields = parseFieldBlock((feedback?.text() ?? '').replace(/\r\n?/g, '\n'));
    const sourceIp = fields.get('source-ip');
    return {
      kind: 'feedback',
      recipients: [],
      ...base,
      ...(fields.get('feedback-type') ? { feedbackType: fields.get('feedback-type')!.toLowerCase() } : {}),
      ...(sourceIp ? { sourceIp } : {}),
      ...(from ? { from } : {}),
      ...(messageDate ? { date: messageDate } : {}),
    };
  }

  // RFC 3464 §2 / RFC 6522: multipart/report; report-type=delivery-status with a message/delivery-status part.
  const status = attachments.find((part) => part.type === 'message/delivery-status' || part.type === 'message/global-delivery-status');
  if (status) {
    const dsn = parseDeliveryStatus(status.text());
    const recipients = dsn.recipients.filter((recipient): recipient is BouncedRecipient => recipient.recipient !== undefined);
    const failing = recipients.filter((recipient) => recipient.action !== 'delivered' && recipient.action !== 'relayed' && recipient.action !== 'expanded');
    const date = isoDate(failing[0]?.lastAttemptDate) ?? isoDate(dsn.arrivalDate) ?? messageDate;
    return {
      kind: failing.length > 0 ? 'bounce' : recipients.length > 0 ? 'delivered' : 'other',
      format: 'rfc3464',
      recipients: failing,
      ...base,
      ...(dsn.reportingMta ? { reportingMta: dsn.reportingMta } : {}),
      ...(date ? { date } : {}),
    };
  }

  const text = (email.text ?? (email.html ? email.html.replace(/<[^>]*>/g, ' ') : '')).replace(/\r\n?/g, '\n');
  const failedRecipients = (header('x-failed-recipients') ?? '')
    .split(',')
    .map((address) => bareAddress(address))
    .filter((address) => address.includes('@'));
  const looksLikeBounce =
    /mailer-daemon|postmaster|mail delivery|no-?reply.*(?:ses|amazon)/i.test(from) ||
    /undeliver|delivery (?:status|fail)|returned mail|failure notice|not delivered|delivery has failed|could not be delivered|couldn't be delivered|notification/i.test(subject) ||
    failedRecipients.length > 0;
  if (looksLikeBounce) {
    const parsed = parseNonStandard({ text, subject, from, failedRecipients });
    if (parsed) {
      const recipients = parsed.recipients.filter((recipient): recipient is BouncedRecipient => recipient.recipient !== undefined);
      const reportingMta = domainOf(from);
      return {
        kind: 'bounce',
        format: parsed.format,
        recipients,
        ...base,
        ...(reportingMta ? { reportingMta } : {}),
        ...(messageDate ? { date: messageDate } : {}),
      };
    }
  }
  if (isAutoReply(header, subject)) {
    return { kind: 'autoreply', recipients: [], ...base, ...(from ? { from } : {}), ...(messageDate ? { date: messageDate } : {}) };
  }
  return { kind: 'other', recipients: [], ...base };
}
