import { describe, expect, it } from 'vitest';
import {
  formatIp,
  hexDigits,
  inNetwork,
  parseIp,
  parseIpv4,
  parseIpv6,
  reversedLabels,
  reverseName,
  unmapIpv4,
  withText,
  type IpNetwork,
} from '../src/ip.js';

const bytesOf = (text: string) => Array.from(parseIp(text)!.bytes);
const network = (cidr: string): IpNetwork => {
  const [address, prefix] = cidr.split('/');
  return { ...parseIp(address!)!, prefix: Number(prefix) };
};

describe('parseIpv4', () => {
  it.each([
    ['192.0.2.10', [192, 0, 2, 10]],
    ['0.0.0.0', [0, 0, 0, 0]],
    ['255.255.255.255', [255, 255, 255, 255]],
  ])('%s', (text, bytes) => {
    expect(parseIpv4(text)).toEqual({ version: 4, bytes: Uint8Array.from(bytes) });
  });

  it.each(['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.04', ' 1.2.3.4', '1.2.3.4 ', '1..2.3', 'a.b.c.d', '', '::1', '-1.2.3.4'])(
    'rejects %j',
    (text) => {
      expect(parseIpv4(text)).toBeNull();
    },
  );

  it('reads zero-padded octets as decimal only when asked to', () => {
    expect(parseIpv4('010.000.002.001')).toBeNull();
    expect(Array.from(parseIpv4('010.000.002.001', { leadingZeros: true })!.bytes)).toEqual([10, 0, 2, 1]);
    expect(parseIpv4('256.0.0.1', { leadingZeros: true })).toBeNull();
    expect(parseIpv4('0001.0.0.1', { leadingZeros: true })).toBeNull();
  });
});

describe('parseIpv6', () => {
  it.each([
    ['2001:db8:1:2:3:4:5:6', '20010db8000100020003000400050006'],
    ['2001:DB8::1', '20010db8000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['1::', '00010000000000000000000000000000'],
    ['1:2:3:4:5:6:7::', '00010002000300040005000600070000'],
    ['::2:3:4:5:6:7:8', '00000002000300040005000600070008'],
    ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
    ['::1.2.3.4', '00000000000000000000000001020304'],
    ['64:ff9b::192.0.2.33', '0064ff9b0000000000000000c0000221'],
    ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
    ['1:2:3:4:5::1.2.3.4', '00010002000300040005000001020304'],
    ['0000:0000:0000:0000:0000:0000:255.255.255.255', '000000000000000000000000ffffffff'],
  ])('%s', (text, hex) => {
    const address = parseIpv6(text)!;
    expect(address.version).toBe(6);
    expect(hexDigits(address)).toBe(hex);
  });

  it.each([
    '',
    '1::2::3',
    ':::',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1::2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8::',
    '12345::',
    'g::1',
    ':1::',
    '1::2:',
    'fe80::1%eth0',
    '1:2:3:4:5:6:7:1.2.3.4',
    '1:2:3:4:5:6::1.2.3.4',
    '::1.2.3',
    '::256.1.1.1',
    '1.2.3.4',
    'cafe',
    '0000:0000:0000:0000:0000:0000:0255.255.255.255',
  ])('rejects %j', (text) => {
    expect(parseIpv6(text)).toBeNull();
  });

  it('accepts a zero-padded dotted-quad tail only when asked to', () => {
    expect(parseIpv6('::ffff:010.0.0.1')).toBeNull();
    expect(formatIp(parseIpv6('::ffff:010.0.0.1', { leadingZeros: true })!)).toBe('::ffff:a00:1');
  });
});

describe('parseIp', () => {
  it('reads either family', () => {
    expect(parseIp('192.0.2.1')?.version).toBe(4);
    expect(parseIp('2001:db8::1')?.version).toBe(6);
    expect(parseIp('example.test')).toBeNull();
  });
});

describe('formatIp (RFC 5952 §4)', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    // §4.2.2: a single zero group is not compressed.
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    // §4.2.3: the longest run is compressed, the first one on ties.
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['0:0:1:0:0:1:0:0', '::1:0:0:1:0:0'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['fe80:0:0:0:0:0:0:ABCD', 'fe80::abcd'],
  ])('%s → %s', (text, expected) => {
    expect(formatIp(parseIp(text)!)).toBe(expected);
  });

  it('formats addresses read from a buffer', () => {
    expect(formatIp({ version: 6, bytes: Buffer.from('20010db8000000000000000000000010', 'hex') })).toBe('2001:db8::10');
    expect(formatIp({ version: 4, bytes: Buffer.from([127, 0, 0, 1]) })).toBe('127.0.0.1');
  });

  it('gives text that parses back to the same address', () => {
    for (const text of ['::', '::1', '1::', '2001:db8::1:0:0:1', '::ffff:c000:201', '1:2:3:4:5:6:7:8', '192.0.2.200']) {
      expect(formatIp(parseIp(formatIp(parseIp(text)!))!)).toBe(text);
      expect(bytesOf(formatIp(parseIp(text)!))).toEqual(bytesOf(text));
    }
  });

  it('withText adds the canonical text', () => {
    expect(withText(parseIp('2001:DB8:0::1')!)).toMatchObject({ version: 6, text: '2001:db8::1' });
  });
});

