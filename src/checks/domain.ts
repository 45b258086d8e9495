/**
 * domain: the audited name exists. A name that is NXDOMAIN (RFC 1035 §4.3.1;
 * RFC 8020 §2: nothing exists at or below it) has no mail setup to judge:
 * the runner reports this one finding and skips every other check.
 */
import { z } from 'zod';
import { lazySchema } from '../schema/lazy-schema.js';
import { defineCheck } from './define.js';
import { dnsStatusSchema } from '../dns/status-schema.js';

/** Why the other checks are skipped for a name that does not exist. */
export const NOT_FOUND_SKIP = 'the domain does not exist (NXDOMAIN)';

export const domainFactsSchema = lazySchema(() =>
  z.object({
    domain: z.string().describe('The audited name.'),
    exists: z.boolean().nullable().describe('True when the MX query was answered (records or NODATA), false on NXDOMAIN, null when it failed.'),
    mx: dnsStatusSchema().describe('How the MX query for the name ended.'),
  }),
);

/** What the domain check saw. */
export type DomainFacts = z.infer<ReturnType<typeof domainFactsSchema>>;

export const domainCheck = defineCheck({
  id: 'domain',
  title: 'Domain',
  record: { prefix: '', type: 'SOA' },
  // Not scored: a domain that does not exist gets score 0 from the runner.
  score: null,
  description: 'The domain exists in DNS (an NXDOMAIN answer proves that nothing exists at or below the name, RFC 8020 §2).',
  findings: {
    'domain/not-found': {
      severity: 'critical',
      title: 'Domain does not exist',
      description: 'The name is NXDOMAIN: it does not exist in DNS, so nothing else can be checked. Usually a typo.',
      message: (data: { domain: string }) => `${data.domain} does not exist (NXDOMAIN); check the spelling`,
    },
  },
  // Built when first read (the JSON Schema, tests), never during an audit.
  get facts() {
    return domainFactsSchema();
  },
  async gather(ctx) {
    // The MX query is the one the mx check asks first: the answer is shared through the resolver's cache.
    const answer = await ctx.dns.query(ctx.domain, 'MX');
    const exists = answer.status === 'nxdomain' ? false : answer.status === 'ok' || answer.status === 'nodata' ? true : null;
    return { domain: ctx.domain, exists, mx: answer.status };
  },
  judge(facts, emit) {
    if (facts.mx !== 'nxdomain') return { findings: [] };
    return { findings: [emit('domain/not-found', { data: { domain: facts.domain }, evidence: [`MX ${facts.domain}: NXDOMAIN`] })] };
  },
  summarise: () => [],
});
