/**
 * The dmarc judge on facts: finding ids per scenario, catalogue severities,
 * and the exact records of the composed fixes (RFC 7489, RFC 9989).
 */
import { describe, expect, it } from 'vitest';
import { judgeFacts } from '../../src/checks/define.js';
import { dmarcCheck, type DmarcFacts } from '../../src/checks/dmarc/index.js';
import type { ReportAuthorizationFact } from '../../src/checks/dmarc/facts.js';
import { recordPolicies } from '../../src/dmarc/discovery.js';
import { parseDmarcRecord } from '../../src/dmarc/record.js';
import type { FixRecord } from '../../src/schema/report.js';
import { judgeCases } from '../helpers/judge.js';

interface Scenario {
  /** The applicable record (the domain's own unless `foundAt` says otherwise). */
  record?: string;
  /** Where an inherited record was found. */
  foundAt?: string;
  source?: DmarcFacts['source'];
  /** The effective policy (default: the record's p, as receivers apply it). */
  policy?: DmarcFacts['policy'];
  /** Every TXT record at _dmarc.<domain> (default: the own record). */
  ownTxt?: string[];
  authorizations?: ReportAuthorizationFact[];
  inconclusive?: string;
}

/** The facts the gatherer records for `domain` in `scenario`. */
function facts(domain: string, scenario: Scenario = {}): DmarcFacts {
  const foundAt = scenario.record === undefined ? null : (scenario.foundAt ?? domain);
  const parsed = scenario.record === undefined ? undefined : parseDmarcRecord(scenario.record);
  const own = scenario.ownTxt ?? (foundAt === domain && scenario.record !== undefined ? [scenario.record] : []);
  const ownRecords = own.filter((txt) => txt.startsWith('v=DMARC1'));
  const policies = parsed ? recordPolicies(parsed) : { policy: null, subdomainPolicy: null, nonExistentSubdomainPolicy: null };
  const policy = scenario.policy !== undefined ? scenario.policy : policies.policy;
  return {
    domain,
    inconclusive: scenario.inconclusive ?? null,
    record: scenario.record ?? null,
    recordName: foundAt === null ? null : `_dmarc.${foundAt}`,
    source: foundAt === null ? null : (scenario.source ?? (foundAt === domain ? 'domain' : 'organizational-domain')),
    foundAt,
    ownRecords,
    ownTxt: own,
    tags: Object.fromEntries((parsed?.tags ?? []).map((tag) => [tag.name, tag.value])),
    errors: parsed?.errors.map((error) => error.problem) ?? [],
    unknownTags: parsed?.unknownTags ?? [],
    removedTags: parsed?.removedTags ?? [],
    policy,
    subdomainPolicy: policies.subdomainPolicy,
    nonExistentSubdomainPolicy: policies.nonExistentSubdomainPolicy,
    subdomainPolicyFrom: foundAt,
    pct: parsed?.pct ?? 100,
    testing: parsed?.t === 'y',
    enforced: (policy === 'quarantine' || policy === 'reject') && (parsed?.pct ?? 100) === 100 && parsed?.t !== 'y',
    alignment: parsed ? { dkim: parsed.adkim, spf: parsed.aspf } : null,
    organizationalDomain: foundAt ?? domain,
    organizationalDomainComplete: scenario.inconclusive === undefined,
    domainExists: true,
    walk: [{ name: `_dmarc.${domain}`, status: own.length > 0 ? 'ok' : 'nxdomain', records: own }],
    reportDestinations: [],
    reportAuthorizations: scenario.authorizations ?? [],
  };
}

/** An external destination's authorisation lookup. */
function authorization(policyDomain: string, host: string, status: ReportAuthorizationFact['status']): ReportAuthorizationFact {
  const name = `${policyDomain}._report._dmarc.${host}`;
  const wildcardName = `*._report._dmarc.${host}`;
  const answer = status === 'inconclusive' ? 'timeout' : 'nxdomain';
  return { host, status, name, wildcardName, queries: [{ name, status: answer }, ...(status === 'inconclusive' ? [] : [{ name: wildcardName, status: 'nxdomain' as const }])] };
}

const replace = (domain: string, value: string, current: string): FixRecord => ({ action: 'replace', name: `_dmarc.${domain}`, type: 'TXT', value, current });

