/**
 * spf: placeholder until the check is written.
 */
import { defineCheck } from './define.js';

export const spfCheck = defineCheck({
  id: 'spf',
  title: 'spf',
  description: 'Not implemented yet.',
  findings: {},
  async run() {
    return { findings: [], facts: {}, skipped: 'not implemented yet' };
  },
});
