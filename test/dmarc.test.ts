/**
 * The dmarc check against fixture zones, through the real resolver and the
 * local fixture DNS server.
 */
import { describe, expect, it } from 'vitest';
import { dmarcCheck } from '../src/checks/dmarc.js';
import { getDmarcPolicy } from '../src/lookups/dmarc.js';
import type { CheckResult } from '../src/schema/report.js';
import { findingById, findingIds, runCheck, useFixture } from './helpers/context.js';

const FIXTURES = [
  'dmarc-valid',
  'dmarc-missing',
  'dmarc-multiple-records',
  'dmarc-syntax-error',
  'dmarc-policy-none',
  'dmarc-partial-pct',
  'dmarc-weak-subdomain-policy',
  'dmarc-testing-mode',
  'dmarc-no-reporting',
  'dmarc-invalid-report-uri',
  'dmarc-external-rua',
  'dmarc-inherited',
  'dmarc-psd',
  'dmarc-dns-failure',
  'dmarc-tags',
  'dmarc-composed',
];

const fixture = useFixture(FIXTURES);

const run = (domain: string): Promise<CheckResult> => runCheck(dmarcCheck, fixture.ctx(domain));

/** The single fix record of a finding. */
function fixRecord(result: CheckResult, id: string) {
  const records = findingById(result, id).fix?.records ?? [];
  expect(records).toHaveLength(1);
  return records[0];
}

describe('dmarc: finding ids per scenario', () => {
  it.each([
    ['valid.dmarc.test', []],
    ['missing.dmarc.test', ['dmarc/missing']],
    ['bare.dmarc.test', ['dmarc/missing']],
    ['multiple.dmarc.test', ['dmarc/multiple-records']],
    ['syntax.dmarc.test', ['dmarc/removed-tag', 'dmarc/syntax-error']],
    ['badp.dmarc.test', ['dmarc/syntax-error']],
    ['none.dmarc.test', ['dmarc/policy-none']],
    ['nop.dmarc.test', ['dmarc/policy-none']],
    ['pct.dmarc.test', ['dmarc/partial-pct', 'dmarc/removed-tag']],
    ['weaksub.dmarc.test', ['dmarc/weak-subdomain-policy']],
    ['testing.dmarc.test', ['dmarc/testing-mode']],
    ['noreport.dmarc.test', ['dmarc/no-reporting']],
    ['baduri.dmarc.test', ['dmarc/invalid-report-uri']],
    ['authorized.dmarc.test', []],
    ['wildcard.dmarc.test', []],
    ['unauthorized.dmarc.test', ['dmarc/unauthorized-report-destination']],
    ['sub.parent.dmarc.test', ['dmarc/inherited']],
    ['a.b.c.parent.dmarc.test', ['dmarc/inherited']],
    ['ghost.parent.dmarc.test', ['dmarc/inherited']],
    ['lax.dmarc.test', ['dmarc/weak-subdomain-policy']],
    ['shop.lax.dmarc.test', ['dmarc/inherited', 'dmarc/policy-none']],
    ['mail.multi.dmarc.test', ['dmarc/policy-none']],
    ['a.mail.multi.dmarc.test', ['dmarc/inherited']],
    ['bank.psd.dmarc.test', ['dmarc/inherited']],
    ['own.psd.dmarc.test', []],
    ['tags.dmarc.test', ['dmarc/removed-tag', 'dmarc/unknown-tag']],
  ])('%s → %j', async (domain, ids) => {
    const result = await run(domain);
    expect(result.error).toBeUndefined();
    expect(findingIds(result)).toEqual(ids);
  });

  it('gives the catalogue severities', async () => {
    const severities = new Map<string, string>();
    for (const domain of ['missing.dmarc.test', 'multiple.dmarc.test', 'badp.dmarc.test', 'none.dmarc.test', 'pct.dmarc.test', 'weaksub.dmarc.test',
      'testing.dmarc.test', 'noreport.dmarc.test', 'baduri.dmarc.test', 'unauthorized.dmarc.test', 'sub.parent.dmarc.test', 'tags.dmarc.test']) {
      for (const item of (await run(domain)).findings) severities.set(item.id, item.severity);
    }
    expect(Object.fromEntries(severities)).toEqual({
      'dmarc/missing': 'critical',
      'dmarc/multiple-records': 'critical',
      'dmarc/syntax-error': 'critical',
      'dmarc/policy-none': 'high',
      'dmarc/partial-pct': 'medium',
      'dmarc/weak-subdomain-policy': 'medium',
      'dmarc/testing-mode': 'low',
      'dmarc/no-reporting': 'low',
      'dmarc/invalid-report-uri': 'medium',
      'dmarc/unauthorized-report-destination': 'medium',
      'dmarc/inherited': 'info',
      'dmarc/removed-tag': 'info',
      'dmarc/unknown-tag': 'info',
    });
  });
});

