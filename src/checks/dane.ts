/**
 * dane: placeholder until the check is written.
 */
import { defineCheck } from './define.js';

export const daneCheck = defineCheck({
  id: 'dane',
  title: 'dane',
  description: 'Not implemented yet.',
  findings: {},
  async run() {
    return { findings: [], facts: {}, skipped: 'not implemented yet' };
  },
});
