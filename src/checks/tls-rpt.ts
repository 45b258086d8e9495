/**
 * tls-rpt: placeholder until the check is written.
 */
import { defineCheck } from './define.js';

export const tlsRptCheck = defineCheck({
  id: 'tls-rpt',
  title: 'tls-rpt',
  description: 'Not implemented yet.',
  findings: {},
  async run() {
    return { findings: [], facts: {}, skipped: 'not implemented yet' };
  },
});