const SCENARIOS: Record<string, DmarcFacts> = {
  valid: facts('valid.dmarc.test', { record: 'v=DMARC1; p=reject; rua=mailto:dmarc@valid.dmarc.test,mailto:agg@reports.valid.dmarc.test; ruf=mailto:forensic@valid.dmarc.test; fo=1' }),
  missing: facts('missing.dmarc.test', { ownTxt: ['v=spf1 -all', 'v=dmarc1; p=reject'] }),
  bare: facts('bare.dmarc.test'),
  multiple: facts('multiple.dmarc.test', { ownTxt: ['v=DMARC1; p=reject; rua=mailto:d@multiple.dmarc.test', 'v=DMARC1; p=none'] }),
  syntax: facts('syntax.dmarc.test', { record: 'v=DMARC1; p=reject; adkim=x; p=none; pct=150; rua=mailto:d@syntax.dmarc.test; garbage' }),
  badp: facts('badp.dmarc.test', { record: 'v=DMARC1; p=block; rua=mailto:d@badp.dmarc.test' }),
  none: facts('none.dmarc.test', { record: 'v=DMARC1; p=none; rua=mailto:dmarc@none.dmarc.test' }),
  nop: facts('nop.dmarc.test', { record: 'v=DMARC1; rua=mailto:dmarc@nop.dmarc.test' }),
  pct: facts('pct.dmarc.test', { record: 'v=DMARC1; p=quarantine; pct=50; rua=mailto:dmarc@pct.dmarc.test' }),
  weaksub: facts('weaksub.dmarc.test', { record: 'v=DMARC1; p=reject; sp=none; np=none; rua=mailto:dmarc@weaksub.dmarc.test' }),
  testing: facts('testing.dmarc.test', { record: 'v=DMARC1; p=reject; t=y; rua=mailto:dmarc@testing.dmarc.test' }),
  noreport: facts('noreport.dmarc.test', { record: 'v=DMARC1; p=reject; adkim=s' }),
  baduri: facts('baduri.dmarc.test', { record: 'v=DMARC1; p=reject; rua=dmarc@baduri.dmarc.test,mailto:agg@baduri.dmarc.test!10m; ruf=mailto:nobody' }),
  authorized: facts('authorized.dmarc.test', {
    record: 'v=DMARC1; p=reject; rua=mailto:agg@reports.example.net',
    authorizations: [{ ...authorization('authorized.dmarc.test', 'reports.example.net', 'authorized'), via: 'exact' }],
  }),
  unauthorized: facts('unauthorized.dmarc.test', {
    record: 'v=DMARC1; p=reject; rua=mailto:agg@reports.example.net,mailto:dmarc@other.example.org; ruf=mailto:f@other.example.org',
    authorizations: [authorization('unauthorized.dmarc.test', 'reports.example.net', 'unauthorized'), authorization('unauthorized.dmarc.test', 'other.example.org', 'unauthorized')],
  }),
  timeout: facts('timeout.dmarc.test', {
    record: 'v=DMARC1; p=reject; rua=mailto:agg@slow.example.org',
    authorizations: [authorization('timeout.dmarc.test', 'slow.example.org', 'inconclusive')],
  }),
  sub: facts('sub.parent.dmarc.test', { record: 'v=DMARC1; p=reject; sp=quarantine; np=reject; rua=mailto:dmarc@parent.dmarc.test', foundAt: 'parent.dmarc.test', policy: 'quarantine' }),
  ghost: facts('ghost.parent.dmarc.test', { record: 'v=DMARC1; p=reject; sp=quarantine; np=reject; rua=mailto:dmarc@parent.dmarc.test', foundAt: 'parent.dmarc.test', policy: 'reject' }),
  lax: facts('lax.dmarc.test', { record: 'v=DMARC1; p=reject; sp=none; rua=mailto:dmarc@lax.dmarc.test' }),
  shopLax: facts('shop.lax.dmarc.test', { record: 'v=DMARC1; p=reject; sp=none; rua=mailto:dmarc@lax.dmarc.test', foundAt: 'lax.dmarc.test', policy: 'none' }),
  mailMulti: facts('mail.multi.dmarc.test', { record: 'v=DMARC1; p=none; sp=none; rua=mailto:dmarc@multi.dmarc.test' }),
  aMailMulti: facts('a.mail.multi.dmarc.test', { record: 'v=DMARC1; p=reject; rua=mailto:dmarc@multi.dmarc.test', foundAt: 'multi.dmarc.test' }),
  bank: facts('bank.psd.dmarc.test', {
    record: 'v=DMARC1; p=reject; sp=quarantine; psd=y; rua=mailto:psd-reports@psd.dmarc.test',
    foundAt: 'psd.dmarc.test',
    source: 'public-suffix-domain',
    policy: 'reject',
  }),
  ownPsd: facts('own.psd.dmarc.test', { record: 'v=DMARC1; p=reject; rua=mailto:d@own.psd.dmarc.test' }),
  tags: facts('tags.dmarc.test', { record: 'v=DMARC1; p=reject; rua=mailto:dmarc@tags.dmarc.test; rf=afrf; ri=3600; pct=100; polcy=reject' }),
  plain: facts('plain.dmarc.test', { record: 'v=DMARC1; p=none' }),
  layered: facts('layered.dmarc.test', { record: 'v=DMARC1; p=none; t=y; ri=3600; adkim=s' }),
  twice: facts('twice.none.dmarc.test', {
    record: 'v=DMARC1; p=none; rua=mailto:dmarc@none.dmarc.test',
    foundAt: 'none.dmarc.test',
    policy: 'none',
    ownTxt: ['v=DMARC1; p=reject', 'v=DMARC1; p=quarantine'],
  }),
};