describe('dmarc: fixes carry the exact records', () => {
  it('missing: the starter record with the report mailbox placeholder', async () => {
    const result = await run('missing.dmarc.test');
    expect(result.status).toBe('fail');
    const fix = findingById(result, 'dmarc/missing').fix!;
    expect(fix.records).toEqual([
      { action: 'add', name: '_dmarc.missing.dmarc.test', type: 'TXT', value: 'v=DMARC1; p=none; rua=mailto:<REPORT-MAILBOX>' },
    ]);
    expect(Object.keys(fix.placeholders ?? {})).toEqual(['REPORT-MAILBOX']);
    // The non-DMARC TXT at _dmarc is evidence, not a record.
    expect(result.facts.record).toBeNull();
    expect(findingById(result, 'dmarc/missing').evidence).toContain('_dmarc.missing.dmarc.test TXT "v=dmarc1; p=reject"');
  });

  it('policy-none: the same record with p=quarantine, and p=reject named as the next step', async () => {
    const result = await run('none.dmarc.test');
    const fix = findingById(result, 'dmarc/policy-none').fix!;
    expect(fix.records).toEqual([
      {
        action: 'replace',
        name: '_dmarc.none.dmarc.test',
        type: 'TXT',
        value: 'v=DMARC1; p=quarantine; rua=mailto:dmarc@none.dmarc.test',
        current: 'v=DMARC1; p=none; rua=mailto:dmarc@none.dmarc.test',
      },
    ]);
    expect(fix.notes?.some((note) => note.includes('v=DMARC1; p=reject; rua=mailto:dmarc@none.dmarc.test'))).toBe(true);
    expect(fixRecord(await run('nop.dmarc.test'), 'dmarc/policy-none').value).toBe('v=DMARC1; p=quarantine; rua=mailto:dmarc@nop.dmarc.test');
  });

  it('policy-none inherited through sp=none: the subdomain publishes its own record', async () => {
    const result = await run('shop.lax.dmarc.test');
    expect(fixRecord(result, 'dmarc/policy-none')).toEqual({
      action: 'add',
      name: '_dmarc.shop.lax.dmarc.test',
      type: 'TXT',
      value: 'v=DMARC1; p=quarantine; rua=mailto:dmarc@lax.dmarc.test',
    });
  });

  it('multiple records: remove all but the first', async () => {
    const result = await run('multiple.dmarc.test');
    expect(result.facts.ownRecords).toHaveLength(2);
    const records = findingById(result, 'dmarc/multiple-records').fix?.records ?? [];
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ action: 'remove', name: '_dmarc.multiple.dmarc.test', type: 'TXT' });
    expect(result.facts.ownRecords).toContain(records[0].value);
    expect(records[0].value).toBe((result.facts.ownRecords as string[])[1]);
  });

  it('syntax errors: the corrected record', async () => {
    const result = await run('syntax.dmarc.test');
    expect(result.facts.errors).toHaveLength(4);
    expect(fixRecord(result, 'dmarc/syntax-error')).toEqual({
      action: 'replace',
      name: '_dmarc.syntax.dmarc.test',
      type: 'TXT',
      value: 'v=DMARC1; p=reject; rua=mailto:d@syntax.dmarc.test',
      current: 'v=DMARC1; p=reject; adkim=x; p=none; pct=150; rua=mailto:d@syntax.dmarc.test; garbage',
    });
    const badp = await run('badp.dmarc.test');
    expect(fixRecord(badp, 'dmarc/syntax-error').value).toBe('v=DMARC1; p=none; rua=mailto:d@badp.dmarc.test');
    // RFC 9989 §4.10.1: an invalid p with a valid rua is applied as p=none.
    expect(badp.facts.policy).toBe('none');
    // A duplicated p counts as invalid too.
    expect(result.facts.policy).toBe('none');
  });

  it.each([
    ['pct.dmarc.test', 'dmarc/partial-pct', 'v=DMARC1; p=quarantine; rua=mailto:dmarc@pct.dmarc.test'],
    ['weaksub.dmarc.test', 'dmarc/weak-subdomain-policy', 'v=DMARC1; p=reject; rua=mailto:dmarc@weaksub.dmarc.test'],
    ['testing.dmarc.test', 'dmarc/testing-mode', 'v=DMARC1; p=reject; rua=mailto:dmarc@testing.dmarc.test'],
    ['noreport.dmarc.test', 'dmarc/no-reporting', 'v=DMARC1; p=reject; adkim=s; rua=mailto:<REPORT-MAILBOX>'],
    ['baduri.dmarc.test', 'dmarc/invalid-report-uri', 'v=DMARC1; p=reject; rua=mailto:dmarc@baduri.dmarc.test,mailto:agg@baduri.dmarc.test!10m'],
    // Both fixes replace the same record: each proposes it without the removed and the unknown tags.
    ['tags.dmarc.test', 'dmarc/removed-tag', 'v=DMARC1; p=reject; rua=mailto:dmarc@tags.dmarc.test'],
    ['tags.dmarc.test', 'dmarc/unknown-tag', 'v=DMARC1; p=reject; rua=mailto:dmarc@tags.dmarc.test'],
    ['pct.dmarc.test', 'dmarc/removed-tag', 'v=DMARC1; p=quarantine; rua=mailto:dmarc@pct.dmarc.test'],
    ['syntax.dmarc.test', 'dmarc/removed-tag', 'v=DMARC1; p=reject; rua=mailto:d@syntax.dmarc.test'],
  ])('%s %s → %s', async (domain, id, value) => {
    const record = fixRecord(await run(domain), id);
    expect(record).toMatchObject({ action: 'replace', name: `_dmarc.${domain}`, type: 'TXT', value });
  });

  it('fixes of one record compose: p=none without rua gives one target with both changes', async () => {
    const result = await run('plain.dmarc.test');
    expect(findingIds(result)).toEqual(['dmarc/no-reporting', 'dmarc/policy-none']);
    const target = {
      action: 'replace',
      name: '_dmarc.plain.dmarc.test',
      type: 'TXT',
      value: 'v=DMARC1; p=quarantine; rua=mailto:<REPORT-MAILBOX>',
      current: 'v=DMARC1; p=none',
    };
    for (const id of ['dmarc/policy-none', 'dmarc/no-reporting']) {
      const fix = findingById(result, id).fix!;
      expect(fix.records).toEqual([target]);
      expect(Object.keys(fix.placeholders ?? {})).toEqual(['REPORT-MAILBOX']);
    }
    expect(findingById(result, 'dmarc/policy-none').fix?.notes?.some((note) => note.includes('v=DMARC1; p=reject; rua=mailto:<REPORT-MAILBOX>'))).toBe(true);
  });

  it('fixes of one record compose: four findings, one target record', async () => {
    const result = await run('layered.dmarc.test');
    const ids = ['dmarc/no-reporting', 'dmarc/policy-none', 'dmarc/removed-tag', 'dmarc/testing-mode'];
    expect(findingIds(result)).toEqual(ids);
    for (const id of ids) {
      expect(fixRecord(result, id)).toEqual({
        action: 'replace',
        name: '_dmarc.layered.dmarc.test',
        type: 'TXT',
        value: 'v=DMARC1; p=quarantine; adkim=s; rua=mailto:<REPORT-MAILBOX>',
        current: 'v=DMARC1; p=none; t=y; ri=3600; adkim=s',
      });
    }
    // The ranked fixes agree on the record too.
    expect(new Set(result.findings.map((item) => item.fix?.records?.[0]?.value)).size).toBe(1);
  });

  it('an inherited p=none over several own records replaces the record that dmarc/multiple-records keeps', async () => {
    const result = await run('twice.none.dmarc.test');
    expect(findingIds(result)).toEqual(['dmarc/inherited', 'dmarc/multiple-records', 'dmarc/policy-none']);
    expect(findingById(result, 'dmarc/multiple-records').fix?.records).toEqual([
      { action: 'remove', name: '_dmarc.twice.none.dmarc.test', type: 'TXT', value: 'v=DMARC1; p=quarantine', current: 'v=DMARC1; p=quarantine' },
    ]);
    expect(fixRecord(result, 'dmarc/policy-none')).toEqual({
      action: 'replace',
      name: '_dmarc.twice.none.dmarc.test',
      type: 'TXT',
      value: 'v=DMARC1; p=quarantine; rua=mailto:dmarc@none.dmarc.test',
      current: 'v=DMARC1; p=reject',
    });
  });

  it('no-reporting names its placeholder', async () => {
    const fix = findingById(await run('noreport.dmarc.test'), 'dmarc/no-reporting').fix!;
    expect(Object.keys(fix.placeholders ?? {})).toEqual(['REPORT-MAILBOX']);
  });
});

