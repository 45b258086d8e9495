/**
 * mx: placeholder until the check is written.
 */
import { defineCheck } from './define.js';

export const mxCheck = defineCheck({
  id: 'mx',
  title: 'mx',
  description: 'Not implemented yet.',
  findings: {},
  async run() {
    return { findings: [], facts: {}, skipped: 'not implemented yet' };
  },
});
