/**
 * The mta-sts judge on facts, no server: record, fetch outcome, policy and
 * coverage → finding ids, exact fix records, and the fix notes fitted to the
 * failure seen.
 */
import { expect } from 'vitest';
import { mtaStsCheck } from '../../src/checks/mta-sts.js';
import type { MtaStsFacts } from '../../src/checks/mta-sts/facts.js';
import { policyId, policyText } from '../../src/mta-sts/policy.js';
import { judgeCases, type JudgeCase } from '../helpers/judge.js';

const D = 'sts.test';
const RECORD = `_mta-sts.${D}`;
const URL_ = `https://mta-sts.${D}/.well-known/mta-sts.txt`;

function base(overrides: Partial<MtaStsFacts> = {}): MtaStsFacts {
  return {
    domain: D,
    recordName: RECORD,
    policyHost: `mta-sts.${D}`,
    policyUrl: URL_,
    txt: { status: 'ok', texts: ['v=STSv1; id=20260101'] },
    mx: { status: 'ok', nullMx: false, hosts: ['mx1.sts.test', 'mx2.sts.test'] },
    policyHosts: ['mx1.sts.test', 'mx2.sts.test'],
    records: [{ value: 'v=STSv1; id=20260101', id: '20260101', errors: [] }],
    ...overrides,
  };
}

function served(mode: 'enforce' | 'testing' | 'none', maxAge: number, mx: string[], coverage: Array<[string, string | null]>, errors: string[] = []): Partial<MtaStsFacts> {
  return {
    policy: { fetch: 'ok', httpStatus: 200, address: '127.0.0.41', contentType: 'text/plain', bytes: 80, head: [], parsed: { version: 'STSv1', mode, maxAge, mx, errors } },
    ...(errors.length === 0 && mode !== 'none' ? { coverage: coverage.map(([host, pattern]) => ({ host, pattern })) } : {}),
  };
}

const good = served('enforce', 1209600, ['*.sts.test'], [['mx1.sts.test', '*.sts.test'], ['mx2.sts.test', '*.sts.test']]);
const txtRecord = (mode: 'enforce' | 'testing', maxAge: number) => `v=STSv1; id=${policyId(policyText(mode, ['mx1.sts.test', 'mx2.sts.test'], maxAge))}`;
const notes = (findings: { fix?: { notes?: string[] } }[]) => findings[0]!.fix!.notes!.join('\n');

