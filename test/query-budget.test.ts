/**
 * Every domain's audit has a budget of DNS questions: beyond it nothing more
 * is asked, and the checks that needed an answer end inconclusive, naming
 * the budget, never reporting absence.
 */
import { describe, expect, it } from 'vitest';
import { audit, QUERY_BUDGET } from '../src/run.js';
import { startFixture } from './helpers/context.js';

describe('query budget per audit', () => {
  it('stops asking at the budget; checks end in error naming it, and nothing is reported missing', async () => {
    const env = await startFixture('spf-good', { timeoutMs: 5000, retries: 1 });
    try {
      const before = env.server.queryCount();
      const [report] = await audit('good.test', { checks: ['mx', 'spf', 'dmarc'], smtp: false }, { dns: env.freshDns({ timeoutMs: 5000, retries: 1 }), queryBudget: 1 });
      expect(env.server.queryCount() - before).toBeLessThanOrEqual(1);
      const ids = report!.checks.flatMap((check) => check.findings.map((finding) => finding.id));
      expect(ids.filter((id) => id.endsWith('/missing'))).toEqual([]);
      const errors = report!.checks.filter((check) => check.status === 'error');
      expect(errors.length).toBeGreaterThan(0);
      for (const check of errors) expect(check.error).toMatch(/budget of 1 DNS questions; \d+ more were not asked/);
    } finally {
      await env.close();
    }
  });

  it('leaves a healthy audit untouched', async () => {
    expect(QUERY_BUDGET).toBeGreaterThanOrEqual(1000);
    const env = await startFixture('spf-good', { timeoutMs: 5000, retries: 1 });
    try {
      const [report] = await audit('good.test', { checks: ['spf'], smtp: false }, { dns: env.freshDns({ timeoutMs: 5000, retries: 1 }) });
      expect(report!.checks.find((check) => check.id === 'spf')!.status).toBe('pass');
    } finally {
      await env.close();
    }
  });
});
