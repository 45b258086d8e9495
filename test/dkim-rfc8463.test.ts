/**
 * The RFC 8463 Appendix A example (../shared/testdata/dkim/rfc8463-ed25519):
 * our parser reads both published keys (ed25519 and RSA), the dkim check finds
 * them through the real resolver, and mailauth's verifier, fed through the
 * same resolver, passes both signatures at the signing time.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { dkimCheck } from '../src/checks/dkim/index.js';
import { parseDkimRecord } from '../src/dkim/record.js';
import { toMailauthResolver } from '../src/dns/mailauth-resolver.js';
import type { FixtureZone } from '../src/testing/fixture-server.js';
import { findingIds, runCheck, startFixture, type Fixture } from './helpers/context.js';

const DATA = path.resolve(import.meta.dirname, '..', '..', 'shared', 'testdata', 'dkim', 'rfc8463-ed25519');
const present = ['dns.json', 'signed.eml'].every((file) => existsSync(path.join(DATA, file)));

if (!present && process.env.CI) {
  throw new Error(`${DATA} is missing: the RFC 8463 DKIM data must be present in CI`);
}

/** Expected verdicts (expect.yaml). */
const SIGNING_TIME = 1528637909;
const DOMAIN = 'football.example.com';

describe.skipIf(!present)('RFC 8463 ed25519 + RSA example', () => {
  let dns: Record<string, { TXT: string[][] }>;
  let fixture: Fixture;

  beforeAll(async () => {
    dns = JSON.parse(readFileSync(path.join(DATA, 'dns.json'), 'utf8'));
    // dns.json is already name → type → [record as character-strings]: a fixture zone.
    const zone: FixtureZone = { description: 'RFC 8463 Appendix A keys', zone: dns };
    fixture = await startFixture(zone);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  const record = (name: string) => parseDkimRecord(dns[name].TXT[0].join(''));

  it('parses the ed25519 key (raw 32 bytes, RFC 8463 §4.2)', () => {
    expect(record(`brisbane._domainkey.${DOMAIN}`)).toMatchObject({
      errors: [],
      version: 'DKIM1',
      keyType: 'ed25519',
      revoked: false,
      key: { type: 'ed25519', bits: 256, encoding: 'raw' },
    });
  });

  it('parses the RSA key split over several character-strings', () => {
    expect(dns[`test._domainkey.${DOMAIN}`].TXT[0].length).toBeGreaterThan(1);
    expect(record(`test._domainkey.${DOMAIN}`)).toMatchObject({
      errors: [],
      keyType: 'rsa',
      key: { type: 'rsa', bits: 1024, encoding: 'spki' },
    });
  });

  it('the dkim check finds both keys and calls the 1024-bit one weak', async () => {
    const result = await runCheck(dkimCheck, fixture.ctx(DOMAIN, { dkimSelectors: ['brisbane', 'test'] }));
    expect(findingIds(result)).toEqual(['dkim/weak-key']);
    expect((result.facts.keys as Array<Record<string, unknown>>).map((key) => [key.selector, key.keyType, key.bits])).toEqual([
      ['brisbane', 'ed25519', 256],
      ['test', 'rsa', 1024],
    ]);
  });

  it('mailauth verifies both signatures through our resolver at the signing time', async () => {
    // The file has LF line endings; DKIM canonicalisation works on CRLF.
    const message = readFileSync(path.join(DATA, 'signed.eml'), 'utf8').replace(/\r?\n/g, '\r\n');
    const dnsClient = fixture.freshDns();
    const result = await dkimVerify(Buffer.from(message), {
      resolver: toMailauthResolver(dnsClient),
      curTime: new Date(SIGNING_TIME * 1000),
    });
    // mailauth sets `algo` at run time; its typings do not declare it.
    const verdicts = result.results.map((item) => [item.signingDomain, item.selector, (item as { algo?: string }).algo, item.status.result]);
    expect(verdicts).toEqual([
      [DOMAIN, 'brisbane', 'ed25519-sha256', 'pass'],
      [DOMAIN, 'test', 'rsa-sha256', 'pass'],
    ]);
    // mailauth reports whether the signing time (t=) is valid at curTime beside the verdict (not typed in its d.ts).
    expect(result.results.map((item) => (item as { signatureTimeValid?: boolean }).signatureTimeValid)).toEqual([true, true]);
    // The keys came from the fixture server through our resolver, not from elsewhere.
    expect(dnsClient.log.map((entry) => `${entry.name} ${entry.type} ${entry.status}`).sort()).toEqual([
      `brisbane._domainkey.${DOMAIN} TXT ok`,
      `test._domainkey.${DOMAIN} TXT ok`,
    ]);
  });
});
