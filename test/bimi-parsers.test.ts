/**
 * The pure BIMI pieces: record parser, SVG Tiny PS checker, mark certificate
 * checks, DMARC prerequisites.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { correctedRecord, isBimiRecord, looksLikeBimi, parseBimiRecord } from '../src/bimi/record.js';
import { checkSvgTinyPs } from '../src/bimi/svg.js';
import { checkMarkCertificate } from '../src/bimi/certificate.js';
import { bimiDmarcProblems } from '../src/bimi/requirements.js';
import type { DmarcPolicy } from '../src/lookups/dmarc.js';
import { createTestCa, daysFromNow } from './helpers/test-ca.js';
import { issueMarkCertificate } from './helpers/bimi-certs.js';
import { VALID_SVG } from './helpers/bimi-svgs.js';

describe('BIMI record', () => {
  it('recognises records by a first tag of exactly v=BIMI1', () => {
    expect(isBimiRecord('v=BIMI1; l=https://a.example/l.svg')).toBe(true);
    expect(isBimiRecord('v = BIMI1;l=')).toBe(true);
    expect(isBimiRecord('v=bimi1; l=https://a.example/l.svg')).toBe(false);
    expect(isBimiRecord('l=https://a.example/l.svg; v=BIMI1')).toBe(false);
    expect(looksLikeBimi('v=bimi1; l=x')).toBe(true);
    expect(looksLikeBimi('google-site-verification=abc')).toBe(false);
  });

  it('parses a valid record', () => {
    const record = parseBimiRecord('v=BIMI1; l=https://cdn.example.com/logo.svg; a=https://cdn.example.com/vmc.pem; avp=personal;');
    expect(record).toMatchObject({
      errors: [],
      location: 'https://cdn.example.com/logo.svg',
      evidence: 'https://cdn.example.com/vmc.pem',
      locationValid: true,
      evidenceValid: true,
      avatarPreference: 'personal',
      declined: false,
    });
  });

  it('treats l= and a= both empty as a declination, and an absent a= as empty', () => {
    expect(parseBimiRecord('v=BIMI1; l=; a=;')).toMatchObject({ errors: [], declined: true });
    expect(parseBimiRecord('v=BIMI1; l=')).toMatchObject({ errors: [], declined: true, evidence: '' });
    expect(parseBimiRecord('v=BIMI1; l=https://x.example/l.svg')).toMatchObject({ errors: [], declined: false, evidence: '' });
  });

  it.each([
    ['v=BIMI1; l=https://x.example/a.svg,https://x.example/b.svg', 'l=https://x.example/a.svg,https://x.example/b.svg must be a single URI (commas must be percent-encoded)'],
    ['v=BIMI1; l=logo.svg', 'l=logo.svg is not a valid URI'],
    ['v=BIMI1; l=https://localhost/l.svg', 'l=https://localhost/l.svg must name a fully qualified host'],
    ['v=BIMI1; l=https://x.example/l.svg; a=http://x.example/v.pem', 'a=http://x.example/v.pem must use https (found http)'],
    ['v=BIMI1; l=https://x.example/l.svg; avp=logo', 'avp=logo is not "brand" or "personal"'],
    ['v=BIMI1; l=https://x.example/l.svg; lps=yes', 'lps=yes is not "true" or "false"'],
    ['v=BIMI1; l=; a=https://x.example/v.pem', 'l= is empty while a= is set: receivers need the logo location'],
    ['v=BIMI1; l=https://x.example/l.svg; junk', 'malformed tag "junk" (expected name=value)'],
    ['v=BIMI1;; l=https://x.example/l.svg', 'empty tag between two ";"'],
    ['v=BIMI1 ; l=https://x.example/l.svg; l=https://x.example/m.svg', 'duplicate tag l='],
  ])('%s → %s', (raw, error) => {
    expect(parseBimiRecord(raw).errors).toContain(error);
  });

  it('builds a corrected record keeping what is valid', () => {
    const record = parseBimiRecord('v=BIMI1; l=http://x.example/l.svg; a=ftp://x.example/v.pem; lps=true');
    expect(correctedRecord(record, { logo: '<LOGO-URL>', evidence: '<VMC-URL>' })).toBe('v=BIMI1; l=<LOGO-URL>; a=<VMC-URL>; lps=true');
  });
});

describe('SVG Tiny PS', () => {
  it('accepts a minimal valid logo, also gzip-compressed (SVGZ)', () => {
    expect(checkSvgTinyPs(Buffer.from(VALID_SVG)).violations).toEqual([]);
    const svgz = checkSvgTinyPs(gzipSync(Buffer.from(VALID_SVG)));
    expect(svgz.violations).toEqual([]);
    expect(svgz.facts).toMatchObject({ gzip: true, title: 'Example Brand', viewBox: '0 0 100 100' });
  });

  it('takes the aspect from width and height without a viewBox', () => {
    const square = '<svg version="1.2" baseProfile="tiny-ps" width="64px" height="64"><title>t</title></svg>';
    expect(checkSvgTinyPs(Buffer.from(square)).violations).toEqual([]);
    const none = '<svg version="1.2" baseProfile="tiny-ps"><title>t</title></svg>';
    expect(checkSvgTinyPs(Buffer.from(none)).violations).toEqual(['no viewBox (nor numeric width and height) to show the logo is square']);
  });

  it.each([
    ['<svg version="1.2" baseProfile="tiny-ps" viewBox="0 0 1 1"><title> </title></svg>', 'the <title> element is empty'],
    ['<svg version="1.2" baseProfile="tiny-ps" viewBox="0 0 1 1"><g><title>nested</title></g></svg>', 'no <title> element as a child of the root <svg>'],
    ['<svg version="1.2" baseProfile="tiny-ps" viewBox="a b c d"><title>t</title></svg>', 'viewBox="a b c d" is not four numbers'],
    ['<svg version="1.2" baseProfile="tiny" viewBox="0 0 1 1"><title>t</title></svg>', 'baseProfile="tiny" (must be "tiny-ps")'],
    ['<svg version="1.2" baseProfile="tiny-ps" viewBox="0 0 1 1"><title>t</title><foreignObject/></svg>', 'contains a <foreignObject> element'],
    ['<svg version="1.2" baseProfile="tiny-ps" viewBox="0 0 1 1"><title>t</title><animate attributeName="x"/></svg>', 'contains an animation element <animate>'],
    ['<svg version="1.2" baseProfile="tiny-ps" viewBox="0 0 1 1"><title>t</title><a href="javascript:alert(1)"/></svg>', 'javascript: link on <a> (scripting is not allowed)'],
    ['<svg version="1.2" baseProfile="tiny-ps" viewBox="0 0 1 1"><title>t</title><rect style="fill:url(https://x.example/p)"/></svg>', 'external reference in a style attribute: url(https://x.example/p)'],
    ['<svg version="1.2" baseProfile="tiny-ps" viewBox="0 0 1 1"><title>t</title><style>@import url(https://x.example/s.css);</style></svg>', 'external reference in <style>: url(https://x.example/s.css)'],
    ['<!DOCTYPE svg [<!ENTITY x SYSTEM "https://x.example/e">]><svg version="1.2" baseProfile="tiny-ps" viewBox="0 0 1 1"><title>t</title></svg>', 'declares XML entities (<!ENTITY>): not allowed in SVG Tiny PS'],
    ['<svg version="1.2" baseProfile="tiny-ps" viewBox="0 0 1 1"><title>t</title><use href="logo.svg#a"/></svg>', 'external reference on <use>: href="logo.svg#a"'],
  ])('%s', (svg, violation) => {
    expect(checkSvgTinyPs(Buffer.from(svg)).violations).toContain(violation);
  });

  it('allows in-document references and inline data', () => {
    const svg =
      '<svg version="1.2" baseProfile="tiny-ps" viewBox="0 0 1 1" xmlns:xlink="http://www.w3.org/1999/xlink"><title>t</title>' +
      '<defs><linearGradient id="g"/></defs><rect fill="url(#g)" style="fill:url(#g)"/><use xlink:href="#g"/>' +
      '<image xlink:href="data:image/png;base64,iVBORw0KGgo="/></svg>';
    expect(checkSvgTinyPs(Buffer.from(svg)).violations).toEqual([]);
  });

  it('ignores markup inside comments', () => {
    const svg = '<svg version="1.2" baseProfile="tiny-ps" viewBox="0 0 1 1"><!-- <script>x</script> --><title>t</title></svg>';
    expect(checkSvgTinyPs(Buffer.from(svg)).violations).toEqual([]);
  });
});

describe('mark certificate', () => {
  const ca = createTestCa('mark CA');

  it('accepts a current mark certificate naming the domain', () => {
    const check = checkMarkCertificate(issueMarkCertificate(ca, { domains: ['brand.example'] }), ['brand.example']);
    expect(check.violations).toEqual([]);
    expect(check.leaf).toBe(0);
  });

  it('accepts a certificate naming the Organizational Domain the record was found at', () => {
    const check = checkMarkCertificate(issueMarkCertificate(ca, { domains: ['brand.example'] }), ['mail.brand.example', 'brand.example']);
    expect(check.violations).toEqual([]);
  });

  it('reports a certificate that is not valid yet', () => {
    const pem = issueMarkCertificate(ca, { domains: ['brand.example'], notBefore: daysFromNow(5), notAfter: daysFromNow(400) });
    expect(checkMarkCertificate(pem, ['brand.example']).violations[0]).toMatch(/^the mark certificate is not valid before /);
  });

  it('reports a file holding only CA certificates', () => {
    expect(checkMarkCertificate(ca.certPem, ['brand.example']).violations).toContain('the file holds only CA certificates, no mark certificate');
  });

  it('accepts an embedded logo whose hash holds and which is the served SVG', () => {
    const pem = issueMarkCertificate(ca, { domains: ['brand.example'] });
    expect(checkMarkCertificate(pem, ['brand.example'], new Date(), Buffer.from(VALID_SVG)).violations).toEqual([]);
  });

  it('reports a served SVG that is not the embedded logo', () => {
    const pem = issueMarkCertificate(ca, { domains: ['brand.example'] });
    expect(checkMarkCertificate(pem, ['brand.example'], new Date(), Buffer.from(`${VALID_SVG}\n`)).violations).toEqual([
      'the SVG served at l= is not the logo embedded in the mark certificate',
    ]);
  });

  it('reports a logotype hash that does not match the embedded logo', () => {
    const pem = issueMarkCertificate(ca, { domains: ['brand.example'], logotype: { svg: VALID_SVG, hash: '00'.repeat(32) } });
    expect(checkMarkCertificate(pem, ['brand.example']).violations).toEqual([
      'the logo embedded in the mark certificate does not match its sha256 hash',
    ]);
  });

  it('reports a mark certificate without a logotype extension', () => {
    const pem = issueMarkCertificate(ca, { domains: ['brand.example'], logotype: null });
    expect(checkMarkCertificate(pem, ['brand.example']).violations).toEqual([
      'the mark certificate has no logotype extension (RFC 3709): it vouches for no logo',
    ]);
  });

  it('checks the chain up to the issuer the file carries', () => {
    const other = createTestCa('other CA');
    const wrongIssuer = issueMarkCertificate(ca, { domains: ['brand.example'], servedIssuerPem: other.certPem });
    expect(checkMarkCertificate(wrongIssuer, ['brand.example']).violations[0]).toMatch(/^the mark certificate is not issued by the certificate after it in the file/);
    // Same issuer name, another key: the names chain but the signature does not verify.
    const lookalike = createTestCa('mark CA');
    const forged = issueMarkCertificate(ca, { domains: ['brand.example'], servedIssuerPem: lookalike.certPem });
    expect(checkMarkCertificate(forged, ['brand.example']).violations).toEqual([
      "the signature of the mark certificate does not verify with its issuer's key",
    ]);
    const leafOnly = issueMarkCertificate(ca, { domains: ['brand.example'], servedIssuerPem: '' });
    expect(checkMarkCertificate(leafOnly, ['brand.example']).violations).toEqual([
      'the file holds no issuer certificate after the mark certificate, so its signature cannot be checked',
    ]);
  });

  it('checks validity against the clock it is given', () => {
    const pem = issueMarkCertificate(ca, { domains: ['brand.example'] });
    expect(checkMarkCertificate(pem, ['brand.example'], daysFromNow(800)).violations[0]).toMatch(/^the mark certificate expired on /);
  });
});

describe('BIMI DMARC prerequisites', () => {
  const base: DmarcPolicy = {
    domain: 'brand.example',
    source: 'domain',
    foundAt: 'brand.example',
    recordName: '_dmarc.brand.example',
    record: 'v=DMARC1; p=reject',
    parsed: null,
    tags: {},
    ownRecords: [],
    ownTxt: [],
    domainExists: true,
    organizationalDomain: 'brand.example',
    organizationalDomainComplete: true,
    policy: 'reject',
    subdomainPolicy: 'reject',
    nonExistentSubdomainPolicy: 'reject',
    subdomainPolicyFrom: 'brand.example',
    pct: 100,
    testing: false,
    enforced: true,
    walk: [],
  };

  it.each([
    [{}, []],
    [{ policy: 'reject', pct: 10 }, []],
    [{ policy: 'quarantine', subdomainPolicy: 'quarantine', nonExistentSubdomainPolicy: 'quarantine', pct: 99 }, ['p=quarantine applies to pct=99% of mail, not 100% (_dmarc.brand.example)']],
    [{ testing: true }, ['t=y (test mode) asks receivers not to apply the policy (_dmarc.brand.example)']],
    [{ nonExistentSubdomainPolicy: 'none' }, ['the policy for non-existent subdomains is none (np=none on _dmarc.brand.example)']],
    [{ policy: null, recordName: null }, ['no DMARC policy applies to brand.example']],
  ] as Array<[Partial<DmarcPolicy>, string[]]>)('%j → %j', (change, problems) => {
    expect(bimiDmarcProblems({ ...base, ...change })).toEqual(problems);
  });
});

describe('README', () => {
  it('documents every bimi finding id with its severity in the reputation section', async () => {
    const { readFileSync } = await import('node:fs');
    const { bimiCheck } = await import('../src/checks/bimi/index.js');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('<!-- section:checks-reputation -->'), readme.indexOf('<!-- /section:checks-reputation -->'));
    for (const [id, spec] of Object.entries(bimiCheck.findings)) expect(section, id).toContain(`| \`${id}\` | ${spec.severity} |`);
  });
});

describe('SVG Tiny PS: hostile markup is read by a streaming XML parser, bounded', () => {
  const head = '<svg version="1.2" baseProfile="tiny-ps" viewBox="0 0 1 1" xmlns="http://www.w3.org/2000/svg">';
  const notWellFormed = (violations: string[]) => violations.filter((line) => line.startsWith('the file is not well-formed XML: '));

  it('an unterminated tag with many attributes (exponential for a regular expression) is a well-formedness error', () => {
    const svg = `<svg${' a="x"'.repeat(44)} /`;
    expect(svg.length).toBeLessThan(300);
    const { violations } = checkSvgTinyPs(Buffer.from(svg));
    expect(notWellFormed(violations)).toHaveLength(1);
  });

  it('a character reference to no code point is a well-formedness error, not an exception', () => {
    const { violations } = checkSvgTinyPs(Buffer.from(`${head}<title>&#99999999999;</title></svg>`));
    expect(notWellFormed(violations)).toHaveLength(1);
  });

  it('entities declared in a DTD are reported and never expanded', () => {
    const lol = '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>';
    const { violations, facts } = checkSvgTinyPs(Buffer.from(`${lol}${head}<title>&b;</title></svg>`));
    expect(violations).toContain('declares XML entities (<!ENTITY>): not allowed in SVG Tiny PS');
    expect(notWellFormed(violations)).toHaveLength(1);
    expect(facts.title ?? '').not.toContain('aaaa');
  });

  it('nesting and element counts are bounded', () => {
    const deep = `${head}<title>t</title>${'<g>'.repeat(5000)}${'</g>'.repeat(5000)}</svg>`;
    expect(checkSvgTinyPs(Buffer.from(deep)).violations).toContain('the file is not well-formed XML: elements nested deeper than 256: not read further');
    const many = `${head}<title>t</title>${'<g/>'.repeat(30_000)}</svg>`;
    expect(checkSvgTinyPs(Buffer.from(many)).violations).toContain('the file is not well-formed XML: more than 20000 elements: not read further');
  });

  it('still reads text in CDATA sections and entities XML defines', () => {
    const svg = `${head}<title>A &amp; B</title><style><![CDATA[rect { fill: url(https://x.example/p) }]]></style></svg>`;
    const { violations, facts } = checkSvgTinyPs(Buffer.from(svg));
    expect(facts.title).toBe('A & B');
    expect(violations).toEqual(['external reference in <style>: url(https://x.example/p)']);
  });
});
