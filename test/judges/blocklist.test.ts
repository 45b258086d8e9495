/**
 * The blocklist judge on facts: listings by kind of key, refusals (never a
 * listing, never clean), and when the check cannot conclude.
 */
import { describe, expect, it } from 'vitest';
import { blocklistCheck, type BlocklistFacts, type BlocklistResult } from '../../src/checks/blocklist/index.js';
import { statusFromFindings } from '../../src/run-check.js';
import { judgeFacts } from '../../src/checks/define.js';
import { judgeCases } from '../helpers/judge.js';

const ZEN = { zone: 'zen.spamhaus.org', name: 'Spamhaus ZEN', kind: 'ip' as const, ipv6: true, origin: 'default' as const, removalUrl: 'https://check.spamhaus.org/' };
const DBL = { zone: 'dbl.spamhaus.org', name: 'Spamhaus DBL', kind: 'domain' as const, ipv6: false, origin: 'default' as const };

function result(list: string, key: string, outcome: BlocklistResult['outcome'], codes: BlocklistResult['codes'] = [], more: Partial<BlocklistResult> = {}): BlocklistResult {
  return { list, key, query: `${key}.${list}`, dnsStatus: outcome === 'inconclusive' ? 'timeout' : codes.length > 0 ? 'ok' : 'nxdomain', outcome, answers: codes.map((code) => code.address), codes, ...more };
}

const SBL = { address: '127.0.0.2', class: 'listing' as const, subList: 'SBL', meaning: 'Spamhaus SBL' };
const PBL = { address: '127.0.0.11', class: 'policy' as const, subList: 'PBL', meaning: 'Spamhaus PBL' };
const REFUSED = { address: '127.255.255.254', class: 'refused' as const, subList: 'refused', meaning: 'query came through a public resolver' };

function facts(results: BlocklistResult[], more: Partial<BlocklistFacts> = {}): BlocklistFacts {
  const count = (outcome: BlocklistResult['outcome']) => results.filter((entry) => entry.outcome === outcome).length;
  return {
    domain: 'bl.test',
    offline: false,
    lists: [ZEN, DBL],
    addresses: [{ address: '192.0.2.10', version: 4, sources: ['MX mx1.bl.test'] }, { address: '192.0.2.99', version: 4, sources: ['--ip'] }],
    results,
    summary: {
      queries: results.length,
      listed: count('listed'),
      policyListed: count('policy-listed'),
      notListed: count('not-listed'),
      refused: count('refused'),
      unexpected: count('unexpected'),
      inconclusive: count('inconclusive'),
    },
    mx: { status: 'ok', nullMx: false, hosts: 1, unresolvedHosts: [] },
    notAsked: [],
    invalidIps: [],
    inconclusiveLists: [],
    untrustedLists: [],
    notes: [],
    ...more,
  };
}

const status = (expected: string) => (findings: Parameters<typeof statusFromFindings>[0]) => expect(statusFromFindings(findings)).toBe(expected);