const cases: Array<JudgeCase<MtaStsFacts>> = [
  { name: 'a valid enforce policy covering every MX: nothing to report', facts: base(good), ids: [] },
  {
    name: 'no record: missing, with the TXT record and a testing policy built from the MX hosts',
    facts: base({ txt: { status: 'ok', texts: ['google-site-verification=x'] }, records: [] }),
    ids: ['mta-sts/missing'],
    fixes: { 'mta-sts/missing': [{ action: 'add', name: RECORD, type: 'TXT', value: txtRecord('testing', 604800) }] },
    data: { 'mta-sts/missing': { otherRecords: 1, modeNone: false } },
    then: (findings) => expect(findings[0]!.fix!.files![0]!.content).toContain('mx: mx1.sts.test'),
  },
  {
    name: 'a bad id: invalid-record, the record replaced',
    facts: base({ records: [{ value: 'v=STSv1; id=2024-01-01', id: null, errors: ['id must be 1-32 letters and digits'] }], ...good }),
    ids: ['mta-sts/invalid-record'],
    then: (findings) => expect(findings[0]!.fix!.records![0]).toMatchObject({ action: 'replace', current: 'v=STSv1; id=2024-01-01' }),
  },
  {
    name: 'two records: both removed, one added with the first valid id',
    facts: base({ records: [{ value: 'v=STSv1; id=1', id: '1', errors: [] }, { value: 'v=STSv1; id=2', id: '2', errors: [] }], ...good }),
    ids: ['mta-sts/invalid-record'],
    fixes: {
      'mta-sts/invalid-record': [
        { action: 'remove', name: RECORD, type: 'TXT', value: 'v=STSv1; id=1', current: 'v=STSv1; id=1' },
        { action: 'remove', name: RECORD, type: 'TXT', value: 'v=STSv1; id=2', current: 'v=STSv1; id=2' },
        { action: 'add', name: RECORD, type: 'TXT', value: 'v=STSv1; id=1' },
      ],
    },
  },
  {
    name: 'the policy host has no address: an A record with a placeholder',
    facts: base({ policy: { fetch: 'dns-error', error: 'mta-sts.sts.test has no address (A: nxdomain, AAAA: nxdomain)', dnsStatus: 'nxdomain', failure: 'no-address' } }),
    ids: ['mta-sts/policy-unreachable'],
    then: (findings) => expect(findings[0]!.fix!.records![1]).toEqual({ action: 'add', name: `mta-sts.${D}`, type: 'A', value: '<POLICY-SERVER-IPV4>' }),
  },
  {
    name: 'the policy host lookup timed out: inconclusive, never unreachable',
    facts: base({ policy: { fetch: 'dns-error', error: 'A: timeout', dnsStatus: 'timeout' } }),
    ids: [],
    inconclusive: `mta-sts.${D}`,
  },
  {
    name: 'no connection: the notes say so, no A record',
    facts: base({ policy: { fetch: 'connect-error', error: '127.0.0.42 port 443: ECONNREFUSED', failure: 'connect' } }),
    ids: ['mta-sts/policy-unreachable'],
    then: (findings) => {
      expect(findings[0]!.fix!.records).toHaveLength(1);
      expect(notes(findings)).toContain('ECONNREFUSED');
    },
  },
  {
    name: 'a server that never answers in time (slow, dripping, a handshake that never ends)',
    facts: base({ policy: { fetch: 'timeout', error: 'no complete response from 127.0.0.41 port 443 within 300 ms', failure: 'timeout' } }),
    ids: ['mta-sts/policy-unreachable'],
    then: (findings) => expect(notes(findings)).toContain('did not answer in time'),
  },
  {
    name: 'a certificate failure: a certificate fix only, never a new policy or id',
    facts: base({ policy: { fetch: 'tls-error', error: 'Hostname/IP does not match certificate', failure: 'tls' } }),
    ids: ['mta-sts/policy-unreachable'],
    then: (findings) => {
      expect(findings[0]!.fix!.records).toBeUndefined();
      expect(findings[0]!.fix!.files).toBeUndefined();
    },
  },
  {
    name: 'a redirect is not followed (RFC 8461 §3.3)',
    facts: base({ policy: { fetch: 'ok', httpStatus: 301, location: 'https://elsewhere.test/', failure: 'http-status', contentType: '', bytes: 0 } }),
    ids: ['mta-sts/policy-unreachable'],
    data: { 'mta-sts/policy-unreachable': { detail: 'HTTP 301 redirect to https://elsewhere.test/ (senders do not follow redirects)' } },
    then: (findings) => expect(findings[0]!.evidence).toEqual(['HTTP 301 Location: https://elsewhere.test/']),
  },
  {
    name: 'HTTP 404',
    facts: base({ policy: { fetch: 'ok', httpStatus: 404, failure: 'http-status', contentType: 'text/html', bytes: 9 } }),
    ids: ['mta-sts/policy-unreachable'],
    then: (findings) => expect(findings[0]!.fix!.summary).toContain('HTTP 404'),
  },
  {
    name: 'a policy cut at 64 KiB and served as HTML: invalid, the observed problems first',
    facts: base(served('enforce', 86400, [], [], ['larger than 65536 bytes', 'served as "text/html", not text/plain'])),
    ids: ['mta-sts/invalid-policy'],
    data: { 'mta-sts/invalid-policy': { errors: ['larger than 65536 bytes', 'served as "text/html", not text/plain'] } },
  },
  { name: 'mode none: missing', facts: base(served('none', 86400, ['*.sts.test'], [])), ids: ['mta-sts/missing'], data: { 'mta-sts/missing': { modeNone: true } } },
  {
    name: 'an uncovered MX in enforce mode: high, the fix keeps the mode',
    facts: base(served('enforce', 1209600, ['mx1.sts.test'], [['mx1.sts.test', 'mx1.sts.test'], ['mx2.sts.test', null]])),
    ids: ['mta-sts/mx-not-covered'],
    fixes: { 'mta-sts/mx-not-covered': [{ action: 'replace', name: RECORD, type: 'TXT', value: txtRecord('enforce', 1209600), current: 'v=STSv1; id=20260101' }] },
    then: (findings) => expect(findings[0]!.severity).toBe('high'),
  },
  {
    name: 'an uncovered MX in testing mode: medium, and testing-mode',
    facts: base(served('testing', 1209600, ['mx1.sts.test'], [['mx1.sts.test', 'mx1.sts.test'], ['mx2.sts.test', null]])),
    ids: ['mta-sts/mx-not-covered', 'mta-sts/testing-mode'],
    then: (findings) => expect(findings[0]!.severity).toBe('medium'),
  },
  {
    name: 'a short max_age: one week proposed',
    facts: base(served('enforce', 3600, ['*.sts.test'], [['mx1.sts.test', '*.sts.test'], ['mx2.sts.test', '*.sts.test']])),
    ids: ['mta-sts/short-max-age'],
    fixes: { 'mta-sts/short-max-age': [{ action: 'replace', name: RECORD, type: 'TXT', value: txtRecord('enforce', 604800), current: 'v=STSv1; id=20260101' }] },
  },
  { name: 'offline: nothing fetched, nothing reported', facts: base({ policy: { fetched: false, reason: 'offline' } }), ids: [] },
  { name: 'the TXT lookup failed: inconclusive', facts: base({ txt: { status: 'servfail', texts: [] }, records: [] }), ids: [], inconclusive: 'servfail' },
  { name: 'the MX lookup failed: inconclusive', facts: base({ mx: { status: 'timeout', nullMx: false, hosts: [] } }), ids: [], inconclusive: 'timeout' },
  { name: 'a null MX: skipped', facts: base({ mx: { status: 'ok', nullMx: true, hosts: ['.'] } }), ids: [], skipped: true },
];

judgeCases(mtaStsCheck, cases);
