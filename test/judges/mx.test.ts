/**
 * The mx judge on facts: every finding id, its evidence and exact fix records,
 * and NXDOMAIN vs NODATA vs a failed query (never "missing").
 */
import { describe, expect, it } from 'vitest';
import { mxCheck, type MxFacts, type MxHostFacts } from '../../src/checks/mx/index.js';
import { statusFromFindings } from '../../src/run-check.js';
import { judgeCases } from '../helpers/judge.js';

const OK = { status: 'ok' as const, ttl: 300, ad: false, cnames: [] };

function host(exchange: string, preference: number, addresses: Partial<MxHostFacts> = {}): MxHostFacts {
  return { exchange, preference, ipLiteral: false, cnames: [], canonical: null, a: 'ok', aaaa: 'ok', ipv4: ['127.0.1.1'], ipv6: ['2001:db8:1::1'], ...addresses };
}

function facts(domain: string, hosts: MxHostFacts[], more: Partial<MxFacts> = {}): MxFacts {
  return {
    domain,
    mx: OK,
    records: hosts.map((entry) => ({ preference: entry.preference, exchange: entry.exchange })),
    nullMx: false,
    nullMxMixed: false,
    hosts,
    ipv6: hosts.some((entry) => entry.ipv6.length > 0) ? true : null,
    ...more,
  };
}

const status = (expected: string) => (findings: Parameters<typeof statusFromFindings>[0]) => expect(statusFromFindings(findings)).toBe(expected);

