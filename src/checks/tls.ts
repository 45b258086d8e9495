/**
 * tls: placeholder until the check is written.
 */
import { defineCheck } from './define.js';

export const tlsCheck = defineCheck({
  id: 'tls',
  title: 'tls',
  description: 'Not implemented yet.',
  findings: {},
  async run() {
    return { findings: [], facts: {}, skipped: 'not implemented yet' };
  },
});