describe('unmapIpv4 (RFC 4291 §2.5.5.2)', () => {
  it.each([
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:c000:0201', '192.0.2.1'],
    // IPv4-compatible (::a.b.c.d) and NAT64 addresses are not IPv4-mapped.
    ['::192.0.2.1', '::c000:201'],
    ['64:ff9b::192.0.2.1', '64:ff9b::c000:201'],
    ['1::ffff:192.0.2.1', '1::ffff:c000:201'],
    ['192.0.2.1', '192.0.2.1'],
  ])('%s → %s', (text, expected) => {
    expect(formatIp(unmapIpv4(parseIp(text)!))).toBe(expected);
  });
});

describe('reverse names', () => {
  it('IPv4: reversed octets under in-addr.arpa (RFC 1035 §3.5)', () => {
    expect(reversedLabels(parseIp('192.0.2.10')!)).toBe('10.2.0.192');
    expect(reverseName(parseIp('192.0.2.10')!)).toBe('10.2.0.192.in-addr.arpa');
  });

  it('IPv6: 32 reversed nibbles under ip6.arpa (RFC 3596 §2.5)', () => {
    expect(reverseName(parseIp('2001:db8::567:89ab')!)).toBe(
      'b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    );
    expect(reversedLabels(parseIp('::1')!)).toBe(`1${'.0'.repeat(31)}`);
  });
});

describe('inNetwork', () => {
  it.each([
    ['10.1.2.3', '10.0.0.0/8', true],
    ['11.0.0.0', '10.0.0.0/8', false],
    ['100.127.255.255', '100.64.0.0/10', true],
    ['100.128.0.0', '100.64.0.0/10', false],
    ['192.0.2.1', '0.0.0.0/0', true],
    ['192.0.2.1', '192.0.2.1/32', true],
    ['192.0.2.2', '192.0.2.1/32', false],
    ['fdff::1', 'fc00::/7', true],
    ['fe00::1', 'fc00::/7', false],
    ['febf:ffff::1', 'fe80::/10', true],
    ['fec0::1', 'fe80::/10', false],
    ['::1', '::1/128', true],
    ['::2', '::1/128', false],
    ['2001:db8::1', '::/0', true],
  ])('%s in %s: %s', (address, cidr, expected) => {
    expect(inNetwork(parseIp(address)!, network(cidr))).toBe(expected);
  });

  it('never matches across families', () => {
    expect(inNetwork(parseIp('::ffff:10.0.0.1')!, network('10.0.0.0/8'))).toBe(false);
    expect(inNetwork(parseIp('10.0.0.1')!, network('::/0'))).toBe(false);
  });
});
