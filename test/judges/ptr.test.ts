/**
 * The ptr judge on facts: every finding id with its evidence and exact fix
 * records, sending IPs (--ip), skips, and failed queries (never "missing").
 */
import { describe, expect, it } from 'vitest';
import { ptrCheck, type PtrAddressFacts, type PtrFacts } from '../../src/checks/ptr/index.js';
import { judgeFacts } from '../../src/checks/define.js';
import { statusFromFindings } from '../../src/run-check.js';
import { judgeCases } from '../helpers/judge.js';

const IPV6_SENDING_REVERSE = '9.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.7.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa';
const IPV6_MISSING_REVERSE = '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa';

function reverse(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
}

/** An address whose PTR names all resolve back to it. */
function confirmed(ip: string, name: string, more: Partial<PtrAddressFacts> = {}): PtrAddressFacts {
  return {
    ip,
    version: ip.includes(':') ? 6 : 4,
    mxHosts: [],
    sending: false,
    reverseName: reverse(ip),
    ptr: { status: 'ok', names: [name] },
    forward: [{ name, type: ip.includes(':') ? 'AAAA' : 'A', status: 'ok', addresses: [ip] }],
    forwardConfirmed: true,
    confirmedNames: [name],
    outcome: 'confirmed',
    ...more,
  };
}

function missing(ip: string, status: 'nxdomain' | 'nodata', more: Partial<PtrAddressFacts> = {}): PtrAddressFacts {
  return confirmed(ip, '', { ptr: { status, names: [] }, forward: [], forwardConfirmed: false, confirmedNames: [], outcome: 'missing', ...more });
}

function failedPtr(ip: string, status: 'servfail' | 'timeout', more: Partial<PtrAddressFacts> = {}): PtrAddressFacts {
  return confirmed(ip, '', {
    ptr: { status, names: [] },
    forward: [],
    forwardConfirmed: null,
    confirmedNames: [],
    outcome: 'inconclusive',
    failure: `PTR ${reverse(ip)}: ${status}`,
    ...more,
  });
}

function facts(domain: string, addresses: PtrAddressFacts[], more: Partial<PtrFacts> = {}): PtrFacts {
  return { domain, mx: { status: 'ok', nullMx: false, hosts: 1 }, addresses, unresolved: [], invalidIps: [], ...more };
}

const status = (expected: string) => (findings: Parameters<typeof statusFromFindings>[0]) => expect(statusFromFindings(findings)).toBe(expected);
const mx = (host: string) => ({ mxHosts: [host] });

const generic = confirmed('127.0.6.1', '127-0-6-1.dynamic.isp-generic.test', mx('mx1.ptr-generic.test'));

