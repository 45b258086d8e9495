/**
 * The pure parts of SPF: the RFC 7208 §12 grammar, record selection (§4.5),
 * macro expansion (§7, with the §7.4 examples), address handling, and the
 * record-building helpers behind the fixes.
 */
import { describe, expect, it } from 'vitest';
import { formatIp, parseIp, parseIpv4, parseIpv6, reduceNetworks, reverseName, unmapIpv4, type IpNetwork } from '../src/spf/ip.js';
import { expandDomainSpec, expandMacroString, MacroSyntaxError, parseDomainSpec, parseMacroString, type MacroValues } from '../src/spf/macro.js';
import { isSpfRecord, parseRecord, selectSpfRecords, type Mechanism } from '../src/spf/parse.js';
import { mergeRecords, repairRecord, startingRecord, withAll, withIps, withoutTerms } from '../src/spf/record-edits.js';
import { isValidDomain } from '../src/spf/evaluate.js';

describe('record selection (RFC 7208 §4.5)', () => {
  it.each([
    ['v=spf1', true],
    ['v=spf1 mx -all', true],
    ['V=SpF1 ~all', true],
    ['v=spf10', false],
    ['v=spf1\tmx', false],
    [' v=spf1 mx', false],
    ['v=spf2.0/pra', false],
    ['google-site-verification=x', false],
  ])('%j is an SPF record: %s', (text, expected) => {
    expect(isSpfRecord(text)).toBe(expected);
  });

  it('joins the character-strings of a record without separator', () => {
    expect(selectSpfRecords([['v=spf1 ip4:', '192.0.2.5 -all'], ['v=spf1', 'mx'], ['other']])).toEqual(['v=spf1 ip4:192.0.2.5 -all']);
  });
});

