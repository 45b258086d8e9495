/**
 * Each audit's input-sized steps (reading a BIMI logo, flattening SPF) share
 * a computing budget: once it is spent the check ends inconclusive with a
 * clear message, never an internal error, and the other checks stand. The
 * budget is set to 0 here, so that the outcome does not depend on how fast
 * the machine is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditOptions } from '../src/context.js';
import { audit } from '../src/run.js';
import { checkSvgTinyPs } from '../src/bimi/svg.js';
import { createWorkBudget, WorkBudgetExceeded } from '../src/work-budget.js';
import { startFixture, type Fixture } from './helpers/context.js';

let fixture: Fixture;
beforeAll(async () => {
  fixture = await startFixture('spf-too-many-lookups');
});
afterAll(async () => {
  await fixture?.close();
});

const run = (workBudgetMs?: number) =>
  audit('busy.test', { checks: ['spf', 'dmarc'], smtp: false, noBlocklists: ['all'] }, { dns: fixture.dns, ...(workBudgetMs !== undefined ? { workBudgetMs } : {}) });

describe('the computing budget of an audit', () => {
  it('with the default budget the SPF record over the limit gets its flattened fix', async () => {
    const [report] = await run();
    const spf = report!.checks.find((check) => check.id === 'spf')!;
    expect(spf.status).toBe('fail');
    expect(spf.findings.find((finding) => finding.id === 'spf/too-many-lookups')?.fix).toBeDefined();
  }, 60_000);

  it('spent: flattening stops, the spf check is inconclusive with the reason, the other checks stand', async () => {
    const [report] = await run(0);
    const spf = report!.checks.find((check) => check.id === 'spf')!;
    expect(spf.status).toBe('error');
    expect(spf.error).toMatch(/^flattening the SPF record stopped: the audit's computing budget of 0 ms/);
    expect(spf.error).not.toMatch(/internal error/);
    const dmarc = report!.checks.find((check) => check.id === 'dmarc')!;
    expect(dmarc.status).not.toBe('error');
  }, 60_000);

  it('a logo read under a spent budget stops with WorkBudgetExceeded; without a budget it is read whole', () => {
    const logo = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps" viewBox="0 0 10 10"><title>t</title>${'<g/>'.repeat(10_000)}</svg>`,
    );
    expect(() => checkSvgTinyPs(logo, createWorkBudget(0))).toThrow(WorkBudgetExceeded);
    expect(checkSvgTinyPs(logo).facts.rootElement).toBe('svg');
    expect(checkSvgTinyPs(logo, createWorkBudget(10_000)).facts.rootElement).toBe('svg');
  });

  it('the steps of one audit share its budget: what one step spends, the next cannot', () => {
    const logo = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps" viewBox="0 0 10 10"><title>t</title></svg>');
    const budget = createWorkBudget(50);
    budget.spentMs = 50;
    expect(() => checkSvgTinyPs(logo, budget)).toThrow(/^reading the BIMI logo stopped: the audit's computing budget of 50 ms/);
    const fresh = createWorkBudget(10_000);
    expect(checkSvgTinyPs(logo, fresh).facts.rootElement).toBe('svg');
  });

  it('audits running side by side each keep their own budget', async () => {
    const spent: AuditOptions = { checks: ['spf'], smtp: false, noBlocklists: ['all'] };
    const [zero, whole] = await Promise.all([
      audit('busy.test', spent, { dns: fixture.dns, workBudgetMs: 0 }),
      audit('busy.test', spent, { dns: fixture.dns }),
    ]);
    expect(zero[0]!.checks.find((check) => check.id === 'spf')!.error).toMatch(/^flattening the SPF record stopped: the audit's computing budget of 0 ms/);
    expect(whole[0]!.checks.find((check) => check.id === 'spf')!.findings.find((finding) => finding.id === 'spf/too-many-lookups')?.fix).toBeDefined();
  }, 60_000);
});