judgeCases(ptrCheck, [
  {
    name: 'forward-confirmed IPv4 and IPv6 addresses: nothing to report',
    facts: facts('ptr-confirmed.test', [
      confirmed('127.0.4.1', 'mx1.ptr-confirmed.test', mx('mx1.ptr-confirmed.test')),
      confirmed('2001:db8:4::1', 'mx1.ptr-confirmed.test', { ...mx('mx1.ptr-confirmed.test'), reverseName: IPV6_MISSING_REVERSE }),
    ]),
    ids: [],
  },
  {
    name: 'NXDOMAIN and NODATA are both missing: PTR records naming the MX host',
    facts: facts('ptr-missing.test', [
      missing('127.0.5.1', 'nxdomain', mx('mx1.ptr-missing.test')),
      missing('2001:db8:5::1', 'nodata', { ...mx('mx1.ptr-missing.test'), reverseName: IPV6_MISSING_REVERSE }),
    ]),
    ids: ['ptr/missing'],
    fixes: {
      'ptr/missing': [
        { action: 'add', name: '1.5.0.127.in-addr.arpa', type: 'PTR', value: 'mx1.ptr-missing.test' },
        { action: 'add', name: IPV6_MISSING_REVERSE, type: 'PTR', value: 'mx1.ptr-missing.test' },
      ],
    },
    then: ([finding]) => {
      expect(finding!.severity).toBe('medium');
      expect(finding!.evidence).toEqual([
        '127.0.5.1 (MX host mx1.ptr-missing.test): PTR 1.5.0.127.in-addr.arpa: NXDOMAIN',
        `2001:db8:5::1 (MX host mx1.ptr-missing.test): PTR ${IPV6_MISSING_REVERSE}: NODATA`,
      ]);
      expect(finding!.fix?.placeholders).toBeUndefined();
      expect(finding!.fix?.notes?.length).toBeGreaterThan(0);
      status('warn')([finding!]);
    },
  },
  {
    name: 'mismatch: the forward record for PTR names in the domain, the PTR replaced otherwise',
    facts: facts('ptr-mismatch.test', [
      confirmed('127.0.5.11', 'server.hosting-mismatch.test', {
        ...mx('mx1.ptr-mismatch.test'),
        forward: [{ name: 'server.hosting-mismatch.test', type: 'A', status: 'ok', addresses: ['127.0.5.99'] }],
        forwardConfirmed: false,
        confirmedNames: [],
        outcome: 'mismatch',
      }),
      confirmed('127.0.5.12', 'smtp.ptr-mismatch.test', {
        ...mx('mx2.ptr-mismatch.test'),
        forward: [{ name: 'smtp.ptr-mismatch.test', type: 'A', status: 'nxdomain', addresses: [] }],
        forwardConfirmed: false,
        confirmedNames: [],
        outcome: 'mismatch',
      }),
    ]),
    ids: ['ptr/mismatch'],
    fixes: {
      'ptr/mismatch': [
        { action: 'add', name: 'smtp.ptr-mismatch.test', type: 'A', value: '127.0.5.12' },
        { action: 'replace', name: '11.5.0.127.in-addr.arpa', type: 'PTR', value: 'mx1.ptr-mismatch.test', current: 'server.hosting-mismatch.test' },
      ],
    },
    data: { 'ptr/mismatch': { ptrNames: ['server.hosting-mismatch.test', 'smtp.ptr-mismatch.test'] } },
    then: ([finding]) => {
      expect(finding!.severity).toBe('medium');
      expect(finding!.evidence).toEqual([
        '127.0.5.11 (MX host mx1.ptr-mismatch.test): PTR server.hosting-mismatch.test; A server.hosting-mismatch.test: 127.0.5.99',
        '127.0.5.12 (MX host mx2.ptr-mismatch.test): PTR smtp.ptr-mismatch.test; A smtp.ptr-mismatch.test: NXDOMAIN',
      ]);
    },
  },
  {
    name: 'a pool name is generic even when forward-confirmed: the MX host name asked for',
    facts: facts('ptr-generic.test', [generic]),
    ids: ['ptr/generic'],
    fixes: {
      'ptr/generic': [
        { action: 'replace', name: '1.6.0.127.in-addr.arpa', type: 'PTR', value: 'mx1.ptr-generic.test', current: '127-0-6-1.dynamic.isp-generic.test' },
      ],
    },
    data: { 'ptr/generic': { addresses: ['127.0.6.1'], names: ['127-0-6-1.dynamic.isp-generic.test'] } },
    then: ([finding]) => {
      expect(finding!.severity).toBe('low');
      status('warn')([finding!]);
    },
  },
  {
    name: 'sending IPs (--ip): named as such, with a sending host placeholder and its forward record',
    facts: facts('ptr-sending.test', [
      missing('127.0.7.9', 'nxdomain', { sending: true }),
      confirmed('2001:db8:7::9', 'mail.ptr-sending.test', { sending: true, reverseName: IPV6_SENDING_REVERSE }),
      confirmed('127.0.7.10', 'static-7-10.isp-sending.test', { sending: true }),
    ], { mx: { status: 'ok', nullMx: true, hosts: 0 } }),
    ids: ['ptr/missing', 'ptr/generic'],
    fixes: {
      'ptr/missing': [
        { action: 'add', name: '9.7.0.127.in-addr.arpa', type: 'PTR', value: '<SENDING-HOST>' },
        { action: 'add', name: '<SENDING-HOST>', type: 'A', value: '127.0.7.9' },
      ],
      'ptr/generic': [
        { action: 'replace', name: '10.7.0.127.in-addr.arpa', type: 'PTR', value: '<SENDING-HOST>', current: 'static-7-10.isp-sending.test' },
        { action: 'add', name: '<SENDING-HOST>', type: 'A', value: '127.0.7.10' },
      ],
    },
    then: ([missingIp, genericIp]) => {
      expect(missingIp!.evidence).toEqual(['127.0.7.9 (sending IP): PTR 9.7.0.127.in-addr.arpa: NXDOMAIN']);
      expect(Object.keys(missingIp!.fix?.placeholders ?? {})).toEqual(['SENDING-HOST']);
      expect(genericIp!.evidence).toEqual([expect.stringMatching(/^127\.0\.7\.10 \(sending IP\): PTR static-7-10\.isp-sending\.test /)]);
      status('warn')([missingIp!, genericIp!]);
    },
  },
  {
    name: 'a sending IP that is also an MX address: both roles named, the MX host name asked for',
    facts: facts('ptr-missing.test', [missing('127.0.5.1', 'nxdomain', { ...mx('mx1.ptr-missing.test'), sending: true })]),
    ids: ['ptr/missing'],
    fixes: { 'ptr/missing': [{ action: 'add', name: '1.5.0.127.in-addr.arpa', type: 'PTR', value: 'mx1.ptr-missing.test' }] },
    then: ([finding]) => expect(finding!.evidence[0]).toBe('127.0.5.1 (sending IP; MX host mx1.ptr-missing.test): PTR 1.5.0.127.in-addr.arpa: NXDOMAIN'),
  },
  ...(['servfail', 'timeout'] as const).map((failure) => ({
    name: `a PTR query ending in ${failure} is inconclusive, never missing`,
    facts: facts('ptr-failed.test', [failedPtr('127.0.6.11', failure, mx('mx1.ptr-failed.test'))]),
    ids: [],
    inconclusive: '127.0.6.11',
  })),
  {
    name: 'a forward query that timed out is inconclusive, never a mismatch',
    facts: facts('ptr-forward-timeout.test', [
      confirmed('127.0.6.31', 'host.ptr-forward-timeout.test', {
        forward: [{ name: 'host.ptr-forward-timeout.test', type: 'A', status: 'timeout', addresses: [] }],
        forwardConfirmed: null,
        confirmedNames: [],
        outcome: 'inconclusive',
        failure: 'A host.ptr-forward-timeout.test: timeout',
      }),
    ]),
    ids: [],
    inconclusive: 'A host.ptr-forward-timeout.test: timeout',
  },
  {
    name: 'one address concluded (missing), the other timed out: the finding stands',
    facts: facts('ptr-partial.test', [
      failedPtr('127.0.6.41', 'timeout', mx('mx1.ptr-partial.test')),
      missing('127.0.6.42', 'nxdomain', mx('mx2.ptr-partial.test')),
    ]),
    ids: ['ptr/missing'],
    then: ([finding]) => expect(finding!.evidence).toEqual(['127.0.6.42 (MX host mx2.ptr-partial.test): PTR 42.6.0.127.in-addr.arpa: NXDOMAIN']),
  },
  {
    name: 'no address and a null MX: skipped, saying why',
    facts: facts('ptr-sending.test', [], { mx: { status: 'ok', nullMx: true, hosts: 0 } }),
    ids: [],
    skipped: true,
    then: () => expect(judgeFacts(ptrCheck, facts('x.test', [], { mx: { status: 'ok', nullMx: true, hosts: 0 } })).skipped).toContain('null MX'),
  },
  {
    name: 'no address and no MX record: skipped, saying why',
    facts: facts('mx-missing-no-fallback.test', [], { mx: { status: 'nodata', nullMx: false, hosts: 0 } }),
    ids: [],
    skipped: true,
    then: () => expect(judgeFacts(ptrCheck, facts('x.test', [], { mx: { status: 'nodata', nullMx: false, hosts: 0 } })).skipped).toContain('no MX record'),
  },
  {
    name: 'the MX query failed and no sending IP: inconclusive (the MX addresses are unknown, not absent)',
    facts: facts('mx-timeout.test', [], { mx: { status: 'timeout', nullMx: false, hosts: 0 }, unresolved: ['MX mx-timeout.test: timeout'] }),
    ids: [],
    inconclusive: 'MX mx-timeout.test: timeout',
  },
  {
    name: 'the MX query failed, a sending IP is still judged',
    facts: facts('mx-timeout.test', [missing('127.0.7.9', 'nxdomain', { sending: true })], {
      mx: { status: 'timeout', nullMx: false, hosts: 0 },
      unresolved: ['MX mx-timeout.test: timeout'],
      invalidIps: ['not-an-ip'],
    }),
    ids: ['ptr/missing'],
    then: status('warn'),
  },
]);

