/**
 * The key-fact lines of the text report: a DNS failure is shown as unknown,
 * never as an absence. Facts come from the real checks run against fixture
 * zones through the real resolver (the summaries of the checks written as
 * gather → judge, and their failure cases, are tested on facts in test/judges/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spfCheck } from '../src/checks/spf/index.js';
import { runCheck, startFixture, type Fixture } from './helpers/context.js';

let fixture: Fixture;
beforeAll(async () => {
  fixture = await startFixture(['spf-dns-failure']);
});
afterAll(async () => {
  await fixture?.close();
});

/** The summary lines the runner gives a check's result (each check's own summariser). */
const lines = async (check: Parameters<typeof runCheck>[0], domain: string): Promise<string[]> =>
  (await runCheck(check, fixture.ctx(domain))).summary ?? [];

describe('summaries: spf', () => {
  it('a walk cut short by a DNS failure gives a lower bound', async () => {
    expect(await lines(spfCheck, 'partial.test')).toEqual([
      'record: v=spf1 include:broken.partial.test -all',
      'DNS lookups: at least 1 of 10 (1 lookup(s) failed)',
    ]);
  });
});
