/**
 * The dnssec judge on facts (no server): the zone's state, and what decided
 * it (mailcheck's validation or the resolver's AD flag), to findings.
 */
import { expect } from 'vitest';
import { dnssecCheck } from '../../src/checks/dnssec.js';
import { judgeCases } from '../helpers/judge.js';

type Facts = Parameters<typeof dnssecCheck.judge>[0];
type Zone = Facts['domain'];

const validated = (state: Zone['validation']['state'], at = 'example.test', detail = 'seen'): Zone['validation'] => ({ state, at, anchor: 'built-in', detail });
const fallback: Zone['validation'] = { state: 'indeterminate', at: '.', anchor: 'built-in', detail: '. answers no signed DNSKEY RRset' };

function zone(overrides: Partial<Zone> = {}): Zone {
  return { name: 'example.test', zone: 'example.test', state: 'signed', ad: false, ds: [], dnskeys: 0, validation: fallback, source: 'ad-flag', ...overrides };
}

function facts(domain: Partial<Zone>, extra: Partial<Facts> = {}): Facts {
  return { now: 1_800_000_000, resolverValidates: false, resolvers: ['192.0.2.53:53'], offline: false, trustAnchors: [], domain: zone(domain), mxHosts: [], ...extra };
}

judgeCases(dnssecCheck, [
  { name: 'validated secure: no finding', facts: facts({ state: 'signed', dnskeys: 2, ds: ['1 13 2 ab'], validation: validated('secure'), source: 'validation' }), ids: [] },
  { name: 'signed by the AD flag (no anchor reaches the zone): no finding', facts: facts({ state: 'signed', ad: true }, { resolverValidates: true }), ids: [] },
  {
    name: 'proven insecure delegation, nothing published: unsigned, with the sign-and-publish fix',
    facts: facts({ state: 'unsigned', validation: validated('insecure', 'example.test', 'NSEC at example.test (signed by test) shows NS and no DS'), source: 'validation' }),
    ids: ['dnssec/unsigned'],
    data: { 'dnssec/unsigned': { zone: 'example.test', state: 'unsigned', offline: false } },
    then: ([finding]) => {
      expect(finding!.message).toBe('The zone example.test is not signed (no DS record at its parent, no DNSKEY)');
      expect(finding!.fix?.summary).toBe('Sign the zone example.test and publish its DS record at the registrar');
      expect(finding!.evidence).toContain("mailcheck's validation: insecure at example.test: NSEC at example.test (signed by test) shows NS and no DS");
    },
  },
  {
    name: 'island (DNSKEY, no DS): unsigned, publish the DS',
    facts: facts({ state: 'island', dnskeys: 1 }),
    ids: ['dnssec/unsigned'],
    then: ([finding]) => {
      expect(finding!.message).toBe('The zone example.test has 1 DNSKEY record(s) but no DS record at its parent, so validators treat it as unsigned');
      expect(finding!.fix?.summary).toBe('Publish the DS record for example.test at the registrar');
    },
  },
  {
    name: 'DS published but the chain does not reach it: insecure',
    facts: facts({ state: 'insecure', ds: ['1 13 2 ab'], dnskeys: 1 }, { resolverValidates: true }),
    ids: ['dnssec/unsigned'],
    then: ([finding]) => expect(finding!.fix?.summary).toBe('Check the DS record of example.test at the registrar and that the parent zone is signed'),
  },
  {
    name: 'offline: the message speaks of the zone file, not the parent',
    facts: facts({ state: 'unsigned' }, { offline: true }),
    ids: ['dnssec/unsigned'],
    then: ([finding]) => {
      expect(finding!.message).toBe('The zone example.test is not signed (no DS record in the zone file, no DNSKEY)');
      expect(finding!.evidence.at(-1)).toMatch(/--offline/);
    },
  },
  {
    name: 'bogus: high finding naming where validation failed',
    facts: facts({ state: 'bogus', ds: ['1 13 2 ab'], dnskeys: 1, validation: validated('bogus', 'example.test', 'the DNSKEY RRset of example.test does not validate: RRSIG expired'), source: 'validation' }),
    ids: ['dnssec/bogus'],
    data: { 'dnssec/bogus': { zone: 'example.test', at: 'example.test' } },
    then: ([finding]) => {
      expect(finding!.severity).toBe('high');
      expect(finding!.message).toBe('DNSSEC validation of example.test fails at example.test: the DNSKEY RRset of example.test does not validate: RRSIG expired');
    },
  },
  { name: 'DS published, resolver does not validate, no anchor reaches: inconclusive', facts: facts({ state: 'unverified', ds: ['1 13 2 ab'] }), ids: [], inconclusive: 'does not validate DNSSEC' },
  { name: 'DS published, algorithm not supported, offline: inconclusive', facts: facts({ state: 'unverified', ds: ['1 5 2 ab'] }, { offline: true }), ids: [], inconclusive: 'cannot be validated offline' },
  { name: 'a failed lookup (timeout on the chain): inconclusive, never unsigned', facts: facts({ state: 'error', error: 'DS example.test: timeout', validation: validated('error'), source: 'validation' }), ids: [], inconclusive: 'timeout' },
]);
