/**
 * The blocklist check against fixture DNS zones that serve the blocklist
 * zones themselves (the fixture server answers for zen.spamhaus.org & co.,
 * so nothing leaves 127.0.0.1).
 */
import { describe, expect, it } from 'vitest';
import { blocklistCheck, type BlocklistFacts, type BlocklistResult } from '../src/checks/blocklist/index.js';
import type { AuditOptions } from '../src/context.js';
import type { CheckResult } from '../src/schema/report.js';
import { findingById, findingIds, runCheck, useFixture } from './helpers/context.js';

const FIXTURES = [
  'blocklist-listed',
  'blocklist-clean',
  'blocklist-refused',
  'blocklist-pbl',
  'blocklist-dqs',
  'blocklist-unanswered',
  'blocklist-added',
  'blocklist-private',
];

const fixture = useFixture(FIXTURES);

/** A fresh resolver per run, so query counts and cached answers do not leak between tests. */
function audit(domain: string, options: AuditOptions = {}): Promise<CheckResult> {
  const dns = fixture.freshDns();
  const ctx = { ...fixture.ctx(domain, options), dns };
  return runCheck(blocklistCheck, ctx);
}

type Results = Record<string, Record<string, BlocklistResult>>;

/** The answers by key, then by list. */
function results(result: CheckResult): Results {
  const byKey: Results = {};
  for (const answer of (result.facts as BlocklistFacts).results) (byKey[answer.key] ??= {})[answer.list] = answer;
  return byKey;
}