describe('dmarc: external report destinations (RFC 7489 §7.1)', () => {
  it('accepts a destination that authorises the domain explicitly', async () => {
    const result = await run('authorized.dmarc.test');
    expect(result.facts.reportDestinations).toEqual([
      {
        tag: 'rua',
        uri: 'mailto:agg@reports.example.net',
        valid: true,
        host: 'reports.example.net',
        external: true,
        authorization: 'authorized',
        authorizationName: 'authorized.dmarc.test._report._dmarc.reports.example.net',
        via: 'exact',
      },
    ]);
  });

  it('accepts a destination that authorises every domain by wildcard', async () => {
    const result = await run('wildcard.dmarc.test');
    expect(result.facts.reportDestinations).toMatchObject([{ host: 'wild.example.com', external: true, authorization: 'authorized', via: 'wildcard' }]);
  });

  it('reports unauthorised destinations with the record each must publish', async () => {
    const result = await run('unauthorized.dmarc.test');
    const destinations = result.facts.reportDestinations as Array<Record<string, unknown>>;
    expect(destinations.map((item) => [item.tag, item.host, item.authorization])).toEqual([
      ['rua', 'reports.example.net', 'unauthorized'],
      ['rua', 'other.example.org', 'unauthorized'],
      ['ruf', 'other.example.org', 'unauthorized'],
    ]);
    expect(findingById(result, 'dmarc/unauthorized-report-destination').fix?.records).toEqual([
      { action: 'add', name: 'unauthorized.dmarc.test._report._dmarc.reports.example.net', type: 'TXT', value: 'v=DMARC1' },
      { action: 'add', name: 'unauthorized.dmarc.test._report._dmarc.other.example.org', type: 'TXT', value: 'v=DMARC1' },
    ]);
  });

  it('treats mailboxes inside the Organizational Domain as internal', async () => {
    const valid = await run('valid.dmarc.test');
    expect((valid.facts.reportDestinations as Array<Record<string, unknown>>).map((item) => item.authorization)).toEqual([
      'internal',
      'internal',
      'internal',
    ]);
    // mail.multi.dmarc.test reports to its Organizational Domain multi.dmarc.test.
    const multi = await run('mail.multi.dmarc.test');
    expect(multi.facts.organizationalDomain).toBe('multi.dmarc.test');
    expect(multi.facts.reportDestinations).toMatchObject([{ host: 'multi.dmarc.test', authorization: 'internal' }]);
  });

  it('is inconclusive, not unauthorised, when the destination does not answer', async () => {
    const result = await run('timeout.dmarc.test');
    expect(result.status).toBe('error');
    expect(result.error).toContain('timeout.dmarc.test._report._dmarc.slow.example.org');
    expect(findingIds(result)).toEqual([]);
    expect(result.facts.reportDestinations).toMatchObject([{ host: 'slow.example.org', authorization: 'inconclusive' }]);
  });
});

