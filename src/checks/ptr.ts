/**
 * ptr: placeholder until the check is written.
 */
import { defineCheck } from './define.js';

export const ptrCheck = defineCheck({
  id: 'ptr',
  title: 'ptr',
  description: 'Not implemented yet.',
  findings: {},
  async run() {
    return { findings: [], facts: {}, skipped: 'not implemented yet' };
  },
});
