/**
 * The mta-sts check end to end: the real resolver against the fixture DNS
 * server (fixtures/mta-sts-lab.json) and policies served by a local HTTPS
 * server whose certificates come from a test CA.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mtaStsCheck } from '../src/checks/mta-sts.js';
import type { AuditOptions } from '../src/context.js';
import type { CheckResult } from '../src/schema/report.js';
import { findingIds, runCheck, startFixture, type Fixture } from './helpers/context.js';
import { startHttpsServer, type LocalHttpsServer } from './helpers/https-server.js';
import { createTestCa, type TestCa } from './helpers/test-ca.js';

const PATH = '/.well-known/mta-sts.txt';
const GOOD_POLICY = 'version: STSv1\nmode: enforce\nmx: *.sts-good.test\nmax_age: 1209600\n';

let ca: TestCa;
let https: LocalHttpsServer;
let fixture: Fixture;

const policies: Record<string, { status?: number; body?: string; headers?: Record<string, string>; hang?: boolean }> = {
  'sts-good.test': { body: GOOD_POLICY },
  'sts-redirect.test': { status: 301, headers: { location: 'https://mta-sts.sts-good.test/.well-known/mta-sts.txt' } },
  'sts-html.test': { body: '<html><body>Welcome</body></html>', headers: { 'content-type': 'text/html; charset=utf-8' } },
  'sts-badpolicy.test': { body: 'version: STSv1\r\nmode: enforcing\r\nmx: mx.sts-badpolicy.test\r\nmax_age: 86400\r\n' },
  'sts-big.test': { body: `version: STSv1\nmode: enforce\nmx: mx.sts-big.test\nmax_age: 86400\n${'x-padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n'.repeat(1200)}` },
  'sts-notcovered.test': { body: 'version: STSv1\nmode: enforce\nmx: mx.sts-notcovered.test\nmx: mail.elsewhere.test\nmax_age: 604800\n' },
  'sts-deep.test': { body: 'version: STSv1\nmode: enforce\nmx: *.sts-deep.test\nmax_age: 604800\n' },
  'sts-testing.test': { body: 'version: STSv1\nmode: testing\nmx: mx.sts-testing.test\nmax_age: 3600\n', headers: { 'content-type': 'text/plain; charset=us-ascii' } },
  'sts-testing-uncovered.test': { body: 'version: STSv1\nmode: testing\nmx: other.sts-testing-uncovered.test\nmax_age: 604800\n' },
  'sts-none.test': { body: 'version: STSv1\nmode: none\nmax_age: 604800\n' },
  'sts-badrecord.test': { body: 'version: STSv1\nmode: enforce\nmx: mx.sts-badrecord.test\nmax_age: 604800\n' },
  'sts-tworecords.test': { body: 'version: STSv1\nmode: enforce\nmx: mx.sts-tworecords.test\nmax_age: 604800\n' },
  'sts-wrongcert.test': { body: 'version: STSv1\nmode: enforce\nmx: mx.sts-wrongcert.test\nmax_age: 604800\n' },
  'sts-hang.test': { hang: true },
};

beforeAll(async () => {
  ca = createTestCa();
  const names = [...Object.keys(policies), 'sts-404.test'].map((domain) => `mta-sts.${domain}`);
  const routes = Object.fromEntries(Object.entries(policies).map(([domain, route]) => [`mta-sts.${domain}`, { [PATH]: route }]));
  const wrong = ca.issue({ commonName: 'www.elsewhere.test' });
  const main = ca.issue({ commonName: 'mta-sts.sts-good.test', altNames: names });
  [https, fixture] = await Promise.all([
    startHttpsServer({
      address: '127.0.0.41',
      tls: { chainPem: main.chainPem, keyPem: main.keyPem },
      sni: { 'mta-sts.sts-wrongcert.test': { chainPem: wrong.chainPem, keyPem: wrong.keyPem } },
      routes,
    }),
    startFixture('mta-sts-lab'),
  ]);
});

afterAll(async () => {
  await Promise.all([https?.close(), fixture?.close()]);
});

function audit(domain: string, options: AuditOptions = {}): Promise<CheckResult> {
  return runCheck(mtaStsCheck, fixture.ctx(domain, { httpsPort: https.port, extraCa: [ca.certPem], probeTimeoutMs: 8000, ...options }));
}

/** The id the fix should carry: derived from the policy content (20 hex digits of its SHA-256). */
function idOf(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 20);
}