describe('dmarc: discovery by DNS Tree Walk (RFC 9989 §4.10)', () => {
  it('an existing subdomain inherits the organisational domain\'s sp', async () => {
    const result = await run('sub.parent.dmarc.test');
    expect(result.facts).toMatchObject({
      source: 'organizational-domain',
      foundAt: 'parent.dmarc.test',
      recordName: '_dmarc.parent.dmarc.test',
      policy: 'quarantine',
      subdomainPolicy: 'quarantine',
      nonExistentSubdomainPolicy: 'reject',
      organizationalDomain: 'parent.dmarc.test',
      domainExists: true,
    });
    expect(findingById(result, 'dmarc/inherited').evidence).toEqual([
      '_dmarc.parent.dmarc.test TXT "v=DMARC1; p=reject; sp=quarantine; np=reject; rua=mailto:dmarc@parent.dmarc.test"',
    ]);
  });

  it('a non-existent subdomain gets np', async () => {
    const result = await run('ghost.parent.dmarc.test');
    expect(result.facts).toMatchObject({ policy: 'reject', domainExists: false, foundAt: 'parent.dmarc.test' });
  });

  it('walks one label at a time from a deep subdomain', async () => {
    const result = await run('a.b.c.parent.dmarc.test');
    const walk = result.facts.walk as Array<{ name: string; status: string }>;
    expect(walk.map((step) => step.name)).toEqual([
      '_dmarc.a.b.c.parent.dmarc.test',
      '_dmarc.b.c.parent.dmarc.test',
      '_dmarc.c.parent.dmarc.test',
      '_dmarc.parent.dmarc.test',
      '_dmarc.dmarc.test',
      '_dmarc.test',
    ]);
    expect(walk.map((step) => step.status)).toEqual(['nxdomain', 'nxdomain', 'nxdomain', 'ok', 'nxdomain', 'nxdomain']);
    expect(result.facts.policy).toBe('quarantine');
  });

  it('takes the policy of the Organizational Domain (fewest labels), not the nearest record', async () => {
    const result = await run('a.mail.multi.dmarc.test');
    expect(result.facts).toMatchObject({ foundAt: 'multi.dmarc.test', organizationalDomain: 'multi.dmarc.test', policy: 'reject' });
    // The subdomains of mail.multi.dmarc.test take sp from the Organizational Domain, not from mail.multi's sp=none.
    const mail = await run('mail.multi.dmarc.test');
    expect(mail.facts).toMatchObject({ source: 'domain', policy: 'none', subdomainPolicy: 'reject', subdomainPolicyFrom: 'multi.dmarc.test' });
  });

  it('applies a public suffix domain\'s policy (psd=y) to a registrant without a record', async () => {
    const result = await run('www.bank.psd.dmarc.test');
    expect(result.facts).toMatchObject({
      source: 'public-suffix-domain',
      foundAt: 'psd.dmarc.test',
      organizationalDomain: 'bank.psd.dmarc.test',
      policy: 'quarantine',
    });
    const own = await run('own.psd.dmarc.test');
    expect(own.facts).toMatchObject({ source: 'domain', organizationalDomain: 'own.psd.dmarc.test', policy: 'reject' });
  });

  it.each([
    ['slow.dmarc.test', '_dmarc.slow.dmarc.test: timeout'],
    ['broken.dmarc.test', '_dmarc.broken.dmarc.test: servfail'],
    ['sub.broken.dmarc.test', '_dmarc.broken.dmarc.test: servfail'],
  ])('%s: a DNS failure is inconclusive, never dmarc/missing', async (domain, failure) => {
    const result = await run(domain);
    expect(result.status).toBe('error');
    expect(result.error).toContain(failure);
    expect(findingIds(result)).toEqual([]);
  });
});

