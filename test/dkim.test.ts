/**
 * The dkim check's gathering (selector planning, probes, key measurement)
 * against fixture zones, through the real resolver and the local fixture DNS
 * server, and a few runs end to end; its judging is tested on facts in
 * test/judges/dkim.test.ts.
 */
import { dkimSetupFix } from '../src/dkim/setup-steps.js';
import { describe, expect, it } from 'vitest';
import { dkimCheck } from '../src/checks/dkim/index.js';
import { loadFixture } from '../src/testing/fixture-server.js';
import type { AuditOptions } from '../src/context.js';
import type { CheckResult } from '../src/schema/report.js';
import { findingById, findingIds, runCheck, useFixture } from './helpers/context.js';

const FIXTURES = [
  'dkim-valid',
  'dkim-weak-key',
  'dkim-insecure-key',
  'dkim-cname',
  'dkim-revoked-key',
  'dkim-flags',
  'dkim-invalid-record',
  'dkim-not-found',
  'dkim-dns-failure',
];

const fixture = useFixture(FIXTURES);

const run = (domain: string, options: AuditOptions = {}): Promise<CheckResult> => runCheck(dkimCheck, fixture.ctx(domain, options));

/** The TXT record text a fixture publishes at `name` (character-strings joined). */
function published(fixtureName: string, name: string): string {
  const node = loadFixture(fixtureName).zone[name] as { TXT: Array<string | string[]> };
  const value = node.TXT[0];
  return Array.isArray(value) ? value.join('') : value;
}

type KeyFact = Record<string, unknown>;
const keys = (result: CheckResult) => result.facts.keys as KeyFact[];

describe('dkim: end to end', () => {
  it.each([
    ['valid.dkim.test', []],
    ['flags.dkim.test', ['dkim/sha1-only', 'dkim/testing-mode']],
    ['none.dkim.test', ['dkim/selector-unknown']],
    ['absent.dkim.test', ['dkim/not-found']],
  ])('%s → %j', async (domain, ids) => {
    const result = await run(domain);
    expect(result.error).toBeUndefined();
    expect(findingIds(result)).toEqual(ids);
  });

  it('testing-mode and sha1-only: the same record without the flag', async () => {
    const result = await run('flags.dkim.test');
    const k1 = published('dkim-flags', 'k1._domainkey.flags.dkim.test');
    expect(findingById(result, 'dkim/testing-mode').fix?.records).toEqual([
      { action: 'replace', name: 'k1._domainkey.flags.dkim.test', type: 'TXT', value: k1.replace('t=y:s; ', 't=s; '), current: k1 },
    ]);
  });
});

