/**
 * The tls check end to end: the real resolver against the fixture DNS server
 * (fixtures/tls-lab.json), MX names pointing at local SMTP servers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsCheck, unreachableHint } from '../src/checks/tls.js';
import type { AuditOptions } from '../src/context.js';
import type { CheckResult } from '../src/schema/report.js';
import { findingIds, runCheck, startFixture, type Fixture } from './helpers/context.js';
import { createTestCa, type TestCa } from './helpers/test-ca.js';
import { LAB, startSmtpLab, type SmtpHosts } from './helpers/smtp-servers.js';

let ca: TestCa;
let lab: SmtpHosts;
let fixture: Fixture;

beforeAll(async () => {
  ca = createTestCa();
  [lab, fixture] = await Promise.all([startSmtpLab(ca), startFixture('tls-lab')]);
});

afterAll(async () => {
  await Promise.all([lab?.close(), fixture?.close()]);
});

/**
 * Domains whose hosts refuse, never greet, or greet with 554: no TLS
 * handshake to wait for, and the silent host takes the whole timeout, so a
 * shorter one keeps these cases quick (the others answer in milliseconds).
 */
const NO_HANDSHAKE = new Set(['tls-silent.test', 'tls-unreachable.test']);

function audit(domain: string, options: AuditOptions = {}): Promise<CheckResult> {
  // A TLS handshake on a loaded machine can take seconds: 8 s where one happens.
  const probeTimeoutMs = NO_HANDSHAKE.has(domain) ? 2000 : 8000;
  return runCheck(tlsCheck, fixture.ctx(domain, { smtpPort: lab.port, extraCa: [ca.certPem], probeTimeoutMs, ...options }));
}

type Facts = { hosts: Array<{ host: string; addresses: Array<Record<string, any>> }> };