describe('blocklist: listings', () => {
  it('reports MX and sending addresses on IP lists with the sub-list, and the domain on domain lists', async () => {
    const result = await audit('listed.test', { ips: ['192.0.2.99', '2001:db8::99'] });
    expect(result.status).toBe('fail');
    expect(findingIds(result)).toEqual(['blocklist/domain-listed', 'blocklist/ip-listed']);

    const r = results(result);
    expect(r['192.0.2.10']?.['zen.spamhaus.org']).toMatchObject({
      outcome: 'listed',
      answers: ['127.0.0.2'],
      codes: [{ address: '127.0.0.2', subList: 'SBL', class: 'listing' }],
      reason: 'https://check.spamhaus.org/sbl/query/SBL999999',
      query: '10.2.0.192.zen.spamhaus.org',
    });
    expect(r['192.0.2.10']?.['bl.spamcop.net']?.outcome).toBe('listed');
    expect(r['192.0.2.10']?.['b.barracudacentral.org']?.outcome).toBe('not-listed');
    // RFC 5782 §2.4: IPv6 addresses are asked as 32 reversed nibbles.
    expect(r['2001:db8::10']?.['zen.spamhaus.org']).toMatchObject({
      outcome: 'listed',
      query: '0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org',
      codes: [{ subList: 'XBL' }],
    });
    expect(r['2001:db8::99']?.['zen.spamhaus.org']?.outcome).toBe('listed');
    expect(r['192.0.2.99']?.['psbl.surriel.com']).toMatchObject({ outcome: 'listed', reason: 'Listed in PSBL, see https://psbl.org/listing?ip=192.0.2.99' });
    expect(r['198.51.100.20']?.['zen.spamhaus.org']?.outcome).toBe('not-listed');
    // Lists without IPv6 data are not asked about IPv6 addresses.
    expect(r['2001:db8::10']?.['bl.spamcop.net']).toBeUndefined();
    expect(result.facts.notAsked).toContainEqual({ key: '2001:db8::10', list: 'bl.spamcop.net', reason: 'the list has no IPv6 data' });

    expect(r['listed.test']?.['dbl.spamhaus.org']).toMatchObject({ outcome: 'listed', codes: [{ subList: 'DBL spam' }] });
    expect(r['listed.test']?.['multi.surbl.org']).toMatchObject({ outcome: 'listed', codes: [{ subList: 'MW (malware) + ABUSE (spam)' }] });
    expect(r['listed.test']?.['multi.uribl.com']?.outcome).toBe('not-listed');

    const ip = findingById(result, 'blocklist/ip-listed');
    expect(ip.severity).toBe('high');
    expect(ip.evidence).toHaveLength(5);
    expect(ip.evidence.some((line) => line.startsWith('192.0.2.10 (MX mx1.listed.test): zen.spamhaus.org 127.0.0.2 SBL'))).toBe(true);
    expect(ip.evidence.some((line) => line.startsWith('192.0.2.99 (--ip): psbl.surriel.com 127.0.0.2'))).toBe(true);
    expect(ip.fix?.notes).toContain('zen.spamhaus.org: look up and request removal at https://check.spamhaus.org/');
    const domain = findingById(result, 'blocklist/domain-listed');
    expect(domain.evidence).toHaveLength(2);

    const addresses = result.facts.addresses as Array<{ address: string; sources: string[] }>;
    expect(addresses.map((a) => a.address)).toEqual(['192.0.2.10', '2001:db8::10', '198.51.100.20', '192.0.2.99', '2001:db8::99']);
    expect(result.facts.summary).toMatchObject({ listed: 7, refused: 0, inconclusive: 0 });
  });

  it('passes a domain on no list, and does not send private addresses to public lists', async () => {
    const before = fixture.server.queries().length;
    const result = await audit('clean.test');
    expect(result.status).toBe('pass');
    expect(result.findings).toEqual([]);
    const addresses = result.facts.addresses as Array<{ address: string; notQueried?: string }>;
    expect(addresses).toContainEqual({ address: '10.0.0.25', version: 4, sources: ['MX internal.clean.test'], notQueried: 'private (RFC 1918) address' });
    expect(results(result)['10.0.0.25']).toBeUndefined();
    const sent = fixture.server.queries().slice(before);
    expect(sent.some((line) => line.includes('25.0.0.10.'))).toBe(false);
    // Six IP lists for the one public address, three domain lists for the domain.
    expect(result.facts.summary).toMatchObject({ queries: 9, notListed: 9 });
    expect(Object.keys(results(result)['192.0.2.20'] ?? {})).toEqual([
      'zen.spamhaus.org',
      'bl.spamcop.net',
      'b.barracudacentral.org',
      'psbl.surriel.com',
      'bl.mailspike.net',
      'dnsbl-1.uceprotect.net',
    ]);
  });

  it('reports a Spamhaus PBL entry as a policy listing, not a spam listing', async () => {
    const result = await audit('pbl.test');
    expect(findingIds(result)).toEqual(['blocklist/policy-listed']);
    expect(result.status).toBe('warn');
    const policy = findingById(result, 'blocklist/policy-listed');
    expect(policy.severity).toBe('low');
    expect(policy.evidence).toEqual([
      '203.0.113.5 (MX mx.pbl.test): zen.spamhaus.org 127.0.0.11 PBL: Spamhaus PBL (Spamhaus-maintained): end-user range that should not send mail directly — "https://check.spamhaus.org/pbl/query/PBL123456"',
    ]);
    expect(results(result)['203.0.113.5']?.['zen.spamhaus.org']?.outcome).toBe('policy-listed');
  });

  it('reports an address on both SBL and PBL as listed and as policy-listed', async () => {
    const result = await audit('pbl.test', { ips: ['203.0.113.6'] });
    expect(findingIds(result)).toEqual(['blocklist/ip-listed', 'blocklist/policy-listed']);
    expect(results(result)['203.0.113.6']?.['zen.spamhaus.org']).toMatchObject({
      outcome: 'listed',
      answers: ['127.0.0.2', '127.0.0.10'],
      codes: [
        { address: '127.0.0.2', subList: 'SBL', class: 'listing' },
        { address: '127.0.0.10', subList: 'PBL', class: 'policy' },
      ],
    });
    expect(findingById(result, 'blocklist/ip-listed').evidence).toHaveLength(1);
    expect(findingById(result, 'blocklist/policy-listed').evidence).toHaveLength(2);
  });
});

