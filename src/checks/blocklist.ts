/**
 * blocklist: placeholder until the check is written.
 */
import { defineCheck } from './define.js';

export const blocklistCheck = defineCheck({
  id: 'blocklist',
  title: 'blocklist',
  description: 'Not implemented yet.',
  findings: {},
  async run() {
    return { findings: [], facts: {}, skipped: 'not implemented yet' };
  },
});
