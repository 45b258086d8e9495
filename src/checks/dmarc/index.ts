/**
 * dmarc: finds the DMARC policy that applies to the domain (its own
 * `_dmarc` record, or by the DNS Tree Walk an inherited one, RFC 9989 §4.10),
 * validates every tag (RFC 7489 §6.3, RFC 9989 §4.7), judges the effective
 * policy, and verifies that external report destinations accept reports
 * (RFC 7489 §7.1).
 */
import { defineCheck } from '../define.js';
import { dmarcFactsSchema } from './facts.js';
import { DMARC_FINDINGS } from './findings.js';
import { gatherDmarc } from './gather.js';
import { judgeDmarc } from './judge.js';

export type { DmarcFacts } from './facts.js';

export const dmarcCheck = defineCheck({
  id: 'dmarc',
  title: 'DMARC',
  record: { prefix: '_dmarc.', type: 'TXT' },
  score: { area: 'sending', weight: 25 },
  description:
    'Discovers the DMARC policy for the domain (RFC 9989 §4.10 DNS Tree Walk), validates its tags (RFC 7489 §6.3, RFC 9989 §4.7), ' +
    'judges the effective policy for the domain and its subdomains, and verifies external report destinations (RFC 7489 §7.1).',
  findings: DMARC_FINDINGS,
  // Built when first read (the JSON Schema, tests), never during an audit.
  get facts() {
    return dmarcFactsSchema();
  },
  gather: gatherDmarc,
  judge: judgeDmarc,
  summarise(facts) {
    const lines = facts.record ? [`record: ${facts.record}`] : [];
    if (facts.policy) {
      const sub = facts.subdomainPolicy;
      const inherited = facts.source !== 'domain' && facts.foundAt ? ` (inherited from ${facts.foundAt})` : '';
      lines.push(`policy: ${facts.policy}${sub && sub !== facts.policy ? `, subdomains: ${sub}` : ''}${inherited}`);
    }
    return lines;
  },
});
