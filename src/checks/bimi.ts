/**
 * bimi: placeholder until the check is written.
 */
import { defineCheck } from './define.js';

export const bimiCheck = defineCheck({
  id: 'bimi',
  title: 'bimi',
  description: 'Not implemented yet.',
  findings: {},
  async run() {
    return { findings: [], facts: {}, skipped: 'not implemented yet' };
  },
});
