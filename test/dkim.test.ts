/**
 * The dkim check against fixture zones, through the real resolver and the
 * local fixture DNS server.
 */
import { dkimSetupFix } from '../src/dkim/setup-steps.js';
import { describe, expect, it } from 'vitest';
import { dkimCheck } from '../src/checks/dkim.js';
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

describe('dkim: finding ids per scenario', () => {
  it.each([
    ['valid.dkim.test', []],
    ['weak.dkim.test', ['dkim/weak-key']],
    ['insecure.dkim.test', ['dkim/insecure-key']],
    ['cname.dkim.test', []],
    ['revoked.dkim.test', ['dkim/revoked-key']],
    ['flags.dkim.test', ['dkim/sha1-only', 'dkim/testing-mode']],
    ['invalid.dkim.test', ['dkim/invalid-record']],
    // A wildcard answers every selector alike: _domainkey existing proves nothing, so no key is no key.
    ['wild.dkim.test', ['dkim/not-found']],
    // A key at an unknown selector makes _domainkey an empty non-terminal (RFC 8020): keys exist below it.
    ['none.dkim.test', ['dkim/selector-unknown']],
    ['absent.dkim.test', ['dkim/not-found']],
  ])('%s → %j', async (domain, ids) => {
    const result = await run(domain);
    expect(result.error).toBeUndefined();
    expect(findingIds(result)).toEqual(ids);
  });

  it('gives the catalogue severities', async () => {
    const severities = new Map<string, string>();
    for (const domain of ['weak.dkim.test', 'insecure.dkim.test', 'revoked.dkim.test', 'flags.dkim.test', 'invalid.dkim.test', 'none.dkim.test', 'absent.dkim.test']) {
      for (const item of (await run(domain)).findings) severities.set(item.id, item.severity);
    }
    expect(Object.fromEntries(severities)).toEqual({
      'dkim/weak-key': 'medium',
      'dkim/insecure-key': 'high',
      'dkim/revoked-key': 'low',
      'dkim/sha1-only': 'medium',
      'dkim/testing-mode': 'low',
      'dkim/invalid-record': 'high',
      'dkim/not-found': 'high',
      'dkim/selector-unknown': 'info',
    });
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
    expect((result.facts.results as Record<string, string>).google).toBe('found');
    expect((result.facts.results as Record<string, string>).default).toBe('nxdomain');
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

  it('selector-unknown (never not-found) when _domainkey exists but no selector tried answers, listing every selector probed', async () => {
    const result = await run('none.dkim.test');
    const probed = result.facts.selectorsProbed as string[];
    expect(probed.length).toBeGreaterThan(40);
    expect(result.facts.domainkey).toBe('nodata');
    expect(findingIds(result)).not.toContain('dkim/not-found');
    expect(findingById(result, 'dkim/selector-unknown').evidence).toEqual(['TXT _domainkey.none.dkim.test: NODATA', `selectors probed: ${probed.join(', ')}`]);
  });

  it('not-found without probing when _domainkey is NXDOMAIN (RFC 8020), with a fix naming where to turn signing on', async () => {
    const result = await run('absent.dkim.test');
    expect(result.facts.domainkey).toBe('nxdomain');
    expect(result.facts.selectorsProbed).toEqual([]);
    const notFound = findingById(result, 'dkim/not-found');
    expect(notFound.evidence).toEqual(['TXT _domainkey.absent.dkim.test: NXDOMAIN']);
    expect(notFound.fix?.summary).toBe('Set up DKIM signing at your sending service');
    expect(notFound.fix?.records).toBeUndefined();
  });

  it('still asks a selector given with --dkim-selector when _domainkey is NXDOMAIN: a selector that answers wins', async () => {
    const result = await run('absent.dkim.test', { dkimSelectors: ['custom2024'] });
    expect(result.facts.selectorsProbed).toEqual(['custom2024']);
    expect(findingIds(result)).toEqual(['dkim/not-found']);
  });

  it('names the provider-specific steps of the providers recognised from MX and SPF', async () => {
    expect(dkimSetupFix([{ id: 'google', name: 'Google Workspace' }]).notes![0]).toMatch(/^Google Workspace: Admin console/);
    expect(dkimSetupFix([]).notes![0]).toMatch(/each service that sends mail/);
  });

  it('ignores TXT data that is not a DKIM record (a wildcard SPF)', async () => {
    const result = await run('wild.dkim.test');
    expect(keys(result)).toEqual([]);
    expect((result.facts.results as Record<string, string>).default).toBe('ok');
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
    expect(result.facts.failed).toEqual([
      { selector: 'google', name: 'google._domainkey.failing.dkim.test', status: 'timeout' },
      { selector: 'selector1', name: 'selector1._domainkey.failing.dkim.test', status: 'servfail' },
    ]);
  });
});

describe('dkim: fixes', () => {
  const rotate = {
    summary: 'Rotate to a 2048-bit RSA key under a new selector',
    records: [{ action: 'add', name: '<NEW-SELECTOR>._domainkey.DOMAIN', type: 'TXT', value: 'v=DKIM1; k=rsa; p=<PUBLIC-KEY-BASE64>' }],
  };

  it.each([
    ['weak.dkim.test', 'dkim/weak-key', 1024],
    ['insecure.dkim.test', 'dkim/insecure-key', 512],
  ])('%s %s: rotate to a 2048-bit key under a new selector', async (domain, id, bits) => {
    const result = await run(domain);
    expect(keys(result)[0].bits).toBe(bits);
    const fix = findingById(result, id).fix!;
    expect(fix.summary).toBe(rotate.summary);
    expect(fix.records).toEqual(rotate.records.map((record) => ({ ...record, name: record.name.replace('DOMAIN', domain) })));
    expect(Object.keys(fix.placeholders ?? {}).sort()).toEqual(['NEW-SELECTOR', 'PUBLIC-KEY-BASE64']);
  });

  it('testing-mode and sha1-only: the same record without the flag', async () => {
    const result = await run('flags.dkim.test');
    const k1 = published('dkim-flags', 'k1._domainkey.flags.dkim.test');
    const k2 = published('dkim-flags', 'k2._domainkey.flags.dkim.test');
    expect(findingById(result, 'dkim/testing-mode').fix?.records).toEqual([
      { action: 'replace', name: 'k1._domainkey.flags.dkim.test', type: 'TXT', value: k1.replace('t=y:s; ', 't=s; '), current: k1 },
    ]);
    expect(findingById(result, 'dkim/sha1-only').fix?.records).toEqual([
      { action: 'replace', name: 'k2._domainkey.flags.dkim.test', type: 'TXT', value: k2.replace('h=sha1; ', ''), current: k2 },
    ]);
  });
});