describe('mta-sts check', () => {
  const table: Array<[domain: string, ids: string[], status: CheckResult['status']]> = [
    ['sts-good.test', [], 'pass'],
    ['sts-missing.test', ['mta-sts/missing'], 'warn'],
    ['sts-404.test', ['mta-sts/policy-unreachable'], 'fail'],
    ['sts-redirect.test', ['mta-sts/policy-unreachable'], 'fail'],
    ['sts-html.test', ['mta-sts/invalid-policy'], 'fail'],
    ['sts-badpolicy.test', ['mta-sts/invalid-policy'], 'fail'],
    ['sts-big.test', ['mta-sts/invalid-policy'], 'fail'],
    ['sts-notcovered.test', ['mta-sts/mx-not-covered'], 'fail'],
    ['sts-deep.test', ['mta-sts/mx-not-covered'], 'fail'],
    ['sts-testing.test', ['mta-sts/short-max-age', 'mta-sts/testing-mode'], 'warn'],
    ['sts-testing-uncovered.test', ['mta-sts/mx-not-covered', 'mta-sts/testing-mode'], 'warn'],
    ['sts-none.test', ['mta-sts/missing'], 'warn'],
    ['sts-badrecord.test', ['mta-sts/invalid-record'], 'warn'],
    ['sts-tworecords.test', ['mta-sts/invalid-record'], 'warn'],
    ['sts-wrongcert.test', ['mta-sts/policy-unreachable'], 'fail'],
    ['sts-nohost.test', ['mta-sts/policy-unreachable'], 'fail'],
    ['sts-closed.test', ['mta-sts/policy-unreachable'], 'fail'],
    ['sts-hang.test', ['mta-sts/policy-unreachable'], 'fail'],
  ];

  it.each(table)('%s → %j (%s)', async (domain, ids, status) => {
    const result = await audit(domain);
    expect(findingIds(result)).toEqual(ids);
    expect(result.status).toBe(status);
  });

  it('matches MX hosts against a one-label wildcard and reports the coverage', async () => {
    const result = await audit('sts-good.test');
    expect(result.facts.coverage).toEqual([
      { host: 'mx1.sts-good.test', pattern: '*.sts-good.test' },
      { host: 'mx2.sts-good.test', pattern: '*.sts-good.test' },
    ]);
    expect(result.facts.policy).toMatchObject({ fetch: 'ok', httpStatus: 200, parsed: { version: 'STSv1', mode: 'enforce', maxAge: 1209600 } });
  });

  it('fixes a missing policy with the TXT record and a policy file built from the MX hosts', async () => {
    const result = await audit('sts-missing.test');
    const fix = result.findings[0]!.fix!;
    const content = 'version: STSv1\r\nmode: testing\r\nmx: mx1.sts-missing.test\r\nmx: mx2.sts-missing.test\r\nmax_age: 604800\r\n';
    expect(fix.files).toEqual([{ url: 'https://mta-sts.sts-missing.test/.well-known/mta-sts.txt', content }]);
    expect(fix.records).toEqual([{ action: 'add', name: '_mta-sts.sts-missing.test', type: 'TXT', value: `v=STSv1; id=${idOf(content)}` }]);
  });

  it('fixes an uncovered MX with a policy that lists every MX host, keeping the mode, and a new id', async () => {
    const result = await audit('sts-notcovered.test');
    const finding = result.findings[0]!;
    expect(finding.severity).toBe('high');
    expect(finding.evidence.join('\n')).toContain('backup.sts-notcovered.test');
    const content = 'version: STSv1\r\nmode: enforce\r\nmx: mx.sts-notcovered.test\r\nmx: backup.sts-notcovered.test\r\nmax_age: 604800\r\n';
    expect(finding.fix!.files).toEqual([{ url: 'https://mta-sts.sts-notcovered.test/.well-known/mta-sts.txt', content }]);
    expect(finding.fix!.records).toEqual([
      { action: 'replace', name: '_mta-sts.sts-notcovered.test', type: 'TXT', value: `v=STSv1; id=${idOf(content)}`, current: 'v=STSv1; id=1' },
    ]);
  });

  it('lowers mx-not-covered to medium in testing mode', async () => {
    const result = await audit('sts-testing-uncovered.test');
    expect(result.findings.find((finding) => finding.id === 'mta-sts/mx-not-covered')!.severity).toBe('medium');
  });

  it('fixes testing mode with an enforce policy and a short max_age with one week', async () => {
    const result = await audit('sts-testing.test');
    const testing = result.findings.find((finding) => finding.id === 'mta-sts/testing-mode')!;
    expect(testing.fix!.files![0]!.content).toBe('version: STSv1\r\nmode: enforce\r\nmx: mx.sts-testing.test\r\nmax_age: 604800\r\n');
    const short = result.findings.find((finding) => finding.id === 'mta-sts/short-max-age')!;
    const content = 'version: STSv1\r\nmode: testing\r\nmx: mx.sts-testing.test\r\nmax_age: 604800\r\n';
    expect(short.fix!.files![0]!.content).toBe(content);
    // The record was published as two character-strings; it is read joined.
    expect(short.fix!.records![0]).toMatchObject({ action: 'replace', current: 'v=STSv1; id=abc123', value: `v=STSv1; id=${idOf(content)}` });
  });

  it('fits the fix to the failure seen: an address record only for a host without one, the observed values in the notes', async () => {
    const cases: Array<[domain: string, failure: string | undefined, observed: string | undefined]> = [
      ['sts-nohost.test', 'no-address', 'nxdomain'],
      ['sts-closed.test', 'connect', '127.0.0.42'],
      ['sts-hang.test', 'timeout', '127.0.0.41'],
      ['sts-wrongcert.test', 'tls', 'www.elsewhere.test'],
      ['sts-404.test', 'http-status', '404'],
      ['sts-redirect.test', 'http-status', 'https://mta-sts.sts-good.test/.well-known/mta-sts.txt'],
      ['sts-html.test', 'content', undefined],
      ['sts-notcovered.test', undefined, undefined],
      ['sts-missing.test', undefined, undefined],
    ];
    for (const [domain, failure, observed] of cases) {
      const result = await audit(domain, domain === 'sts-hang.test' ? { probeTimeoutMs: 300 } : {});
      const fix = result.findings[0]!.fix!;
      expect((result.facts.policy as { failure?: string } | undefined)?.failure, domain).toBe(failure);
      if (failure === 'tls') {
        // Only the certificate is wrong: no record, no new policy or id that could weaken what is published.
        expect(fix.records, domain).toBeUndefined();
        expect(fix.files, domain).toBeUndefined();
        expect(fix.summary).toBe(`Install a certificate valid for mta-sts.${domain} on its HTTPS server`);
        expect(fix.notes![0], domain).toContain(observed);
        continue;
      }
      const addressRecords = fix.records!.filter((record) => record.type === 'A' || record.type === 'AAAA');
      if (failure === 'no-address') {
        expect(addressRecords).toEqual([{ action: 'add', name: `mta-sts.${domain}`, type: 'A', value: '<POLICY-SERVER-IPV4>' }]);
        expect(Object.keys(fix.placeholders ?? {})).toEqual(['POLICY-SERVER-IPV4']);
      } else {
        expect(addressRecords, domain).toEqual([]);
        expect(fix.placeholders, domain).toBeUndefined();
      }
      if (observed) expect(fix.notes![0], domain).toContain(observed);
    }
  });

  it('lists an aliased MX host and the host it points to, so the mx fix and this one agree', async () => {
    const result = await audit('sts-alias.test');
    const file = result.findings[0]!.fix!.files![0]!;
    expect(file.content.split('\r\n').filter((line) => line.startsWith('mx:'))).toEqual(['mx: mail.sts-alias.test', 'mx: mx.hosting.test']);
  });

  it('does not follow redirects', async () => {
    const before = https.requests().filter((line) => line.startsWith('mta-sts.sts-good.test')).length;
    const result = await audit('sts-redirect.test');
    expect(result.facts.policy).toMatchObject({ httpStatus: 301 });
    expect(https.requests().filter((line) => line.startsWith('mta-sts.sts-good.test')).length).toBe(before);
  });

  it('tells a certificate failure apart in the facts', async () => {
    const result = await audit('sts-wrongcert.test');
    expect(result.facts.policy).toMatchObject({ fetch: 'tls-error' });
    // Without the test CA the good policy host is untrusted too.
    const untrusted = await runCheck(mtaStsCheck, fixture.ctx('sts-good.test', { httpsPort: https.port, probeTimeoutMs: 8000 }));
    expect(findingIds(untrusted)).toEqual(['mta-sts/policy-unreachable']);
    expect(untrusted.facts.policy).toMatchObject({ fetch: 'tls-error' });
  });

  it('rejects a policy larger than 64 KiB and a non-text/plain policy', async () => {
    const big = await audit('sts-big.test');
    expect((big.facts.policy as { parsed: { errors: string[] } }).parsed.errors[0]).toMatch(/65536/);
    const html = await audit('sts-html.test');
    expect((html.facts.policy as { contentType: string }).contentType).toBe('text/html; charset=utf-8');
  });

  it('fixes an invalid record, keeping nothing invalid', async () => {
    const result = await audit('sts-badrecord.test');
    const record = result.findings[0]!.fix!.records![0]!;
    expect(record).toMatchObject({ action: 'replace', name: '_mta-sts.sts-badrecord.test', current: 'v=STSv1; id=2024-01-01' });
    expect(record.value).toMatch(/^v=STSv1; id=[0-9a-f]{20}$/);
    const two = await audit('sts-tworecords.test');
    expect(two.findings[0]!.fix!.records).toEqual([
      { action: 'remove', name: '_mta-sts.sts-tworecords.test', type: 'TXT', value: 'v=STSv1; id=1', current: 'v=STSv1; id=1' },
      { action: 'remove', name: '_mta-sts.sts-tworecords.test', type: 'TXT', value: 'v=STSv1; id=2', current: 'v=STSv1; id=2' },
      { action: 'add', name: '_mta-sts.sts-tworecords.test', type: 'TXT', value: 'v=STSv1; id=1' },
    ]);
  });

  it('is inconclusive, not unreachable or missing, when DNS fails', async () => {
    const hostFail = await audit('sts-dnsfail.test');
    expect(hostFail.status).toBe('error');
    expect(findingIds(hostFail)).toEqual([]);
    const txtFail = await audit('sts-txtfail.test');
    expect(txtFail.status).toBe('error');
    expect(findingIds(txtFail)).toEqual([]);
  });

  it('skips a domain that accepts no mail, and fetches nothing offline', async () => {
    expect((await audit('sts-null.test')).status).toBe('skipped');
    const before = https.requests().length;
    const offline = await audit('sts-good.test', { offline: true });
    expect(findingIds(offline)).toEqual([]);
    expect(https.requests().length).toBe(before);
  });
});
