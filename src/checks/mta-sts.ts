/**
 * mta-sts: placeholder until the check is written.
 */
import { defineCheck } from './define.js';

export const mtaStsCheck = defineCheck({
  id: 'mta-sts',
  title: 'mta-sts',
  description: 'Not implemented yet.',
  findings: {},
  async run() {
    return { findings: [], facts: {}, skipped: 'not implemented yet' };
  },
});