describe('the §12 grammar', () => {
  it('parses every mechanism with its qualifier, target and prefix lengths', () => {
    const record = parseRecord('v=spf1 +a -a:mail.example.com/24 ~mx:example.com//64 ?mx/28//48 ptr ptr:example.org ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.net exists:%{i}.x.example.com all');
    expect(record.errors).toEqual([]);
    const shape = (m: Mechanism) => [m.qualifier, m.name, m.domainSpec?.text ?? null, m.cidr4, m.cidr6, m.network ? `${formatIp(m.network)}/${m.network.prefix}` : null];
    expect(record.mechanisms.map(shape)).toEqual([
      ['+', 'a', null, 32, 128, null],
      ['-', 'a', 'mail.example.com', 24, 128, null],
      ['~', 'mx', 'example.com', 32, 64, null],
      ['?', 'mx', null, 28, 48, null],
      ['+', 'ptr', null, 32, 128, null],
      ['+', 'ptr', 'example.org', 32, 128, null],
      ['+', 'ip4', null, 32, 128, '192.0.2.0/24'],
      ['+', 'ip6', null, 32, 128, '2001:db8::/32'],
      ['+', 'include', '_spf.example.net', 32, 128, null],
      ['+', 'exists', '%{i}.x.example.com', 32, 128, null],
      ['+', 'all', null, 32, 128, null],
    ]);
    expect(record.mechanisms.find((m) => m.name === 'exists')!.domainSpec!.hasMacros).toBe(true);
  });

  it('reads modifiers: redirect, exp and unknown ones', () => {
    const record = parseRecord('v=spf1 mx redirect=_spf.example.com exp=explain.%{d} moo.cow-far_out=man:dog/cat');
    expect(record.errors).toEqual([]);
    expect(record.redirect?.value.text).toBe('_spf.example.com');
    expect(record.exp?.value.text).toBe('explain.%{d}');
    expect(record.unknownModifiers.map((m) => m.name)).toEqual(['moo.cow-far_out']);
  });

  it('accepts mechanism names in any case and several spaces between terms', () => {
    expect(parseRecord('v=spf1  MX   Include:example.com  IP4:192.0.2.1 -ALL ').errors).toEqual([]);
  });

  // Each: the record, and the 1-based index of the term named by the first error.
  it.each([
    ['v=spf1 ip4:1.2.3.4 -all moo', 3],
    ['v=spf1 -all.', 1],
    ['v=spf1 -all:foobar', 1],
    ['v=spf1 -all/8', 1],
    ['v=spf1 ptr/0 -all', 1],
    ['v=spf1 a//129 -all', 1],
    ['v=spf1 a/33 -all', 1],
    ['v=spf1 a/24/64 -all', 1],
    ['v=spf1 a:foo-bar -all', 1],
    ['v=spf1 a:museum', 1],
    ['v=spf1 a:museum.', 1],
    ['v=spf1 a:abc.123', 1],
    ['v=spf1 a:111.222.33.44', 1],
    ['v=spf1 a:example.-com', 1],
    ['v=spf1 a:', 1],
    ['v=spf1 include:', 1],
    ['v=spf1 include:ip5.example.com/24 -all', 1],
    ['v=spf1 exists', 1],
    ['v=spf1 exists:mail.example.com/24', 1],
    ['v=spf1 ip4', 1],
    ['v=spf1 ip4:1.2.3', 1],
    ['v=spf1 ip4:1.2.3.4:8080', 1],
    ['v=spf1 ip4:1.2.3.4/33 -all', 1],
    ['v=spf1 ip4:1.2.3.4/032 -all', 1],
    ['v=spf1 ip4:1.2.3.4//32', 1],
    ['v=spf1 ip4:01.2.3.4', 1],
    ['v=spf1 ip6::CAFE::BABE', 1],
    ['v=spf1 ip6:::1.1.1.1/129', 1],
    ['v=spf1 ip6:::1.1.1.1//33', 1],
    ['v=spf1 mx redirect:example.com', 2],
    ['v=spf1 1up=foo', 1],
    ['v=spf1 =all', 1],
    ['v=spf1 -all foo=%abc', 2],
    ['v=spf1 exp= -all', 1],
    ['v=spf1 exp=-all', 1],
    ['v=spf1 redirect=a.example.com -all redirect=b.example.com', 3],
    ['v=spf1 exp=a.example.com exp=b.example.com', 2],
    ['v=spf1 +redirect=example.com', 1],
    ['v=spf1 a:ctrl.example.com\rptr -all', 1],
    ['v=spf1 mx \u2013all', 2],
    ['v=spf1 include:example.com 192.0.2.0/24', 2],
    ['v=spf1 -exists:%(ir).sbl.example.com ?all', 1],
    ['v=spf1 exists:foo%.sbl.example.com', 1],
    ['v=spf1 -all exp=%{r}.example.com', 2],
    ['v=spf1 a:%{d0}.example.com', 1],
    ['v=spf1 a:%{a}.example.com', 1],
    ['v=spf1 + -all', 1],
  ])('%j: error at term %i', (text, index) => {
    const record = parseRecord(text);
    expect(record.errors.length).toBeGreaterThan(0);
    expect(record.errors[0]!.index).toBe(index);
  });

  it('names the offending term and the column of the error', () => {
    const text = 'v=spf1 ip4:192.0.2.1 include:_spf.example.com \u2013all';
    const [error] = parseRecord(text).errors;
    expect(error).toMatchObject({ term: '\u2013all', index: 3, column: text.indexOf('\u2013') + 1 });
    const cidr = parseRecord('v=spf1 mx ip4:192.0.2.0/33').errors[0]!;
    expect(cidr).toMatchObject({ term: 'ip4:192.0.2.0/33', index: 2, column: 'v=spf1 mx ip4:192.0.2.0'.length + 1 });
    const label = parseRecord('v=spf1 a:mail.example.123').errors[0]!;
    expect(label).toMatchObject({ term: 'a:mail.example.123', index: 1, column: 'v=spf1 a:mail.example.'.length + 1 });
  });

  it('keeps a domain-spec with any visible character but %', () => {
    expect(parseRecord('v=spf1 a:foo:bar/baz.example.com').mechanisms[0]!.domainSpec!.text).toBe('foo:bar/baz.example.com');
    expect(parseRecord('v=spf1 a:foo.example.xn--zckzah -all').errors).toEqual([]);
  });
});