judgeCases(blocklistCheck, [
  {
    name: 'nothing listed',
    facts: facts([result('zen.spamhaus.org', '192.0.2.10', 'not-listed'), result('dbl.spamhaus.org', 'bl.test', 'not-listed')]),
    ids: [],
  },
  {
    name: 'an address and the domain listed: each finding, with the sub-list, the reason and where to ask for removal',
    facts: facts([
      result('zen.spamhaus.org', '192.0.2.10', 'listed', [SBL], { reason: 'https://check.spamhaus.org/sbl/query/SBL1' }),
      result('zen.spamhaus.org', '192.0.2.99', 'not-listed'),
      result('dbl.spamhaus.org', 'bl.test', 'listed', [{ address: '127.0.1.2', class: 'listing', subList: 'DBL spam', meaning: 'spam domain' }]),
    ]),
    ids: ['blocklist/ip-listed', 'blocklist/domain-listed'],
    data: {
      'blocklist/ip-listed': { addresses: ['192.0.2.10'], listings: ['zen.spamhaus.org (SBL)'] },
      'blocklist/domain-listed': { domain: 'bl.test', listings: ['dbl.spamhaus.org (DBL spam)'] },
    },
    then: ([ip, domain]) => {
      expect(ip!.severity).toBe('high');
      expect(ip!.message).toBe('192.0.2.10 is listed on zen.spamhaus.org (SBL)');
      expect(ip!.evidence).toEqual(['192.0.2.10 (MX mx1.bl.test): zen.spamhaus.org 127.0.0.2 SBL: Spamhaus SBL — "https://check.spamhaus.org/sbl/query/SBL1"']);
      expect(ip!.fix?.notes).toEqual(['zen.spamhaus.org: look up and request removal at https://check.spamhaus.org/']);
      expect(domain!.evidence).toEqual(['bl.test: dbl.spamhaus.org 127.0.1.2 DBL spam: spam domain']);
      expect(domain!.fix?.notes).toEqual(["dbl.spamhaus.org: see the list operator's removal process"]);
      status('fail')([ip!, domain!]);
    },
  },
  {
    name: 'a PBL entry is a policy listing (low), not a spam listing',
    facts: facts([result('zen.spamhaus.org', '192.0.2.10', 'policy-listed', [PBL])]),
    ids: ['blocklist/policy-listed'],
    data: { 'blocklist/policy-listed': { addresses: ['192.0.2.10'], lists: ['zen.spamhaus.org'] } },
    then: ([policy]) => {
      expect(policy!.severity).toBe('low');
      expect(policy!.evidence).toEqual(['192.0.2.10 (MX mx1.bl.test): zen.spamhaus.org 127.0.0.11 PBL: Spamhaus PBL']);
      status('warn')([policy!]);
    },
  },
  {
    name: 'on both SBL and PBL: listed and policy-listed',
    facts: facts([result('zen.spamhaus.org', '192.0.2.99', 'listed', [SBL, PBL])]),
    ids: ['blocklist/ip-listed', 'blocklist/policy-listed'],
    then: ([ip, policy]) => {
      expect(ip!.evidence).toEqual(['192.0.2.99 (--ip): zen.spamhaus.org 127.0.0.2 SBL: Spamhaus SBL']);
      expect(policy!.evidence).toEqual(['192.0.2.99 (--ip): zen.spamhaus.org 127.0.0.11 PBL: Spamhaus PBL']);
    },
  },
  {
    name: 'a refusal while other lists answered: query-refused (info), and a warning, not a clean pass',
    facts: facts([result('zen.spamhaus.org', '192.0.2.10', 'refused', [REFUSED]), result('dbl.spamhaus.org', 'bl.test', 'not-listed')]),
    ids: ['blocklist/query-refused'],
    data: { 'blocklist/query-refused': { lists: ['zen.spamhaus.org'], queries: 1 } },
    then: ([refused]) => {
      expect(refused!.severity).toBe('info');
      expect(refused!.evidence).toEqual(['192.0.2.10.zen.spamhaus.org: 127.255.255.254 (query came through a public resolver)']);
      expect(refused!.fix?.summary).toBe('Query the blocklists through your own recursive resolver (--resolver), or pass a Spamhaus DQS key with --spamhaus-key');
      expect(judgeFacts(blocklistCheck, facts([result('zen.spamhaus.org', '192.0.2.10', 'refused', [REFUSED]), result('dbl.spamhaus.org', 'bl.test', 'not-listed')])).status).toBe('warn');
    },
  },
  {
    name: 'every list refused: inconclusive, the refusal still reported',
    facts: facts([result('zen.spamhaus.org', '192.0.2.10', 'refused', [REFUSED]), result('multi.uribl.com', 'bl.test', 'refused', [REFUSED])]),
    ids: ['blocklist/query-refused'],
    inconclusive: 'no blocklist gave a usable answer (2 refused, 0 timed out or failed)',
    then: ([refused]) => expect(refused!.message).toBe('zen.spamhaus.org, multi.uribl.com refused 2 queries (127.255.255.254: query came through a public resolver); these answers say nothing about listing'),
  },
  {
    name: 'no list answered: inconclusive',
    facts: facts([result('zen.spamhaus.org', '192.0.2.10', 'inconclusive'), result('dbl.spamhaus.org', 'bl.test', 'inconclusive')]),
    ids: [],
    inconclusive: 'no blocklist answered (2 queries timed out or failed)',
  },
  {
    name: 'answers set aside (a sinkhole, a rewritten NXDOMAIN) are no listing, and leave nothing usable',
    facts: facts([result('zen.spamhaus.org', '192.0.2.10', 'unexpected', [], { note: 'sinkhole' })], { untrustedLists: ['zen.spamhaus.org'] }),
    ids: [],
    inconclusive: true,
  },
  {
    name: 'the MX lookup failed: inconclusive, whatever the domain and sending IPs gave',
    facts: facts([result('zen.spamhaus.org', '192.0.2.99', 'not-listed')], { mx: { status: 'timeout', nullMx: false, hosts: 0, unresolvedHosts: [] }, domain: 'lost.test' }),
    ids: [],
    inconclusive: "MX lookup for lost.test failed (timeout): the mail servers' addresses were not checked",
  },
  {
    name: 'offline: skipped, no list asked',
    facts: facts([], { offline: true, lists: [], addresses: [], mx: null }),
    ids: [],
    skipped: true,
  },
  {
    name: '--no-blocklist all: skipped, not a pass',
    facts: facts([], { lists: [], addresses: [], mx: null }),
    ids: [],
    skipped: true,
  },
]);

describe('blocklist summary', () => {
  it('lists asked, outcomes, lists that did not answer, addresses not sent', () => {
    const lines = blocklistCheck.summarise(
      facts([result('zen.spamhaus.org', '192.0.2.10', 'listed', [SBL]), result('dbl.spamhaus.org', 'bl.test', 'inconclusive')], {
        addresses: [{ address: '192.0.2.10', version: 4, sources: ['MX mx1.bl.test'] }, { address: '10.0.0.25', version: 4, sources: ['MX internal.bl.test'], notQueried: 'private (RFC 1918) address' }],
        inconclusiveLists: ['dbl.spamhaus.org'],
      }),
    );
    expect(lines).toEqual([
      '2 lists asked about 1 address and the domain (2 queries): 1 listed, 1 inconclusive',
      'no answer from: dbl.spamhaus.org',
      'not sent to the lists: 10.0.0.25 (private (RFC 1918) address)',
    ]);
  });

  it('nothing when no list was asked', () => {
    expect(blocklistCheck.summarise(facts([], { offline: true, lists: [], addresses: [], mx: null }))).toEqual([]);
  });
});
