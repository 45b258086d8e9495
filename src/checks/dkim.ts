/**
 * dkim: placeholder until the check is written.
 */
import { defineCheck } from './define.js';

export const dkimCheck = defineCheck({
  id: 'dkim',
  title: 'dkim',
  description: 'Not implemented yet.',
  findings: {},
  async run() {
    return { findings: [], facts: {}, skipped: 'not implemented yet' };
  },
});
