import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZoneFileError, indexZones, parseZoneFile, zoneOverride, type Zone } from '../src/dns/zone-file.js';
import { createResolver } from '../src/dns/resolver.js';
import type { DnsClient } from '../src/dns/types.js';
import { startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';

const previewText = readFileSync(new URL('../fixtures/zones/preview.test.zone', import.meta.url), 'utf8');

function records(zone: Zone, name: string, type: string) {
  return zone.records.filter((record) => record.name === name && record.type === type).map((record) => record.data);
}

describe('parseZoneFile (RFC 1035 §5)', () => {
  const zone = parseZoneFile(previewText, { source: 'preview.test.zone' });

  it('reads $ORIGIN, @, relative and absolute names, blank owners and parentheses', () => {
    expect(zone.origin).toBe('preview.test');
    expect(records(zone, 'preview.test', 'MX')).toEqual([
      { preference: 10, exchange: 'mx1.preview.test' },
      { preference: 20, exchange: 'mx2.preview.test' },
    ]);
    expect(records(zone, 'preview.test', 'NS')).toEqual(['ns1.preview.test']);
    expect(records(zone, 'preview.test', 'SOA')).toEqual([
      { mname: 'ns1.preview.test', rname: 'hostmaster.preview.test', serial: 2026050101, refresh: 7200, retry: 900, expire: 1209600, minimum: 300 },
    ]);
    expect(records(zone, 'mx1.preview.test', 'AAAA')).toEqual(['::1']);
    expect(records(zone, 'www.preview.test', 'CNAME')).toEqual(['mx1.preview.test']);
    expect(records(zone, '_25._tcp.mx1.preview.test', 'TLSA')).toEqual([
      { usage: 3, selector: 1, matchingType: 1, data: '0123456789abcdef'.repeat(4) },
    ]);
  });

  it('keeps TXT character-strings apart, decodes escapes and ignores comments', () => {
    expect(records(zone, '_dmarc.preview.test', 'TXT')).toEqual([['v=DMARC1; p=reject; ', 'rua=mailto:dmarc@preview.test']]);
    expect(records(zone, '*.wild.preview.test', 'TXT')).toEqual([['wildcard "quoted" ; semicolon']]);
  });

  it('applies $TTL, explicit TTLs with units, and TTL/class in either order', () => {
    const ttl = (name: string, type: string) => zone.records.find((record) => record.name === name && record.type === type)!.ttl;
    expect(ttl('preview.test', 'TXT')).toBe(3600);
    expect(ttl('mx1.preview.test', 'A')).toBe(300);
    // A blank owner repeats the owner, not the TTL.
    expect(ttl('mx1.preview.test', 'AAAA')).toBe(3600);
    const other = parseZoneFile('$ORIGIN x.test.\n$TTL 60\na IN 1d TXT "one"\nb 2m IN A 192.0.2.1\n');
    expect(other.records.map((record) => record.ttl)).toEqual([86400, 120]);
    // Before any $TTL the last explicit TTL carries on.
    const legacy = parseZoneFile('a.test. 600 IN A 192.0.2.1\nb.test. IN A 192.0.2.2\n');
    expect(legacy.records.map((record) => record.ttl)).toEqual([600, 600]);
  });

  it('normalises AAAA like the wire decoder, reads null MX, DS, DNSKEY and keeps other types as text', () => {
    const zone2 = parseZoneFile(
      [
        '$ORIGIN z.test.',
        '@ AAAA 2001:DB8:0:0:0:0:0:1',
        '@ MX 0 .',
        '@ DS 12345 13 2 ( ABCDEF0123 456789 )',
        '@ DNSKEY 257 3 13 ( mdsswUyr3DPW132mOi8V9xESWE8jTo0d',
        '                    xCjjnopKl+GqJxpVXckHAeF+KkxLbxIL )',
        '@ CAA 0 issue "ca.example"',
        'gen TYPE65534 \\# 3 abcdef',
      ].join('\n'),
    );
    expect(records(zone2, 'z.test', 'AAAA')).toEqual(['2001:db8::1']);
    expect(records(zone2, 'z.test', 'MX')).toEqual([{ preference: 0, exchange: '' }]);
    expect(records(zone2, 'z.test', 'DS')).toEqual([{ keyTag: 12345, algorithm: 13, digestType: 2, digest: 'abcdef0123456789' }]);
    expect(records(zone2, 'z.test', 'DNSKEY')[0]).toMatchObject({ flags: 257, publicKey: 'mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxIL' });
    expect(records(zone2, 'z.test', 'CAA')).toEqual(['0 issue "ca.example"']);
    expect(records(zone2, 'gen.z.test', 'TYPE65534')).toEqual(['\\# 3 abcdef']);
  });

  it('names the line of each error', () => {
    const cases: Array<[string, RegExp]> = [
      ['a.test. IN A 300.1.1.1', /:1: A: "300.1.1.1" is not an IPv4 address/],
      ['$ORIGIN x.test.\n\nwww IN A', /:3: A: expected 1 fields/],
      ['rel IN A 192.0.2.1', /:1: relative name "rel" used before any \$ORIGIN/],
      ['@ IN A 192.0.2.1', /"@" used before any \$ORIGIN/],
      ['a.test. IN TXT "open', /unterminated quoted string/],
      ['a.test. IN TXT ( "x"', /"\(" without "\)"/],
      ['a.test. CH TXT "x"', /class CH is not supported/],
      ['a.test. IN BOGUS x', /unknown record type "BOGUS"/],
      [`a.test. IN TXT "${'x'.repeat(256)}"`, /256 octets/],
      ['$INCLUDE other.zone', /\$INCLUDE is not supported/],
      ['  IN A 192.0.2.1', /record without an owner name/],
      ['a.test. IN MX ten mx.test.', /preference must be a number/],
    ];
    for (const [text, pattern] of cases) {
      expect(() => parseZoneFile(text, { source: 'f.zone' })).toThrow(ZoneFileError);
      expect(() => parseZoneFile(text, { source: 'f.zone' })).toThrow(pattern);
    }
  });

  it('an unterminated quote is reported at the line where it opened', () => {
    const text = '$ORIGIN q.test.\nspf IN TXT "v=spf1 -all\nwww IN A 192.0.2.1\nmail IN A 192.0.2.2\n';
    let caught: unknown;
    try {
      parseZoneFile(text, { source: 'f.zone' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ZoneFileError);
    expect((caught as ZoneFileError).line).toBe(2);
    expect((caught as ZoneFileError).message).toMatch(/^f\.zone:2: /);
  });
});

describe('zoneOverride through the real resolver', () => {
  let server: FixtureServer;
  const zone = parseZoneFile(previewText);

  beforeAll(async () => {
    server = await startFixtureDnsServer({
      zone: {
        // What is published today: the zone file replaces these names.
        'preview.test': { TXT: ['v=spf1 +all'], MX: [[5, 'old-mx.preview.test']] },
        'old-mx.preview.test': { A: ['127.0.0.99'] },
        // Names the zone file does not define still come from DNS.
        'elsewhere.test': { TXT: ['from the wire'] },
        'alias.preview.test': { A: ['127.0.0.77'] },
      },
    });
  });
  afterAll(() => server.close());

  function resolver(offline: boolean): DnsClient {
    let dns: DnsClient;
    const overrides = zoneOverride([zone], { offline, resolveOutside: (name, type) => dns.query(name, type) });
    dns = createResolver({ servers: [server.server], timeoutMs: 500, retries: 0, overrides });
    return dns;
  }

  it('answers defined names from the zone, other names from DNS', async () => {
    const before = server.queryCount();
    const dns = resolver(false);
    const txt = await dns.query('preview.test', 'TXT');
    expect(txt).toMatchObject({ status: 'ok', records: [['v=spf1 mx -all']], ttl: 3600 });
    expect(await dns.query('preview.test', 'MX')).toMatchObject({ records: [{ preference: 10, exchange: 'mx1.preview.test' }, { preference: 20, exchange: 'mx2.preview.test' }] });
    // Defined name without the type: NODATA, not the wire.
    expect(await dns.query('mx2.preview.test', 'AAAA')).toMatchObject({ status: 'nodata' });
    // CNAME chased inside the zone.
    expect(await dns.query('www.preview.test', 'A')).toMatchObject({ status: 'ok', records: ['127.0.0.10'], cnames: ['mx1.preview.test'] });
    // Wildcard.
    expect(await dns.query('x.wild.preview.test', 'TXT')).toMatchObject({ status: 'ok', records: [['wildcard "quoted" ; semicolon']] });
    // Empty non-terminal below the apex: exists without records.
    expect(await dns.query('_tcp.mx1.preview.test', 'TXT')).toMatchObject({ status: 'nodata' });
    expect(server.queryCount()).toBe(before);
    // Not in the zone file: asked on the wire.
    expect(await dns.query('elsewhere.test', 'TXT')).toMatchObject({ status: 'ok', records: [['from the wire']] });
    expect(await dns.query('alias.preview.test', 'A')).toMatchObject({ status: 'ok', records: ['127.0.0.77'] });
    expect(server.queryCount()).toBe(before + 2);
    expect(dns.log.filter((entry) => entry.server === 'override')).toHaveLength(6);
  });

  it('offline: names outside the zone are unknown, undefined names inside it do not exist, nothing goes on the wire', async () => {
    const before = server.queryCount();
    const dns = resolver(true);
    expect(await dns.query('preview.test', 'TXT')).toMatchObject({ status: 'ok', records: [['v=spf1 mx -all']] });
    expect(await dns.query('nothing.preview.test', 'TXT')).toMatchObject({ status: 'nxdomain' });
    expect(await dns.query('elsewhere.test', 'TXT')).toEqual({ status: 'servfail', outside: 'elsewhere.test' });
    expect(await dns.query('10.0.0.127.in-addr.arpa', 'PTR')).toEqual({ status: 'servfail', outside: '10.0.0.127.in-addr.arpa' });
    expect(server.queryCount()).toBe(before);
  });

  it('follows a CNAME that leaves the zone through the resolver (offline, its target is unknown)', async () => {
    const out = parseZoneFile('$ORIGIN preview.test.\nout IN CNAME elsewhere.test.\n');
    let dns: DnsClient;
    dns = createResolver({
      servers: [server.server],
      timeoutMs: 500,
      retries: 0,
      overrides: zoneOverride([out], { resolveOutside: (name, type) => dns.query(name, type) }),
    });
    expect(await dns.query('out.preview.test', 'TXT')).toMatchObject({ status: 'ok', records: [['from the wire']], cnames: ['elsewhere.test'] });
    const offline = createResolver({ servers: [server.server], overrides: zoneOverride([out], { offline: true }) });
    expect(await offline.query('out.preview.test', 'TXT')).toEqual({ status: 'servfail', outside: 'elsewhere.test' });
  });

  it('merges several zones and drops duplicate records', () => {
    const a = parseZoneFile('$ORIGIN m.test.\n@ TXT "a"\n');
    const b = parseZoneFile('$ORIGIN m.test.\n@ TXT "a"\n@ TXT "b"\n');
    expect(indexZones([a, b]).recordsOf('m.test')!.filter((record) => record.type === 'TXT').map((record) => record.data)).toEqual([['a'], ['b']]);
  });
});

describe('zones kept packed per owner name', () => {
  const text = [
    '$ORIGIN p.test.',
    '@ SOA ns hm 1 1 1 1 1',
    '@ NS ns',
    '@ TXT "tab\\009and\\010newline" "caf\\195\\169"',
    '@ TXT "#0" "[not json]"',
    '@ TXT "tab\\009and\\010newline" "caf\\195\\169"',
    '@ MX 10 mx',
    '@ MX 0 .',
    `@ TXT "${'k'.repeat(200)}" "${'k'.repeat(200)}"`,
    `x TXT "${'k'.repeat(200)}" "${'k'.repeat(200)}"`,
    'x CAA 0 issue "ca.example"',
    ...Array.from({ length: 40 }, (_, i) => `many A 127.0.1.${i % 20}`),
    'sub NS ns.elsewhere.test.',
    'a.b.c A 127.0.0.2',
  ].join('\n');

  it('answers every name as the zone of record objects does', () => {
    const plain = indexZones([parseZoneFile(text)]);
    const packed = indexZones([parseZoneFile(text, { packed: true })]);
    for (const name of ['p.test', 'x.p.test', 'many.p.test', 'sub.p.test', 'a.b.c.p.test', 'b.c.p.test', 'c.p.test', 'none.p.test', 'other.test']) {
      expect(packed.recordsOf(name)).toEqual(plain.recordsOf(name));
      expect(packed.defines(name)).toBe(plain.defines(name));
      expect(packed.covers(name)).toBe(plain.covers(name));
    }
    expect(packed.recordsOf('many.p.test')).toHaveLength(20);
    expect(packed.recordsOf('p.test')!.filter((record) => record.type === 'TXT').map((record) => record.data)).toEqual([
      ['tab\tand\nnewline', 'café'],
      ['#0', '[not json]'],
      ['k'.repeat(200), 'k'.repeat(200)],
    ]);
  });

  it('merges a packed zone with others and drops duplicates across them', () => {
    const a = parseZoneFile('$ORIGIN m.test.\n@ TXT "a"\n', { packed: true });
    const b = parseZoneFile('$ORIGIN m.test.\n@ TXT "a"\n@ TXT "b"\n');
    expect(indexZones([a, b]).recordsOf('m.test')!.map((record) => record.data)).toEqual([['a'], ['b']]);
    expect(a.records.map((record) => record.data)).toEqual([['a']]);
  });
});
