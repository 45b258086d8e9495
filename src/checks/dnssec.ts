/**
 * dnssec: placeholder until the check is written.
 */
import { defineCheck } from './define.js';

export const dnssecCheck = defineCheck({
  id: 'dnssec',
  title: 'dnssec',
  description: 'Not implemented yet.',
  findings: {},
  async run() {
    return { findings: [], facts: {}, skipped: 'not implemented yet' };
  },
});
