/**
 * Every finding `mailcheck message` can report, with its default severity.
 * Ids are public API (documented in the README's message section): never
 * renamed.
 */
import type { FindingDescription } from '../checks/define.js';
import type { Finding } from '../schema/report.js';

/** The catalogue: finding id → default severity, title and description (README, SARIF rules). */
export const MESSAGE_FINDINGS = {
  'message/spf-fail': {
    severity: 'high',
    title: 'SPF does not pass for the sending IP',
    description: 'check_host() for the MAIL FROM (or HELO) domain gives fail, softfail (medium) or permerror: the IP is not authorised by the published policy (RFC 7208 §2.6).',
  },
  'message/spf-none': {
    severity: 'medium',
    title: 'No SPF policy for the MAIL FROM domain',
    description: 'The MAIL FROM (or HELO) domain publishes no SPF record: SPF gives none and cannot help DMARC (RFC 7208 §2.6.1).',
  },
  'message/spf-unverified': {
    severity: 'info',
    title: 'SPF not evaluated: envelope unknown',
    description: 'The connecting IP or MAIL FROM is not in the message (no receiver Received field, no Return-Path) and was not given with --ip / --mail-from.',
  },
  'message/spf-unaligned': {
    severity: 'medium',
    title: 'SPF passes for a domain not aligned with From',
    description: 'SPF passes, but the MAIL FROM domain does not align with the From domain (RFC 9989 §4.4), so it does not count for DMARC; low when DMARC passes through DKIM.',
  },
  'message/dkim-missing': {
    severity: 'high',
    title: 'Message not DKIM-signed',
    description: 'No DKIM-Signature field: bulk-sender rules require DKIM, and DMARC can then only pass through SPF, which forwarding breaks.',
  },
  'message/dkim-fail': {
    severity: 'high',
    title: 'DKIM signature does not verify',
    description: 'A signature fails: the body or a signed header changed after signing, the key at the selector does not match the signing key (rotated), or the key is missing, weak or unusable (RFC 6376 §6.1).',
  },
  'message/dkim-expired': {
    severity: 'medium',
    title: 'DKIM signature expired',
    description: 'x= lies before the verification time (or before t=): verifiers treat the signature as failing (RFC 6376 §3.5).',
  },
  'message/dkim-body-length': {
    severity: 'medium',
    title: 'DKIM signature signs only part of the body (l=)',
    description: 'l= limits the signed body; content appended after it is unsigned (high when the body is longer than l=), a known spoofing vector (RFC 6376 §8.2).',
  },
  'message/dkim-unaligned': {
    severity: 'medium',
    title: 'DKIM passes only for a domain not aligned with From',
    description: 'A signature passes, but no passing signature\'s d= aligns with the From domain (RFC 9989 §4.4); low when DMARC passes through SPF.',
  },
  'message/dmarc-fail': {
    severity: 'high',
    title: 'DMARC fails',
    description: 'Neither SPF nor DKIM passes for a domain aligned with From: receivers apply the policy (critical when it is reject).',
  },
  'message/dmarc-missing': {
    severity: 'high',
    title: 'No DMARC policy for the From domain',
    description: 'No DMARC record applies to the From domain: bulk-sender rules (Gmail, Yahoo, Microsoft) require one.',
  },
  'message/arc-fail': {
    severity: 'medium',
    title: 'ARC chain does not validate',
    description: 'The message carries ARC sets that do not validate (RFC 8617 §5.2): intermediaries\' authentication results cannot be trusted.',
  },
  'message/list-unsubscribe-missing': {
    severity: 'low',
    title: 'No List-Unsubscribe',
    description: 'No List-Unsubscribe field (RFC 2369): bulk-sender rules require one-click unsubscribe for marketing and subscribed mail.',
  },
  'message/one-click-missing': {
    severity: 'medium',
    title: 'No one-click unsubscribe',
    description: 'List-Unsubscribe lacks an https URI, or List-Unsubscribe-Post: List-Unsubscribe=One-Click is missing (RFC 8058 §3.1).',
  },
  'message/one-click-unsigned': {
    severity: 'high',
    title: 'One-click unsubscribe fields not signed',
    description: 'List-Unsubscribe and List-Unsubscribe-Post are not both covered by the h= of a passing DKIM signature (RFC 8058 §4): receivers ignore the one-click request.',
  },
  'message/unsubscribe-link-missing': {
    severity: 'low',
    title: 'No visible unsubscribe link',
    description: 'The message has List-Unsubscribe but its body shows no unsubscribe link (Gmail and Yahoo ask for one in the body as well).',
  },
  'message/from-invalid': {
    severity: 'high',
    title: 'From is not exactly one address',
    description: 'No From field, several From fields, or not exactly one mailbox (RFC 5322 §3.6.2): DMARC cannot be evaluated and receivers reject such mail.',
  },
  'message/date-missing': {
    severity: 'medium',
    title: 'No Date field',
    description: 'RFC 5322 §3.6.1 requires exactly one Date field.',
  },
  'message/date-invalid': {
    severity: 'low',
    title: 'Date field does not parse',
    description: 'The Date field is not an RFC 5322 §3.3 date-time.',
  },
  'message/message-id-missing': {
    severity: 'medium',
    title: 'No Message-ID',
    description: 'RFC 5322 §3.6.4 says every message SHOULD have a Message-ID; Gmail rejects or files mail without one.',
  },
  'message/message-id-invalid': {
    severity: 'medium',
    title: 'Message-ID is not <left@right>',
    description: 'The Message-ID does not match msg-id (RFC 5322 §3.6.4: "<" id-left "@" id-right ">").',
  },
  'message/duplicate-header': {
    severity: 'high',
    title: 'Single-instance header field repeated',
    description: 'A field RFC 5322 §3.6 allows at most once (Date, Sender, Reply-To, To, Cc, Bcc, Message-ID, In-Reply-To, References, Subject) appears more than once.',
  },
  'message/line-too-long': {
    severity: 'medium',
    title: 'Line longer than 998 octets',
    description: 'RFC 5322 §2.1.1: lines MUST NOT exceed 998 octets; servers fold or reject them, which breaks DKIM.',
  },
  'message/malformed-header': {
    severity: 'medium',
    title: 'Header line that is not a field',
    description: 'A line in the header section is neither "name: value" nor a continuation (RFC 5322 §2.2).',
  },
  'message/feedback-id-invalid': {
    severity: 'low',
    title: 'Feedback-ID not in the expected form',
    description: 'Feedback-ID should be up to four colon-separated fields ending with a sender id (a:b:c:SenderId), without spaces.',
  },
  'message/no-tls': {
    severity: 'medium',
    title: 'Delivered without TLS',
    description: 'The receiver\'s Received field records no TLS for the hop from the sender (RFC 3848 protocol ESMTP, no TLS comment).',
  },
} as const satisfies Record<string, FindingDescription>;

/** A message finding id. */
export type MessageFindingId = keyof typeof MESSAGE_FINDINGS;

/** Builds a finding from the catalogue (as checks do with `emit`). */
export function messageFinding(
  id: MessageFindingId,
  input: { message: string; evidence?: string[]; severity?: Finding['severity'] },
): Finding {
  const spec: FindingDescription = MESSAGE_FINDINGS[id];
  return { id, severity: input.severity ?? spec.severity, title: spec.title, message: input.message, evidence: input.evidence ?? [] };
}