describe('blocklist: refused queries are neither listed nor clean', () => {
  it('reports query-refused for Spamhaus 127.255.255.254 and URIBL/SURBL 127.0.0.1', async () => {
    const result = await audit('refused.test');
    expect(findingIds(result)).toEqual(['blocklist/query-refused']);
    // Other lists answered, so the check concludes; but not as a clean pass.
    expect(result.status).toBe('warn');
    const r = results(result);
    for (const [key, list] of [
      ['192.0.2.30', 'zen.spamhaus.org'],
      ['refused.test', 'dbl.spamhaus.org'],
      ['refused.test', 'multi.uribl.com'],
      ['refused.test', 'multi.surbl.org'],
    ] as const) {
      expect(r[key]?.[list]?.outcome, `${key} on ${list}`).toBe('refused');
    }
    // Never clean: the refused lists are not counted as not-listed, and no TXT reason is asked for.
    expect(result.facts.summary).toMatchObject({ refused: 4, listed: 0, notListed: 5 });
    expect(r['refused.test']?.['multi.uribl.com']?.reason).toBeUndefined();
    const refused = findingById(result, 'blocklist/query-refused');
    expect(refused.severity).toBe('info');
    expect(refused.evidence).toContain(
      '30.2.0.192.zen.spamhaus.org: 127.255.255.254 (query came through a public or open resolver, or one without attributable reverse DNS)',
    );
    expect(refused.fix?.summary).toBe(
      'Query the blocklists through your own recursive resolver (--resolver), or pass a Spamhaus DQS key with --spamhaus-key',
    );
  });

  it('is an error, not a pass, when every list refused', async () => {
    const result = await audit('refused.test', {
      noBlocklists: ['bl.spamcop.net', 'b.barracudacentral.org', 'psbl.surriel.com', 'bl.mailspike.net', 'dnsbl-1.uceprotect.net'],
    });
    expect(result.status).toBe('error');
    expect(result.error).toMatch(/no blocklist gave a usable answer/);
    expect(findingIds(result)).toEqual(['blocklist/query-refused']);
    expect(result.findings.some((f) => f.id === 'blocklist/ip-listed' || f.id === 'blocklist/domain-listed')).toBe(false);
  });

  it('sets aside an answer outside 127.0.0.0/8 (a resolver rewriting NXDOMAIN) and notes it', async () => {
    const result = await audit('unanswered.test');
    const psbl = results(result)['192.0.2.50']?.['psbl.surriel.com'];
    expect(psbl).toMatchObject({ outcome: 'unexpected', answers: ['198.51.100.80'] });
    expect(result.findings.some((f) => f.id === 'blocklist/ip-listed')).toBe(false);
    expect(result.facts.notes).toEqual([
      '50.2.0.192.psbl.surriel.com: answer 198.51.100.80 is outside 127.0.0.0/8: the resolver probably rewrites NXDOMAIN; not counted as a listing',
    ]);
  });
});

describe('blocklist: lists that do not answer', () => {
  it('records a timeout or SERVFAIL as inconclusive for that list, not as clean', async () => {
    const result = await audit('unanswered.test');
    const r = results(result);
    expect(r['192.0.2.50']?.['zen.spamhaus.org']).toMatchObject({ outcome: 'inconclusive', dnsStatus: 'timeout' });
    expect(r['192.0.2.50']?.['bl.spamcop.net']).toMatchObject({ outcome: 'inconclusive', dnsStatus: 'servfail' });
    expect(result.facts.inconclusiveLists).toEqual(['zen.spamhaus.org', 'bl.spamcop.net']);
    expect(result.facts.summary).toMatchObject({ inconclusive: 2, unexpected: 1, notListed: 6 });
    expect(result.status).toBe('pass');
  });

  it('is an error when no list answers', async () => {
    const result = await audit('unanswered.test', {
      noBlocklists: ['all'],
      blocklists: ['ip:slow.bl.test', 'domain:broken.bl.test'],
    });
    expect(result.status).toBe('error');
    expect(result.error).toBe('no blocklist answered (2 queries timed out or failed)');
    expect(result.findings).toEqual([]);
    expect(result.facts.lists).toEqual([
      { zone: 'slow.bl.test', name: 'slow.bl.test', kind: 'ip', ipv6: true, origin: 'added', inHouse: true },
      { zone: 'broken.bl.test', name: 'broken.bl.test', kind: 'domain', ipv6: false, origin: 'added', inHouse: true },
    ]);
  });

  it('is an error when the MX lookup fails, and still checks the domain and the sending IPs', async () => {
    const result = await audit('lost.test', { ips: ['192.0.2.60'] });
    expect(result.status).toBe('error');
    expect(result.error).toBe("MX lookup for lost.test failed (timeout): the mail servers' addresses were not checked");
    expect(Object.keys(results(result))).toEqual(['192.0.2.60', 'lost.test']);
  });
});

