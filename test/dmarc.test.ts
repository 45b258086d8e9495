/**
 * The dmarc check's gathering (the DNS Tree Walk, report destinations)
 * against fixture zones, through the real resolver and the local fixture DNS
 * server, and a few runs end to end; its judging is tested on facts in
 * test/judges/dmarc.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { dmarcCheck } from '../src/checks/dmarc/index.js';
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

describe('dmarc gather: the applicable record and what it says', () => {
  it('records the policy, the own records and the errors as the record reads', async () => {
    const missing = await dmarcCheck.gather(fixture.ctx('missing.dmarc.test'));
    // The non-DMARC TXT at _dmarc is kept, not taken for a record.
    expect(missing).toMatchObject({ record: null, ownRecords: [], ownTxt: ['v=spf1 -all', 'v=dmarc1; p=reject'], inconclusive: null });
    const multiple = await dmarcCheck.gather(fixture.ctx('multiple.dmarc.test'));
    expect(multiple.ownRecords).toHaveLength(2);
    const syntax = await dmarcCheck.gather(fixture.ctx('syntax.dmarc.test'));
    // Character-strings joined (RFC 7489 §6.6.3).
    expect(syntax.record).toBe('v=DMARC1; p=reject; adkim=x; p=none; pct=150; rua=mailto:d@syntax.dmarc.test; garbage');
    expect(syntax.errors).toHaveLength(4);
    // A duplicated p counts as invalid: receivers apply p=none.
    expect(syntax.policy).toBe('none');
    // RFC 9989 §4.10.1: an invalid p with a valid rua is applied as p=none.
    expect((await dmarcCheck.gather(fixture.ctx('badp.dmarc.test'))).policy).toBe('none');
    for (const facts of [missing, multiple, syntax]) expect(dmarcCheck.facts.safeParse(facts).success).toBe(true);
  });

  it.each([
    ['valid.dmarc.test', []],
    ['syntax.dmarc.test', ['dmarc/removed-tag', 'dmarc/syntax-error']],
    ['unauthorized.dmarc.test', ['dmarc/unauthorized-report-destination']],
    ['shop.lax.dmarc.test', ['dmarc/inherited', 'dmarc/policy-none']],
    ['layered.dmarc.test', ['dmarc/no-reporting', 'dmarc/policy-none', 'dmarc/removed-tag', 'dmarc/testing-mode']],
  ])('runs end to end: %s → %j', async (domain, ids) => {
    const result = await run(domain);
    expect(result.error).toBeUndefined();
    expect(findingIds(result)).toEqual(ids);
  });

  it('runs end to end: the composed fixes agree on one record', async () => {
    const result = await run('layered.dmarc.test');
    expect(new Set(result.findings.map((item) => item.fix?.records?.[0]?.value))).toEqual(new Set(['v=DMARC1; p=quarantine; adkim=s; rua=mailto:<REPORT-MAILBOX>']));
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

  it('records unauthorised destinations, each host asked once at the exact and the wildcard name', async () => {
    const facts = await dmarcCheck.gather(fixture.ctx('unauthorized.dmarc.test'));
    expect(facts.reportDestinations.map((item) => [item.tag, item.host, item.authorization])).toEqual([
      ['rua', 'reports.example.net', 'unauthorized'],
      ['rua', 'other.example.org', 'unauthorized'],
      ['ruf', 'other.example.org', 'unauthorized'],
    ]);
    expect(facts.reportAuthorizations).toEqual([
      {
        host: 'reports.example.net',
        status: 'unauthorized',
        name: 'unauthorized.dmarc.test._report._dmarc.reports.example.net',
        wildcardName: '*._report._dmarc.reports.example.net',
        queries: [
          { name: 'unauthorized.dmarc.test._report._dmarc.reports.example.net', status: 'nxdomain' },
          { name: '*._report._dmarc.reports.example.net', status: 'nxdomain' },
        ],
      },
      {
        host: 'other.example.org',
        status: 'unauthorized',
        name: 'unauthorized.dmarc.test._report._dmarc.other.example.org',
        wildcardName: '*._report._dmarc.other.example.org',
        queries: [
          { name: 'unauthorized.dmarc.test._report._dmarc.other.example.org', status: 'nxdomain' },
          { name: '*._report._dmarc.other.example.org', status: 'nxdomain' },
        ],
      },
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

  // A timed-out walk (slow.dmarc.test) is in the getDmarcPolicy tests below and in the judge table.
  it.each([
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
