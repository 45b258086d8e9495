/**
 * mta-sts: the MTA-STS record and policy (RFC 8461).
 *
 * Reads the TXT record at `_mta-sts.<domain>` (§3.1), fetches
 * `https://mta-sts.<domain>/.well-known/mta-sts.txt` through mailcheck's
 * resolver with a certificate valid for that host, no redirects, a 64 KiB
 * cap and a timeout (§3.3), parses the policy (§3.2) and matches every MX
 * host against its `mx` patterns (§4.1). Fixes carry the TXT record and the
 * full policy file, generated from the domain's MX hosts.
 *
 * The parts live in ./mta-sts/: facts.ts (the facts' schema), gather.ts,
 * judge.ts, messages.ts (the catalogue, its sentences and the fix notes),
 * summary.ts.
 */
import { defineCheck } from './define.js';
import { mtaStsFacts } from './mta-sts/facts.js';
import { gatherMtaSts } from './mta-sts/gather.js';
import { judgeMtaSts } from './mta-sts/judge.js';
import { MTA_STS_FINDINGS } from './mta-sts/messages.js';
import { summariseMtaSts } from './mta-sts/summary.js';

export type { PolicySituation } from './mta-sts/messages.js';

export const mtaStsCheck = defineCheck({
  id: 'mta-sts',
  title: 'MTA-STS',
  record: { prefix: '_mta-sts.', type: 'TXT' },
  score: { area: 'receiving', weight: 10 },
  description:
    'The domain publishes an MTA-STS record (RFC 8461 §3.1) and a valid policy over HTTPS (§3.2, §3.3) that covers every MX host (§4.1), in enforce mode with a useful max_age.',
  findings: MTA_STS_FINDINGS,
  // Built when first read (the JSON Schema, tests), never during an audit.
  get facts() {
    return mtaStsFacts();
  },
  gather: gatherMtaSts,
  judge: judgeMtaSts,
  summarise: summariseMtaSts,
});
