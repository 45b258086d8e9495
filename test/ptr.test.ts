/**
 * The ptr check's gather against the real resolver and the fixture DNS
 * server: the facts, and the finding ids and statuses they lead to, sending
 * IPs (--ip), NXDOMAIN vs NODATA vs SERVFAIL vs timeout. Findings in detail:
 * test/judges/ptr.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ptrCheck, type PtrAddressFacts, type PtrFacts } from '../src/checks/ptr/index.js';
import { lookupReverse } from '../src/lookups/reverse.js';
import type { AuditOptions } from '../src/context.js';
import type { CheckResult } from '../src/schema/report.js';
import { buildContext, findingById, findingIds, runCheck, useFixture } from './helpers/context.js';

const FIXTURES = [
  'ptr-confirmed',
  'ptr-missing',
  'ptr-mismatch',
  'ptr-generic',
  'ptr-servfail',
  'ptr-timeout',
  'ptr-forward-timeout',
  'ptr-partial',
  'ptr-sending',
  'mx-missing-no-fallback',
  'mx-nxdomain',
  'mx-timeout',
  'mx-host-timeout',
  'mx-cname',
];

const IPV6_SENDING_REVERSE = '9.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.7.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa';

const fixture = useFixture(FIXTURES, { timeoutMs: 1000, retries: 0 });

function audit(domain: string, options: AuditOptions = {}): Promise<CheckResult> {
  return runCheck(ptrCheck, fixture.ctx(domain, options));
}

function addresses(result: CheckResult): PtrAddressFacts[] {
  return (result.facts as PtrFacts).addresses;
}

describe('ptr: finding ids and statuses', () => {
  it.each([
    ['ptr-confirmed.test', {}, 'pass', []],
    ['ptr-missing.test', {}, 'warn', ['ptr/missing']],
    ['ptr-mismatch.test', {}, 'warn', ['ptr/mismatch']],
    ['ptr-generic.test', {}, 'warn', ['ptr/generic']],
    ['ptr-sending.test', { ips: ['127.0.7.9', '2001:db8:7::9', '127.0.7.10'] }, 'warn', ['ptr/generic', 'ptr/missing']],
    // DNS failures are inconclusive, never "missing" or "mismatch".
    ['ptr-servfail.test', {}, 'error', []],
    ['ptr-timeout.test', {}, 'error', []],
    ['ptr-forward-timeout.test', {}, 'error', []],
    // One address concluded (missing), the other timed out: the finding stands.
    ['ptr-partial.test', {}, 'warn', ['ptr/missing']],
    // Nothing to check.
    ['ptr-sending.test', {}, 'skipped', []],
    ['mx-missing-no-fallback.test', {}, 'skipped', []],
    ['mx-nxdomain.test', {}, 'skipped', []],
    // The MX query failed: the MX addresses are unknown, not absent.
    ['mx-timeout.test', {}, 'error', []],
    ['mx-host-timeout.test', {}, 'pass', []],
  ] as Array<[string, { ips?: string[] }, string, string[]]>)('%s %j → %s %j', async (domain, options, status, ids) => {
    const result = await audit(domain, options);
    expect(result.status).toBe(status);
    expect(findingIds(result)).toEqual([...ids].sort());
  });
});

describe('ptr: facts', () => {
  it('forward-confirmed IPv4 and IPv6 addresses, also through an RFC 2317 CNAME', async () => {
    const result = await audit('ptr-confirmed.test');
    expect(addresses(result).map((fact) => [fact.ip, fact.reverseName, fact.ptr.names, fact.forwardConfirmed, fact.outcome])).toEqual([
      ['127.0.4.1', '1.4.0.127.in-addr.arpa', ['mx1.ptr-confirmed.test'], true, 'confirmed'],
      [
        '2001:db8:4::1',
        '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.4.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
        ['mx1.ptr-confirmed.test'],
        true,
        'confirmed',
      ],
      ['127.0.4.2', '2.4.0.127.in-addr.arpa', ['mx2.ptr-confirmed.test'], true, 'confirmed'],
    ]);
    expect(addresses(result)[0]).toMatchObject({ version: 4, mxHosts: ['mx1.ptr-confirmed.test'], sending: false, confirmedNames: ['mx1.ptr-confirmed.test'] });
  });

  it('keeps the NXDOMAIN/NODATA distinction per address', async () => {
    const result = await audit('ptr-missing.test');
    expect(addresses(result).map((fact) => [fact.ip, fact.ptr.status, fact.outcome, fact.forwardConfirmed])).toEqual([
      ['127.0.5.1', 'nxdomain', 'missing', false],
      ['2001:db8:5::1', 'nodata', 'missing', false],
    ]);
  });

  it('SERVFAIL and timeout leave the address inconclusive (forwardConfirmed null)', async () => {
    const servfail = await audit('ptr-servfail.test');
    expect(addresses(servfail)).toEqual([expect.objectContaining({ ip: '127.0.6.11', outcome: 'inconclusive', forwardConfirmed: null })]);
    expect(addresses(servfail)[0]?.ptr.status).toBe('servfail');
    expect(servfail.error).toContain('127.0.6.11');

    const timeout = await audit('ptr-timeout.test');
    expect(addresses(timeout)[0]).toMatchObject({ ip: '127.0.6.21', outcome: 'inconclusive', forwardConfirmed: null });
    expect(addresses(timeout)[0]?.ptr.status).toBe('timeout');

    const forward = await audit('ptr-forward-timeout.test');
    expect(addresses(forward)[0]).toMatchObject({
      ip: '127.0.6.31',
      outcome: 'inconclusive',
      forwardConfirmed: null,
      ptr: { status: 'ok', names: ['host.ptr-forward-timeout.test'] },
    });
  });

  it('a partial failure leaves that address inconclusive while the rest concludes', async () => {
    const result = await audit('ptr-partial.test');
    expect(addresses(result).map((fact) => [fact.ip, fact.outcome])).toEqual([
      ['127.0.6.41', 'inconclusive'],
      ['127.0.6.42', 'missing'],
    ]);
    expect(findingById(result, 'ptr/missing').evidence).toEqual([
      '127.0.6.42 (MX host mx2.ptr-partial.test): PTR 42.6.0.127.in-addr.arpa: NXDOMAIN',
    ]);
  });

  it('names MX hosts that could not be resolved', async () => {
    const result = await audit('mx-host-timeout.test');
    expect(result.facts.unresolved).toEqual(['A mx2.mx-host-timeout.test: timeout', 'AAAA mx2.mx-host-timeout.test: timeout']);
    expect(addresses(result).map((fact) => fact.ip)).toEqual(['127.0.3.51']);
  });

  it('uses the canonical MX host name when the exchange is an alias', async () => {
    const result = await audit('mx-cname.test');
    expect(addresses(result).map((fact) => [fact.ip, fact.mxHosts, fact.outcome])).toEqual([
      ['127.0.3.11', ['mx1.mx-cname.test'], 'confirmed'],
      ['2001:db8:3::11', ['mx1.mx-cname.test'], 'confirmed'],
    ]);
  });

  it('gives skip reasons', async () => {
    expect((await audit('ptr-sending.test')).skipReason).toContain('null MX');
    expect((await audit('mx-missing-no-fallback.test')).skipReason).toContain('no MX record');
    expect((await audit('mx-timeout.test')).error).toContain('MX mx-timeout.test: timeout');
  });
});

describe('ptr: generic names', () => {
  it('a pool name stays in the facts as a forward-confirmed PTR name; the judge flags it', async () => {
    const result = await audit('ptr-generic.test');
    expect(addresses(result)[0]).toMatchObject({
      ip: '127.0.6.1',
      forwardConfirmed: true,
      ptr: { names: ['127-0-6-1.dynamic.isp-generic.test'] },
    });
    expect(findingIds(result)).toEqual(['ptr/generic']);
  });
});

describe('ptr: sending IPs (--ip)', () => {
  const ips = ['127.0.7.9', '2001:db8:7::9', '127.0.7.10'];

  it('checks every sending IP and names it as such', async () => {
    const result = await audit('ptr-sending.test', { ips });
    expect(addresses(result).map((fact) => [fact.ip, fact.sending, fact.mxHosts, fact.outcome])).toEqual([
      ['127.0.7.9', true, [], 'missing'],
      ['2001:db8:7::9', true, [], 'confirmed'],
      ['127.0.7.10', true, [], 'confirmed'],
    ]);
    expect(addresses(result)[1]?.reverseName).toBe(IPV6_SENDING_REVERSE);
    expect(findingById(result, 'ptr/missing').fix?.records).toEqual([
      { action: 'add', name: '9.7.0.127.in-addr.arpa', type: 'PTR', value: '<SENDING-HOST>' },
      { action: 'add', name: '<SENDING-HOST>', type: 'A', value: '127.0.7.9' },
    ]);
  });

  it('merges a sending IP that is also an MX address, and normalises IPv6 text', async () => {
    const result = await audit('ptr-missing.test', { ips: ['127.0.5.1', '2001:DB8:5:0::1'] });
    expect(addresses(result).map((fact) => [fact.ip, fact.sending, fact.mxHosts])).toEqual([
      ['127.0.5.1', true, ['mx1.ptr-missing.test']],
      ['2001:db8:5::1', true, ['mx1.ptr-missing.test']],
    ]);
    expect(findingIds(result)).toEqual(['ptr/missing']);
  });

  it('checks sending IPs even when the MX lookup failed, listing what is unknown', async () => {
    const result = await audit('mx-timeout.test', { ips: ['127.0.7.9', 'not-an-ip'] });
    expect(result.status).toBe('warn');
    expect(findingIds(result)).toEqual(['ptr/missing']);
    expect(result.facts.unresolved).toEqual(['MX mx-timeout.test: timeout']);
    expect(result.facts.invalidIps).toEqual(['not-an-ip']);
  });
});

describe('ptr: shared reverse lookup', () => {
  it('asks each reverse and forward name once per audit', async () => {
    const dns = fixture.freshDns();
    const ctx = buildContext('ptr-confirmed.test', dns, { ips: ['127.0.4.1'] });
    await runCheck(ptrCheck, ctx);
    const before = dns.log.length;
    const again = await lookupReverse(ctx, '127.0.4.1');
    expect(again.outcome).toBe('confirmed');
    expect(dns.log.length).toBe(before);
    const wire = dns.log.filter((entry) => !entry.cached).map((entry) => `${entry.type} ${entry.name}`);
    expect(wire.filter((line) => line === 'PTR 1.4.0.127.in-addr.arpa')).toHaveLength(1);
  });
});