describe('macros (RFC 7208 §7)', () => {
  const base = {
    sender: 'strong-bad@email.example.com',
    localPart: 'strong-bad',
    senderDomain: 'email.example.com',
    domain: 'email.example.com',
    helo: 'mx.example.org',
  };
  const v4: MacroValues = { ...base, ip: parseIp('192.0.2.3')! };
  const v6: MacroValues = { ...base, ip: parseIp('2001:db8::cb01')! };
  const expand = (text: string, values: MacroValues = v4) => expandMacroString(parseMacroString(text, 'explanation'), values);

  // RFC 7208 §7.4.
  it.each([
    ['%{s}', 'strong-bad@email.example.com'],
    ['%{o}', 'email.example.com'],
    ['%{d}', 'email.example.com'],
    ['%{d4}', 'email.example.com'],
    ['%{d3}', 'email.example.com'],
    ['%{d2}', 'example.com'],
    ['%{d1}', 'com'],
    ['%{dr}', 'com.example.email'],
    ['%{d2r}', 'example.email'],
    ['%{l}', 'strong-bad'],
    ['%{l-}', 'strong.bad'],
    ['%{lr}', 'strong-bad'],
    ['%{lr-}', 'bad.strong'],
    ['%{l1r-}', 'strong'],
    ['%{ir}.%{v}._spf.%{d2}', '3.2.0.192.in-addr._spf.example.com'],
    ['%{lr-}.lp._spf.%{d2}', 'bad.strong.lp._spf.example.com'],
    ['%{lr-}.lp.%{ir}.%{v}._spf.%{d2}', 'bad.strong.lp.3.2.0.192.in-addr._spf.example.com'],
    ['%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}', '3.2.0.192.in-addr.strong.lp._spf.example.com'],
    ['%{d2}.trusted-domains.example.net', 'example.com.trusted-domains.example.net'],
  ])('%s → %s', async (macro, expected) => {
    expect(await expand(macro)).toBe(expected);
  });

  it('expands the IPv6 example of §7.4', async () => {
    expect(await expand('%{ir}.%{v}._spf.%{d2}', v6)).toBe('1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com');
    expect(await expand('%{c}', v6)).toBe('2001:db8::cb01');
  });

  it('URL-escapes upper-case macros and expands the escapes', async () => {
    const values = { ...v4, localPart: '~jack&jill=up-a_b3.c' };
    expect(await expand('%{L}', values)).toBe('~jack%26jill%3Dup-a_b3.c');
    expect(await expand('a%%b%_c%-d')).toBe('a%b c%20d');
  });

  it('drops labels from the left of a name over 253 characters and a trailing dot', async () => {
    const long = { ...v4, senderDomain: 'a'.repeat(60) + '.example.com' };
    const name = await expandDomainSpec(parseDomainSpec('%{o}.%{o}.%{o}.%{o}.example.com.'), long);
    expect(name.length).toBeLessThanOrEqual(253);
    expect(name.endsWith('.example.com')).toBe(true);
    expect(name.startsWith('example.com.')).toBe(true);
  });

  it.each(['%a', '%', '%{x}', '%{d0}', '%{d', '%{dr-x}'])('rejects %j', (text) => {
    expect(() => parseMacroString(text, 'explanation')).toThrow(MacroSyntaxError);
  });

  it('allows c, r and t only in explanation text', () => {
    expect(() => parseMacroString('%{c}', 'explanation')).not.toThrow();
    expect(() => parseMacroString('%{c}', 'domain')).toThrow(MacroSyntaxError);
    expect(() => parseMacroString('%{t}', 'modifier')).toThrow(MacroSyntaxError);
  });
});