describe('tls check', () => {
  const table: Array<[domain: string, ids: string[], status: CheckResult['status']]> = [
    ['tls-good.test', [], 'pass'],
    ['tls-expired.test', ['tls/expired-certificate'], 'fail'],
    ['tls-expiring.test', ['tls/expiring-certificate'], 'warn'],
    ['tls-wronghost.test', ['tls/hostname-mismatch'], 'warn'],
    ['tls-selfsigned.test', ['tls/untrusted-certificate'], 'warn'],
    ['tls-plain.test', ['tls/starttls-missing'], 'fail'],
    ['tls-tls10.test', ['tls/outdated-protocol'], 'fail'],
    ['tls-legacy.test', ['tls/outdated-protocol'], 'warn'],
    ['tls-builtin.test', ['tls/expired-certificate', 'tls/hostname-mismatch', 'tls/untrusted-certificate'], 'fail'],
    ['tls-brokentls.test', ['tls/handshake-failed'], 'fail'],
    // STARTTLS offered, then refused with 454: a finding of its own, not a failed handshake.
    ['tls-starttls454.test', ['tls/starttls-refused'], 'fail'],
    ['tls-partial.test', ['tls/unreachable'], 'pass'],
    ['tls-dual.test', ['tls/unreachable'], 'pass'],
    ['tls-mixed.test', ['tls/expired-certificate', 'tls/starttls-missing', 'tls/unreachable'], 'fail'],
    // Every address refuses the connection: mail to the domain cannot be delivered.
    ['tls-closed.test', ['tls/connection-refused'], 'fail'],
    // Refused, silent (timed out) and 554: the 554 greeting is an answer (the session is refused);
    // the other two could not be tested.
    ['tls-unreachable.test', ['tls/session-refused', 'tls/unreachable'], 'warn'],
    // Refused and silent: a timeout is no answer, so the check is inconclusive.
    ['tls-silent.test', ['tls/unreachable'], 'error'],
  ];

  it.each(table)('%s → %j (%s)', async (domain, ids, status) => {
    const result = await audit(domain);
    expect(findingIds(result)).toEqual(ids);
    expect(result.status).toBe(status);
  });

  it('gives protocol, cipher and certificate dates as facts', async () => {
    const result = await audit('tls-good.test');
    const address = (result.facts as Facts).hosts[0]!.addresses[0]!;
    expect(address).toMatchObject({ address: '127.0.0.21', state: 'tls', starttls: true, legacyTls: { result: 'refused' } });
    expect(address.tls.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(address.tls.cipher).toMatch(/^TLS_/);
    expect(address.tls.trusted).toBe(true);
    expect(address.tls.hostnameMatch).toBe(true);
    expect(Date.parse(address.tls.certificate.validTo)).toBeGreaterThan(Date.now());
    expect(address.tls.certificate.daysToExpiry).toBeGreaterThanOrEqual(88);
    expect(address.tls.certificate.subjectAltNames).toContain('DNS:good.tls-lab.test');
  });

  it('raises outdated-protocol to high only when TLS 1.2+ cannot be negotiated', async () => {
    const only10 = await audit('tls-tls10.test');
    expect(only10.findings[0]).toMatchObject({ id: 'tls/outdated-protocol', severity: 'high' });
    const also11 = await audit('tls-legacy.test');
    expect(also11.findings[0]).toMatchObject({ id: 'tls/outdated-protocol', severity: 'medium' });
    // The TLS 1.0-only server's certificate is still examined (through the legacy session).
    const facts = (only10.facts as Facts).hosts[0]!.addresses[0]!;
    expect(facts.state).toBe('handshake-failed');
    expect(facts.legacySession.protocol).toBe('TLSv1');
  });

  it('never calls a refused, silent or 554 server "STARTTLS missing"', async () => {
    const result = await audit('tls-unreachable.test');
    expect(findingIds(result)).not.toContain('tls/starttls-missing');
    expect(result.findings.find((finding) => finding.id === 'tls/unreachable')!.evidence).toHaveLength(2);
    expect(result.findings.find((finding) => finding.id === 'tls/session-refused')!.evidence).toHaveLength(1);
    const silent = await audit('tls-silent.test');
    expect(silent.score).toBeNull();
  });

  it('names the port actually probed (--smtp-port), not port 25, in the skip reason and the finding', async () => {
    const result = await audit('tls-silent.test');
    const unreachable = result.findings.find((finding) => finding.id === 'tls/unreachable')!;
    expect(result.facts.port).toBe(lab.port);
    for (const text of [result.error!, unreachable.message]) {
      expect(text).toContain(`port ${lab.port}`);
      expect(text).not.toMatch(/port 25\b/);
    }
    expect(unreachableHint(25)).toMatch(/port 25\b/);
    expect(unreachableHint(lab.port)).not.toMatch(/port 25\b/);
  });

  it('states the expiry date and the days left (or since) for each host, in the message and the evidence', async () => {
    const DAY = 86_400_000;
    const expiring = await audit('tls-expiring.test');
    const soon = (expiring.facts as Facts).hosts[0]!.addresses[0]!.tls.certificate as { validTo: string; daysToExpiry: number };
    const finding = expiring.findings.find((f) => f.id === 'tls/expiring-certificate')!;
    expect(finding.message).toContain(LAB.expiring.host);
    expect(finding.message).toContain(soon.validTo.slice(0, 10));
    expect(finding.message).toContain(`in ${soon.daysToExpiry} days`);
    expect(finding.evidence[0]).toContain(soon.validTo);
    expect(finding.evidence[0]).toContain(`in ${soon.daysToExpiry} days`);

    const expired = await audit('tls-expired.test');
    const past = (expired.facts as Facts).hosts[0]!.addresses[0]!.tls.certificate as { validTo: string };
    const ago = Math.floor((Date.now() - Date.parse(past.validTo)) / DAY);
    const gone = expired.findings.find((f) => f.id === 'tls/expired-certificate')!;
    expect(gone.message).toContain(LAB.expired.host);
    expect(gone.message).toContain(past.validTo.slice(0, 10));
    expect(gone.message).toContain(`${ago} days ago`);
    expect(gone.evidence[0]).toContain(past.validTo);
    expect(gone.evidence[0]).toContain(`${ago} days ago`);
  });

  it('states the observed cause in each message: the STARTTLS reply, the handshake error, the names, the trust failure, the protocol', async () => {
    const message = (result: CheckResult, id: string) => result.findings.find((finding) => finding.id === id)!.message;
    const rejected = await audit('tls-starttls454.test');
    expect(message(rejected, 'tls/starttls-refused')).toMatch(/\b454\b/);
    const broken = await audit('tls-brokentls.test');
    const error = (broken.facts as Facts).hosts[0]!.addresses[0]!.error as { code?: string; message: string };
    expect(message(broken, 'tls/handshake-failed')).toContain(error.code ?? error.message);
    const wrong = await audit('tls-wronghost.test');
    const names = (wrong.facts as Facts).hosts[0]!.addresses[0]!.tls.certificate.subjectAltNames as string[];
    expect(message(wrong, 'tls/hostname-mismatch')).toContain(names[0]);
    const legacy = await audit('tls-legacy.test');
    const protocol = (legacy.facts as Facts).hosts[0]!.addresses[0]!.legacyTls.protocol as string;
    expect(message(legacy, 'tls/outdated-protocol')).toContain(protocol);
    // An expired self-signed certificate: untrusted because self-signed, not because of the expiry code OpenSSL reports.
    const builtin = await audit('tls-builtin.test');
    const untrusted = builtin.findings.find((finding) => finding.id === 'tls/untrusted-certificate')!;
    expect((builtin.facts as Facts).hosts[0]!.addresses[0]!.tls.verifyError).toBe('CERT_HAS_EXPIRED');
    expect([untrusted.message, ...untrusted.evidence].join('\n')).not.toContain('CERT_HAS_EXPIRED');
    expect(untrusted.message).toContain('CN=localhost');
  });

  it('probes every IPv4 and IPv6 address', async () => {
    const result = await audit('tls-dual.test');
    const addresses = (result.facts as Facts).hosts[0]!.addresses.map((address) => [address.address, address.state]);
    expect(addresses).toEqual([
      ['127.0.0.21', 'tls'],
      ['::1', 'unreachable'],
    ]);
  });

  it('probes an MX host listed twice once', async () => {
    const result = await audit('tls-dup.test');
    expect(findingIds(result)).toEqual([]);
    expect((result.facts as Facts).hosts.map((host) => host.host)).toEqual(['good.tls-lab.test']);
  });

  it('reports a refused connection on every MX address as a high finding, visible without --verbose', async () => {
    const result = await audit('tls-closed.test');
    const refused = result.findings.find((finding) => finding.id === 'tls/connection-refused')!;
    expect(refused.severity).toBe('high');
    expect(refused.evidence.every((line) => line.includes('ECONNREFUSED'))).toBe(true);
    expect(result.status).toBe('fail');
  });

  it('lists every affected host in one finding per id', async () => {
    const result = await audit('tls-mixed.test');
    const unreachable = result.findings.find((finding) => finding.id === 'tls/unreachable')!;
    expect(unreachable.evidence).toHaveLength(1);
    expect(unreachable.evidence[0]).toContain('closed.tls-lab.test [127.0.0.29]');
    expect(result.findings.find((finding) => finding.id === 'tls/starttls-missing')!.evidence[0]).toContain('plain.tls-lab.test');
  });

  it('does not let a silent host stall the audit', async () => {
    const result = await audit('tls-silent.test', { probeTimeoutMs: 500 });
    expect(result.status).toBe('error');
  });

  it('is inconclusive, not "missing", when the MX lookup fails', async () => {
    const result = await audit('tls-mxfail.test');
    expect(result.status).toBe('error');
    expect(result.findings).toEqual([]);
  });

  it('is inconclusive when an MX host name cannot be resolved', async () => {
    const result = await audit('tls-hostdns.test');
    expect(result.status).toBe('error');
    expect(result.error).toMatch(/timeout\.tls-lab\.test/);
    expect(findingIds(result)).toEqual([]);
  });

  it('skips a null MX, a domain without MX, --no-smtp and offline runs', async () => {
    expect((await audit('tls-null.test')).status).toBe('skipped');
    expect((await audit('tls-nomx.test')).status).toBe('skipped');
    const before = lab.ehloNames('127.0.0.21').length;
    const off = await audit('tls-good.test', { smtp: false });
    expect(off.status).toBe('skipped');
    expect(off.skipReason).toMatch(/--no-smtp/);
    expect((await audit('tls-good.test', { offline: true })).status).toBe('skipped');
    expect(lab.ehloNames('127.0.0.21').length).toBe(before);
  });

  it('sends no mail to any host', () => {
    expect(lab.mailCommands()).toBe(0);
  });
});
