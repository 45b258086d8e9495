/**
 * The mx check against the real resolver and the fixture DNS server: every
 * finding id, and NXDOMAIN vs NODATA vs SERVFAIL vs REFUSED vs timeout.
 */
import { describe, expect, it } from 'vitest';
import { mxCheck } from '../src/checks/mx.js';
import type { CheckResult } from '../src/schema/report.js';
import { findingById, findingIds, runCheck, startFixture, useFixture } from './helpers/context.js';

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

function audit(domain: string): Promise<CheckResult> {
  return runCheck(mxCheck, fixture.ctx(domain));
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
    expect(result.facts.records).toEqual(['10 mx1.mx-healthy.test', '20 mx2.mx-healthy.test']);
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
    expect(result.facts.inconclusive).toEqual([expect.stringContaining('mx2.mx-host-timeout.test')]);
  });

  it('leaves IPv6 undetermined when an AAAA query fails', async () => {
    const result = await audit('mx-aaaa-servfail.test');
    expect(result.facts.hosts).toEqual([expect.objectContaining({ a: 'ok', aaaa: 'servfail' })]);
    expect(result.facts.ipv6).toEqual(expect.stringContaining('undetermined'));
  });
});

describe('mx/missing', () => {
  it('NODATA with A/AAAA: reports the implicit-MX fallback addresses', async () => {
    const result = await audit('mx-missing-fallback.test');
    expect(result.facts.mx).toEqual({ status: 'nodata' });
    expect(result.facts.implicitMx).toMatchObject({
      a: { status: 'ok' },
      aaaa: { status: 'ok' },
      addresses: ['127.0.2.80', '2001:db8:2::80'],
    });
    const missing = findingById(result, 'mx/missing');
    expect(missing.severity).toBe('high');
    expect(missing.evidence).toEqual([
      'MX mx-missing-fallback.test: NODATA',
      'A mx-missing-fallback.test: 127.0.2.80',
      'AAAA mx-missing-fallback.test: 2001:db8:2::80',
    ]);
    expect(missing.fix?.records).toEqual([
      { action: 'add', name: 'mx-missing-fallback.test', type: 'MX', value: '10 <MAIL-HOST>' },
    ]);
    expect(Object.keys(missing.fix?.placeholders ?? {})).toEqual(['MAIL-HOST']);
    // The null MX alternative is offered in the notes, as a record to paste.
    expect(missing.fix?.notes?.some((note) => note.includes('mx-missing-fallback.test MX 0 .'))).toBe(true);
  });

  it('NODATA without A/AAAA: no fallback address', async () => {
    const result = await audit('mx-missing-no-fallback.test');
    expect(result.facts.implicitMx).toMatchObject({ a: { status: 'nodata' }, aaaa: { status: 'nodata' }, addresses: [] });
    expect(findingById(result, 'mx/missing').fix?.records?.[0]?.value).toBe('10 <MAIL-HOST>');
  });

  it('NXDOMAIN: the domain does not exist (no fallback query)', async () => {
    const result = await audit('mx-nxdomain.test');
    expect(result.facts.mx).toEqual({ status: 'nxdomain' });
    expect(result.facts.implicitMx).toBeUndefined();
    const missing = findingById(result, 'mx/missing');
    expect(missing.evidence).toEqual(['MX mx-nxdomain.test: NXDOMAIN']);
    expect(missing.fix?.records).toEqual([{ action: 'add', name: 'mx-nxdomain.test', type: 'MX', value: '10 <MAIL-HOST>' }]);
  });
});

describe('mx/null-mx', () => {
  it('a lone null MX: replace it if the domain handles mail', async () => {
    const result = await audit('mx-null.test');
    expect(result.facts.nullMx).toBe(true);
    expect(result.facts.records).toEqual(['0 .']);
    expect(result.facts.hosts).toEqual([]);
    const nullMx = findingById(result, 'mx/null-mx');
    expect(nullMx.severity).toBe('high');
    expect(nullMx.fix?.records).toEqual([
      { action: 'replace', name: 'mx-null.test', type: 'MX', value: '10 <MAIL-HOST>', current: '0 .' },
    ]);
  });

  it('a null MX mixed with other MX records: remove the null MX (RFC 7505 §3)', async () => {
    const result = await audit('mx-null-mixed.test');
    expect(result.facts.nullMx).toBe(false);
    expect(result.facts.nullMxMixed).toBe(true);
    expect(result.facts.hosts).toEqual([expect.objectContaining({ exchange: 'mx1.mx-null-mixed.test', ipv4: ['127.0.3.1'] })]);
    expect(findingById(result, 'mx/null-mx').fix?.records).toEqual([
      { action: 'remove', name: 'mx-null-mixed.test', type: 'MX', value: '0 .', current: '0 .' },
    ]);
  });
});

