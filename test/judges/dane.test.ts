/**
 * The dane judge on facts (no server): TLSA records, their DNSSEC status
 * and the per-address match, to findings and exact fix records.
 */
import { expect } from 'vitest';
import { daneCheck } from '../../src/checks/dane.js';
import { judgeCases } from '../helpers/judge.js';

type Facts = Parameters<typeof daneCheck.judge>[0];
type Host = Facts['hosts'][number];

const KEY = 'aa'.repeat(32);
const OLD = `3 1 1 ${'bb'.repeat(32)}`;
const leaf = { subject: 'CN=mx.example.test', sha256: 'cc'.repeat(32), spkiSha256: KEY };

function host(overrides: Partial<Host> = {}): Host {
  return {
    host: 'mx.example.test',
    tlsaName: '_25._tcp.mx.example.test',
    lookup: 'ok',
    authenticated: true,
    dnssec: 'authenticated',
    records: [`3 1 1 ${KEY}`],
    usable: [`3 1 1 ${KEY}`],
    zone: 'signed',
    zoneApex: 'example.test',
    validation: { state: 'secure', at: 'example.test', anchor: 'built-in', detail: 'validated' },
    source: 'validation',
    addresses: [{ address: '192.0.2.25', result: 'match', matched: [`3 1 1 ${KEY}`], notes: [], leaf }],
    ...overrides,
  };
}

function facts(hosts: Host[], mx: Partial<Facts['mx']> = {}): Facts {
  return { domain: 'example.test', now: 1_800_000_000, mx: { status: 'ok', nullMx: false, count: 1, ...mx }, offline: false, resolverValidates: false, hosts };
}

const mismatch = { address: '192.0.2.25', result: 'mismatch' as const, matched: [], notes: [], leaf };

judgeCases(daneCheck, [
  { name: 'MX lookup failed: inconclusive', facts: facts([], { status: 'timeout', count: 0 }), ids: [], inconclusive: 'MX lookup for example.test failed (timeout)' },
  { name: 'null MX: skipped', facts: facts([], { nullMx: true }), ids: [], skipped: true },
  { name: 'no MX: skipped', facts: facts([], { count: 0 }), ids: [], skipped: true },
  { name: 'no TLSA records: skipped (DANE not in use)', facts: facts([{ host: 'mx.example.test', tlsaName: '_25._tcp.mx.example.test', lookup: 'nxdomain' }]), ids: [], skipped: true },
  { name: 'TLSA lookup failed: inconclusive', facts: facts([{ host: 'mx.example.test', tlsaName: '_25._tcp.mx.example.test', lookup: 'servfail' }]), ids: [], inconclusive: 'TLSA lookup failed for _25._tcp.mx.example.test (servfail)' },
  { name: 'validated and matching: no finding', facts: facts([host()]), ids: [] },
  {
    name: 'validated and mismatching: critical, add the presented key, remove the stale record',
    facts: facts([host({ records: [OLD], usable: [OLD], addresses: [mismatch] })]),
    ids: ['dane/tlsa-mismatch'],
    fixes: {
      'dane/tlsa-mismatch': [
        { action: 'add', name: '_25._tcp.mx.example.test', type: 'TLSA', value: `3 1 1 ${KEY}` },
        { action: 'remove', name: '_25._tcp.mx.example.test', type: 'TLSA', value: OLD, current: OLD },
      ],
    },
    then: ([finding]) => {
      expect(finding!.severity).toBe('critical');
      expect(finding!.message).toBe('mx.example.test presents a certificate that matches none of its usable TLSA records');
    },
  },
  {
    name: 'proven insecure and mismatching: without-dnssec, and the mismatch lowered to medium',
    facts: facts([host({ dnssec: 'unauthenticated', authenticated: false, dnssecReason: "mailcheck's validation: NSEC at example.test shows NS and no DS", zone: 'unsigned', records: [OLD], usable: [OLD], addresses: [mismatch] })]),
    ids: ['dane/tlsa-without-dnssec', 'dane/tlsa-mismatch'],
    then: ([without, broken]) => {
      expect(without!.message).toBe("TLSA records not DNSSEC-authenticated, so senders ignore them (RFC 7672 §2.2): _25._tcp.mx.example.test: mailcheck's validation: NSEC at example.test shows NS and no DS");
      expect(without!.fix?.summary).toBe('Sign the zone example.test with DNSSEC and publish the DS record at the parent, or remove the TLSA records at _25._tcp.mx.example.test');
      expect(broken!.severity).toBe('medium');
      expect(broken!.message).toMatch(/not DNSSEC-authenticated, so senders ignore them for now\)$/);
    },
  },
  {
    name: 'island zone: publish its DS',
    facts: facts([host({ dnssec: 'unauthenticated', authenticated: false, dnssecReason: 'zone example.test has 1 DNSKEY record(s) but no DS record at its parent', zone: 'island', source: 'ad-flag' })]),
    ids: ['dane/tlsa-without-dnssec'],
    then: ([finding]) => expect(finding!.fix?.summary).toBe('Publish the DS record of example.test at the parent, or remove the TLSA records at _25._tcp.mx.example.test'),
  },
  {
    name: 'bogus TLSA RRset: critical, senders defer',
    facts: facts([host({ dnssec: 'bogus', authenticated: false, dnssecReason: "mailcheck's validation: RRSIG does not verify" })]),
    ids: ['dane/tlsa-bogus'],
    data: { 'dane/tlsa-bogus': { hosts: ["_25._tcp.mx.example.test: mailcheck's validation: RRSIG does not verify"] } },
    then: ([finding]) => expect(finding!.severity).toBe('critical'),
  },
  {
    name: 'authentication cannot be told (no anchor reaches, resolver does not validate): inconclusive',
    facts: facts([host({ dnssec: 'unknown', authenticated: false, dnssecReason: 'zone example.test publishes DS records at its parent, but the resolver in use (192.0.2.53:53) does not validate DNSSEC', source: 'ad-flag' })]),
    ids: [],
    inconclusive: 'rerun with a validating resolver',
  },
  {
    name: 'no TLS session at a host with usable records: mismatch naming the state, fix enables STARTTLS',
    facts: facts([host({ addresses: [{ address: '192.0.2.25', result: 'no-tls', matched: [], notes: [], detail: 'starttls-missing' }] })]),
    ids: ['dane/tlsa-mismatch'],
    then: ([finding]) => {
      expect(finding!.message).toBe('mx.example.test publishes TLSA records but no TLS session could be made (starttls-missing)');
      expect(finding!.fix?.summary).toBe('Enable STARTTLS on mx.example.test or remove its TLSA records; publish TLSA records that match the presented certificates');
    },
  },
]);
