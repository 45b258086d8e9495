/**
 * The dnssec check against the fixture DNS server (fixtures/dnssec-lab.json),
 * whose `secure` names come back with the AD flag as from a validating resolver.
 * Its root answers no signed DNSKEY, so no trust anchor reaches these zones:
 * they exercise the fallback to the AD flag (facts `source: "ad-flag"`).
 * mailcheck's own validation is tested in test/cli-dnssec-validation.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { dnssecCheck } from '../src/checks/dnssec.js';
import type { CheckResult } from '../src/schema/report.js';
import { findingIds, runCheck, useFixture } from './helpers/context.js';

const fixture = useFixture('dnssec-lab');

const audit = (domain: string) => runCheck(dnssecCheck, fixture.ctx(domain));

describe('dnssec check', () => {
  const table: Array<[string, string[], CheckResult['status'], string]> = [
    ['dnssec-signed.test', [], 'pass', 'signed'],
    ['dnssec-unsigned.test', ['dnssec/unsigned'], 'warn', 'unsigned'],
    ['dnssec-unsigned-validating.test', ['dnssec/unsigned'], 'warn', 'unsigned'],
    ['dnssec-island.test', ['dnssec/unsigned'], 'warn', 'island'],
    ['dnssec-insecure.test', ['dnssec/unsigned'], 'warn', 'insecure'],
    ['dnssec-unverified.test', [], 'error', 'unverified'],
    ['dnssec-servfail.test', [], 'error', 'error'],
    ['dnssec-timeout.test', [], 'error', 'error'],
  ];
  it.each(table)('%s → %j (%s, %s)', async (domain, ids, status, state) => {
    const result = await audit(domain);
    expect(findingIds(result)).toEqual(ids);
    expect(result.status).toBe(status);
    expect((result.facts.domain as { state: string }).state).toBe(state);
  });

  it('gives DS and AD facts for the domain and each MX host zone', async () => {
    const result = await audit('dnssec-signed.test');
    expect(result.facts.resolverValidates).toBe(true);
    expect(result.facts.domain).toMatchObject({
      zone: 'dnssec-signed.test',
      ad: true,
      dnskeys: 1,
      ds: ['12345 13 2 8f2a6d1c3b4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8'],
    });
    expect((result.facts.mxHosts as Array<{ name: string; state: string }>).map(({ name, state }) => [name, state])).toEqual([
      ['mx.dnssec-signed.test', 'signed'],
      ['mx.unsigned-provider.test', 'unsigned'],
    ]);
  });

  it('says the resolver does not validate instead of calling a zone with DS unsigned', async () => {
    const result = await audit('dnssec-unverified.test');
    expect(result.facts.resolverValidates).toBe(false);
    expect(result.error).toMatch(/does not validate/);
  });

  it('offline, says the DS was read from the zone data, not asked of the parent', async () => {
    const result = await runCheck(dnssecCheck, fixture.ctx('dnssec-unsigned.test', { offline: true }));
    expect(findingIds(result)).toEqual(['dnssec/unsigned']);
    const finding = result.findings[0]!;
    expect(finding.message).not.toMatch(/parent/);
    expect(finding.evidence.join('\n')).toMatch(/--offline/);
    const unverified = await runCheck(dnssecCheck, fixture.ctx('dnssec-unverified.test', { offline: true }));
    expect(unverified.status).toBe('error');
    expect(unverified.error).toMatch(/offline/);
  });

  it('tells whether the resolver validates when the zone is unsigned', async () => {
    expect((await audit('dnssec-unsigned.test')).facts.resolverValidates).toBe(false);
    expect((await audit('dnssec-unsigned-validating.test')).facts.resolverValidates).toBe(true);
  });
});
