/**
 * The verdict of one provider requirement, as a zod schema built on first use:
 * the Report (./report.ts) and the parked check's facts (src/profiles/parked.ts)
 * share it, and an audit loads the parked check without the Report's schema.
 */
import * as z from 'zod';
import { lazySchema } from './lazy-schema.js';

export const requirementStatusSchema = lazySchema(() =>
  z
    .enum(['pass', 'fail', 'needs-input', 'not-checkable', 'inconclusive'])
    .describe(
      'pass: met as far as mailcheck can see; fail: not met; needs-input: mailcheck needs something the user can give (see `needs`); ' +
        'not-checkable: only the provider can see it; inconclusive: a DNS lookup or check failed.',
    ),
);