describe('getDmarcPolicy (shared with bimi)', () => {
  it.each([
    ['valid.dmarc.test', { policy: 'reject', enforced: true, testing: false, pct: 100, source: 'domain' }],
    ['testing.dmarc.test', { policy: 'reject', enforced: false, testing: true }],
    ['pct.dmarc.test', { policy: 'quarantine', enforced: false, pct: 50 }],
    ['none.dmarc.test', { policy: 'none', enforced: false }],
    ['sub.parent.dmarc.test', { policy: 'quarantine', enforced: true, source: 'organizational-domain' }],
    ['missing.dmarc.test', { policy: null, enforced: false, source: null, record: null }],
  ])('%s', async (domain, expected) => {
    const policy = await getDmarcPolicy(fixture.ctx(domain));
    expect(policy).toMatchObject(expected);
    expect(policy.inconclusive).toBeUndefined();
  });

  it('is computed once per context', async () => {
    const ctx = fixture.ctx('valid.dmarc.test');
    const [first, second] = await Promise.all([getDmarcPolicy(ctx), getDmarcPolicy(ctx)]);
    expect(first).toBe(second);
  });

  it('says inconclusive on a DNS failure', async () => {
    const policy = await getDmarcPolicy(fixture.ctx('slow.dmarc.test'));
    expect(policy.inconclusive).toBe('TXT _dmarc.slow.dmarc.test: timeout');
    expect(policy.policy).toBeNull();
  });
});
