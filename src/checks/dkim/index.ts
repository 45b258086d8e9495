/**
 * dkim: probes DKIM selectors (given ones, then those of the providers the
 * domain's MX hosts and SPF includes reveal, then a generic list), parses each
 * key record (RFC 6376 §3.6.1) and measures its key: RSA below 1024 bits is
 * insecure (RFC 8301 §3.2), below 2048 weak; ed25519 keys per RFC 8463.
 */
import { defineCheck } from '../define.js';
import { dkimFactsSchema } from './facts.js';
import { DKIM_FINDINGS } from './findings.js';
import { gatherDkim } from './gather.js';
import { judgeDkim } from './judge.js';

export type { DkimFacts, DkimKeyFact } from './facts.js';

export const dkimCheck = defineCheck({
  id: 'dkim',
  title: 'DKIM',
  record: { prefix: '_domainkey.', type: 'TXT' },
  score: { area: 'sending', weight: 25 },
  description:
    'Probes DKIM selectors (--dkim-selector, then those of recognised providers, then common ones), parses each key record (RFC 6376 §3.6.1) ' +
    'and measures its key (RFC 8301 §3.2 RSA sizes, RFC 8463 ed25519).',
  findings: DKIM_FINDINGS,
  // Built when first read (the JSON Schema, tests), never during an audit.
  get facts() {
    return dkimFactsSchema();
  },
  gather: gatherDkim,
  judge: judgeDkim,
  summarise(facts) {
    if (facts.keys.length > 0) {
      return facts.keys.map((key) => {
        const kind = key.revoked ? 'revoked' : `${key.keyType || '?'}${key.bits === null ? '' : ` ${key.bits} bits`}`;
        return `${key.selector || '?'}: ${kind}${key.cnameTarget ? ` (CNAME → ${key.cnameTarget})` : ''}`;
      });
    }
    const probed = facts.selectorsProbed;
    if (probed.length === 0) return [];
    // A selector whose query failed may hold the key: say so rather than "no key".
    const unanswered = facts.probes.filter((probe) => probe.status === 'servfail' || probe.status === 'refused' || probe.status === 'timeout');
    if (unanswered.length > 0) {
      return [`no key found at ${probed.length - unanswered.length} of the ${probed.length} selectors probed; ${unanswered.length} lookup(s) failed (${unanswered
        .slice(0, 3)
        .map((probe) => `${probe.selector || '?'}: ${probe.status}`)
        .join(', ')}${unanswered.length > 3 ? ', …' : ''})`];
    }
    return [`no key at the ${probed.length} selectors probed`];
  },
});
