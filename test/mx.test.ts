/**
 * The mx check's gather against the real resolver and the fixture DNS server:
 * the facts, and the finding ids and statuses they lead to, NXDOMAIN vs NODATA
 * vs SERVFAIL vs REFUSED vs timeout. Findings in detail: test/judges/mx.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../src/schema/report.js';
import { mxCheck, type MxFacts } from '../src/checks/mx/index.js';
import { findingIds, runCheck, useFixture } from './helpers/context.js';

const FIXTURES = [
  'mx-healthy',
  'mx-missing-fallback',
  'mx-missing-no-fallback',
  'mx-nxdomain',
  'mx-null',
  'mx-null-mixed',
  'mx-cname',
  'mx-ip-literal',
  'mx-unresolvable',
  'mx-no-ipv6',
  'mx-servfail',
  'mx-timeout',
  'mx-refused',
  'mx-host-timeout',
  'mx-aaaa-servfail',
];

const fixture = useFixture(FIXTURES, { timeoutMs: 1000, retries: 0 });

async function audit(domain: string): Promise<CheckResult & { facts: MxFacts }> {
  const result = await runCheck(mxCheck, fixture.ctx(domain));
  return result as CheckResult & { facts: MxFacts };
}

describe('mx: finding ids and statuses', () => {
  it.each([
    ['mx-healthy.test', 'pass', []],
    ['mx-missing-fallback.test', 'fail', ['mx/missing']],
    ['mx-missing-no-fallback.test', 'fail', ['mx/missing']],
    ['mx-nxdomain.test', 'fail', ['mx/missing']],
    ['mx-null.test', 'fail', ['mx/null-mx']],
    ['mx-null-mixed.test', 'fail', ['mx/no-ipv6', 'mx/null-mx']],
    ['mx-cname.test', 'warn', ['mx/cname-target']],
    ['mx-ip-literal.test', 'warn', ['mx/ip-literal', 'mx/no-ipv6']],
    ['mx-unresolvable.test', 'fail', ['mx/unresolvable-target']],
    ['mx-no-ipv6.test', 'pass', ['mx/no-ipv6']],
    // Failures are inconclusive (status error), never a "missing" finding.
    ['mx-servfail.test', 'error', []],
    ['mx-timeout.test', 'error', []],
    ['mx-refused.test', 'error', []],
    ['mx-host-timeout.test', 'error', []],
    ['mx-aaaa-servfail.test', 'pass', []],
  ] as const)('%s → %s %j', async (domain, status, ids) => {
    const result = await audit(domain);
    expect(result.status).toBe(status);
    expect(findingIds(result)).toEqual([...ids].sort());
  });
});

describe('mx: facts', () => {
  it('lists hosts by preference with their addresses and DNS statuses', async () => {
    const result = await audit('mx-healthy.test');
    expect(result.facts.mx).toMatchObject({ status: 'ok' });
    expect(result.facts.records).toEqual([
      { preference: 10, exchange: 'mx1.mx-healthy.test' },
      { preference: 20, exchange: 'mx2.mx-healthy.test' },
    ]);
    expect(result.facts.hosts).toEqual([
      expect.objectContaining({
        exchange: 'mx1.mx-healthy.test',
        preference: 10,
        a: 'ok',
        aaaa: 'ok',
        ipv4: ['127.0.1.1'],
        ipv6: ['2001:db8:1::1'],
        cnames: [],
        canonical: null,
      }),
      expect.objectContaining({
        exchange: 'mx2.mx-healthy.test',
        preference: 20,
        a: 'ok',
        aaaa: 'nodata',
        ipv4: ['127.0.1.2'],
        ipv6: [],
      }),
    ]);
    expect(result.facts.ipv6).toBe(true);
  });

  it('keeps facts when the MX query fails, and says what failed', async () => {
    const servfail = await audit('mx-servfail.test');
    expect(servfail.facts.mx).toEqual({ status: 'servfail' });
    expect(servfail.error).toContain('SERVFAIL');
    const timeout = await audit('mx-timeout.test');
    expect(timeout.facts.mx).toEqual({ status: 'timeout' });
    expect(timeout.error).toContain('TIMEOUT');
    const refused = await audit('mx-refused.test');
    expect(refused.facts.mx).toEqual({ status: 'refused' });
  });

  it('reports a timed-out host as unresolved, not unresolvable', async () => {
    const result = await audit('mx-host-timeout.test');
    expect(result.facts.hosts).toEqual([
      expect.objectContaining({ exchange: 'mx1.mx-host-timeout.test', a: 'ok', ipv4: ['127.0.3.51'] }),
      expect.objectContaining({ exchange: 'mx2.mx-host-timeout.test', a: 'timeout', aaaa: 'timeout', ipv4: [] }),
    ]);
    expect(findingIds(result)).not.toContain('mx/unresolvable-target');
    expect(result.error).toContain('mx2.mx-host-timeout.test');
  });

  it('leaves IPv6 undetermined when an AAAA query fails', async () => {
    const result = await audit('mx-aaaa-servfail.test');
    expect(result.facts.hosts).toEqual([expect.objectContaining({ a: 'ok', aaaa: 'servfail' })]);
    expect(result.facts.ipv6).toBeNull();
  });

  it('NODATA: the domain\'s own A/AAAA answers (implicit MX); NXDOMAIN asks no fallback', async () => {
    const fallback = await audit('mx-missing-fallback.test');
    expect(fallback.facts.mx).toEqual({ status: 'nodata' });
    expect(fallback.facts.implicitMx).toMatchObject({ a: { status: 'ok' }, aaaa: { status: 'ok' }, ipv4: ['127.0.2.80'], ipv6: ['2001:db8:2::80'] });
    const none = await audit('mx-missing-no-fallback.test');
    expect(none.facts.implicitMx).toMatchObject({ a: { status: 'nodata' }, aaaa: { status: 'nodata' }, ipv4: [], ipv6: [] });
    const nxdomain = await audit('mx-nxdomain.test');
    expect(nxdomain.facts.mx).toEqual({ status: 'nxdomain' });
    expect(nxdomain.facts.implicitMx).toBeUndefined();
  });

  it('a null MX, alone or mixed; aliases, IP literals and hosts without addresses as answered', async () => {
    const alone = await audit('mx-null.test');
    expect(alone.facts).toMatchObject({ nullMx: true, nullMxMixed: false, records: [{ preference: 0, exchange: '.' }], hosts: [] });
    const mixed = await audit('mx-null-mixed.test');
    expect(mixed.facts.nullMx).toBe(false);
    expect(mixed.facts.nullMxMixed).toBe(true);
    expect(mixed.facts.hosts).toEqual([expect.objectContaining({ exchange: 'mx1.mx-null-mixed.test', ipv4: ['127.0.3.1'] })]);
    const cname = await audit('mx-cname.test');
    expect(cname.facts.hosts).toEqual([
      expect.objectContaining({ exchange: 'mail.mx-cname.test', canonical: 'mx1.mx-cname.test', ipv4: ['127.0.3.11'], ipv6: ['2001:db8:3::11'] }),
    ]);
    const literal = await audit('mx-ip-literal.test');
    expect(literal.facts.hosts).toEqual([expect.objectContaining({ exchange: '127.0.3.21', ipLiteral: true, ipv4: ['127.0.3.21'] })]);
    const unresolvable = await audit('mx-unresolvable.test');
    expect(unresolvable.facts.hosts.map((host) => [host.exchange, host.a, host.aaaa])).toEqual([
      ['mx1.mx-unresolvable.test', 'ok', 'ok'],
      ['gone.mx-unresolvable.test', 'nxdomain', 'nxdomain'],
      ['empty.mx-unresolvable.test', 'nodata', 'nodata'],
      ['mx.elsewhere-unresolvable.test', 'nxdomain', 'nxdomain'],
    ]);
    const noIpv6 = await audit('mx-no-ipv6.test');
    expect(noIpv6.facts.ipv6).toBe(false);
  });
});

describe('mx: shared lookup', () => {
  it('asks each name once per audit', async () => {
    const dns = fixture.freshDns();
    const { buildContext } = await import('./helpers/context.js');
    const ctx = buildContext('mx-healthy.test', dns);
    await runCheck(mxCheck, ctx);
    const asked = dns.log.filter((entry) => !entry.cached).map((entry) => `${entry.type} ${entry.name}`);
    expect(asked.sort()).toEqual(
      [
        'MX mx-healthy.test',
        'A mx1.mx-healthy.test',
        'AAAA mx1.mx-healthy.test',
        'A mx2.mx-healthy.test',
        'AAAA mx2.mx-healthy.test',
      ].sort(),
    );
  });
});
