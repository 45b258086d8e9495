/**
 * The bimi check against fixture DNS zones and a local HTTPS server (test CA)
 * that serves the logos and mark certificates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bimiCheck } from '../src/checks/bimi/index.js';
import type { AuditOptions } from '../src/context.js';
import type { CheckResult } from '../src/schema/report.js';
import { findingById, findingIds, runCheck, startFixture, type Fixture } from './helpers/context.js';
import { createTestCa, daysFromNow, type TestCa } from './helpers/test-ca.js';
import { startHttpsServer, type LocalHttpsServer } from './helpers/https-server.js';
import { issueMarkCertificate } from './helpers/bimi-certs.js';
import { BAD_SVG, VALID_SVG, bigSvg } from './helpers/bimi-svgs.js';

const FIXTURES = [
  'bimi-valid',
  'bimi-missing',
  'bimi-no-certificate',
  'bimi-dmarc-not-enforced',
  'bimi-invalid-svg',
  'bimi-logo-unreachable',
  'bimi-invalid-certificate',
  'bimi-invalid-record',
  'bimi-declined',
  'bimi-dns-failure',
  'bimi-org-fallback',
];

const SVG_HEADERS = { 'content-type': 'image/svg+xml' };
const PEM_HEADERS = { 'content-type': 'application/x-pem-file' };

let fixture: Fixture;
let ca: TestCa;
let https: LocalHttpsServer;

beforeAll(async () => {
  fixture = await startFixture(FIXTURES);
  ca = createTestCa('mailcheck BIMI test CA');
  const hosts = ['logo.bimi-good.test', 'logo.bimi-nocert.test', 'logo.bimi-dmarc.test', 'logo.bimi-svg.test', 'logo.bimi-unreach.test', 'logo.bimi-cert.test', 'logo.bimi-brand.test'];
  const server = ca.issue({ commonName: hosts[0]!, altNames: hosts });
  const logo = { status: 200, body: VALID_SVG, headers: SVG_HEADERS };
  https = await startHttpsServer({
    address: '127.0.0.1',
    tls: server,
    routes: {
      'logo.bimi-good.test': {
        '/brand.svg': logo,
        '/brand.pem': { body: issueMarkCertificate(ca, { domains: ['bimi-good.test'] }), headers: PEM_HEADERS },
      },
      'logo.bimi-nocert.test': { '/brand.svg': logo },
      'logo.bimi-dmarc.test': { '/brand.svg': logo },
      'logo.bimi-svg.test': {
        '/script.svg': { body: BAD_SVG, headers: SVG_HEADERS },
        '/big.svg': { body: bigSvg(40 * 1024), headers: SVG_HEADERS },
        '/page.svg': { body: '<!doctype html><html><body>Not found</body></html>', headers: { 'content-type': 'text/html' } },
      },
      'logo.bimi-unreach.test': {},
      'logo.bimi-cert.test': {
        '/brand.svg': logo,
        '/expired.pem': { body: issueMarkCertificate(ca, { domains: ['bimi-expired.test'], notBefore: daysFromNow(-400), notAfter: daysFromNow(-10) }) },
        '/wrongname.pem': { body: issueMarkCertificate(ca, { domains: ['other-brand.test'] }) },
        '/notmark.pem': { body: issueMarkCertificate(ca, { domains: ['bimi-notmark.test'], extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'] }) },
        '/garbage.pem': { body: 'this is not a certificate\n' },
      },
      'logo.bimi-brand.test': {
        '/brand.svg': logo,
        '/brand.pem': { body: issueMarkCertificate(ca, { domains: ['bimi-brand.test'] }), headers: PEM_HEADERS },
      },
    },
  });
});

afterAll(async () => {
  await https?.close();
  await fixture?.close();
});

function audit(domain: string, options: AuditOptions = {}): Promise<CheckResult> {
  const ctx = fixture.ctx(domain, { httpsPort: https.port, extraCa: [ca.certPem], probeTimeoutMs: 3000, ...options });
  return runCheck(bimiCheck, { ...ctx, dns: fixture.freshDns() });
}

describe('bimi: a complete setup', () => {
  it('passes with an enforcing DMARC policy, a valid SVG Tiny PS logo and a current mark certificate', async () => {
    const result = await audit('bimi-good.test');
    expect(findingIds(result)).toEqual([]);
    expect(result.status).toBe('pass');
    expect(result.facts).toMatchObject({
      selector: 'default',
      recordName: 'default._bimi.bimi-good.test',
      record: 'v=BIMI1; l=https://logo.bimi-good.test/brand.svg; a=https://logo.bimi-good.test/brand.pem',
      declined: false,
      dmarc: { policy: 'reject', pct: 100, testing: false },
      logo: { httpStatus: 200, contentType: 'image/svg+xml', svg: { baseProfile: 'tiny-ps', version: '1.2', title: 'Example Brand' }, violations: [] },
      certificate: { httpStatus: 200, leaf: 0, violations: [] },
    });
    const certificate = result.facts.certificate as { certificates: Array<{ dnsNames: string[]; extendedKeyUsage: string[]; ca: boolean }> };
    expect(certificate.certificates[0]).toMatchObject({ dnsNames: ['bimi-good.test'], extendedKeyUsage: ['1.3.6.1.5.5.7.3.31'], ca: false });
    expect(certificate.certificates[1]?.ca).toBe(true);
    expect(https.requests()).toEqual(expect.arrayContaining(['logo.bimi-good.test /brand.svg', 'logo.bimi-good.test /brand.pem']));
  });

  it('uses the Organizational Domain\'s record when the domain has none (BIMI §7.2 step 6)', async () => {
    const result = await audit('mail.bimi-brand.test');
    expect(findingIds(result)).toEqual([]);
    expect(result.facts).toMatchObject({ recordName: 'default._bimi.bimi-brand.test', foundAt: 'bimi-brand.test' });
    const lookups = result.facts.lookups as Array<{ name: string; status: string }>;
    expect(lookups.map((lookup) => [lookup.name, lookup.status])).toEqual([
      ['default._bimi.mail.bimi-brand.test', 'nxdomain'],
      ['default._bimi.bimi-brand.test', 'ok'],
    ]);
  });
});

describe('bimi: the record', () => {
  it('reports a missing record as info, with the record to publish', async () => {
    const result = await audit('bimi-none.test');
    expect(findingIds(result)).toEqual(['bimi/missing']);
    expect(result.status).toBe('pass');
    const missing = findingById(result, 'bimi/missing');
    expect(missing.severity).toBe('info');
    expect(missing.fix?.records).toEqual([
      { action: 'add', name: 'default._bimi.bimi-none.test', type: 'TXT', value: 'v=BIMI1; l=<LOGO-URL>; a=<VMC-URL>' },
    ]);
    expect(Object.keys(missing.fix?.placeholders ?? {})).toEqual(['LOGO-URL', 'VMC-URL']);
  });

  it('asks the selector given with --bimi-selector', async () => {
    const result = await audit('bimi-nocert.test', { bimiSelector: 'brand2' });
    expect(result.facts.recordName).toBe('brand2._bimi.bimi-nocert.test');
    expect(findingIds(result)).toEqual(['bimi/invalid-certificate']);
  });

  it('reports an http logo URL and a duplicate tag as an invalid record, with the corrected record', async () => {
    const result = await audit('bimi-http.test');
    expect(findingIds(result)).toEqual(['bimi/invalid-record']);
    const invalid = findingById(result, 'bimi/invalid-record');
    expect(invalid.evidence).toEqual([
      'TXT default._bimi.bimi-http.test: v=BIMI1; l=http://logo.bimi-record.test/brand.svg; a=https://logo.bimi-record.test/a.pem; a=https://logo.bimi-record.test/b.pem',
      'duplicate tag a=',
      'l=http://logo.bimi-record.test/brand.svg must use https (found http)',
    ]);
    expect(invalid.fix?.records).toEqual([
      {
        action: 'replace',
        name: 'default._bimi.bimi-http.test',
        type: 'TXT',
        value: 'v=BIMI1; l=<LOGO-URL>; a=https://logo.bimi-record.test/a.pem',
        current: 'v=BIMI1; l=http://logo.bimi-record.test/brand.svg; a=https://logo.bimi-record.test/a.pem; a=https://logo.bimi-record.test/b.pem',
      },
    ]);
  });

  it('reports two BIMI records at one name (receivers use neither)', async () => {
    const result = await audit('bimi-two.test');
    expect(findingIds(result)).toEqual(['bimi/invalid-record']);
    expect(findingById(result, 'bimi/invalid-record').fix?.records).toEqual([
      {
        action: 'remove',
        name: 'default._bimi.bimi-two.test',
        type: 'TXT',
        value: 'v=BIMI1; l=https://logo.bimi-record.test/two.svg',
        current: 'v=BIMI1; l=https://logo.bimi-record.test/two.svg',
      },
    ]);
  });

  it('reports a record whose v=BIMI1 is not first as invalid (receivers discard it), not as missing', async () => {
    const result = await audit('bimi-order.test');
    expect(findingIds(result)).toEqual(['bimi/invalid-record']);
    expect(findingById(result, 'bimi/invalid-record').evidence).toContain('v=BIMI1 must be the first tag (BIMI §4.3)');
    expect(findingById(result, 'bimi/invalid-record').fix?.records?.[0]?.value).toBe('v=BIMI1; l=https://logo.bimi-record.test/brand.svg');
  });

  it('reports a record without l= and one whose l= names a PNG', async () => {
    const nol = await audit('bimi-nol.test');
    expect(findingById(nol, 'bimi/invalid-record').evidence).toContain('the l= tag is missing (it is required, even if empty)');
    const png = await audit('bimi-png.test');
    expect(findingIds(png)).toEqual(['bimi/invalid-record']);
    expect(findingById(png, 'bimi/invalid-record').fix?.records?.[0]?.value).toBe('v=BIMI1; l=<LOGO-URL>');
  });

  it('accepts an explicit declination to publish without further findings', async () => {
    const result = await audit('bimi-declined.test');
    expect(findingIds(result)).toEqual([]);
    expect(result.facts.declined).toBe(true);
  });

  it('is an error, never "missing", when the BIMI lookup times out or fails', async () => {
    for (const [domain, status] of [
      ['bimi-timeout.test', 'timeout'],
      ['bimi-servfail.test', 'servfail'],
    ] as const) {
      const result = await audit(domain);
      expect(result.status, domain).toBe('error');
      expect(result.error).toBe(`TXT default._bimi.${domain}: ${status}`);
      expect(findingIds(result)).toEqual([]);
    }
  });

  it('is an error, not "missing", when the DMARC lookup fails and the Organizational Domain is unknown', async () => {
    const result = await audit('bimi-dmarcfail.test');
    expect(result.status).toBe('error');
    expect(result.error).toBe('no BIMI record at default._bimi.bimi-dmarcfail.test, and the Organizational Domain is undetermined (TXT _dmarc.bimi-dmarcfail.test: timeout)');
    expect(findingIds(result)).toEqual([]);
  });
});

describe('bimi: DMARC enforcement', () => {
  it.each([
    ['bimi-pnone.test', 'v=DMARC1; p=quarantine; rua=mailto:d@bimi-pnone.test', '_dmarc.bimi-pnone.test'],
    ['bimi-pct.test', 'v=DMARC1; p=quarantine', '_dmarc.bimi-pct.test'],
    ['bimi-spnone.test', 'v=DMARC1; p=reject', '_dmarc.bimi-spnone.test'],
  ])('%s → dmarc-not-enforced with the record that qualifies', async (domain, value, name) => {
    const result = await audit(domain);
    expect(findingIds(result)).toEqual(['bimi/dmarc-not-enforced', 'bimi/no-certificate']);
    const dmarc = findingById(result, 'bimi/dmarc-not-enforced');
    expect(dmarc.severity).toBe('medium');
    expect(dmarc.fix?.records?.[0]).toMatchObject({ action: 'replace', name, type: 'TXT', value });
    expect(result.status).toBe('warn');
  });

  it('asks for a DMARC record when there is none', async () => {
    const result = await audit('bimi-nodmarc.test');
    const dmarc = findingById(result, 'bimi/dmarc-not-enforced');
    expect(dmarc.evidence).toContain('no DMARC policy applies to bimi-nodmarc.test');
    expect(dmarc.fix?.records).toEqual([
      { action: 'add', name: '_dmarc.bimi-nodmarc.test', type: 'TXT', value: 'v=DMARC1; p=quarantine; rua=mailto:<REPORT-MAILBOX>' },
    ]);
  });

  it('accepts p=reject with pct below 100 (BIMI §7.1 asks pct=100 of quarantine only)', async () => {
    const result = await audit('bimi-rejectpct.test');
    expect(findingIds(result)).toEqual(['bimi/no-certificate']);
  });
});

describe('bimi: the logo', () => {
  it('lists every SVG Tiny PS violation of a script-bearing logo', async () => {
    const result = await audit('bimi-badsvg.test');
    expect(findingIds(result)).toEqual(['bimi/invalid-svg', 'bimi/no-certificate']);
    expect(findingById(result, 'bimi/invalid-svg').evidence).toEqual([
      'the root <svg> has no baseProfile="tiny-ps"',
      'version="1.1" (must be "1.2")',
      'the root <svg> has a x="0" attribute (not allowed)',
      'the root <svg> has a y="0" attribute (not allowed)',
      'no <title> element as a child of the root <svg>',
      'the logo is not square: viewBox="0 0 200 100" is 200 × 100',
      'event handler attribute onload on <svg> (scripting is not allowed)',
      'contains a <script> element',
      'external reference on <image>: xlink:href="https://tracker.example/pixel.png"',
    ]);
  });

  it('reports a logo over 32 KB', async () => {
    const result = await audit('bimi-bigsvg.test');
    expect(findingById(result, 'bimi/invalid-svg').evidence).toEqual(['the file is 40960 bytes: more than 32768 bytes (32 KB)']);
  });

  it('reports a file that is not SVG', async () => {
    const result = await audit('bimi-notsvg.test');
    // An HTML page is not well-formed XML (a lower-case doctype): read no further.
    expect(findingById(result, 'bimi/invalid-svg').evidence).toEqual([
      'the file is not well-formed XML: 1:9: incorrect syntax.',
      'no <svg> element: the file is not an SVG document',
    ]);
  });

  it('reports a 404 and a host that does not exist as unreachable', async () => {
    const gone = await audit('bimi-404.test');
    expect(findingIds(gone)).toEqual(['bimi/logo-unreachable', 'bimi/no-certificate']);
    expect(findingById(gone, 'bimi/logo-unreachable').evidence).toEqual(['GET https://logo.bimi-unreach.test/gone.svg: HTTP 404']);
    const nohost = await audit('bimi-nohost.test');
    expect(findingIds(nohost)).toEqual(['bimi/logo-unreachable', 'bimi/no-certificate']);
    expect(findingById(nohost, 'bimi/logo-unreachable').evidence[0]).toMatch(/^GET https:\/\/nowhere\.bimi-unreach\.test\/brand\.svg: dns-error/);
  });

  it('is inconclusive, not unreachable, when the logo host lookup times out', async () => {
    const result = await audit('bimi-slowhost.test');
    expect(result.status).toBe('error');
    expect(result.error).toMatch(/^logo host lookup: /);
    expect(findingIds(result)).toEqual(['bimi/no-certificate']);
  });

  it('reports a logo server whose certificate is not trusted as unreachable', async () => {
    const result = await audit('bimi-good.test', { extraCa: [] });
    expect(findingIds(result)).toEqual(['bimi/invalid-certificate', 'bimi/logo-unreachable']);
    expect(findingById(result, 'bimi/logo-unreachable').evidence[0]).toMatch(/: tls-error: /);
  });
});

describe('bimi: the mark certificate', () => {
  it('reports a record without a= as info', async () => {
    const result = await audit('bimi-nocert.test');
    expect(findingIds(result)).toEqual(['bimi/no-certificate']);
    const none = findingById(result, 'bimi/no-certificate');
    expect(none.severity).toBe('info');
    expect(none.fix?.records?.[0]).toMatchObject({
      action: 'replace',
      name: 'default._bimi.bimi-nocert.test',
      value: 'v=BIMI1; l=https://logo.bimi-nocert.test/brand.svg; a=<VMC-URL>',
      current: 'v=BIMI1; l=https://logo.bimi-nocert.test/brand.svg',
    });
  });

  it.each([
    ['bimi-expired.test', /^the mark certificate expired on \d{4}-\d\d-\d\dT/],
    ['bimi-wrongname.test', /^the mark certificate names other-brand\.test, not bimi-wrongname\.test$/],
    ['bimi-notmark.test', /^the certificate is not a mark certificate: its extended key usage lacks 1\.3\.6\.1\.5\.5\.7\.3\.31 \(BIMI\); it has 1\.3\.6\.1\.5\.5\.7\.3\.1$/],
    ['bimi-garbage.test', /^the file holds no PEM certificate/],
    ['bimi-certgone.test', /^GET https:\/\/logo\.bimi-cert\.test\/gone\.pem: HTTP 404$/],
  ])('%s → invalid-certificate', async (domain, evidence) => {
    const result = await audit(domain);
    expect(findingIds(result)).toEqual(['bimi/invalid-certificate']);
    const invalid = findingById(result, 'bimi/invalid-certificate');
    expect(invalid.evidence).toHaveLength(1);
    expect(invalid.evidence[0]).toMatch(evidence);
  });
});

describe('bimi: offline', () => {
  it('checks the record and DMARC but fetches nothing', async () => {
    const before = https.requests().length;
    const result = await audit('bimi-good.test', { offline: true });
    expect(findingIds(result)).toEqual([]);
    expect(result.facts).toMatchObject({ offline: true, logo: null, certificate: null });
    expect(https.requests().length).toBe(before);
  });
});
