/**
 * What the dmarc check saw: the DMARC policy that applies to the domain
 * (src/lookups/dmarc.ts, RFC 9989 §4.10) and the answers of the report
 * destinations' authorisation records (RFC 7489 §7.1).
 */
import { z } from 'zod';
import { lazySchema } from '../../schema/lazy-schema.js';
import { dnsStatusSchema } from '../../dns/status-schema.js';

const policyValue = lazySchema(() => z.enum(['none', 'quarantine', 'reject']));

/** One external report destination host and its authorisation record (RFC 7489 §7.1). */
export const reportAuthorizationFactSchema = lazySchema(() =>
  z.object({
    host: z.string().describe('The destination host (the mailbox domain).'),
    status: z.enum(['authorized', 'unauthorized', 'inconclusive']).describe('authorized: a v=DMARC1 record exists; unauthorized: none; inconclusive: a query failed.'),
    name: z.string().describe('The name that must hold the record: <policy-domain>._report._dmarc.<host>.'),
    wildcardName: z.string().describe('The wildcard name also accepted: *._report._dmarc.<host>.'),
    via: z.enum(['exact', 'wildcard']).optional().describe('Which name held the record.'),
    queries: z.array(z.object({ name: z.string(), status: dnsStatusSchema() })).describe('The TXT queries made, in order.'),
  }),
);

/** One rua/ruf destination of the applicable record. */
export const reportDestinationFactSchema = lazySchema(() =>
  z.object({
    tag: z.enum(['rua', 'ruf']),
    uri: z.string().describe('The URI as written.'),
    valid: z.boolean(),
    error: z.string().optional().describe('Why the URI is invalid.'),
    host: z.string().optional().describe('The mailbox domain.'),
    external: z.boolean().optional().describe('Outside the Organizational Domain (it needs authorisation).'),
    authorization: z
      .enum(['internal', 'authorized', 'unauthorized', 'inconclusive', 'not-checked'])
      .optional()
      .describe('internal, authorized, unauthorized, inconclusive, or not-checked (no host).'),
    authorizationName: z.string().optional().describe('The name checked for the authorisation record.'),
    via: z.enum(['exact', 'wildcard']).optional(),
  }),
);

export const dmarcFactsSchema = lazySchema(() =>
  z.object({
    domain: z.string().describe('The audited domain.'),
    inconclusive: z.string().nullable().describe('The DNS failure that kept the policy discovery from concluding; null when it concluded.'),
    record: z.string().nullable().describe('The applicable DMARC record; null when none applies.'),
    recordName: z.string().nullable().describe('Its owner name, _dmarc.<foundAt>.'),
    source: z.enum(['domain', 'organizational-domain', 'public-suffix-domain']).nullable().describe('Where the applicable record was found (RFC 9989 §4.10.1).'),
    foundAt: z.string().nullable().describe('The domain whose record applies.'),
    ownRecords: z.array(z.string()).describe('The DMARC records at _dmarc.<domain> itself (two or more: all are ignored).'),
    ownTxt: z.array(z.string()).describe('Every TXT record at _dmarc.<domain>.'),
    tags: z.record(z.string(), z.string()).describe('The applicable record\'s tags by name (first occurrence of each).'),
    errors: z.array(z.string()).describe('Why the applicable record (or parts of it) is invalid.'),
    unknownTags: z.array(z.string()),
    removedTags: z.array(z.string()).describe('pct, rf and ri, removed by RFC 9989.'),
    policy: policyValue().nullable().describe('Effective policy for mail from the domain; null when no DMARC applies.'),
    subdomainPolicy: policyValue().nullable(),
    nonExistentSubdomainPolicy: policyValue().nullable(),
    subdomainPolicyFrom: z.string().nullable().describe('The domain whose record sets the subdomain policies.'),
    pct: z.number(),
    testing: z.boolean().describe('t=y on the applicable record.'),
    enforced: z.boolean().describe('quarantine or reject, at pct=100 and not in test mode.'),
    alignment: z.object({ dkim: z.enum(['r', 's']), spf: z.enum(['r', 's']) }).nullable(),
    organizationalDomain: z.string(),
    organizationalDomainComplete: z.boolean().describe('False when a DNS failure left the Organizational Domain undetermined.'),
    domainExists: z.boolean().nullable().describe('Asked only when the policy is inherited; null when unknown.'),
    walk: z
      .array(z.object({ name: z.string(), status: dnsStatusSchema(), records: z.array(z.string()) }))
      .describe('The DNS Tree Walk\'s TXT queries, in order, with every TXT record found.'),
    reportDestinations: z.array(reportDestinationFactSchema()).describe('Every rua and ruf URI of the applicable record.'),
    reportAuthorizations: z.array(reportAuthorizationFactSchema()).describe('Each external destination host, once, with its authorisation lookup.'),
  }),
);

/** What the dmarc check saw. */
export type DmarcFacts = z.infer<ReturnType<typeof dmarcFactsSchema>>;
export type ReportDestinationFact = z.infer<ReturnType<typeof reportDestinationFactSchema>>;
export type ReportAuthorizationFact = z.infer<ReturnType<typeof reportAuthorizationFactSchema>>;