judgeCases(mxCheck, [
  {
    name: 'two hosts with addresses, one with IPv6: nothing to report',
    facts: facts('mx-healthy.test', [
      host('mx1.mx-healthy.test', 10, { ipv4: ['127.0.1.1'], ipv6: ['2001:db8:1::1'] }),
      host('mx2.mx-healthy.test', 20, { ipv4: ['127.0.1.2'], aaaa: 'nodata', ipv6: [] }),
    ]),
    ids: [],
  },
  ...(['servfail', 'timeout', 'refused'] as const).map((failure) => ({
    name: `a ${failure} MX query is inconclusive, never mx/missing`,
    facts: facts('mx-failed.test', [], { mx: { status: failure } }),
    ids: [],
    inconclusive: failure.toUpperCase(),
  })),
  {
    name: 'NODATA with A/AAAA: the implicit-MX fallback addresses, and a null MX offered in the notes',
    facts: facts('mx-missing-fallback.test', [], {
      mx: { status: 'nodata' },
      implicitMx: { a: OK, aaaa: OK, ipv4: ['127.0.2.80'], ipv6: ['2001:db8:2::80'] },
    }),
    ids: ['mx/missing'],
    fixes: { 'mx/missing': [{ action: 'add', name: 'mx-missing-fallback.test', type: 'MX', value: '10 <MAIL-HOST>' }] },
    data: { 'mx/missing': { reason: 'fallback', addresses: ['127.0.2.80', '2001:db8:2::80'] } },
    then: ([missing]) => {
      expect(missing!.severity).toBe('high');
      expect(missing!.evidence).toEqual([
        'MX mx-missing-fallback.test: NODATA',
        'A mx-missing-fallback.test: 127.0.2.80',
        'AAAA mx-missing-fallback.test: 2001:db8:2::80',
      ]);
      expect(Object.keys(missing!.fix?.placeholders ?? {})).toEqual(['MAIL-HOST']);
      expect(missing!.fix?.notes?.some((note) => note.includes('mx-missing-fallback.test MX 0 .'))).toBe(true);
      status('fail')([missing!]);
    },
  },
  {
    name: 'NODATA without A/AAAA: no fallback address',
    facts: facts('mx-missing-no-fallback.test', [], {
      mx: { status: 'nodata' },
      implicitMx: { a: { status: 'nodata' }, aaaa: { status: 'nodata' }, ipv4: [], ipv6: [] },
    }),
    ids: ['mx/missing'],
    fixes: { 'mx/missing': [{ action: 'add', name: 'mx-missing-no-fallback.test', type: 'MX', value: '10 <MAIL-HOST>' }] },
    data: { 'mx/missing': { reason: 'no-address', addresses: [] } },
  },
  {
    name: 'NODATA whose A query failed: the fallback is undetermined, still mx/missing',
    facts: facts('mx-missing-undetermined.test', [], {
      mx: { status: 'nodata' },
      implicitMx: { a: { status: 'timeout' }, aaaa: { status: 'nodata' }, ipv4: [], ipv6: [] },
    }),
    ids: ['mx/missing'],
    data: { 'mx/missing': { reason: 'undetermined', a: 'TIMEOUT', aaaa: 'NODATA' } },
  },
  {
    name: 'NXDOMAIN: the domain does not exist',
    facts: facts('mx-nxdomain.test', [], { mx: { status: 'nxdomain' } }),
    ids: ['mx/missing'],
    fixes: { 'mx/missing': [{ action: 'add', name: 'mx-nxdomain.test', type: 'MX', value: '10 <MAIL-HOST>' }] },
    data: { 'mx/missing': { reason: 'nxdomain' } },
    then: ([missing]) => expect(missing!.evidence).toEqual(['MX mx-nxdomain.test: NXDOMAIN']),
  },
  {
    name: 'a lone null MX: replace it if the domain handles mail',
    facts: facts('mx-null.test', [], { records: [{ preference: 0, exchange: '.' }], nullMx: true }),
    ids: ['mx/null-mx'],
    fixes: { 'mx/null-mx': [{ action: 'replace', name: 'mx-null.test', type: 'MX', value: '10 <MAIL-HOST>', current: '0 .' }] },
    data: { 'mx/null-mx': { mixed: false, records: ['0 .'], preferenceNotZero: false } },
    then: ([nullMx]) => expect(nullMx!.severity).toBe('high'),
  },
  {
    name: 'a null MX with a preference other than 0 is still a null MX (RFC 7505 §3)',
    facts: facts('mx-null-ten.test', [], { records: [{ preference: 10, exchange: '.' }], nullMx: true }),
    ids: ['mx/null-mx'],
    data: { 'mx/null-mx': { preferenceNotZero: true, records: ['10 .'] } },
  },
  {
    name: 'a null MX mixed with other MX records: remove the null MX (RFC 7505 §3)',
    facts: facts('mx-null-mixed.test', [host('mx1.mx-null-mixed.test', 10, { ipv4: ['127.0.3.1'], aaaa: 'nodata', ipv6: [] })], {
      records: [{ preference: 0, exchange: '.' }, { preference: 10, exchange: 'mx1.mx-null-mixed.test' }],
      nullMxMixed: true,
      ipv6: false,
    }),
    ids: ['mx/null-mx', 'mx/no-ipv6'],
    fixes: { 'mx/null-mx': [{ action: 'remove', name: 'mx-null-mixed.test', type: 'MX', value: '0 .', current: '0 .' }] },
    data: { 'mx/null-mx': { mixed: true, records: ['10 mx1.mx-null-mixed.test'] } },
    then: status('fail'),
  },
  {
    name: 'an alias: replaced by its canonical name',
    facts: facts('mx-cname.test', [
      host('mail.mx-cname.test', 10, { cnames: ['mx1.mx-cname.test'], canonical: 'mx1.mx-cname.test', ipv4: ['127.0.3.11'], ipv6: ['2001:db8:3::11'] }),
    ]),
    ids: ['mx/cname-target'],
    fixes: { 'mx/cname-target': [{ action: 'replace', name: 'mx-cname.test', type: 'MX', value: '10 mx1.mx-cname.test', current: '10 mail.mx-cname.test' }] },
    data: { 'mx/cname-target': { exchanges: ['mail.mx-cname.test'], targets: ['mx1.mx-cname.test'] } },
    then: ([cname]) => {
      expect(cname!.severity).toBe('medium');
      status('warn')([cname!]);
    },
  },
  {
    name: 'an IP literal: the server gets a name and the MX points at it',
    facts: facts('mx-ip-literal.test', [host('127.0.3.21', 10, { ipLiteral: true, a: 'nxdomain', aaaa: 'nxdomain', ipv4: ['127.0.3.21'], ipv6: [] })], { ipv6: false }),
    ids: ['mx/ip-literal', 'mx/no-ipv6'],
    fixes: {
      'mx/ip-literal': [
        { action: 'add', name: 'mx1.mx-ip-literal.test', type: 'A', value: '127.0.3.21' },
        { action: 'replace', name: 'mx-ip-literal.test', type: 'MX', value: '10 mx1.mx-ip-literal.test', current: '10 127.0.3.21' },
      ],
    },
    then: ([literal]) => {
      expect(literal!.severity).toBe('medium');
      status('warn')([literal!]);
    },
  },
  {
    name: 'NXDOMAIN and NODATA hosts are unresolvable; names outside the domain are removed',
    facts: facts('mx-unresolvable.test', [
      host('mx1.mx-unresolvable.test', 10, { ipv4: ['127.0.3.31'], ipv6: ['2001:db8:3::31'] }),
      host('gone.mx-unresolvable.test', 20, { a: 'nxdomain', aaaa: 'nxdomain', ipv4: [], ipv6: [] }),
      host('empty.mx-unresolvable.test', 30, { a: 'nodata', aaaa: 'nodata', ipv4: [], ipv6: [] }),
      host('mx.elsewhere-unresolvable.test', 40, { a: 'nxdomain', aaaa: 'nxdomain', ipv4: [], ipv6: [] }),
    ]),
    ids: ['mx/unresolvable-target'],
    fixes: {
      'mx/unresolvable-target': [
        { action: 'add', name: 'gone.mx-unresolvable.test', type: 'A', value: '<MAIL-SERVER-IPV4>' },
        { action: 'add', name: 'empty.mx-unresolvable.test', type: 'A', value: '<MAIL-SERVER-IPV4>' },
        { action: 'remove', name: 'mx-unresolvable.test', type: 'MX', value: '40 mx.elsewhere-unresolvable.test', current: '40 mx.elsewhere-unresolvable.test' },
      ],
    },
    data: { 'mx/unresolvable-target': { noHostHasAddress: false } },
    then: ([unresolvable]) => {
      expect(unresolvable!.severity).toBe('high');
      expect(unresolvable!.evidence).toEqual([
        'gone.mx-unresolvable.test: A NXDOMAIN, AAAA NXDOMAIN',
        'empty.mx-unresolvable.test: A NODATA, AAAA NODATA',
        'mx.elsewhere-unresolvable.test: A NXDOMAIN, AAAA NXDOMAIN',
      ]);
      expect(Object.keys(unresolvable!.fix?.placeholders ?? {})).toEqual(['MAIL-SERVER-IPV4']);
    },
  },
  {
    name: 'the only MX is corrected, never removed: removing it would leave the domain without MX',
    facts: facts('only-mx-dead.test', [host('mx.gone-provider.test', 10, { a: 'nxdomain', aaaa: 'nxdomain', ipv4: [], ipv6: [] })]),
    ids: ['mx/unresolvable-target'],
    fixes: { 'mx/unresolvable-target': [{ action: 'replace', name: 'only-mx-dead.test', type: 'MX', value: '10 <MAIL-HOST>', current: '10 mx.gone-provider.test' }] },
    data: { 'mx/unresolvable-target': { noHostHasAddress: true } },
    then: ([unresolvable]) => expect(Object.keys(unresolvable!.fix?.placeholders ?? {})).toEqual(['MAIL-HOST']),
  },
  {
    name: 'a timed-out host is not unresolvable: the check is inconclusive, naming it',
    facts: facts('mx-host-timeout.test', [
      host('mx1.mx-host-timeout.test', 10, { ipv4: ['127.0.3.51'], aaaa: 'nodata', ipv6: [] }),
      host('mx2.mx-host-timeout.test', 20, { a: 'timeout', aaaa: 'timeout', ipv4: [], ipv6: [] }),
    ]),
    ids: [],
    inconclusive: 'mx2.mx-host-timeout.test',
  },
  {
    name: 'no host with IPv6: AAAA records suggested for the hosts in the domain',
    facts: facts('mx-no-ipv6.test', [
      host('mx1.mx-no-ipv6.test', 10, { ipv4: ['127.0.3.41'], aaaa: 'nodata', ipv6: [] }),
      host('mx2.mx-no-ipv6.test', 20, { ipv4: ['127.0.3.42'], aaaa: 'nodata', ipv6: [] }),
    ], { ipv6: false }),
    ids: ['mx/no-ipv6'],
    fixes: {
      'mx/no-ipv6': [
        { action: 'add', name: 'mx1.mx-no-ipv6.test', type: 'AAAA', value: '<MAIL-SERVER-IPV6>' },
        { action: 'add', name: 'mx2.mx-no-ipv6.test', type: 'AAAA', value: '<MAIL-SERVER-IPV6>' },
      ],
    },
    then: ([noIpv6]) => {
      expect(noIpv6!.severity).toBe('info');
      expect(noIpv6!.evidence).toEqual(['AAAA mx1.mx-no-ipv6.test: NODATA', 'AAAA mx2.mx-no-ipv6.test: NODATA']);
      status('pass')([noIpv6!]);
    },
  },
  {
    name: 'a failed AAAA query leaves IPv6 undetermined: no mx/no-ipv6',
    facts: facts('mx-aaaa-servfail.test', [host('mx1.mx-aaaa-servfail.test', 10, { ipv4: ['127.0.3.61'], aaaa: 'servfail', ipv6: [] })]),
    ids: [],
  },
  {
    name: 'hosts of a provider: no AAAA record to publish, a note instead',
    facts: facts('provider.test', [host('mx.provider.example', 10, { ipv4: ['192.0.2.1'], aaaa: 'nodata', ipv6: [] })], { ipv6: false }),
    ids: ['mx/no-ipv6'],
    then: ([noIpv6]) => {
      expect(noIpv6!.fix?.records).toBeUndefined();
      expect(noIpv6!.fix?.notes).toContain('MX hosts run by a provider get IPv6 from the provider.');
    },
  },
]);

