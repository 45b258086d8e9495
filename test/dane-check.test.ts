/**
 * The dane check: TLSA records served by the fixture DNS server (zones built
 * here, since the association data comes from certificates made in the test
 * setup), matched against what the local SMTP servers present.
 */
import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daneCheck } from '../src/checks/dane.js';
import type { CheckDefinition } from '../src/checks/define.js';
import { tlsCheck } from '../src/checks/tls.js';
import type { AuditOptions } from '../src/context.js';
import type { FixtureZone } from '../src/testing/fixture-server.js';
import type { CheckResult } from '../src/schema/report.js';
import { findingIds, runCheck, startFixture } from './helpers/context.js';
import { createTestCa, type TestCa } from './helpers/test-ca.js';
import { LAB, startSmtpLab, type SmtpHosts } from './helpers/smtp-servers.js';

let ca: TestCa;
let lab: SmtpHosts;

beforeAll(async () => {
  ca = createTestCa();
  lab = await startSmtpLab(ca);
});
afterAll(async () => {
  await lab?.close();
});

/** Association data computed with node-forge (independently of the code under test). */
function spkiDer(pem: string): Buffer {
  const cert = forge.pki.certificateFromPem(pem);
  return Buffer.from(forge.asn1.toDer(forge.pki.publicKeyToAsn1(cert.publicKey)).getBytes(), 'binary');
}
function certDer(pem: string): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(pem))).getBytes(), 'binary');
}
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const sha512 = (data: Buffer) => createHash('sha512').update(data).digest('hex');

const leaf = (name: keyof typeof LAB) => lab.leafPem[LAB[name].address]!;
const WRONG = 'ab'.repeat(32);

const DNSKEY: [number, number, number, string] = [257, 3, 13, 'mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=='];
const DS: [number, number, number, string] = [12345, 13, 2, '8f2a6d1c3b4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8'];

/**
 * A zone: domain <name>.test with one MX (a lab host) and the given TLSA
 * records. The fixture server makes each owner name its own zone apex, so
 * `hostZone` puts DS/DNSKEY records at the MX host's zone.
 */
function zone(
  name: string,
  host: keyof typeof LAB,
  tlsa: Array<[number, number, number, string]> | 'SERVFAIL' | null,
  secure: string[] = [`${name}.test`, 'tls-lab.test'],
  hostZone: { DS?: Array<typeof DS>; DNSKEY?: Array<typeof DNSKEY> } = {},
): FixtureZone {
  const records: FixtureZone['zone'] = {
    [`${name}.test`]: { MX: [[10, LAB[host].host]] },
    [LAB[host].host]: { A: [LAB[host].address], ...(hostZone as object) },
  };
  if (tlsa !== null) records[`_25._tcp.${LAB[host].host}`] = { TLSA: tlsa as never };
  return { description: name, secure, zone: records };
}

async function audit(fixtureZone: FixtureZone, options: AuditOptions = {}, checks: CheckDefinition[] = [daneCheck]): Promise<CheckResult[]> {
  const fixture = await startFixture(fixtureZone);
  try {
    const domain = Object.keys(fixtureZone.zone)[0]!;
    const ctx = fixture.ctx(domain, { smtpPort: lab.port, extraCa: [ca.certPem], probeTimeoutMs: 1000, ...options });
    return await Promise.all(checks.map((check) => runCheck(check, ctx)));
  } finally {
    await fixture.close();
  }
}

type HostFacts = {
  host: string;
  authenticated: boolean;
  dnssec: string;
  zone: string | null;
  records: string[];
  addresses: Array<{ address: string; result: string; matched: string[] }>;
};
const hostFacts = (result: CheckResult) => (result.facts.hosts as HostFacts[])[0]!;

