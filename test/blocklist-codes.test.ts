/**
 * The list table: each default list's return codes and how they are read,
 * list selection (--blocklist, --no-blocklist, --spamhaus-key), and the
 * RFC 5782 query names.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BLOCKLISTS, selectBlocklists, type BlocklistDefinition, type CodeClass } from '../src/blocklist/lists.js';
import { ipQueryName } from '../src/blocklist/query.js';
import { notQueriedReason, unmapIpv4 } from '../src/blocklist/addresses.js';
import { parseIp } from '../src/lookups/reverse.js';

function list(zone: string): BlocklistDefinition {
  const found = DEFAULT_BLOCKLISTS.find((entry) => entry.zone === zone);
  if (!found) throw new Error(zone);
  return found;
}

const CASES: Array<[zone: string, code: string, cls: CodeClass, subList: string]> = [
  ['zen.spamhaus.org', '127.0.0.2', 'listing', 'SBL'],
  ['zen.spamhaus.org', '127.0.0.3', 'listing', 'SBL CSS'],
  ['zen.spamhaus.org', '127.0.0.4', 'listing', 'XBL'],
  ['zen.spamhaus.org', '127.0.0.7', 'listing', 'XBL'],
  ['zen.spamhaus.org', '127.0.0.9', 'listing', 'SBL DROP'],
  ['zen.spamhaus.org', '127.0.0.10', 'policy', 'PBL'],
  ['zen.spamhaus.org', '127.0.0.11', 'policy', 'PBL'],
  ['zen.spamhaus.org', '127.0.0.30', 'listing', 'BCL'],
  ['zen.spamhaus.org', '127.255.255.252', 'refused', 'error'],
  ['zen.spamhaus.org', '127.255.255.254', 'refused', 'error'],
  ['zen.spamhaus.org', '127.255.255.255', 'refused', 'error'],
  ['zen.spamhaus.org', '127.255.255.250', 'refused', 'error'],
  ['zen.spamhaus.org', '127.0.0.8', 'unknown', 'unknown code'],
  ['dbl.spamhaus.org', '127.0.1.2', 'listing', 'DBL spam'],
  ['dbl.spamhaus.org', '127.0.1.4', 'listing', 'DBL phish'],
  ['dbl.spamhaus.org', '127.0.1.5', 'listing', 'DBL malware'],
  ['dbl.spamhaus.org', '127.0.1.6', 'listing', 'DBL botnet C&C'],
  ['dbl.spamhaus.org', '127.0.1.102', 'listing', 'DBL abused-legit spam'],
  ['dbl.spamhaus.org', '127.0.1.103', 'listing', 'DBL abused redirector'],
  ['dbl.spamhaus.org', '127.0.1.106', 'listing', 'DBL abused-legit botnet C&C'],
  ['dbl.spamhaus.org', '127.0.1.255', 'refused', 'error'],
  ['dbl.spamhaus.org', '127.255.255.254', 'refused', 'error'],
  ['multi.surbl.org', '127.0.0.1', 'refused', 'blocked'],
  ['multi.surbl.org', '127.0.0.8', 'listing', 'PH (phishing)'],
  ['multi.surbl.org', '127.0.0.16', 'listing', 'MW (malware)'],
  ['multi.surbl.org', '127.0.0.64', 'listing', 'ABUSE (spam)'],
  ['multi.surbl.org', '127.0.0.136', 'listing', 'PH (phishing) + CR (cracked sites)'],
  ['multi.uribl.com', '127.0.0.1', 'refused', 'refused'],
  ['multi.uribl.com', '127.0.0.2', 'listing', 'black'],
  ['multi.uribl.com', '127.0.0.4', 'listing', 'grey'],
  ['multi.uribl.com', '127.0.0.8', 'listing', 'red'],
  ['multi.uribl.com', '127.0.0.14', 'listing', 'black + grey + red'],
  ['bl.mailspike.net', '127.0.0.2', 'listing', 'Z'],
  ['bl.mailspike.net', '127.0.0.10', 'listing', 'L5'],
  ['bl.mailspike.net', '127.0.0.12', 'listing', 'L3'],
  ['bl.spamcop.net', '127.0.0.2', 'listing', 'SpamCop'],
  ['b.barracudacentral.org', '127.0.0.2', 'listing', 'Barracuda BRBL'],
  ['psbl.surriel.com', '127.0.0.2', 'listing', 'PSBL'],
  ['dnsbl-1.uceprotect.net', '127.0.0.2', 'listing', 'UCEPROTECT L1'],
];

describe('return codes', () => {
  it.each(CASES)('%s %s → %s %s', (zone, code, cls, subList) => {
    expect(list(zone).interpret(code)).toMatchObject({ class: cls, subList });
  });

  it('documents every default list with at least one code and a removal page', () => {
    for (const entry of DEFAULT_BLOCKLISTS) {
      expect(entry.codes.length, entry.zone).toBeGreaterThan(0);
      expect(entry.removalUrl, entry.zone).toMatch(/^https:\/\//);
    }
    expect(DEFAULT_BLOCKLISTS.filter((entry) => entry.kind === 'ip').map((entry) => entry.zone)).toEqual([
      'zen.spamhaus.org',
      'bl.spamcop.net',
      'b.barracudacentral.org',
      'psbl.surriel.com',
      'bl.mailspike.net',
      'dnsbl-1.uceprotect.net',
    ]);
    expect(DEFAULT_BLOCKLISTS.filter((entry) => entry.kind === 'domain').map((entry) => entry.zone)).toEqual([
      'dbl.spamhaus.org',
      'multi.surbl.org',
      'multi.uribl.com',
    ]);
  });
});

describe('list selection', () => {
  it('uses the defaults when nothing is chosen', () => {
    expect(selectBlocklists().map((entry) => entry.zone)).toEqual(DEFAULT_BLOCKLISTS.map((entry) => entry.zone));
  });

  it('drops lists by zone (case and trailing dot ignored), or all of them', () => {
    const zones = selectBlocklists({ drop: ['BL.SpamCop.net.', 'multi.uribl.com'] }).map((entry) => entry.zone);
    expect(zones).not.toContain('bl.spamcop.net');
    expect(zones).not.toContain('multi.uribl.com');
    expect(zones).toHaveLength(7);
    expect(selectBlocklists({ drop: ['all'], add: ['x.bl.test'] }).map((entry) => entry.zone)).toEqual(['x.bl.test']);
  });

  it('adds lists asked about both addresses and domain, or one with ip:/domain:, ignoring duplicates and malformed zones', () => {
    const added = selectBlocklists({ drop: ['all'], add: ['ip:a.bl.test', 'domain:b.bl.test', 'c.bl.test', 'c.bl.test', 'not a zone', ''] });
    expect(added.map((entry) => [entry.zone, entry.kind, entry.ipv6])).toEqual([
      ['a.bl.test', 'ip', true],
      ['b.bl.test', 'domain', false],
      ['c.bl.test', 'both', true],
    ]);
    // Generic meaning: any 127/8 answer is a listing.
    expect(added[0]?.interpret('127.0.0.9')).toMatchObject({ class: 'listing' });
  });

  it('reads an added Spamhaus zone with the Spamhaus tables (error codes are never listings)', () => {
    const [sbl] = selectBlocklists({ drop: ['all'], add: ['sbl.spamhaus.org'] });
    expect(sbl?.interpret('127.255.255.254')).toMatchObject({ class: 'refused' });
    expect(sbl?.interpret('127.0.0.2')).toMatchObject({ class: 'listing', subList: 'SBL' });
    expect(sbl?.interpret('127.0.1.2')).toMatchObject({ class: 'listing', subList: 'DBL spam' });
    expect(sbl?.interpret('127.0.1.255')).toMatchObject({ class: 'refused' });
  });

  it('re-adding a default list after dropping all keeps its code table', () => {
    const [zen] = selectBlocklists({ drop: ['all'], add: ['zen.spamhaus.org'] });
    expect(zen?.interpret('127.0.0.10')).toMatchObject({ class: 'policy' });
    expect(zen?.origin).toBe('added');
  });

  it('replaces the Spamhaus zones with their DQS forms when a key is given, showing the key masked', () => {
    const lists = selectBlocklists({ spamhausKey: 'AbC123' });
    const zen = lists.find((entry) => entry.displayZone === '<DQS-KEY>.zen.dq.spamhaus.net');
    const dbl = lists.find((entry) => entry.displayZone === '<DQS-KEY>.dbl.dq.spamhaus.net');
    expect(zen).toMatchObject({ zone: 'abc123.zen.dq.spamhaus.net', kind: 'ip', origin: 'dqs' });
    expect(dbl).toMatchObject({ zone: 'abc123.dbl.dq.spamhaus.net', kind: 'domain', origin: 'dqs' });
    expect(lists.map((entry) => entry.zone)).not.toContain('zen.spamhaus.org');
    expect(lists).toHaveLength(9);
  });
});

describe('query names (RFC 5782 §2.1, §2.4)', () => {
  it('reverses IPv4 octets', () => {
    expect(ipQueryName(parseIp('192.0.2.99')!, 'zen.spamhaus.org')).toBe('99.2.0.192.zen.spamhaus.org');
  });

  it('reverses the 32 nibbles of an IPv6 address', () => {
    expect(ipQueryName(parseIp('2001:db8:1::ab')!, 'zen.spamhaus.org')).toBe(
      'b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.zen.spamhaus.org',
    );
  });

  it('asks an IPv4-mapped IPv6 address as IPv4', () => {
    expect(unmapIpv4(parseIp('::ffff:192.0.2.1')!).text).toBe('192.0.2.1');
  });

  it('does not send private, loopback or link-local addresses to public lists, but does send documentation ranges', () => {
    expect(notQueriedReason(parseIp('10.1.2.3')!)).toBe('private (RFC 1918) address');
    expect(notQueriedReason(parseIp('172.31.0.1')!)).toBe('private (RFC 1918) address');
    expect(notQueriedReason(parseIp('172.32.0.1')!)).toBeNull();
    expect(notQueriedReason(parseIp('127.0.0.2')!)).toBe('loopback (RFC 1122) address');
    expect(notQueriedReason(parseIp('fe80::1')!)).toBe('link-local (RFC 4291) address');
    expect(notQueriedReason(parseIp('fd00::1')!)).toBe('unique local (RFC 4193) address');
    expect(notQueriedReason(parseIp('192.0.2.10')!)).toBeNull();
    expect(notQueriedReason(parseIp('2001:db8::1')!)).toBeNull();
  });
});

describe('README', () => {
  it('documents every blocklist finding id and every default zone in the reputation section', async () => {
    const { readFileSync } = await import('node:fs');
    const { blocklistCheck } = await import('../src/checks/blocklist/index.js');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('<!-- section:checks-reputation -->'), readme.indexOf('<!-- /section:checks-reputation -->'));
    for (const id of Object.keys(blocklistCheck.findings)) expect(section, id).toContain(`| \`${id}\` | ${blocklistCheck.findings[id as keyof typeof blocklistCheck.findings].severity} |`);
    for (const entry of DEFAULT_BLOCKLISTS) expect(section, entry.zone).toContain(`| \`${entry.zone}\` |`);
  });
});