describe('mx summary', () => {
  it('a host whose address queries failed has unknown addresses, not none', () => {
    expect(
      mxCheck.summarise(
        facts('mx-host-timeout.test', [
          host('mx1.mx-host-timeout.test', 10, { ipv4: ['127.0.3.51'], aaaa: 'nodata', ipv6: [] }),
          host('mx2.mx-host-timeout.test', 20, { a: 'timeout', aaaa: 'timeout', ipv4: [], ipv6: [] }),
        ]),
      ),
    ).toEqual(['10 mx1.mx-host-timeout.test → 127.0.3.51', '20 mx2.mx-host-timeout.test → addresses unknown (lookup failed: A timeout, AAAA timeout)']);
    expect(mxCheck.summarise(facts('mx-aaaa-servfail.test', [host('mx1.mx-aaaa-servfail.test', 10, { ipv4: ['127.0.3.61'], aaaa: 'servfail', ipv6: [] })]))).toEqual([
      '10 mx1.mx-aaaa-servfail.test → 127.0.3.61 (lookup failed: AAAA servfail)',
    ]);
  });

  it('a null MX is one line; hosts show every address once', () => {
    expect(mxCheck.summarise(facts('mx-null.test', [], { records: [{ preference: 0, exchange: '.' }], nullMx: true }))).toEqual(['null MX (0 .): the domain accepts no mail']);
    expect(mxCheck.summarise(facts('mx-healthy.test', [host('mx1.mx-healthy.test', 10)]))).toEqual(['10 mx1.mx-healthy.test → 127.0.1.1, 2001:db8:1::1']);
  });
});
