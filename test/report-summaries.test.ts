/**
 * The key-fact lines of the text report: a DNS failure is shown as unknown,
 * never as an absence. Facts come from the real checks run against fixture
 * zones through the real resolver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimCheck } from '../src/checks/dkim.js';
import { ptrCheck } from '../src/checks/ptr.js';
import { spfCheck } from '../src/checks/spf.js';
import { summarise } from '../src/report/summaries.js';
import { runCheck, startFixture, type Fixture } from './helpers/context.js';

let fixture: Fixture;
beforeAll(async () => {
  fixture = await startFixture(['ptr-timeout', 'ptr-servfail', 'ptr-missing', 'ptr-forward-timeout', 'ptr-confirmed', 'dkim-dns-failure', 'spf-dns-failure']);
});
afterAll(async () => {
  await fixture?.close();
});

const lines = async (check: Parameters<typeof runCheck>[0], domain: string): Promise<string[]> =>
  summarise(check.id, (await runCheck(check, fixture.ctx(domain))).facts);

describe('summaries: ptr', () => {
  it('a PTR query that timed out or failed is unknown, not "no PTR"', async () => {
    expect(await lines(ptrCheck, 'ptr-timeout.test')).toEqual(['127.0.6.21 → PTR lookup failed: timeout']);
    expect(await lines(ptrCheck, 'ptr-servfail.test')).toEqual(['127.0.6.11 → PTR lookup failed: servfail']);
  });

  it('a PTR that is really absent is "no PTR"', async () => {
    expect(await lines(ptrCheck, 'ptr-missing.test')).toEqual(['127.0.5.1 → no PTR', '2001:db8:5::1 → no PTR']);
  });

  it('a forward check that failed is named as such', async () => {
    expect(await lines(ptrCheck, 'ptr-forward-timeout.test')).toEqual([
      '127.0.6.31 → host.ptr-forward-timeout.test (forward check failed: A host.ptr-forward-timeout.test: timeout)',
    ]);
  });
});

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
