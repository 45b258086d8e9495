/**
 * dmarc: placeholder until the check is written.
 */
import { defineCheck } from './define.js';

export const dmarcCheck = defineCheck({
  id: 'dmarc',
  title: 'dmarc',
  description: 'Not implemented yet.',
  findings: {},
  async run() {
    return { findings: [], facts: {}, skipped: 'not implemented yet' };
  },
});
