/**
 * domain: the audited name exists. A name that is NXDOMAIN (RFC 1035 §4.3.1;
 * RFC 8020 §2: nothing exists at or below it) has no mail setup to judge:
 * the runner reports this one finding and skips every other check.
 */
import type { CheckContext } from '../context.js';
import { defineCheck } from './define.js';

/** Why the other checks are skipped for a name that does not exist. */
export const NOT_FOUND_SKIP = 'the domain does not exist (NXDOMAIN)';

export const domainCheck = defineCheck({
  id: 'domain',
  title: 'Domain',
  record: { prefix: '', type: 'SOA' },
  description: 'The domain exists in DNS (an NXDOMAIN answer proves that nothing exists at or below the name, RFC 8020 §2).',
  findings: {
    'domain/not-found': {
      severity: 'critical',
      title: 'Domain does not exist',
      description: 'The name is NXDOMAIN: it does not exist in DNS, so nothing else can be checked. Usually a typo.',
    },
  },
  async run(ctx: CheckContext, emit) {
    // The MX query is the one the mx check asks first: the answer is shared through the resolver's cache.
    const answer = await ctx.dns.query(ctx.domain, 'MX');
    const facts = { exists: answer.status === 'nxdomain' ? false : answer.status === 'ok' || answer.status === 'nodata' ? true : null, mx: answer.status };
    if (answer.status !== 'nxdomain') return { findings: [], facts };
    return {
      findings: [
        emit('domain/not-found', {
          message: `${ctx.domain} does not exist (NXDOMAIN); check the spelling`,
          evidence: [`MX ${ctx.domain}: NXDOMAIN`],
        }),
      ],
      facts,
    };
  },
});
