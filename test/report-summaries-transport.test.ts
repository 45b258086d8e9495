/**
 * The key-fact lines of the text report for tls, mta-sts, dnssec, dane and
 * blocklist: facts come from the real checks run against fixture
 * zones through the real resolver, local SMTP servers and a local HTTPS
 * server. A probe or lookup that failed is named as such, and a policy not
 * fetched (offline, replay) says so.
 */
import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blocklistCheck } from '../src/checks/blocklist/index.js';
import { daneCheck } from '../src/checks/dane.js';
import { dnssecCheck } from '../src/checks/dnssec.js';
import { mtaStsCheck } from '../src/checks/mta-sts.js';
import { tlsCheck } from '../src/checks/tls.js';
import type { AuditOptions } from '../src/context.js';
import { runCheck, startFixture, type Fixture } from './helpers/context.js';
import { startHttpsServer, type LocalHttpsServer } from './helpers/https-server.js';
import { LAB, startSmtpLab, type SmtpHosts } from './helpers/smtp-servers.js';
import { createTestCa, type TestCa } from './helpers/test-ca.js';

const POLICY_PATH = '/.well-known/mta-sts.txt';

let ca: TestCa;
let lab: SmtpHosts;
let https: LocalHttpsServer;
let fixture: Fixture;

/** SHA-256 of a certificate's SubjectPublicKeyInfo, computed with node-forge (not with the code under test). */
function spkiSha256(pem: string): string {
  const cert = forge.pki.certificateFromPem(pem);
  const der = Buffer.from(forge.asn1.toDer(forge.pki.publicKeyToAsn1(cert.publicKey)).getBytes(), 'binary');
  return createHash('sha256').update(der).digest('hex');
}

beforeAll(async () => {
  ca = createTestCa();
  lab = await startSmtpLab(ca);
  const policyHosts = ['sts-good.test', 'sts-badpolicy.test', 'sts-404.test', 'sts-closed.test'].map((domain) => `mta-sts.${domain}`);
  const issued = ca.issue({ commonName: policyHosts[0]!, altNames: policyHosts });
  [https, fixture] = await Promise.all([
    startHttpsServer({
      address: '127.0.0.41',
      tls: { chainPem: issued.chainPem, keyPem: issued.keyPem },
      routes: {
        'mta-sts.sts-good.test': { [POLICY_PATH]: { body: 'version: STSv1\nmode: enforce\nmx: *.sts-good.test\nmax_age: 1209600\n' } },
        'mta-sts.sts-badpolicy.test': { [POLICY_PATH]: { body: 'version: STSv1\nmode: enforcing\nmx: mx.sts-badpolicy.test\nmax_age: 86400\n' } },
      },
    }),
    startFixture([
      'tls-lab',
      'mta-sts-lab',
      'dnssec-lab',
      'blocklist-listed',
      'blocklist-unanswered',
      {
        description: 'DANE: good.tls-lab.test publishes its key (3 1 1), expired.tls-lab.test a key it does not present',
        secure: ['dane-sum.test', 'tls-lab.test'],
        zone: {
          'dane-sum.test': { MX: [[10, LAB.good.host], [20, LAB.expired.host], [30, LAB.wrongHost.host]] },
          [`_25._tcp.${LAB.good.host}`]: { TLSA: [[3, 1, 1, spkiSha256(lab.leafPem[LAB.good.address]!)]] },
          [`_25._tcp.${LAB.expired.host}`]: { TLSA: [[3, 1, 1, 'ab'.repeat(32)]] },
        },
      },
    ]),
  ]);
});

afterAll(async () => {
  await Promise.all([lab?.close(), https?.close(), fixture?.close()]);
});

const probing = (): AuditOptions => ({ smtpPort: lab.port, httpsPort: https.port, extraCa: [ca.certPem], probeTimeoutMs: 8000 });

/** The summary lines a check's result carries (each check summarises its own facts). */
const lines = async (check: Parameters<typeof runCheck>[0], domain: string, options: AuditOptions = probing()): Promise<string[]> => {
  const result = await runCheck(check, fixture.ctx(domain, options));
  return result.summary ?? [];
};

describe('summaries: tls', () => {
  it('per address: protocol, cipher and certificate expiry', async () => {
    const [line, ...rest] = await lines(tlsCheck, 'tls-good.test');
    expect(rest).toEqual([]);
    expect(line).toMatch(/^good\.tls-lab\.test 127\.0\.0\.21: TLSv1\.[23] TLS_\w+, certificate expires in (8[89]|9\d) days$/);
  });

  it('an expired certificate, and probes that got no TLS session, by their state', async () => {
    expect(await lines(tlsCheck, 'tls-expired.test')).toEqual([expect.stringMatching(/^expired\.tls-lab\.test 127\.0\.0\.22: TLSv1\.[23] \S+, certificate expired \d+ days? ago$/)]);
    expect(await lines(tlsCheck, 'tls-plain.test')).toEqual(['plain.tls-lab.test 127.0.0.26: no STARTTLS']);
    const [closed] = await lines(tlsCheck, 'tls-closed.test');
    expect(closed).toMatch(/^closed\.tls-lab\.test 127\.0\.0\.29: unreachable \(.+\)$/);
  });

  it('a server that speaks only TLS 1.0 shows that protocol', async () => {
    expect(await lines(tlsCheck, 'tls-tls10.test')).toEqual([expect.stringMatching(/^tls10\.tls-lab\.test 127\.0\.0\.27: TLSv1 only \S+, certificate expires in \d+ days$/)]);
  });
});