describe('blocklist: choosing lists', () => {
  it('adds lists with --blocklist (any 127/8 answer is a listing), asked about addresses and domain, and drops them with --no-blocklist', async () => {
    const before = fixture.server.queries().length;
    const result = await audit('added.test', { blocklists: ['extra.bl.test', 'dom.bl.test'], noBlocklists: ['bl.spamcop.net'] });
    expect(findingIds(result)).toEqual(['blocklist/domain-listed', 'blocklist/ip-listed']);
    const r = results(result);
    expect(r['192.0.2.70']?.['extra.bl.test']).toMatchObject({ outcome: 'listed', codes: [{ address: '127.0.0.5', subList: 'listed' }] });
    expect(r['added.test']?.['extra.bl.test']?.outcome).toBe('not-listed');
    expect(r['added.test']?.['dom.bl.test']?.outcome).toBe('listed');
    expect(r['192.0.2.70']?.['dom.bl.test']?.outcome).toBe('not-listed');
    expect(findingById(result, 'blocklist/ip-listed').evidence).toEqual([
      '192.0.2.70 (MX mx.added.test): extra.bl.test 127.0.0.5 listed: listed (return code 127.0.0.5)',
    ]);
    expect(findingById(result, 'blocklist/domain-listed').evidence).toEqual(['added.test: dom.bl.test 127.0.0.2 listed: listed (return code 127.0.0.2)']);
    expect(r['192.0.2.70']?.['bl.spamcop.net']).toBeUndefined();
    const zones = (result.facts.lists as Array<{ zone: string }>).map((list) => list.zone);
    expect(zones).not.toContain('bl.spamcop.net');
    expect(zones).toContain('extra.bl.test');
    const sent = fixture.server.queries().slice(before);
    expect(sent.some((line) => line.includes('bl.spamcop.net'))).toBe(false);
  });

  it('asks the Spamhaus DQS zones with --spamhaus-key and keeps the key out of the report', async () => {
    const result = await audit('dqs.test', { spamhausKey: 'K3Y0123456789' });
    expect(findingIds(result)).toEqual(['blocklist/domain-listed', 'blocklist/ip-listed']);
    const r = results(result);
    expect(r['192.0.2.40']?.['<DQS-KEY>.zen.dq.spamhaus.net']).toMatchObject({
      outcome: 'listed',
      query: '40.2.0.192.<DQS-KEY>.zen.dq.spamhaus.net',
      codes: [{ subList: 'SBL CSS' }],
    });
    expect(r['dqs.test']?.['<DQS-KEY>.dbl.dq.spamhaus.net']).toMatchObject({ outcome: 'listed', codes: [{ subList: 'DBL phish' }] });
    expect(r['192.0.2.40']?.['zen.spamhaus.org']).toBeUndefined();
    expect(JSON.stringify(result)).not.toMatch(/k3y0123456789/i);
  });

  it('without the key, the same address is refused by the public zone', async () => {
    const result = await audit('dqs.test');
    expect(findingIds(result)).toEqual(['blocklist/query-refused']);
    expect(results(result)['192.0.2.40']?.['zen.spamhaus.org']?.outcome).toBe('refused');
  });
});

describe('blocklist: offline', () => {
  it('is skipped rather than reporting lists it could not ask as clean', async () => {
    const before = fixture.server.queries().length;
    const result = await audit('listed.test', { offline: true });
    expect(result.status).toBe('skipped');
    expect(result.skipReason).toBe('offline: blocklists are not queried');
    expect(fixture.server.queries().length).toBe(before);
  });
});

describe('blocklist: what is asked of whom', () => {
  it('--no-blocklist all leaves the check skipped, not a pass', async () => {
    const result = await audit('clean.test', { noBlocklists: ['all'] });
    expect(result.status).toBe('skipped');
    expect(result.skipReason).toMatch(/--no-blocklist all/);
  });

  it('does not send private addresses to public lists, and the summary says so', async () => {
    const result = await audit('private.test');
    expect(result.status).toBe('pass');
    expect(results(result)['10.0.0.25']).toBeUndefined();
    expect(result.summary).toContain('not sent to the lists: 10.0.0.25 (private (RFC 1918) address)');
  });

  it('asks an in-house list added with --blocklist about private addresses too; public lists still not', async () => {
    const result = await audit('private.test', { blocklists: ['inhouse.bl.test'] });
    const r = results(result);
    expect(r['10.0.0.25']?.['inhouse.bl.test']?.outcome).toBe('listed');
    expect(r['10.0.0.25']?.['zen.spamhaus.org']).toBeUndefined();
    expect(findingIds(result)).toEqual(['blocklist/ip-listed']);
    expect(result.summary).toContain('not sent to public lists: 10.0.0.25 (private (RFC 1918) address)');
  });
});
