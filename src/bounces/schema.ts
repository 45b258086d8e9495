/**
 * The result of `mailcheck bounces`: one zod schema, the JSON Schema
 * generated from it (schema/bounces.schema.json).
 */
import * as z from 'zod';
import { findingSchema } from '../schema/report.js';
import { BOUNCE_REASONS } from './reason.js';

export const BOUNCES_SCHEMA_VERSION = 1 as const;

export const bounceReasonSchema = z.enum(BOUNCE_REASONS).describe('Why the recipient bounced; documented in the README.');

/** One failed or delayed recipient of one bounce. */
export const bounceRowSchema = z.object({
  file: z.string().describe('The file the bounce came from; for an mbox, `file#n` (n-th message, from 1).'),
  recipient: z.string().describe('The recipient that failed (Final-Recipient, else Original-Recipient).'),
  action: z.string().describe('RFC 3464 Action: failed or delayed (non-standard notices: as their wording says).'),
  status: z.string().nullable().describe('RFC 3463 enhanced status code, e.g. 5.1.1.'),
  reply: z.number().int().nullable().describe('SMTP reply code from the diagnostic, e.g. 550.'),
  reason: bounceReasonSchema,
  hard: z.boolean().describe('The address itself is undeliverable (unknown user or domain, null MX, moved), permanently: suppress it.'),
  senderSide: z.boolean().describe("The sender's setup caused the failure (authentication, reverse DNS, blocklisting, TLS, rate): fix it, do not suppress."),
  remoteMta: z.string().nullable().describe('The receiving server that refused the message.'),
  reportingMta: z.string().nullable().describe('The server that wrote the bounce.'),
  diagnostic: z.string().nullable().describe("The remote server's text (RFC 3464 Diagnostic-Code), folded lines joined."),
  diagnosticType: z.string().optional().describe('Diagnostic-Code type: smtp, x-unix, …'),
  format: z.string().describe('rfc3464, or the non-standard format recognised (postfix, exim, qmail, …).'),
  receivingDomain: z.string().describe("The recipient's domain, lower case."),
  sendingDomain: z.string().optional().describe('The domain that sent the bounced message (From of the returned copy, else the bounce\'s To).'),
  sendingIp: z.string().optional().describe('The sending IP named in the diagnostic, if any.'),
  date: z.string().optional().describe('When the failure happened, ISO 8601, when the bounce says.'),
  findingId: z.string().optional().describe('For sender-side reasons: the DNS finding id whose fix most likely removes the cause.'),
});

const countsSchema = z.object({ hard: z.number().int(), soft: z.number().int() });

export const senderIssueSchema = z.object({
  sendingDomain: z.string().describe('The sending domain ("unknown" when no bounce named it).'),
  ips: z.array(z.string()).describe('Sending IPs named in the diagnostics.'),
  reasons: z.record(z.string(), z.number().int()).describe('Bounces per sender-side reason.'),
  findingIds: z.array(z.string()).describe('DNS finding ids whose fix removes these causes.'),
  checks: z.array(z.string()).describe('The mailcheck checks that examine these causes.'),
  audit: z
    .object({
      findings: z.array(findingSchema.extend({ check: z.string() })).describe('Findings of the checks run live (--audit).'),
      inconclusive: z.array(z.string()).describe('Checks that could not conclude.'),
    })
    .optional(),
});

export const complaintSchema = z.object({
  file: z.string(),
  feedbackType: z.string().nullable().describe('ARF Feedback-Type (RFC 5965 §3.1): abuse, fraud, virus, other, …'),
  sourceIp: z.string().nullable(),
  sendingDomain: z.string().nullable(),
});

export const bouncesResultSchema = z.object({
  schemaVersion: z.literal(BOUNCES_SCHEMA_VERSION),
  tool: z.object({ name: z.string(), version: z.string() }),
  bounces: z.array(bounceRowSchema),
  messages: z
    .object({
      total: z.number().int(),
      bounces: z.number().int().describe('Messages that are bounces (DSNs or known notices) with at least one failed or delayed recipient.'),
      delivered: z.number().int().describe('Delivery status notifications that report success only.'),
      autoReplies: z.number().int().describe('Auto-replies (RFC 3834), vacation notices: not bounces.'),
      feedback: z.number().int().describe('Feedback-loop complaints (ARF, RFC 5965): not bounces.'),
      other: z.number().int().describe('Messages that are none of these: counted, not errors.'),
    })
    .describe('What the messages read were.'),
  summary: z.object({
    recipients: z.number().int(),
    hard: z.number().int(),
    soft: z.number().int(),
    reasons: z.record(z.string(), countsSchema).describe('Bounced recipients per reason.'),
    receivingDomains: z.record(z.string(), countsSchema).describe('Bounced recipients per receiving domain.'),
    suppressed: z.number().int().describe('Distinct addresses written to --suppress.'),
  }),
  senders: z.array(senderIssueSchema).describe('Sender-side failures grouped by sending domain, with the DNS findings that fix them.'),
  complaints: z.array(complaintSchema),
  errors: z.array(z.object({ file: z.string(), message: z.string() })).describe('Files or messages that could not be read.'),
});

export type BounceRow = z.infer<typeof bounceRowSchema>;
export type SenderIssue = z.infer<typeof senderIssueSchema>;
export type Complaint = z.infer<typeof complaintSchema>;
export type BouncesResult = z.infer<typeof bouncesResultSchema>;

export function bouncesJsonSchema(): unknown {
  return z.toJSONSchema(bouncesResultSchema, { target: 'draft-2020-12' });
}