describe('summaries: mta-sts', () => {
  it('the record, then mode and max_age of the fetched policy', async () => {
    expect(await lines(mtaStsCheck, 'sts-good.test')).toEqual([
      'record: v=STSv1; id=20240101T010101',
      'policy: mode enforce, max_age 1209600 (14 days), fetched',
    ]);
  });

  it('offline (also a replay): "policy not fetched"', async () => {
    expect(await lines(mtaStsCheck, 'sts-good.test', { ...probing(), offline: true })).toEqual([
      'record: v=STSv1; id=20240101T010101',
      'policy not fetched (offline): mode and max_age unknown',
    ]);
    expect(await lines(mtaStsCheck, 'sts-good.test', { ...probing(), offline: true, replay: true })).toContain(
      'policy not fetched (offline): mode and max_age unknown',
    );
  });

  it('a policy that could not be fetched, or is invalid, says so', async () => {
    expect((await lines(mtaStsCheck, 'sts-404.test'))[1]).toBe('policy not fetched: HTTP 404');
    expect((await lines(mtaStsCheck, 'sts-closed.test'))[1]).toMatch(/^policy not fetched: connect-error \(.+\)$/);
    expect((await lines(mtaStsCheck, 'sts-badpolicy.test'))[1]).toMatch(/^policy fetched, invalid: /);
  });
});

describe('summaries: dnssec', () => {
  const dnssecLines = (domain: string) => lines(dnssecCheck, domain);
  it('the state of the domain\'s zone, a failed lookup as failed', async () => {
    expect(await dnssecLines('dnssec-signed.test')).toEqual([
      'zone dnssec-signed.test: signed and validated',
      'MX host zone signed and validated: mx.dnssec-signed.test',
      'MX host zone unsigned: mx.unsigned-provider.test',
      // The fixture's root has no signed DNSKEY, so the state came from the resolver's AD flag: the summary names it.
      `no trust anchor reaches dnssec-signed.test: state from the AD flag of ${fixture.server.server}`,
    ]);
    expect((await dnssecLines('dnssec-unverified.test'))[0]).toBe('zone dnssec-unverified.test: DS published, resolver does not validate');
    expect((await dnssecLines('dnssec-unsigned.test'))[0]).toBe('zone dnssec-unsigned.test: unsigned');
    expect((await dnssecLines('dnssec-island.test'))[0]).toBe('zone dnssec-island.test: DNSKEY without DS at the parent');
    expect((await dnssecLines('dnssec-timeout.test'))[0]).toMatch(/^zone dnssec-timeout\.test: lookup failed \(.*timeout.*\)$/);
  });
});

describe('summaries: dane', () => {
  it('per host: its TLSA records, their authentication and the match per address', async () => {
    expect(await lines(daneCheck, 'dane-sum.test')).toEqual([
      'good.tls-lab.test: 1 TLSA record, DNSSEC-authenticated; 127.0.0.21 match',
      'expired.tls-lab.test: 1 TLSA record, DNSSEC-authenticated; 127.0.0.22 mismatch',
      'wronghost.tls-lab.test: no TLSA records',
    ]);
  });

  it('addresses not probed, with the reason', async () => {
    expect((await lines(daneCheck, 'dane-sum.test', { ...probing(), smtp: false }))[0]).toBe(
      'good.tls-lab.test: 1 TLSA record, DNSSEC-authenticated; 127.0.0.21 not probed: SMTP probing is disabled (--no-smtp)',
    );
  });
});

describe('summaries: blocklist', () => {
  // The check's own summary (src/checks/blocklist/index.ts), as the runner gives it.
  const blocklistLines = async (domain: string): Promise<string[]> => (await runCheck(blocklistCheck, fixture.ctx(domain))).summary ?? [];

  it('lists asked, listings, and lists that did not answer', async () => {
    const [listed, ...rest] = await blocklistLines('listed.test');
    expect(rest).toEqual([]);
    expect(listed).toMatch(/^9 lists asked about 3 addresses and the domain \(\d+ queries\): 5 listed$/);
    const unanswered = await blocklistLines('unanswered.test');
    expect(unanswered[0]).toMatch(/^9 lists asked about 1 address and the domain \(\d+ queries\): 0 listed, [1-9]\d* inconclusive$/);
    expect(unanswered[1]).toMatch(/^no answer from: .*zen\.spamhaus\.org/);
  });
});
