/**
 * The spf judge on facts: the findings whose fixes need no more DNS (a new
 * record, records of others, inconclusive walks). Fixes of the domain's own
 * published record are composed by propose, which walks the proposed record:
 * those are tested against the fixture DNS server (test/spf.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { judgeFacts } from '../../src/checks/define.js';
import { spfCheck, type SpfFacts } from '../../src/checks/spf/index.js';
import type { SpfNode } from '../../src/spf/walk.js';
import { judgeCases } from '../helpers/judge.js';

/** A walked node: `record` read at `domain`, with these terms (lookups per term) and children. */
function node(domain: string, more: Partial<SpfNode> = {}): SpfNode {
  return { domain, via: 'root', status: 'ok', lookups: 0, totalLookups: 0, voidLookups: 0, totalVoidLookups: 0, terms: [], children: [], ...more };
}

/** Facts for `domain` whose tree is `tree`. */
function facts(domain: string, tree: SpfNode, more: Partial<SpfFacts> = {}): SpfFacts {
  return {
    domain,
    record: tree.status === 'ok' ? (tree.record ?? null) : null,
    records: tree.status === 'ok' && tree.record !== undefined ? [tree.record] : (tree.records ?? []),
    tree,
    lookups: tree.totalLookups,
    lookupLimit: 10,
    voidLookups: tree.totalVoidLookups,
    voidLookupLimit: 2,
    all: null,
    allSource: null,
    networks: { ip4: [], ip6: [], complete: false },
    macroTargets: [],
    dnsErrors: [],
    merged: null,
    mx: { status: 'ok', nullMx: false, hosts: [] },
    knownSendersCovered: false,
    ipResults: [],
    proposedLookups: null,
    ...more,
  };
}

const add = (name: string, value: string) => ({ action: 'add' as const, name, type: 'TXT', value });
const replace = (name: string, value: string, current: string) => ({ action: 'replace' as const, name, type: 'TXT', value, current });

const none = (domain: string) => node(domain, { status: 'none' });