describe('mx/cname-target', () => {
  it('replaces the alias with the canonical name', async () => {
    const result = await audit('mx-cname.test');
    expect(result.facts.hosts).toEqual([
      expect.objectContaining({
        exchange: 'mail.mx-cname.test',
        canonical: 'mx1.mx-cname.test',
        ipv4: ['127.0.3.11'],
        ipv6: ['2001:db8:3::11'],
      }),
    ]);
    const cname = findingById(result, 'mx/cname-target');
    expect(cname.severity).toBe('medium');
    expect(cname.fix?.records).toEqual([
      { action: 'replace', name: 'mx-cname.test', type: 'MX', value: '10 mx1.mx-cname.test', current: '10 mail.mx-cname.test' },
    ]);
  });
});

describe('mx/ip-literal', () => {
  it('gives the server a name and points the MX at it', async () => {
    const result = await audit('mx-ip-literal.test');
    expect(result.facts.hosts).toEqual([
      expect.objectContaining({ exchange: '127.0.3.21', ipLiteral: true, ipv4: ['127.0.3.21'] }),
    ]);
    const literal = findingById(result, 'mx/ip-literal');
    expect(literal.severity).toBe('medium');
    expect(literal.fix?.records).toEqual([
      { action: 'add', name: 'mx1.mx-ip-literal.test', type: 'A', value: '127.0.3.21' },
      { action: 'replace', name: 'mx-ip-literal.test', type: 'MX', value: '10 mx1.mx-ip-literal.test', current: '10 127.0.3.21' },
    ]);
  });
});

describe('mx/unresolvable-target', () => {
  it('NXDOMAIN and NODATA hosts are unresolvable; names outside the domain are removed', async () => {
    const result = await audit('mx-unresolvable.test');
    const hosts = result.facts.hosts as Array<Record<string, unknown>>;
    expect(hosts.map((host) => [host.exchange, host.a, host.aaaa])).toEqual([
      ['mx1.mx-unresolvable.test', 'ok', 'ok'],
      ['gone.mx-unresolvable.test', 'nxdomain', 'nxdomain'],
      ['empty.mx-unresolvable.test', 'nodata', 'nodata'],
      ['mx.elsewhere-unresolvable.test', 'nxdomain', 'nxdomain'],
    ]);
    const unresolvable = findingById(result, 'mx/unresolvable-target');
    expect(unresolvable.severity).toBe('high');
    expect(unresolvable.evidence).toEqual([
      'gone.mx-unresolvable.test: A NXDOMAIN, AAAA NXDOMAIN',
      'empty.mx-unresolvable.test: A NODATA, AAAA NODATA',
      'mx.elsewhere-unresolvable.test: A NXDOMAIN, AAAA NXDOMAIN',
    ]);
    expect(unresolvable.fix?.records).toEqual([
      { action: 'add', name: 'gone.mx-unresolvable.test', type: 'A', value: '<MAIL-SERVER-IPV4>' },
      { action: 'add', name: 'empty.mx-unresolvable.test', type: 'A', value: '<MAIL-SERVER-IPV4>' },
      {
        action: 'remove',
        name: 'mx-unresolvable.test',
        type: 'MX',
        value: '40 mx.elsewhere-unresolvable.test',
        current: '40 mx.elsewhere-unresolvable.test',
      },
    ]);
    expect(Object.keys(unresolvable.fix?.placeholders ?? {})).toEqual(['MAIL-SERVER-IPV4']);
  });

  it('the only MX is corrected, never removed: removing it would leave the domain without MX', async () => {
    const zone = {
      zone: {
        'only-mx-dead.test': { MX: [[10, 'mx.gone-provider.test']] },
      },
    };
    const own = await startFixture(zone, { timeoutMs: 2000, retries: 0 });
    try {
      const result = await runCheck(mxCheck, own.ctx('only-mx-dead.test'));
      const unresolvable = findingById(result, 'mx/unresolvable-target');
      expect(unresolvable.fix?.records).toEqual([
        { action: 'replace', name: 'only-mx-dead.test', type: 'MX', value: '10 <MAIL-HOST>', current: '10 mx.gone-provider.test' },
      ]);
      expect(Object.keys(unresolvable.fix?.placeholders ?? {})).toEqual(['MAIL-HOST']);
    } finally {
      await own.close();
    }
  });

  it('a timed-out host is not unresolvable', async () => {
    const result = await audit('mx-host-timeout.test');
    expect(findingIds(result)).not.toContain('mx/unresolvable-target');
    expect(result.error).toContain('mx2.mx-host-timeout.test');
  });
});

describe('mx/no-ipv6', () => {
  it('suggests AAAA records for the hosts in the domain', async () => {
    const result = await audit('mx-no-ipv6.test');
    const noIpv6 = findingById(result, 'mx/no-ipv6');
    expect(noIpv6.severity).toBe('info');
    expect(noIpv6.fix?.records).toEqual([
      { action: 'add', name: 'mx1.mx-no-ipv6.test', type: 'AAAA', value: '<MAIL-SERVER-IPV6>' },
      { action: 'add', name: 'mx2.mx-no-ipv6.test', type: 'AAAA', value: '<MAIL-SERVER-IPV6>' },
    ]);
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
