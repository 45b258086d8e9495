/**
 * The result of `mailcheck reports`: one zod schema, its types derived, its
 * JSON Schema generated to schema/reports.schema.json (`npm run schema`).
 * Every output format renders this object and nothing else.
 */
import * as z from 'zod';
import { fixSchema } from '../schema/report.js';

/** Bumped on any incompatible change to the shape. */
export const REPORTS_SCHEMA_VERSION = 1 as const;

const count = z.number().int().nonnegative();
const rate = z.number().min(0).max(1).nullable().describe('Share of the messages, 0 to 1; null when there were none.');

export const verdictSchema = z
  .enum(['authorised', 'forwarder', 'service', 'unknown', 'spoofing'])
  .describe(
    'authorised: passes aligned SPF or DKIM for the domain; forwarder: receivers saw it forwarding (ARC, mailing list); ' +
      'service: a known sending service authenticating as itself, not as the domain; unknown: authenticates as some other domain; ' +
      'spoofing: passes neither SPF nor DKIM for any domain.',
  );

export const sourceSchema = z
  .object({
    ip: z.string().describe('Sending IP address.'),
    ptr: z.string().nullable().describe('Forward-confirmed reverse DNS name (RFC 8601 §3 iprev), or null.'),
    ptrStatus: z.enum(['confirmed', 'mismatch', 'missing', 'inconclusive', 'not-looked-up']).describe('Outcome of the reverse DNS look-up.'),
    service: z.string().nullable().describe('Known sending service (src/providers.ts) recognised from the PTR name or the SPF/DKIM domains.'),
    group: z.string().describe('The source the IP belongs to: the service id, the reverse DNS domain, the DKIM or SPF domain, or the IP.'),
    messages: count,
    spf: z
      .object({ aligned: count, authenticated: count, domains: z.array(z.string()), failedDomains: z.array(z.string()) })
      .describe('Messages with aligned SPF pass; with an SPF pass for any domain; the domains SPF passed for; the MAIL FROM domains it did not pass for.'),
    dkim: z.object({ aligned: count, authenticated: count, domains: z.array(z.string()) }).describe('The same for DKIM (d= domains).'),
    dmarc: z.object({ pass: count, fail: count }),
    forwarded: count.describe('Messages receivers marked as forwarded (ARC, mailing list, trusted forwarder).'),
    failureReports: count.describe('DMARC failure reports (ARF) naming this IP.'),
    verdict: verdictSchema,
    legitimate: z.boolean().describe('authorised, forwarder or service.'),
  })
  .describe('One sending IP of the domain.');

export const blockingSchema = z
  .object({
    group: z.string(),
    service: z.string().nullable(),
    ips: z.array(z.string()),
    messages: count,
    failing: count.describe('Messages of this source that failed DMARC: lost under enforcement.'),
    fixes: z.array(fixSchema),
  })
  .describe('A legitimate source that still fails DMARC, with what makes it pass.');

export const readinessSchema = z.object({
  ready: z.boolean().describe('Every legitimate source (forwarders aside) passed aligned SPF or DKIM over the period.'),
  current: z.string().nullable().describe('The policy published today (p=), from DNS or else the latest report.'),
  target: z.enum(['quarantine', 'reject']).nullable().describe('The next step, or null when p=reject is already in force.'),
  blocking: z.array(blockingSchema),
  nextRecord: z
    .object({ name: z.string(), value: z.string(), current: z.string().optional() })
    .nullable()
    .describe('The exact DMARC record of the next step (the domain audit composes the same record).'),
  notes: z.array(z.string()),
});

export const domainResultSchema = z.object({
  domain: z.string(),
  begin: z.string().nullable().describe('Start of the period covered (ISO 8601, UTC).'),
  end: z.string().nullable(),
  reports: count.describe('Aggregate reports read for the domain.'),
  receivers: z.array(z.object({ name: z.string(), reports: count })),
  messages: count,
  dmarc: z.object({ pass: count, fail: count, passRate: rate }),
  aligned: z.object({ spf: count, dkim: count, spfRate: rate, dkimRate: rate }),
  dispositions: z.object({ none: count, quarantine: count, reject: count }).describe('What receivers applied.'),
  policy: z.record(z.string(), z.union([z.string(), z.number()])).nullable().describe('The policy receivers saw (policy_published of the latest report).'),
  failureReports: count,
  selectors: z.array(z.object({ domain: z.string(), selector: z.string() })).describe('DKIM selectors that signed for the domain.'),
  sources: z.array(sourceSchema),
  readiness: readinessSchema,
  daily: z
    .array(z.object({ day: z.string().describe('YYYY-MM-DD (UTC)'), messages: count, pass: count }))
    .describe('Messages and DMARC passes per day the reports begin on, oldest first.'),
});

export const tlsRptResultSchema = z.object({
  domain: z.string(),
  policy: z.string().describe('sts, tlsa or no-policy-found (RFC 8460 §4.3).'),
  reports: count,
  success: count,
  failure: count,
  failures: z.array(
    z.object({
      type: z.string().describe('RFC 8460 §4.3 result type.'),
      count,
      findingId: z.string().nullable().describe('The finding of the domain audit this failure points at.'),
    }),
  ),
});

export const reportsResultSchema = z
  .object({
    schemaVersion: z.literal(REPORTS_SCHEMA_VERSION),
    reports: z
      .object({
        read: count.describe('Reports read (aggregate, failure and TLS-RPT), duplicates and filtered ones included.'),
        failed: count.describe('Inputs that could not be read (see errors).'),
        aggregate: count,
        failure: count,
        tlsrpt: count,
        duplicates: count.describe('Reports read twice (same receiver, report id and domain): counted once.'),
        filtered: count.describe('Reports outside --domain, --since or --until.'),
      }),
    filters: z.object({ domain: z.string().optional(), since: z.string().optional(), until: z.string().optional() }),
    domains: z.array(domainResultSchema),
    tlsrpt: z.array(tlsRptResultSchema),
    errors: z.array(z.object({ file: z.string(), message: z.string() })),
  })
  .describe('mailcheck reports: DMARC aggregate, DMARC failure and TLS-RPT reports summarised.');

export type ReportsResult = z.infer<typeof reportsResultSchema>;
export type DomainResult = z.infer<typeof domainResultSchema>;
export type SourceResult = z.infer<typeof sourceSchema>;
export type BlockingSource = z.infer<typeof blockingSchema>;
export type Readiness = z.infer<typeof readinessSchema>;
export type TlsRptResult = z.infer<typeof tlsRptResultSchema>;
export type Verdict = z.infer<typeof verdictSchema>;

export function reportsJsonSchema(): unknown {
  return z.toJSONSchema(reportsResultSchema, { target: 'draft-2020-12' });
}