describe('dane check', () => {
  it('matches DANE-EE records with every selector and matching type', async () => {
    const pem = leaf('good');
    const records: Array<[number, number, number, string]> = [
      [3, 1, 1, sha256(spkiDer(pem))],
      [3, 0, 1, sha256(certDer(pem))],
      [3, 1, 2, sha512(spkiDer(pem))],
      [3, 0, 2, sha512(certDer(pem))],
      [3, 1, 0, spkiDer(pem).toString('hex')],
      [3, 0, 0, certDer(pem).toString('hex')],
    ];
    for (const record of records) {
      const [result] = await audit(zone('dane-ee', 'good', [record]));
      expect(findingIds(result!), record.slice(0, 3).join(' ')).toEqual([]);
      expect(result!.status).toBe('pass');
      expect(hostFacts(result!).addresses[0]).toMatchObject({ address: LAB.good.address, result: 'match', matched: [record.join(' ')] });
    }
  });

  it('matches a DANE-TA record for the issuing CA when the certificate names the MX host', async () => {
    const ta: [number, number, number, string] = [2, 0, 1, sha256(certDer(ca.certPem))];
    const [good] = await audit(zone('dane-ta', 'good', [ta]));
    expect(findingIds(good!)).toEqual([]);
    expect(hostFacts(good!).addresses[0]!.result).toBe('match');
    const taKey: [number, number, number, string] = [2, 1, 1, sha256(spkiDer(ca.certPem))];
    expect(findingIds((await audit(zone('dane-ta-key', 'good', [taKey])))[0]!)).toEqual([]);
    // DANE-TA checks the name (RFC 7672 §3.2.2): the wrong-host certificate does not pass.
    const [wrong] = await audit(zone('dane-ta-wrong', 'wrongHost', [ta]));
    expect(findingIds(wrong!)).toEqual(['dane/tlsa-mismatch']);
  });

  it('reports a mismatch as critical with the 3 1 1 record of the presented key as the fix', async () => {
    const [result] = await audit(zone('dane-bad', 'good', [[3, 1, 1, WRONG]]));
    expect(findingIds(result!)).toEqual(['dane/tlsa-mismatch']);
    expect(result!.status).toBe('fail');
    const finding = result!.findings[0]!;
    expect(finding.severity).toBe('critical');
    expect(finding.fix!.records).toEqual([
      { action: 'add', name: `_25._tcp.${LAB.good.host}`, type: 'TLSA', value: `3 1 1 ${sha256(spkiDer(leaf('good')))}` },
      { action: 'remove', name: `_25._tcp.${LAB.good.host}`, type: 'TLSA', value: `3 1 1 ${WRONG}`, current: `3 1 1 ${WRONG}` },
    ]);
    expect(hostFacts(result!).addresses[0]!.result).toBe('mismatch');
  });

  it('reports TLSA for a host without STARTTLS as a mismatch (no TLS to authenticate)', async () => {
    const [result] = await audit(zone('dane-plain', 'plain', [[3, 1, 1, WRONG]]));
    expect(findingIds(result!)).toEqual(['dane/tlsa-mismatch']);
    expect(hostFacts(result!).addresses[0]!.result).toBe('no-tls');
    // The message says what the host did (no TLS at all), not that its certificate differs.
    expect(result!.findings[0]!.message).toContain('starttls-missing');
    expect(result!.findings[0]!.fix!.records).toEqual([
      { action: 'remove', name: `_25._tcp.${LAB.plain.host}`, type: 'TLSA', value: `3 1 1 ${WRONG}`, current: `3 1 1 ${WRONG}` },
    ]);
  });

  it('flags TLSA records that are not DNSSEC-authenticated when the resolver validates', async () => {
    const match: [number, number, number, string] = [3, 1, 1, sha256(spkiDer(leaf('good')))];
    const [result] = await audit(zone('dane-unsigned', 'good', [match], ['dane-unsigned.test']));
    expect(findingIds(result!)).toEqual(['dane/tlsa-without-dnssec']);
    expect(result!.status).toBe('warn');
    expect(hostFacts(result!).authenticated).toBe(false);
    // A mismatch in an unauthenticated RRset is reported too, but not as critical: senders ignore those records.
    const [both] = await audit(zone('dane-unsigned-bad', 'good', [[3, 1, 1, WRONG]], ['dane-unsigned-bad.test']));
    expect(findingIds(both!)).toEqual(['dane/tlsa-mismatch', 'dane/tlsa-without-dnssec']);
    expect(both!.findings.find((finding) => finding.id === 'dane/tlsa-mismatch')!.severity).toBe('medium');
  });

  it('is inconclusive only when the zone publishes DS and the resolver does not validate', async () => {
    const match: [number, number, number, string] = [3, 1, 1, sha256(spkiDer(leaf('good')))];
    const [result] = await audit(zone('dane-novalidation', 'good', [match], [], { DS: [DS], DNSKEY: [DNSKEY] }));
    expect(result!.status).toBe('error');
    expect(result!.error).toMatch(/does not validate/);
    expect(findingIds(result!)).toEqual([]);
    expect(result!.facts.resolverValidates).toBe(false);
    expect(hostFacts(result!)).toMatchObject({ dnssec: 'unknown', zone: 'unverified' });
  });

  it('reports TLSA in a zone without DS as unauthenticated, also through a non-validating resolver (RFC 4035 §5.2)', async () => {
    const match: [number, number, number, string] = [3, 1, 1, sha256(spkiDer(leaf('good')))];
    // No DS and no DNSKEY: the zone is not signed, whatever the resolver.
    const [unsigned] = await audit(zone('dane-plain-zone', 'good', [match], []));
    expect(unsigned!.facts.resolverValidates).toBe(false);
    expect(findingIds(unsigned!)).toEqual(['dane/tlsa-without-dnssec']);
    expect(unsigned!.status).toBe('warn');
    expect(unsigned!.error).toBeUndefined();
    expect(hostFacts(unsigned!)).toMatchObject({ authenticated: false, dnssec: 'unauthenticated', zone: 'unsigned' });
    // DNSKEY without DS at the parent (an island): validators treat it as unsigned.
    const [island] = await audit(zone('dane-island', 'good', [match], [], { DNSKEY: [DNSKEY] }));
    expect(findingIds(island!)).toEqual(['dane/tlsa-without-dnssec']);
    expect(hostFacts(island!)).toMatchObject({ dnssec: 'unauthenticated', zone: 'island' });
    expect(island!.findings[0]!.fix!.summary).toContain(LAB.good.host);
    // A mismatch there is reported, but not as critical: senders ignore those records.
    const [bad] = await audit(zone('dane-plain-zone-bad', 'good', [[3, 1, 1, WRONG]], []));
    expect(findingIds(bad!)).toEqual(['dane/tlsa-mismatch', 'dane/tlsa-without-dnssec']);
    expect(bad!.findings.find((finding) => finding.id === 'dane/tlsa-mismatch')!.severity).toBe('medium');
    expect(bad!.status).toBe('warn');
  });

  it('reports TLSA read offline from zone data as unauthenticated, even with DS published', async () => {
    const match: [number, number, number, string] = [3, 1, 1, sha256(spkiDer(leaf('good')))];
    const [result] = await audit(zone('dane-offline', 'good', [match], [], { DS: [DS], DNSKEY: [DNSKEY] }), { offline: true });
    expect(findingIds(result!)).toEqual(['dane/tlsa-without-dnssec']);
    expect(result!.status).toBe('warn');
    expect(hostFacts(result!)).toMatchObject({ dnssec: 'unauthenticated' });
    expect(hostFacts(result!).addresses[0]!.result).toBe('untested');
  });

  it('skips domains without TLSA and is inconclusive when the TLSA lookup fails', async () => {
    const [none] = await audit(zone('dane-none', 'good', null));
    expect(none!.status).toBe('skipped');
    const [failed] = await audit(zone('dane-fail', 'good', 'SERVFAIL'));
    expect(failed!.status).toBe('error');
    expect(findingIds(failed!)).toEqual([]);
  });

  it('ignores unusable PKIX usages (RFC 7672 §3.1.3)', async () => {
    const [result] = await audit(zone('dane-pkix', 'good', [[1, 1, 1, WRONG]]));
    expect(findingIds(result!)).toEqual([]);
    expect((result!.facts.hosts as Array<{ usable: string[] }>)[0]!.usable).toEqual([]);
  });

  it('leaves unreachable hosts and --no-smtp runs untested rather than mismatched', async () => {
    const [closed] = await audit(zone('dane-closed', 'closed', [[3, 1, 1, WRONG]]));
    expect(findingIds(closed!)).toEqual([]);
    expect(hostFacts(closed!).addresses[0]!.result).toBe('untested');
    const [off] = await audit(zone('dane-off', 'good', [[3, 1, 1, WRONG]]), { smtp: false });
    expect(findingIds(off!)).toEqual([]);
    expect(hostFacts(off!).addresses[0]!.result).toBe('untested');
  });

  it('shares one SMTP probe per address with the tls check', async () => {
    const before = lab.ehloNames(LAB.expiring.address).length;
    const [dane, tls] = await audit(zone('dane-shared', 'expiring', [[3, 1, 1, WRONG]]), {}, [daneCheck, tlsCheck]);
    expect(findingIds(dane!)).toEqual(['dane/tlsa-mismatch']);
    expect(findingIds(tls!)).toEqual(['tls/expiring-certificate']);
    // One main connection and one TLS 1.0/1.1 connection, for both checks together.
    expect(lab.ehloNames(LAB.expiring.address).length - before).toBe(2);
  });
});