describe('ptr summary', () => {
  it('a PTR query that timed out or failed is unknown, not "no PTR"', () => {
    expect(ptrCheck.summarise(facts('ptr-timeout.test', [failedPtr('127.0.6.21', 'timeout')]))).toEqual(['127.0.6.21 → PTR lookup failed: timeout']);
    expect(ptrCheck.summarise(facts('ptr-servfail.test', [failedPtr('127.0.6.11', 'servfail')]))).toEqual(['127.0.6.11 → PTR lookup failed: servfail']);
  });

  it('a PTR that is really absent is "no PTR"', () => {
    expect(ptrCheck.summarise(facts('ptr-missing.test', [missing('127.0.5.1', 'nxdomain'), missing('2001:db8:5::1', 'nodata')]))).toEqual([
      '127.0.5.1 → no PTR',
      '2001:db8:5::1 → no PTR',
    ]);
  });

  it('a forward check that failed is named as such; confirmed and unconfirmed names are marked', () => {
    const forward = confirmed('127.0.6.31', 'host.ptr-forward-timeout.test', {
      forwardConfirmed: null,
      outcome: 'inconclusive',
      failure: 'A host.ptr-forward-timeout.test: timeout',
    });
    expect(ptrCheck.summarise(facts('ptr-forward-timeout.test', [forward]))).toEqual([
      '127.0.6.31 → host.ptr-forward-timeout.test (forward check failed: A host.ptr-forward-timeout.test: timeout)',
    ]);
    const mismatch = confirmed('127.0.5.11', 'server.hosting.test', { forwardConfirmed: false, outcome: 'mismatch' });
    expect(ptrCheck.summarise(facts('ptr.test', [generic, mismatch]))).toEqual([
      '127.0.6.1 → 127-0-6-1.dynamic.isp-generic.test (forward-confirmed)',
      '127.0.5.11 → server.hosting.test (not forward-confirmed)',
    ]);
  });
});
