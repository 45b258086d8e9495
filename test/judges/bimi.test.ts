/**
 * The bimi judge on facts: the record, the DMARC prerequisite, the fetched
 * logo and certificate, and the failures that leave it inconclusive.
 */
import { describe, expect, it } from 'vitest';
import { bimiCheck, type BimiFacts } from '../../src/checks/bimi/index.js';
import { judgeCases } from '../helpers/judge.js';

const RECORD = 'v=BIMI1; l=https://logo.example.test/brand.svg; a=https://logo.example.test/brand.pem';
const ENFORCED = {
  record: 'v=DMARC1; p=reject',
  recordName: '_dmarc.example.test',
  source: 'domain' as const,
  foundAt: 'example.test',
  policy: 'reject' as const,
  subdomainPolicy: 'reject' as const,
  nonExistentSubdomainPolicy: 'reject' as const,
  subdomainPolicyFrom: 'example.test',
  pct: 100,
  testing: false,
  organizationalDomain: 'example.test',
  organizationalDomainComplete: true,
};
const LOGO_OK = { url: 'https://logo.example.test/brand.svg', fetch: 'ok' as const, httpStatus: 200, address: '127.0.0.1', contentType: 'image/svg+xml', truncated: false, svg: { bytes: 900, gzip: false }, violations: [] };
const CERT_OK = { url: 'https://logo.example.test/brand.pem', fetch: 'ok' as const, httpStatus: 200, address: '127.0.0.1', checkedAt: '2026-12-06T00:00:00.000Z', certificates: [], leaf: 0, violations: [] };

function facts(record: string | null, more: Partial<BimiFacts> = {}): BimiFacts {
  const txt = record === null ? [] : [record];
  return {
    domain: 'example.test',
    selector: 'default',
    offline: false,
    lookups: [{ name: 'default._bimi.example.test', domain: 'example.test', status: record === null ? 'nxdomain' : 'ok', txt, bimi: txt.filter((text) => text.startsWith('v=BIMI1')), nearMisses: [] }],
    recordName: 'default._bimi.example.test',
    foundAt: record === null ? null : 'example.test',
    record,
    tags: {},
    declined: false,
    discarded: null,
    dmarc: ENFORCED,
    logo: record === null ? null : LOGO_OK,
    certificate: record === null ? null : CERT_OK,
    ...more,
  };
}