describe('dmarc judge: finding ids per scenario', () => {
  judgeCases(dmarcCheck, [
    { name: 'valid', facts: SCENARIOS.valid!, ids: [] },
    { name: 'missing (a miscased record is evidence, not a record)', facts: SCENARIOS.missing!, ids: ['dmarc/missing'] },
    { name: 'bare', facts: SCENARIOS.bare!, ids: ['dmarc/missing'] },
    { name: 'multiple', facts: SCENARIOS.multiple!, ids: ['dmarc/multiple-records'] },
    { name: 'syntax', facts: SCENARIOS.syntax!, ids: ['dmarc/syntax-error', 'dmarc/removed-tag'] },
    { name: 'badp', facts: SCENARIOS.badp!, ids: ['dmarc/syntax-error'] },
    { name: 'none', facts: SCENARIOS.none!, ids: ['dmarc/policy-none'] },
    { name: 'nop', facts: SCENARIOS.nop!, ids: ['dmarc/policy-none'] },
    { name: 'pct', facts: SCENARIOS.pct!, ids: ['dmarc/partial-pct', 'dmarc/removed-tag'] },
    { name: 'weaksub', facts: SCENARIOS.weaksub!, ids: ['dmarc/weak-subdomain-policy'] },
    { name: 'testing', facts: SCENARIOS.testing!, ids: ['dmarc/testing-mode'] },
    { name: 'noreport', facts: SCENARIOS.noreport!, ids: ['dmarc/no-reporting'] },
    { name: 'baduri', facts: SCENARIOS.baduri!, ids: ['dmarc/invalid-report-uri'] },
    { name: 'authorized', facts: SCENARIOS.authorized!, ids: [] },
    { name: 'unauthorized', facts: SCENARIOS.unauthorized!, ids: ['dmarc/unauthorized-report-destination'] },
    { name: 'an inherited policy', facts: SCENARIOS.sub!, ids: ['dmarc/inherited'] },
    { name: 'an inherited np', facts: SCENARIOS.ghost!, ids: ['dmarc/inherited'] },
    { name: 'lax', facts: SCENARIOS.lax!, ids: ['dmarc/weak-subdomain-policy'] },
    { name: 'an inherited sp=none', facts: SCENARIOS.shopLax!, ids: ['dmarc/inherited', 'dmarc/policy-none'] },
    { name: 'mail.multi', facts: SCENARIOS.mailMulti!, ids: ['dmarc/policy-none'] },
    { name: 'a.mail.multi', facts: SCENARIOS.aMailMulti!, ids: ['dmarc/inherited'] },
    { name: 'a public suffix domain\'s policy', facts: SCENARIOS.bank!, ids: ['dmarc/inherited'] },
    { name: 'own record below a public suffix domain', facts: SCENARIOS.ownPsd!, ids: [] },
    { name: 'tags', facts: SCENARIOS.tags!, ids: ['dmarc/unknown-tag', 'dmarc/removed-tag'] },
    {
      name: 'a destination that does not answer: inconclusive, not unauthorised',
      facts: SCENARIOS.timeout!,
      ids: [],
      inconclusive: 'timeout.dmarc.test._report._dmarc.slow.example.org',
    },
    { name: 'a timed-out walk: inconclusive, never dmarc/missing', facts: facts('slow.dmarc.test', { inconclusive: 'TXT _dmarc.slow.dmarc.test: timeout' }), ids: [], inconclusive: '_dmarc.slow.dmarc.test: timeout' },
    {
      name: 'a failed walk above the domain: inconclusive',
      facts: facts('sub.broken.dmarc.test', { inconclusive: 'TXT _dmarc.broken.dmarc.test: servfail' }),
      ids: [],
      inconclusive: '_dmarc.broken.dmarc.test: servfail',
    },
  ]);

  it('gives the catalogue severities', () => {
    const severities = new Map<string, string>();
    for (const scenario of ['missing', 'multiple', 'badp', 'none', 'pct', 'weaksub', 'testing', 'noreport', 'baduri', 'unauthorized', 'sub', 'tags']) {
      for (const item of judgeFacts(dmarcCheck, SCENARIOS[scenario]!).findings) severities.set(item.id, item.severity);
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

describe('dmarc judge: fixes carry the exact records', () => {
  const finding = (scenario: string, id: string) => {
    const found = judgeFacts(dmarcCheck, SCENARIOS[scenario]!).findings.find((item) => item.id === id);
    if (!found) throw new Error(`no ${id} for ${scenario}`);
    return found;
  };

  judgeCases(dmarcCheck, [
    {
      name: 'missing: the starter record with the report mailbox placeholder; the miscased TXT is evidence',
      facts: SCENARIOS.missing!,
      ids: ['dmarc/missing'],
      fixes: { 'dmarc/missing': [{ action: 'add', name: '_dmarc.missing.dmarc.test', type: 'TXT', value: 'v=DMARC1; p=none; rua=mailto:<REPORT-MAILBOX>' }] },
      then: ([missing]) => {
        expect(Object.keys(missing!.fix!.placeholders ?? {})).toEqual(['REPORT-MAILBOX']);
        expect(missing!.evidence).toContain('_dmarc.missing.dmarc.test TXT "v=dmarc1; p=reject"');
        expect(missing!.severity).toBe('critical');
      },
    },
    {
      name: 'policy-none: the same record with p=quarantine, and p=reject named as the next step',
      facts: SCENARIOS.none!,
      ids: ['dmarc/policy-none'],
      fixes: { 'dmarc/policy-none': [replace('none.dmarc.test', 'v=DMARC1; p=quarantine; rua=mailto:dmarc@none.dmarc.test', 'v=DMARC1; p=none; rua=mailto:dmarc@none.dmarc.test')] },
      then: ([none]) => expect(none!.fix!.notes?.some((note) => note.includes('v=DMARC1; p=reject; rua=mailto:dmarc@none.dmarc.test'))).toBe(true),
    },
    {
      name: 'policy-none without a p tag',
      facts: SCENARIOS.nop!,
      ids: ['dmarc/policy-none'],
      fixes: { 'dmarc/policy-none': [replace('nop.dmarc.test', 'v=DMARC1; p=quarantine; rua=mailto:dmarc@nop.dmarc.test', 'v=DMARC1; rua=mailto:dmarc@nop.dmarc.test')] },
    },
    {
      name: 'policy-none inherited through sp=none: the subdomain publishes its own record',
      facts: SCENARIOS.shopLax!,
      ids: ['dmarc/inherited', 'dmarc/policy-none'],
      fixes: { 'dmarc/policy-none': [{ action: 'add', name: '_dmarc.shop.lax.dmarc.test', type: 'TXT', value: 'v=DMARC1; p=quarantine; rua=mailto:dmarc@lax.dmarc.test' }] },
    },
    {
      name: 'multiple records: remove all but the first',
      facts: SCENARIOS.multiple!,
      ids: ['dmarc/multiple-records'],
      fixes: { 'dmarc/multiple-records': [{ action: 'remove', name: '_dmarc.multiple.dmarc.test', type: 'TXT', value: 'v=DMARC1; p=none', current: 'v=DMARC1; p=none' }] },
    },
    {
      name: 'syntax errors: the corrected record',
      facts: SCENARIOS.syntax!,
      ids: ['dmarc/syntax-error', 'dmarc/removed-tag'],
      fixes: {
        'dmarc/syntax-error': [
          replace('syntax.dmarc.test', 'v=DMARC1; p=reject; rua=mailto:d@syntax.dmarc.test', 'v=DMARC1; p=reject; adkim=x; p=none; pct=150; rua=mailto:d@syntax.dmarc.test; garbage'),
        ],
        'dmarc/removed-tag': [
          replace('syntax.dmarc.test', 'v=DMARC1; p=reject; rua=mailto:d@syntax.dmarc.test', 'v=DMARC1; p=reject; adkim=x; p=none; pct=150; rua=mailto:d@syntax.dmarc.test; garbage'),
        ],
      },
      then: () => expect(SCENARIOS.syntax!.errors).toHaveLength(4),
    },
    {
      name: 'an invalid p: the record with p=none, the policy receivers apply (RFC 9989 §4.10.1)',
      facts: SCENARIOS.badp!,
      ids: ['dmarc/syntax-error'],
      fixes: { 'dmarc/syntax-error': [replace('badp.dmarc.test', 'v=DMARC1; p=none; rua=mailto:d@badp.dmarc.test', 'v=DMARC1; p=block; rua=mailto:d@badp.dmarc.test')] },
      data: { 'dmarc/syntax-error': { policyTagInvalid: true, policy: 'none' } },
    },
    {
      name: 'fixes of one record compose: p=none without rua gives one target with both changes',
      facts: SCENARIOS.plain!,
      ids: ['dmarc/policy-none', 'dmarc/no-reporting'],
      fixes: {
        'dmarc/policy-none': [replace('plain.dmarc.test', 'v=DMARC1; p=quarantine; rua=mailto:<REPORT-MAILBOX>', 'v=DMARC1; p=none')],
        'dmarc/no-reporting': [replace('plain.dmarc.test', 'v=DMARC1; p=quarantine; rua=mailto:<REPORT-MAILBOX>', 'v=DMARC1; p=none')],
      },
      then: (findings) => {
        for (const item of findings) expect(Object.keys(item.fix!.placeholders ?? {})).toEqual(['REPORT-MAILBOX']);
        expect(findings[0]!.fix!.notes?.some((note) => note.includes('v=DMARC1; p=reject; rua=mailto:<REPORT-MAILBOX>'))).toBe(true);
      },
    },
    {
      name: 'fixes of one record compose: four findings, one target record',
      facts: SCENARIOS.layered!,
      ids: ['dmarc/policy-none', 'dmarc/testing-mode', 'dmarc/no-reporting', 'dmarc/removed-tag'],
      fixes: Object.fromEntries(
        ['dmarc/no-reporting', 'dmarc/policy-none', 'dmarc/removed-tag', 'dmarc/testing-mode'].map((id) => [
          id,
          [replace('layered.dmarc.test', 'v=DMARC1; p=quarantine; adkim=s; rua=mailto:<REPORT-MAILBOX>', 'v=DMARC1; p=none; t=y; ri=3600; adkim=s')],
        ]),
      ),
    },
    {
      name: 'an inherited p=none over several own records replaces the record that dmarc/multiple-records keeps',
      facts: SCENARIOS.twice!,
      ids: ['dmarc/multiple-records', 'dmarc/inherited', 'dmarc/policy-none'],
      fixes: {
        'dmarc/multiple-records': [{ action: 'remove', name: '_dmarc.twice.none.dmarc.test', type: 'TXT', value: 'v=DMARC1; p=quarantine', current: 'v=DMARC1; p=quarantine' }],
        'dmarc/policy-none': [replace('twice.none.dmarc.test', 'v=DMARC1; p=quarantine; rua=mailto:dmarc@none.dmarc.test', 'v=DMARC1; p=reject')],
      },
    },
    {
      name: 'unauthorised destinations: the record each must publish',
      facts: SCENARIOS.unauthorized!,
      ids: ['dmarc/unauthorized-report-destination'],
      fixes: {
        'dmarc/unauthorized-report-destination': [
          { action: 'add', name: 'unauthorized.dmarc.test._report._dmarc.reports.example.net', type: 'TXT', value: 'v=DMARC1' },
          { action: 'add', name: 'unauthorized.dmarc.test._report._dmarc.other.example.org', type: 'TXT', value: 'v=DMARC1' },
        ],
      },
      data: { 'dmarc/unauthorized-report-destination': { hosts: ['reports.example.net', 'other.example.org'] } },
    },
  ]);

  it.each([
    ['pct', 'dmarc/partial-pct', 'v=DMARC1; p=quarantine; rua=mailto:dmarc@pct.dmarc.test'],
    ['weaksub', 'dmarc/weak-subdomain-policy', 'v=DMARC1; p=reject; rua=mailto:dmarc@weaksub.dmarc.test'],
    ['testing', 'dmarc/testing-mode', 'v=DMARC1; p=reject; rua=mailto:dmarc@testing.dmarc.test'],
    ['noreport', 'dmarc/no-reporting', 'v=DMARC1; p=reject; adkim=s; rua=mailto:<REPORT-MAILBOX>'],
    ['baduri', 'dmarc/invalid-report-uri', 'v=DMARC1; p=reject; rua=mailto:dmarc@baduri.dmarc.test,mailto:agg@baduri.dmarc.test!10m'],
    // Both fixes replace the same record: each proposes it without the removed and the unknown tags.
    ['tags', 'dmarc/removed-tag', 'v=DMARC1; p=reject; rua=mailto:dmarc@tags.dmarc.test'],
    ['tags', 'dmarc/unknown-tag', 'v=DMARC1; p=reject; rua=mailto:dmarc@tags.dmarc.test'],
    ['pct', 'dmarc/removed-tag', 'v=DMARC1; p=quarantine; rua=mailto:dmarc@pct.dmarc.test'],
    ['syntax', 'dmarc/removed-tag', 'v=DMARC1; p=reject; rua=mailto:d@syntax.dmarc.test'],
  ])('%s %s → %s', (scenario, id, value) => {
    const records = finding(scenario, id).fix?.records ?? [];
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ action: 'replace', name: `_dmarc.${SCENARIOS[scenario]!.domain}`, type: 'TXT', value });
  });

  it('no-reporting names its placeholder', () => {
    expect(Object.keys(finding('noreport', 'dmarc/no-reporting').fix!.placeholders ?? {})).toEqual(['REPORT-MAILBOX']);
  });

  it('an inherited policy names the record that applies as evidence', () => {
    expect(finding('sub', 'dmarc/inherited').evidence).toEqual([
      '_dmarc.parent.dmarc.test TXT "v=DMARC1; p=reject; sp=quarantine; np=reject; rua=mailto:dmarc@parent.dmarc.test"',
    ]);
  });
});

describe('dmarc summary', () => {
  it('the record and the policy, inherited or not', () => {
    expect(dmarcCheck.summarise(SCENARIOS.mailMulti!)).toEqual(['record: v=DMARC1; p=none; sp=none; rua=mailto:dmarc@multi.dmarc.test', 'policy: none']);
    expect(dmarcCheck.summarise({ ...SCENARIOS.sub!, subdomainPolicy: 'quarantine' })).toEqual([
      'record: v=DMARC1; p=reject; sp=quarantine; np=reject; rua=mailto:dmarc@parent.dmarc.test',
      'policy: quarantine (inherited from parent.dmarc.test)',
    ]);
    expect(dmarcCheck.summarise({ ...SCENARIOS.none!, subdomainPolicy: 'reject' })).toEqual([
      'record: v=DMARC1; p=none; rua=mailto:dmarc@none.dmarc.test',
      'policy: none, subdomains: reject',
    ]);
    expect(dmarcCheck.summarise(SCENARIOS.bare!)).toEqual([]);
  });
});
