/**
 * The key-fact lines of the text report: a DNS failure is shown as unknown,
 * never as an absence. Facts come from the real checks run against fixture
 * zones through the real resolver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimCheck } from '../src/checks/dkim.js';
import { spfCheck } from '../src/checks/spf.js';
import { summarise } from '../src/report/summaries.js';
import { runCheck, startFixture, type Fixture } from './helpers/context.js';

let fixture: Fixture;
beforeAll(async () => {
  fixture = await startFixture(['dkim-dns-failure', 'spf-dns-failure']);
});
afterAll(async () => {
  await fixture?.close();
});

const lines = async (check: Parameters<typeof runCheck>[0], domain: string): Promise<string[]> =>
  summarise(check.id, (await runCheck(check, fixture.ctx(domain))).facts);

describe('summaries: dkim', () => {
  it('selectors whose queries failed are not counted as "no key"', async () => {
    const [line, ...rest] = await lines(dkimCheck, 'failing.dkim.test');
    expect(rest).toEqual([]);
    expect(line).toMatch(/^no key found at \d+ of the \d+ selectors probed; 2 lookup\(s\) failed \(google: timeout, selector1: servfail\)$/);
  });
});

describe('summaries: spf', () => {
  it('no lookup count when the record could not be read', async () => {
    expect(await lines(spfCheck, 'flaky.test')).toEqual([]);
  });

  it('a walk cut short by a DNS failure gives a lower bound', async () => {
    expect(await lines(spfCheck, 'partial.test')).toEqual([
      'record: v=spf1 include:broken.partial.test -all',
      'DNS lookups: at least 1 of 10 (1 lookup(s) failed)',
    ]);
  });
});