describe('dkim: keys and facts', () => {
  it('measures RSA (SPKI and PKCS#1) and ed25519 keys, and orders selectors by recognised providers', async () => {
    const result = await run('valid.dkim.test', { dkimSelectors: ['ed,legacy'] });
    expect(result.status).toBe('pass');
    expect(result.facts.providers).toEqual([
      { id: 'google', name: 'Google Workspace', via: ['mx', 'spf'] },
      { id: 'sendgrid', name: 'SendGrid', via: ['spf'] },
    ]);
    expect((result.facts.selectorsProbed as string[]).slice(0, 4)).toEqual(['ed', 'legacy', 'google', 's1']);
    expect(keys(result).map((key) => [key.selector, key.keyType, key.bits, key.keyEncoding])).toEqual([
      ['ed', 'ed25519', 256, 'raw'],
      ['legacy', 'rsa', 2048, 'pkcs1'],
      ['google', 'rsa', 2048, 'spki'],
    ]);
    const probes = result.facts.probes as Array<{ selector: string; status: string; found: boolean }>;
    expect(probes.find((probe) => probe.selector === 'google')).toMatchObject({ status: 'ok', found: true });
    expect(probes.find((probe) => probe.selector === 'default')).toMatchObject({ status: 'nxdomain', found: false });
    expect((result.facts.selectorSources as Array<{ selector: string; source: string }>).slice(0, 3)).toEqual([
      { selector: 'ed', source: 'option' },
      { selector: 'legacy', source: 'option' },
      { selector: 'google', source: 'provider:google' },
    ]);
  });

  it('follows a CNAME to a provider-hosted key and records the target', async () => {
    const result = await run('cname.dkim.test');
    expect(keys(result)).toEqual([
      expect.objectContaining({
        selector: 's1',
        name: 's1._domainkey.cname.dkim.test',
        cnames: ['s1.domainkey.u1234.wl.provider.example.net'],
        cnameTarget: 's1.domainkey.u1234.wl.provider.example.net',
        keyType: 'rsa',
        bits: 2048,
      }),
    ]);
  });

  it('reports a revoked key with its flags', async () => {
    const result = await run('revoked.dkim.test');
    expect((result.facts.selectorsProbed as string[]).slice(0, 2)).toEqual(['selector1', 'selector2']);
    expect(keys(result).map((key) => [key.selector, key.revoked, key.bits])).toEqual([
      ['selector1', true, null],
      ['selector2', false, 2048],
    ]);
    expect(findingById(result, 'dkim/revoked-key').evidence).toEqual(['selector1._domainkey.revoked.dkim.test TXT "v=DKIM1; k=rsa; p="']);
  });

  it('finds a custom selector given with --dkim-selector', async () => {
    const result = await run('none.dkim.test', { dkimSelectors: ['custom2024'] });
    expect(findingIds(result)).toEqual([]);
    expect((result.facts.selectorsProbed as string[])[0]).toBe('custom2024');
    expect(keys(result).map((key) => key.selector)).toEqual(['custom2024']);
  });

  it('probes every selector when _domainkey exists (NODATA, an empty non-terminal)', async () => {
    const facts = await dkimCheck.gather(fixture.ctx('none.dkim.test'));
    expect(facts.selectorsProbed.length).toBeGreaterThan(40);
    expect(facts.probes.map((probe) => probe.selector)).toEqual(facts.selectorsProbed);
    expect(facts.domainkey).toBe('nodata');
    expect(facts.keys).toEqual([]);
  });

  it('probes nothing when _domainkey is NXDOMAIN (RFC 8020)', async () => {
    const facts = await dkimCheck.gather(fixture.ctx('absent.dkim.test'));
    expect(facts.domainkey).toBe('nxdomain');
    expect(facts.selectorsProbed).toEqual([]);
    expect(facts.probes).toEqual([]);
  });

  it('still asks a selector given with --dkim-selector when _domainkey is NXDOMAIN: a selector that answers wins', async () => {
    const result = await run('absent.dkim.test', { dkimSelectors: ['custom2024'] });
    expect(result.facts.selectorsProbed).toEqual(['custom2024']);
    expect(findingIds(result)).toEqual(['dkim/not-found']);
  });

  it('names the provider-specific steps of the providers recognised from MX and SPF', () => {
    expect(dkimSetupFix([{ id: 'google', name: 'Google Workspace' }]).notes![0]).toMatch(/^Google Workspace: Admin console/);
    expect(dkimSetupFix([]).notes![0]).toMatch(/each service that sends mail/);
  });

  it('ignores TXT data that is not a DKIM record (a wildcard SPF)', async () => {
    const result = await run('wild.dkim.test');
    expect(keys(result)).toEqual([]);
    expect((result.facts.probes as Array<{ selector: string; status: string }>).find((probe) => probe.selector === 'default')?.status).toBe('ok');
  });

  it('lists each unusable record with its problem', async () => {
    const result = await run('invalid.dkim.test');
    expect(keys(result).map((key) => [key.selector, key.errors])).toEqual([
      ['dkim', ['p= is not valid base64']],
      ['s1', ['duplicate tag p']],
      ['s2', ['unknown key type k=dsa']],
    ]);
    expect(findingById(result, 'dkim/invalid-record').evidence).toHaveLength(3);
  });

  it('is inconclusive, not not-found, when selector queries fail', async () => {
    const result = await run('failing.dkim.test');
    expect(result.status).toBe('error');
    expect(findingIds(result)).toEqual([]);
    expect(result.error).toContain('google._domainkey.failing.dkim.test: timeout');
    expect((result.facts.probes as Array<{ status: string }>).filter((probe) => probe.status !== 'nxdomain')).toEqual([
      { selector: 'google', name: 'google._domainkey.failing.dkim.test', status: 'timeout', found: false },
      { selector: 'selector1', name: 'selector1._domainkey.failing.dkim.test', status: 'servfail', found: false },
    ]);
  });
});

describe('dkim: key sizes', () => {
  it.each([
    ['weak.dkim.test', 1024],
    ['insecure.dkim.test', 512],
  ])('%s: measures a %i-bit key', async (domain, bits) => {
    const facts = await dkimCheck.gather(fixture.ctx(domain));
    expect(facts.keys[0]!.bits).toBe(bits);
    expect(dkimCheck.facts.safeParse(facts).success).toBe(true);
  });
});