describe('addresses', () => {
  it.each([
    ['::FFFF:1.2.3.4', '1.2.3.4'],
    ['::1.1.1.1', '::101:101'],
    ['CAFE:BABE::1', 'cafe:babe::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8::', '2001:db8::'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
  ])('%s → %s', (text, expected) => {
    expect(formatIp(unmapIpv4(parseIp(text)!))).toBe(expected);
  });

  it.each(['1.2.3', '256.1.1.1', '01.2.3.4', ':CAFE::BABE', '1::2::3', '1:2:3:4:5:6:7:8:9', 'g::1', ''])('rejects %j', (text) => {
    expect(parseIp(text)).toBeNull();
  });

  it('builds reverse names', () => {
    expect(reverseName(parseIpv4('192.0.2.3')!)).toBe('3.2.0.192.in-addr.arpa');
    expect(reverseName(parseIpv6('2001:db8::1')!)).toBe('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
  });

  it('removes networks covered by others', () => {
    const net = (text: string): IpNetwork => {
      const [address, prefix] = text.split('/');
      const ip = parseIp(address!)!;
      return { version: ip.version, bytes: ip.bytes, prefix: Number(prefix) };
    };
    const reduced = reduceNetworks(['198.51.100.32/28', '198.51.100.40/32', '192.0.2.0/24', '192.0.2.0/24'].map(net));
    expect(reduced.map((n) => `${formatIp(n)}/${n.prefix}`)).toEqual(['192.0.2.0/24', '198.51.100.32/28']);
  });

  it('validates domains as RFC 7208 §4.3 wants', () => {
    expect(isValidDomain('example.com')).toBe(true);
    expect(isValidDomain('example.com.')).toBe(true);
    expect(isValidDomain('A2345678')).toBe(false);
    expect(isValidDomain('[1.2.3.5]')).toBe(false);
    expect(isValidDomain('a...example.com')).toBe(false);
    expect(isValidDomain(`${'a'.repeat(64)}.example.com`)).toBe(false);
    expect(isValidDomain('1.2.3.4')).toBe(false);
  });
});

describe('record builders', () => {
  it('merges records: every mechanism once, a safe all', () => {
    expect(mergeRecords(['v=spf1 mx include:a.example ~all', 'v=spf1 +mx ip4:192.0.2.1 -all'])).toBe('v=spf1 mx include:a.example ip4:192.0.2.1 ~all');
    expect(mergeRecords(['v=spf1 mx -all', 'v=spf1 a -all'])).toBe('v=spf1 mx a -all');
    expect(mergeRecords(['v=spf1 mx +all', 'v=spf1 a'])).toBe('v=spf1 mx a ~all');
    expect(mergeRecords(['v=spf1 redirect=_spf.example.com', 'v=spf1 a exp=why.example.com'])).toBe('v=spf1 a redirect=_spf.example.com exp=why.example.com');
  });

  it('sets the all in place, or after the last mechanism', () => {
    expect(withAll(parseRecord('v=spf1 mx +all'), '~')).toBe('v=spf1 mx ~all');
    expect(withAll(parseRecord('v=spf1 mx ?all exp=x.example.com'), '-')).toBe('v=spf1 mx -all exp=x.example.com');
    expect(withAll(parseRecord('v=spf1 mx exp=x.example.com'), '~')).toBe('v=spf1 mx ~all exp=x.example.com');
    expect(withAll(parseRecord('v=spf1'), '~')).toBe('v=spf1 ~all');
  });

  it('adds sending IPs before the all (or a given term) and never twice', () => {
    const record = parseRecord('v=spf1 -ip4:192.0.2.9 mx ~all');
    expect(withIps(record, ['198.51.100.1', '2001:db8::1', '::ffff:203.0.113.5'])).toBe('v=spf1 -ip4:192.0.2.9 mx ip4:198.51.100.1 ip6:2001:db8::1 ip4:203.0.113.5 ~all');
    expect(withIps(record, ['192.0.2.9'], 1)).toBe('v=spf1 ip4:192.0.2.9 -ip4:192.0.2.9 mx ~all');
    expect(withIps(parseRecord('v=spf1 ip4:198.51.100.1 -all'), ['198.51.100.1'])).toBe('v=spf1 ip4:198.51.100.1 -all');
    expect(withIps(parseRecord('v=spf1 mx redirect=_spf.example.com'), ['192.0.2.1'])).toBe('v=spf1 mx ip4:192.0.2.1 redirect=_spf.example.com');
  });

  it('removes terms by index', () => {
    expect(withoutTerms(parseRecord('v=spf1 a ptr mx -all'), [2])).toBe('v=spf1 a mx -all');
  });

  it.each([
    ['v=spf1 +a +mx \u2013all', 'v=spf1 +a +mx -all'],
    ['v=spf1 include:bspf.example.net ~all.', 'v=spf1 include:bspf.example.net ~all'],
    ['v=spf1 a mx include:193.186.94.36 -all', 'v=spf1 a mx ip4:193.186.94.36 -all'],
    ['v=spf1 ip4:91.237.143.0/24 151.236.9.0/24 -all', 'v=spf1 ip4:91.237.143.0/24 ip4:151.236.9.0/24 -all'],
    ['v=spf1 ipv4:193.135.56.6 ip:139.162.174.9 -all', 'v=spf1 ip4:193.135.56.6 ip4:139.162.174.9 -all'],
    ['v=spf1 ip4:2001:db8::1 -all', 'v=spf1 ip6:2001:db8::1 -all'],
    ['v=spf1 ip4:192.0.2.1:25 -all', 'v=spf1 ip4:192.0.2.1 -all'],
    ['v=spf1 mx redirect:_spf.example.com', 'v=spf1 mx redirect=_spf.example.com'],
    ['v=spf1 mx\u00a0-all', 'v=spf1 mx -all'],
  ])('repairs %j', (broken, repaired) => {
    expect(parseRecord(broken).errors.length).toBeGreaterThan(0);
    expect(repairRecord(broken)).toBe(repaired);
  });

  it('does not guess at mistakes it cannot repair', () => {
    expect(repairRecord('v=spf1 ip4:192.0.2 -all')).toBeNull();
    expect(repairRecord('v=spf1 a:out-securemail-1.')).toBeNull();
  });

  it('builds starting records from MX hosts and sending IPs', () => {
    expect(startingRecord({ mxHosts: ['aspmx.l.google.com'], nullMx: false }).value).toBe('v=spf1 include:_spf.google.com ~all');
    expect(startingRecord({ mxHosts: ['mx.example.com'], nullMx: false, ips: ['192.0.2.1'] }).value).toBe('v=spf1 mx ip4:192.0.2.1 ~all');
    expect(startingRecord({ mxHosts: [], nullMx: false }).value).toBe('v=spf1 ~all');
    expect(startingRecord({ mxHosts: [], nullMx: true }).value).toBe('v=spf1 -all');
  });
});