describe('spf judge', () => {
  judgeCases(spfCheck, [
    ...[
      ['hosted.test', ['aspmx.l.google.com', 'alt1.aspmx.l.google.com'], 'v=spf1 include:_spf.google.com ~all'],
      ['own.test', ['mail.own.test'], 'v=spf1 mx ~all'],
      ['mixed.test', ['mixed-test.mail.protection.outlook.com', 'backup.mixed.test'], 'v=spf1 mx include:spf.protection.outlook.com ~all'],
    ].map(([domain, hosts, value]) => ({
      name: `spf/missing: ${domain} gets the starting record ${value}`,
      facts: facts(domain as string, none(domain as string), { mx: { status: 'ok' as const, nullMx: false, hosts: hosts as string[] } }),
      ids: ['spf/missing'],
      fixes: { 'spf/missing': [add(domain as string, value as string)] },
      then: ([missing]: Array<{ severity: string }>) => expect(missing!.severity).toBe('high'),
    })),
    {
      name: 'spf/missing: a null MX gets "v=spf1 -all"',
      facts: facts('nomail.test', none('nomail.test'), { mx: { status: 'ok', nullMx: true, hosts: [] } }),
      ids: ['spf/missing'],
      fixes: { 'spf/missing': [add('nomail.test', 'v=spf1 -all')] },
    },
    {
      name: 'spf/missing: a domain that does not exist',
      facts: facts('gone.test', node('gone.test', { status: 'nxdomain' }), { mx: { status: 'nxdomain', nullMx: false, hosts: [] } }),
      ids: ['spf/missing'],
      data: { 'spf/missing': { nxdomain: true } },
    },
    {
      name: 'a domain without SPF and a sending IP: result none, and the starting record carries the IP',
      facts: facts('hosted.test', none('hosted.test'), {
        mx: { status: 'ok', nullMx: false, hosts: ['aspmx.l.google.com'] },
        ipResults: [{ ip: '192.0.2.99', result: 'none', lookups: 0, voidLookups: 0, reason: 'no SPF record' }],
      }),
      ids: ['spf/missing', 'spf/ip-not-authorized'],
      fixes: {
        'spf/missing': [add('hosted.test', 'v=spf1 include:_spf.google.com ip4:192.0.2.99 ~all')],
        'spf/ip-not-authorized': [add('hosted.test', 'v=spf1 include:_spf.google.com ip4:192.0.2.99 ~all')],
      },
      data: { 'spf/ip-not-authorized': { ips: ['192.0.2.99'], results: ['none'] } },
    },
    {
      name: 'a TXT timeout ends the check inconclusive, never spf/missing',
      facts: facts('flaky.test', node('flaky.test', { status: 'dns-error', error: 'DNS timeout for flaky.test TXT' }), { mx: null }),
      ids: [],
      inconclusive: 'timeout',
    },
    {
      name: 'a SERVFAIL on an include target: inconclusive, and a temperror for a sending IP too',
      facts: facts(
        'partial.test',
        node('partial.test', {
          record: 'v=spf1 include:broken.partial.test -all',
          all: '-',
          lookups: 1,
          totalLookups: 1,
          terms: [{ term: 'include:broken.partial.test', index: 1, lookups: 1 }, { term: '-all', index: 2, lookups: 0 }],
          children: [node('broken.partial.test', { via: 'include', term: 'include:broken.partial.test', status: 'dns-error', error: 'DNS servfail for broken.partial.test TXT' })],
        }),
        {
          all: '-',
          allSource: 'partial.test',
          dnsErrors: ['DNS servfail for broken.partial.test TXT'],
          ipResults: [{ ip: '192.0.2.1', result: 'temperror', lookups: 1, voidLookups: 0, reason: 'DNS servfail for broken.partial.test TXT' }],
        },
      ),
      ids: [],
      inconclusive: 'ended in temperror',
    },
    {
      name: 'an include target without SPF, two levels down: its owner publishes one, or the domain stops including it',
      facts: facts(
        'deep.test',
        node('deep.test', {
          record: 'v=spf1 include:_spf.vendor.test -all',
          all: '-',
          lookups: 1,
          totalLookups: 2,
          terms: [{ term: 'include:_spf.vendor.test', index: 1, lookups: 1 }, { term: '-all', index: 2, lookups: 0 }],
          children: [
            node('_spf.vendor.test', {
              via: 'include',
              term: 'include:_spf.vendor.test',
              record: 'v=spf1 include:gone.vendor.test ~all',
              all: '~',
              lookups: 1,
              totalLookups: 1,
              terms: [{ term: 'include:gone.vendor.test', index: 1, lookups: 1 }, { term: '~all', index: 2, lookups: 0 }],
              children: [node('gone.vendor.test', { via: 'include', term: 'include:gone.vendor.test', status: 'nxdomain' })],
            }),
          ],
        }),
        { all: '-', allSource: 'deep.test' },
      ),
      ids: ['spf/include-missing'],
      data: { 'spf/include-missing': { terms: ['include:gone.vendor.test'], targets: ['gone.vendor.test'], states: ['nxdomain'] } },
      then: ([missing]) => {
        expect(missing!.evidence).toEqual(['_spf.vendor.test: include:gone.vendor.test → gone.vendor.test does not exist']);
        expect(missing!.fix).toEqual({ summary: 'Ask the owner of gone.vendor.test to publish one SPF record, or stop including it' });
      },
    },
    {
      name: 'spf/no-all: a redirect target without all is fixed where it is published',
      facts: facts(
        'redir.test',
        node('redir.test', {
          record: 'v=spf1 redirect=_spf.redir.test',
          lookups: 1,
          totalLookups: 1,
          terms: [{ term: 'redirect=_spf.redir.test', index: 1, lookups: 1 }],
          children: [
            node('_spf.redir.test', { via: 'redirect', term: 'redirect=_spf.redir.test', record: 'v=spf1 ip4:192.0.2.0/24', terms: [{ term: 'ip4:192.0.2.0/24', index: 1, lookups: 0 }] }),
          ],
        }),
      ),
      ids: ['spf/no-all'],
      fixes: { 'spf/no-all': [replace('_spf.redir.test', 'v=spf1 ip4:192.0.2.0/24 ~all', 'v=spf1 ip4:192.0.2.0/24')] },
      then: ([noAll]) => expect(noAll!.fix!.notes).toContain('_spf.redir.test is the redirect target of redir.test; its owner must publish this.'),
    },
    {
      name: 'terms after "all" get their own low finding, fixed where they are published',
      facts: facts(
        'after.test',
        node('after.test', {
          record: 'v=spf1 -all ip4:192.0.2.1',
          all: '-',
          terms: [{ term: '-all', index: 1, lookups: 0 }, { term: 'ip4:192.0.2.1', index: 2, lookups: 0, unreachable: true }],
        }),
        { all: '-', allSource: 'after.test' },
      ),
      ids: ['spf/terms-after-all'],
      data: { 'spf/terms-after-all': { terms: ['ip4:192.0.2.1'], domains: ['after.test'] } },
      then: ([after]) => {
        expect(after!.severity).toBe('low');
        expect(after!.evidence).toEqual(['after.test: term 2 ip4:192.0.2.1']);
      },
    },
    {
      name: 'an mx term of an include naming more than 10 hosts: its owner names fewer',
      facts: facts(
        'bigmx.test',
        node('bigmx.test', {
          record: 'v=spf1 include:_spf.big.test -all',
          all: '-',
          lookups: 1,
          totalLookups: 2,
          terms: [{ term: 'include:_spf.big.test', index: 1, lookups: 1 }, { term: '-all', index: 2, lookups: 0 }],
          children: [
            node('_spf.big.test', {
              via: 'include',
              term: 'include:_spf.big.test',
              record: 'v=spf1 mx -all',
              all: '-',
              lookups: 1,
              totalLookups: 1,
              terms: [{ term: 'mx', index: 1, lookups: 1, mxNames: 12 }, { term: '-all', index: 2, lookups: 0 }],
            }),
          ],
        }),
        { all: '-', allSource: 'bigmx.test' },
      ),
      ids: ['spf/too-many-lookups'],
      data: { 'spf/too-many-lookups': { mxDomain: '_spf.big.test', mxTerm: 'mx', mxNames: 12 } },
      then: ([tooMany]) =>
        expect(tooMany!.fix).toEqual({ summary: 'Ask the owner of _spf.big.test to name at most 10 MX hosts in its SPF record, or remove include:_spf.big.test from the SPF record of bigmx.test' }),
    },
  ]);

  it('gives the catalogue severities it emits here', () => {
    const missing = judgeFacts(spfCheck, facts('own.test', none('own.test'))).findings;
    expect(missing.map((finding) => [finding.id, finding.severity])).toEqual([['spf/missing', 'high']]);
  });
});

describe('spf summary', () => {
  it('the record and its lookup count; a lower bound when lookups failed; nothing without a record', () => {
    const good = facts('good.test', node('good.test', { record: 'v=spf1 include:_spf.good.test -all', totalLookups: 3 }));
    expect(spfCheck.summarise(good)).toEqual(['record: v=spf1 include:_spf.good.test -all', 'DNS lookups: 3 of 10']);
    expect(spfCheck.summarise({ ...good, lookups: 1, dnsErrors: ['DNS servfail for broken.good.test TXT'] })).toEqual([
      'record: v=spf1 include:_spf.good.test -all',
      'DNS lookups: at least 1 of 10 (1 lookup(s) failed)',
    ]);
    expect(spfCheck.summarise(facts('flaky.test', node('flaky.test', { status: 'dns-error' }), { mx: null }))).toEqual([]);
  });
});