judgeCases(bimiCheck, [
  { name: 'a complete setup: nothing to report', facts: facts(RECORD), ids: [] },
  {
    name: 'no record: bimi/missing with the record to publish',
    facts: facts(null),
    ids: ['bimi/missing'],
    fixes: { 'bimi/missing': [{ action: 'add', name: 'default._bimi.example.test', type: 'TXT', value: 'v=BIMI1; l=<LOGO-URL>; a=<VMC-URL>' }] },
    then: ([missing]) => {
      expect(missing!.severity).toBe('info');
      expect(missing!.message).toBe('No BIMI record at default._bimi.example.test (nxdomain)');
    },
  },
  {
    name: 'the first lookup failed: inconclusive, never missing',
    facts: facts(null, { lookups: [{ name: 'default._bimi.example.test', domain: 'example.test', status: 'timeout', txt: [], bimi: [], nearMisses: [] }], recordName: null }),
    ids: [],
    inconclusive: 'TXT default._bimi.example.test: timeout',
  },
  {
    name: 'no record and the Organizational Domain undetermined: inconclusive',
    facts: facts(null, { recordName: null, dmarc: { ...ENFORCED, organizationalDomainComplete: false, inconclusive: 'TXT _dmarc.test: servfail' } }),
    ids: [],
    inconclusive: 'the Organizational Domain is undetermined (TXT _dmarc.test: servfail)',
  },
  {
    name: 'two records: receivers use none; the second removed',
    facts: facts(null, {
      lookups: [{ name: 'default._bimi.example.test', domain: 'example.test', status: 'ok', txt: [RECORD, 'v=BIMI1; l='], bimi: [RECORD, 'v=BIMI1; l='], nearMisses: [] }],
      foundAt: 'example.test',
    }),
    ids: ['bimi/invalid-record'],
    fixes: { 'bimi/invalid-record': [{ action: 'remove', name: 'default._bimi.example.test', type: 'TXT', value: 'v=BIMI1; l=', current: 'v=BIMI1; l=' }] },
    data: { 'bimi/invalid-record': { count: 2 } },
  },
  {
    name: 'an invalid record: nothing further is judged',
    facts: facts('v=BIMI1; l=http://logo.example.test/brand.svg', { logo: null, certificate: null, dmarc: { ...ENFORCED, policy: 'none' } }),
    ids: ['bimi/invalid-record'],
    then: ([invalid]) => expect(invalid!.fix?.records?.[0]).toMatchObject({ action: 'replace', name: 'default._bimi.example.test', current: 'v=BIMI1; l=http://logo.example.test/brand.svg' }),
  },
  { name: 'a declination: no finding', facts: facts('v=BIMI1; l=; a=;', { declined: true, logo: null, certificate: null }), ids: [] },
  {
    name: 'DMARC p=none: dmarc-not-enforced, with the DMARC record to publish',
    facts: facts(RECORD, { dmarc: { ...ENFORCED, record: 'v=DMARC1; p=none', policy: 'none', subdomainPolicy: 'none', nonExistentSubdomainPolicy: 'none' } }),
    ids: ['bimi/dmarc-not-enforced'],
    fixes: { 'bimi/dmarc-not-enforced': [{ action: 'replace', name: '_dmarc.example.test', type: 'TXT', value: 'v=DMARC1; p=quarantine', current: 'v=DMARC1; p=none' }] },
    then: ([finding]) => expect(finding!.evidence[0]).toBe('TXT _dmarc.example.test: v=DMARC1; p=none'),
  },
  {
    name: 'the DMARC lookup failed: inconclusive',
    facts: facts(RECORD, { dmarc: { ...ENFORCED, inconclusive: 'TXT _dmarc.example.test: timeout' } }),
    ids: [],
    inconclusive: 'DMARC policy: TXT _dmarc.example.test: timeout',
  },
  {
    name: 'the logo host does not connect: logo-unreachable',
    facts: facts(RECORD, { logo: { url: LOGO_OK.url, fetch: 'connect-error', error: 'connect ECONNREFUSED 127.0.0.1:443', code: 'ECONNREFUSED' } }),
    ids: ['bimi/logo-unreachable'],
    then: ([finding]) => expect(finding!.evidence).toEqual([`GET ${LOGO_OK.url}: connect-error: connect ECONNREFUSED 127.0.0.1:443 (ECONNREFUSED)`]),
  },
  {
    name: 'the logo answers a redirect: logo-unreachable, naming where it points',
    facts: facts(RECORD, { logo: { url: LOGO_OK.url, fetch: 'ok', httpStatus: 301, address: '127.0.0.1', location: 'https://elsewhere.test/' } }),
    ids: ['bimi/logo-unreachable'],
    data: { 'bimi/logo-unreachable': { httpStatus: 301, location: 'https://elsewhere.test/' } },
  },
  {
    name: 'the logo host lookup timed out: inconclusive, not unreachable',
    facts: facts(RECORD, { logo: { url: LOGO_OK.url, fetch: 'dns-error', error: 'A logo.example.test: timeout', dnsStatus: 'timeout' } }),
    ids: [],
    inconclusive: 'logo host lookup: A logo.example.test: timeout',
  },
  {
    name: 'a logo that breaks SVG Tiny PS: invalid-svg with every violation',
    facts: facts(RECORD, { logo: { ...LOGO_OK, violations: ['no <title>', 'a <script> element'] } }),
    ids: ['bimi/invalid-svg'],
    then: ([finding]) => expect(finding!.evidence).toEqual(['no <title>', 'a <script> element']),
  },
  {
    name: 'no a=: no-certificate (info), with a= added to the record',
    facts: facts('v=BIMI1; l=https://logo.example.test/brand.svg', { certificate: null }),
    ids: ['bimi/no-certificate'],
    fixes: {
      'bimi/no-certificate': [
        { action: 'replace', name: 'default._bimi.example.test', type: 'TXT', value: 'v=BIMI1; l=https://logo.example.test/brand.svg; a=<VMC-URL>', current: 'v=BIMI1; l=https://logo.example.test/brand.svg' },
      ],
    },
  },
  {
    name: 'an expired mark certificate: invalid-certificate',
    facts: facts(RECORD, { certificate: { ...CERT_OK, violations: ['the mark certificate expired on 2026-01-01'] } }),
    ids: ['bimi/invalid-certificate'],
    then: ([finding]) => expect(finding!.fix?.summary).toBe(`Publish a current VMC or CMC naming example.test at ${CERT_OK.url}`),
  },
  {
    name: 'offline: the record and DMARC judged, nothing fetched, no finding',
    facts: facts(RECORD, { offline: true, logo: null, certificate: null }),
    ids: [],
  },
]);

describe('bimi summary', () => {
  it('the record, when one was read', () => {
    expect(bimiCheck.summarise(facts(RECORD))).toEqual([`record: ${RECORD}`]);
    expect(bimiCheck.summarise(facts(null))).toEqual([]);
  });
});
