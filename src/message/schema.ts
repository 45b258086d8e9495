/**
 * The result of `mailcheck message`: one zod schema, the types derived from
 * it, and `schema/message.schema.json` generated from it (`npm run schema`;
 * a test keeps the file equal). Reporters and the exit code only read it.
 */
import * as z from 'zod';
import { checkResultSchema, findingSchema, fixSchema, profileResultSchema, scoreSchema } from '../schema/report.js';

/** Bumped on any incompatible change to the message result's shape. */
export const MESSAGE_SCHEMA_VERSION = 1 as const;

const valueSource = z
  .enum(['option', 'received', 'return-path', 'unknown'])
  .describe('Where the value came from: the command line, the receiver\'s Received field, Return-Path, or nowhere.');

export const spfResultSchema = z
  .object({
    result: z
      .enum(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror', 'needs-input'])
      .describe('RFC 8601 result word; needs-input when the connecting IP or MAIL FROM is unknown (never guessed).'),
    identity: z.enum(['mailfrom', 'helo']).describe('The identity checked (RFC 7208 §2.3, §2.4).'),
    domain: z.string().nullable().describe('The domain whose SPF policy was evaluated.'),
    ip: z.string().nullable().describe('The connecting IP evaluated.'),
    mechanism: z.string().optional().describe('The mechanism that matched.'),
    reason: z.string().optional().describe('Why the result is what it is when no mechanism matched.'),
    lookups: z.number().int().nonnegative().optional().describe('DNS-querying terms evaluated (RFC 7208 §4.6.4).'),
  })
  .describe('SPF (RFC 7208) as the receiver computes it.');

export const dkimSignatureSchema = z
  .object({
    domain: z.string().describe('d= (lower case).'),
    selector: z.string().describe('s=.'),
    algorithm: z.string().nullable().describe('a= (rsa-sha256, ed25519-sha256 …).'),
    keyType: z.string().nullable().describe('Key type of the published key (rsa, ed25519).'),
    bits: z.number().int().nullable().describe('Size of the published key in bits.'),
    result: z.enum(['pass', 'fail', 'neutral', 'policy', 'temperror', 'permerror', 'none']).describe('RFC 8601 result word for this signature.'),
    comment: z.string().nullable().describe('Why, when not pass (body hash did not verify, bad signature, no key, expired …).'),
    bodyHash: z.enum(['pass', 'fail', 'not-checked']).describe('Whether bh= matches the body (RFC 6376 §3.7).'),
    signature: z.enum(['pass', 'fail', 'not-checked']).describe('Whether b= verifies with the published key.'),
    headers: z.array(z.string()).describe('h=: the header fields the signature covers, lower case.'),
    bodyLength: z.number().int().nullable().describe('l= (RFC 6376 §3.5): only this many body octets are signed.'),
    bodyLengthTotal: z.number().int().nullable().describe('The canonicalised body length, to compare with l=.'),
    signedAt: z.string().nullable().describe('t= as ISO 8601.'),
    expiresAt: z.string().nullable().describe('x= as ISO 8601.'),
    expired: z.boolean().describe('x= is in the past at verification time.'),
    keyRecord: z.string().nullable().describe('The key record fetched from DNS.'),
    aligned: z.boolean().nullable().describe('d= aligns with the From domain under the DMARC policy\'s adkim.'),
  })
  .describe('One DKIM-Signature (RFC 6376, RFC 8463).');

export const alignmentSchema = z
  .object({
    spf: z
      .enum(['pass', 'fail', 'none', 'unknown'])
      .describe('pass: SPF passed for an aligned MAIL FROM domain; fail: passed but unaligned; none: SPF did not pass (or only for HELO); unknown: SPF needs input.'),
    dkim: z.enum(['pass', 'fail', 'none']).describe('pass: a passing signature is aligned; fail: only unaligned ones pass; none: no signature passes.'),
  })
  .describe('DMARC identifier alignment (RFC 9989 §4.4).');

export const dmarcResultSchema = z
  .object({
    result: z.enum(['pass', 'fail', 'none', 'temperror', 'permerror', 'unknown']).describe('RFC 8601 result word; unknown when SPF needs input and DKIM alone does not pass.'),
    domain: z.string().nullable().describe('The RFC5322.From domain.'),
    policy: z.enum(['none', 'quarantine', 'reject']).nullable().describe('The policy that applies to the From domain (p, sp or np).'),
    source: z.enum(['domain', 'organizational-domain', 'public-suffix-domain']).nullable().optional(),
    record: z.string().nullable().optional().describe('The DMARC record applied.'),
    recordName: z.string().nullable().optional(),
    organizationalDomain: z.string().optional(),
    mode: z.object({ spf: z.enum(['relaxed', 'strict']), dkim: z.enum(['relaxed', 'strict']) }).optional().describe('aspf and adkim.'),
    disposition: z.enum(['none', 'quarantine', 'reject']).nullable().describe('What a receiver applying the policy does with this message.'),
    alignment: alignmentSchema,
    reason: z.string().optional(),
  })
  .describe('DMARC (RFC 9989) for the From domain.');

export const arcResultSchema = z
  .object({
    result: z.enum(['pass', 'fail', 'none']).describe('ARC chain validation (RFC 8617 §5.2).'),
    instances: z.number().int().nonnegative().describe('ARC sets in the chain.'),
    comment: z.string().optional(),
  })
  .describe('ARC (RFC 8617).');

export const authenticationSchema = z.object({
  spf: spfResultSchema,
  dkim: z.array(dkimSignatureSchema),
  dmarc: dmarcResultSchema,
  arc: arcResultSchema,
});

export const messageFactsSchema = z
  .object({
    from: z.string().nullable().describe('The From address (the first when several).'),
    fromDomain: z.string().nullable(),
    mailFrom: z.string().nullable().describe('MAIL FROM; empty string for the null reverse-path <>.'),
    mailFromSource: valueSource,
    ip: z.string().nullable().describe('The connecting IP.'),
    ipSource: valueSource,
    helo: z.string().nullable(),
    heloSource: valueSource,
    subject: z.string().nullable().describe('Subject, RFC 2047 decoded.'),
    messageId: z.string().nullable(),
    date: z.string().nullable().describe('The Date field as written.'),
    receivedBy: z.string().nullable().describe('The receiving host of the hop the envelope came from.'),
    tls: z.boolean().nullable().describe('The receiver recorded TLS on that hop; null without a receiver hop.'),
    tlsVersion: z.string().nullable(),
    bytes: z.number().int().nonnegative().describe('Size of the input in octets.'),
    lineEndings: z.enum(['crlf', 'lf', 'mixed', 'none']),
    mboxFromLine: z.boolean(),
  })
  .describe('What the message says about itself and its envelope.');

export const requirementStatusSchema = z
  .enum(['pass', 'fail', 'unknown', 'not-applicable'])
  .describe('pass/fail as judged from the message; unknown when the message alone cannot tell; not-applicable when it does not apply.');

export const requirementsSchema = z
  .object({
    spf: requirementStatusSchema.describe('SPF passes.'),
    dkim: requirementStatusSchema.describe('At least one DKIM signature passes.'),
    dmarc: requirementStatusSchema.describe('DMARC passes.'),
    alignment: requirementStatusSchema.describe('SPF or DKIM passes for a domain aligned with From.'),
    dmarcPolicy: requirementStatusSchema.describe('The From domain publishes a DMARC policy.'),
    oneClickUnsubscribe: requirementStatusSchema.describe('RFC 8058 one-click unsubscribe, signed by a passing DKIM signature.'),
    format: requirementStatusSchema.describe('RFC 5322 format: one From, Date, Message-ID, no duplicated single fields, lines within 998 octets.'),
    tls: requirementStatusSchema.describe('The receiving hop used TLS.'),
    reverseDns: requirementStatusSchema.describe('The sending IP has forward-confirmed reverse DNS (from the joined ptr check).'),
  })
  .describe('Message-side requirements as statuses, for provider profiles.');

export const relatedSchema = z
  .object({
    domain: z.string(),
    checkId: z.string(),
    findingId: z.string().optional(),
  })
  .describe('The DNS check (and finding) behind a message finding.');

export const messageFindingSchema = findingSchema.extend({
  related: z.array(relatedSchema).optional().describe('The DNS findings behind this one, from the joined domain checks.'),
});

export const domainChecksSchema = z
  .object({
    domain: z.string(),
    roles: z.array(z.enum(['from', 'mail-from', 'dkim', 'ip'])).describe('Why the domain was audited.'),
    checks: z.array(checkResultSchema),
  })
  .describe('Domain-audit checks run for one domain the message names.');

export const messageResultSchema = z
  .object({
    schemaVersion: z.literal(MESSAGE_SCHEMA_VERSION),
    kind: z.literal('message'),
    tool: z.object({ name: z.string(), version: z.string() }),
    input: z.string().describe('The file name, or - for stdin.'),
    generatedAt: z.string(),
    message: messageFactsSchema,
    authentication: authenticationSchema,
    requirements: requirementsSchema,
    score: scoreSchema,
    findings: z.array(messageFindingSchema),
    fixes: z.array(fixSchema.extend({ findingIds: z.array(z.string()) })).describe('The fixes of the findings, most severe first.'),
    dns: z.object({
      domains: z.array(domainChecksSchema),
      queries: z.number().int().nonnegative(),
      servers: z.array(z.string()),
    }),
    profiles: z
      .array(profileResultSchema)
      .optional()
      .describe('With --profile: the chosen mailbox-provider profiles, judged on this message and the DNS of its From domain.'),
  })
  .describe('mailcheck audit of one message.');

export type SpfResult = z.infer<typeof spfResultSchema>;
export type DkimSignatureResult = z.infer<typeof dkimSignatureSchema>;
export type Alignment = z.infer<typeof alignmentSchema>;
export type DmarcResult = z.infer<typeof dmarcResultSchema>;
export type ArcResult = z.infer<typeof arcResultSchema>;
export type Requirements = z.infer<typeof requirementsSchema>;
export type RequirementStatus = z.infer<typeof requirementStatusSchema>;
export type MessageFinding = z.infer<typeof messageFindingSchema>;
export type DomainChecks = z.infer<typeof domainChecksSchema>;
export type MessageResult = z.infer<typeof messageResultSchema>;

/** The JSON Schema published as schema/message.schema.json. */
export function messageJsonSchema(): unknown {
  return z.toJSONSchema(messageResultSchema, { target: 'draft-2020-12' });
}
