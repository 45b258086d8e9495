/**
 * The SMTP STARTTLS probe against local smtp-server instances: every state
 * kept apart, the session facts, the TLS 1.0/1.1 probe, and no mail sent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DnsClient } from '../src/dns/types.js';
import { createNetClient } from '../src/net/client.js';
import type { NetClient } from '../src/net/types.js';
import { createTestCa, type TestCa } from './helpers/test-ca.js';
import { LAB, startSmtpLab, type SmtpHosts } from './helpers/smtp-servers.js';

/** The probe never resolves names: any DNS use fails the test. */
const noDns: DnsClient = {
  query: () => Promise.reject(new Error('the SMTP probe must not resolve names')),
  log: [],
  servers: [],
};

let ca: TestCa;
let lab: SmtpHosts;
let net: NetClient;

beforeAll(async () => {
  ca = createTestCa();
  lab = await startSmtpLab(ca);
  net = createNetClient(noDns, { smtpPort: lab.port, extraCa: [ca.certPem], probeTimeoutMs: 8000, heloName: 'probe.mailcheck.test' });
});

afterAll(async () => {
  await lab?.close();
});

describe('probeSmtp', () => {
  it('records a valid TLS 1.2+ session with its chain', async () => {
    const result = await net.probeSmtp(LAB.good.host, LAB.good.address);
    expect(result.state).toBe('tls');
    expect(result.starttlsOffered).toBe(true);
    expect(result.session?.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(result.session?.cipher).toMatch(/^TLS_/);
    expect(result.session?.authorized).toBe(true);
    expect(result.session?.hostnameMatch).toBe(true);
    const leaf = result.session!.chain[0]!;
    expect(leaf.subject).toContain(`CN=${LAB.good.host}`);
    expect(leaf.subjectAltNames).toEqual([`DNS:${LAB.good.host}`, 'DNS:dual.tls-lab.test']);
    expect(leaf.daysToExpiry).toBeGreaterThanOrEqual(88);
    expect(leaf.spkiSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.session!.chain.length).toBe(2);
    expect(result.session!.chain[1]!.subject).toContain('CN=mailcheck test CA');
    expect(result.legacy?.result).toBe('refused');
    expect(result.transcript).toContain('C: EHLO probe.mailcheck.test');
    expect(result.transcript).toContain('C: STARTTLS');
    expect(result.transcript).toContain('C: QUIT');
    expect(lab.ehloNames(LAB.good.address)).toContain('probe.mailcheck.test');
  });

  it('reports an expired certificate as a verification error, not as missing STARTTLS', async () => {
    const result = await net.probeSmtp(LAB.expired.host, LAB.expired.address);
    expect(result.state).toBe('tls');
    expect(result.session?.authorized).toBe(false);
    expect(result.session?.authorizationError).toBe('CERT_HAS_EXPIRED');
    // The expiry hides nothing about trust: the chain still leads to the (extra) root.
    expect(result.session?.chainTrusted).toBe(true);
    expect(result.session!.chain[0]!.daysToExpiry).toBeLessThan(0);
    expect(result.session?.hostnameMatch).toBe(true);
  });

  it('checks the host name against the MX name (SNI)', async () => {
    const result = await net.probeSmtp(LAB.wrongHost.host, LAB.wrongHost.address);
    expect(result.state).toBe('tls');
    expect(result.session?.authorized).toBe(true);
    expect(result.session?.hostnameMatch).toBe(false);
    expect(result.session?.hostnameError).toBeTruthy();
  });

  it('flags a self-signed certificate as untrusted', async () => {
    const result = await net.probeSmtp(LAB.selfSigned.host, LAB.selfSigned.address);
    expect(result.state).toBe('tls');
    expect(result.session?.authorized).toBe(false);
    expect(result.session?.authorizationError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(result.session?.hostnameMatch).toBe(true);
  });

  it('trusts the test CA only when it is given as an extra root', async () => {
    const plainNet = createNetClient(noDns, { smtpPort: lab.port, probeTimeoutMs: 8000 });
    const result = await plainNet.probeSmtp(LAB.good.host, LAB.good.address);
    expect(result.state).toBe('tls');
    expect(result.session?.authorized).toBe(false);
    expect(result.session?.authorizationError).toBe('SELF_SIGNED_CERT_IN_CHAIN');
  });

  it('keeps NODE_EXTRA_CA_CERTS trusted when other extra roots are given', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'mailcheck-ca-'));
    const file = path.join(directory, 'extra.pem');
    writeFileSync(file, ca.certPem);
    const previous = process.env.NODE_EXTRA_CA_CERTS;
    process.env.NODE_EXTRA_CA_CERTS = file;
    try {
      const other = createTestCa('another test CA');
      const withEnv = createNetClient(noDns, { smtpPort: lab.port, probeTimeoutMs: 8000, extraCa: [other.certPem] });
      const result = await withEnv.probeSmtp(LAB.good.host, LAB.good.address);
      expect(result.session?.authorized).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = previous;
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('separates a server without STARTTLS', async () => {
    const result = await net.probeSmtp(LAB.plain.host, LAB.plain.address);
    expect(result.state).toBe('starttls-missing');
    expect(result.starttlsOffered).toBe(false);
    expect(result.banner).toBeTruthy();
    expect(result.session).toBeUndefined();
    expect(result.legacy).toBeUndefined();
  });

  it('sees a TLS 1.0-only server fail the modern handshake and pass the legacy one', async () => {
    const result = await net.probeSmtp(LAB.tls10.host, LAB.tls10.address);
    expect(result.state).toBe('handshake-failed');
    expect(result.error?.stage).toBe('handshake');
    expect(result.legacy?.result).toBe('accepted');
    expect(result.legacy?.protocol).toBe('TLSv1');
    expect(result.legacy?.session?.chain[0]?.subject).toContain(`CN=${LAB.tls10.host}`);
  });

  it('sees a server that also accepts TLS 1.1', async () => {
    const result = await net.probeSmtp(LAB.legacy.host, LAB.legacy.address);
    expect(result.state).toBe('tls');
    expect(result.session?.protocol).toBe('TLSv1.3');
    expect(result.legacy?.result).toBe('accepted');
    expect(result.legacy?.protocol).toBe('TLSv1.1');
  });

  it('calls a refused connection unreachable', async () => {
    const result = await net.probeSmtp(LAB.closed.host, LAB.closed.address);
    expect(result.state).toBe('unreachable');
    expect(result.error).toMatchObject({ stage: 'connect', code: 'ECONNREFUSED' });
    expect(result.starttlsOffered).toBe(false);
  });

  it('calls a server that never greets unreachable, within the timeout', async () => {
    // It never greets, so the whole timeout passes: a short one keeps the test quick.
    const quick = createNetClient(noDns, { smtpPort: lab.port, probeTimeoutMs: 1500 });
    const result = await quick.probeSmtp(LAB.silent.host, LAB.silent.address);
    expect(result.state).toBe('unreachable');
    // Ended by the probe's own timeout (the test's timeout would fail it otherwise).
    expect(result.error).toMatchObject({ stage: 'banner', code: 'ETIMEDOUT' });
  });

  it("reads smtp-server's built-in certificate as expired, self-signed and for another name", async () => {
    const result = await net.probeSmtp(LAB.builtin.host, LAB.builtin.address);
    expect(result.state).toBe('tls');
    expect(result.session?.authorized).toBe(false);
    expect(result.session?.hostnameMatch).toBe(false);
    // OpenSSL reports only the expiry; the date-blind check still finds no trusted root.
    expect(result.session?.authorizationError).toBe('CERT_HAS_EXPIRED');
    expect(result.session?.chainTrusted).toBe(false);
    expect(result.session!.chain[0]!.daysToExpiry).toBeLessThan(0);
  });

  it('separates a refused STARTTLS and a failed handshake from a missing STARTTLS', async () => {
    const refused = await net.probeSmtp(LAB.starttls454.host, LAB.starttls454.address);
    expect(refused.state).toBe('starttls-rejected');
    expect(refused.starttlsOffered).toBe(true);
    const broken = await net.probeSmtp(LAB.brokenTls.host, LAB.brokenTls.address);
    expect(broken.state).toBe('handshake-failed');
    expect(broken.legacy?.result).toBe('refused');
  });

  it('calls a 554 greeting a refused session', async () => {
    const result = await net.probeSmtp(LAB.banner554.host, LAB.banner554.address);
    expect(result.state).toBe('session-refused');
    expect(result.error?.stage).toBe('banner');
    expect(result.transcript).toContain('C: QUIT');
  });

  it('probes concurrently and never sends a message', async () => {
    const results = await Promise.all(Object.values(LAB).map(({ host, address }) => net.probeSmtp(host, address)));
    expect(results.map((result) => result.state)).toEqual([
      'tls', 'tls', 'tls', 'tls', 'tls', 'starttls-missing', 'handshake-failed', 'tls', 'unreachable', 'unreachable', 'tls',
      'handshake-failed', 'starttls-rejected', 'session-refused',
    ]);
    expect(lab.mailCommands()).toBe(0);
    for (const result of results) {
      expect(result.transcript.some((line) => /^(legacy )?C: (MAIL|RCPT|DATA)/.test(line))).toBe(false);
    }
  });

  it('does not touch the network when SMTP probing is off', async () => {
    const off = createNetClient(noDns, { smtp: false, smtpPort: lab.port });
    const result = await off.probeSmtp(LAB.good.host, LAB.good.address);
    expect(result.state).toBe('unreachable');
    expect(lab.ehloNames(LAB.good.address).length).toBeGreaterThan(0);
  });
});
