/**
 * spf: the domain's SPF policy (RFC 7208). Discovery (§4.5), the §12 grammar
 * with macros (§7), the include/redirect tree with DNS-lookup and void-lookup
 * counts (§4.6.4), loops, the effective "all", deprecated "ptr" (§5.5),
 * record length (§3.4), and, for the sending IPs given with --ip, the
 * check_host() result (§4) for MAIL FROM postmaster@<domain>. Every fixable
 * finding carries the exact record to publish; the fixes that replace the
 * domain's own record all propose the same records, with every change applied.
 */
import { defineCheck } from '../define.js';
import { spfFactsSchema } from './facts.js';
import { SPF_FINDINGS } from './findings.js';
import { gatherSpf } from './gather.js';
import { judgeSpf } from './judge.js';
import { proposeSpf } from './propose.js';

export type { SpfFacts, SpfIpResult } from './facts.js';

/** The SPF check. */
export const spfCheck = defineCheck({
  id: 'spf',
  title: 'SPF',
  record: { prefix: '', type: 'TXT' },
  score: { area: 'sending', weight: 25 },
  description:
    'SPF policy of the domain (RFC 7208): discovery, syntax, the include tree with DNS-lookup and void-lookup counts, loops, the effective all, and whether the given sending IPs pass.',
  findings: SPF_FINDINGS,
  // Built when first read (the JSON Schema, tests), never during an audit.
  get facts() {
    return spfFactsSchema();
  },
  gather: gatherSpf,
  judge: judgeSpf,
  propose: proposeSpf,
  summarise(facts) {
    // Without a record read there is nothing to count: 0 would read as a fact.
    if (!facts.record) return [];
    // A walk cut short by DNS failures counted only what it reached.
    const failures = facts.dnsErrors.length;
    return [
      `record: ${facts.record}`,
      `DNS lookups: ${failures ? `at least ${facts.lookups}` : facts.lookups} of 10${failures ? ` (${failures} lookup(s) failed)` : ''}`,
    ];
  },
});
