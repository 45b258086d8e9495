import { describe, expect, it } from 'vitest';
import { genericPtrReason, parseIp, reverseName, sameIp } from '../src/lookups/reverse.js';

describe('parseIp', () => {
  it.each([
    ['192.0.2.10', 4, '192.0.2.10'],
    ['2001:DB8::1', 6, '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', 6, '2001:db8::1'],
    ['::1', 6, '::1'],
    ['::', 6, '::'],
    ['::ffff:192.0.2.1', 6, '::ffff:c000:201'],
    ['2001:db8:0:0:1:0:0:1', 6, '2001:db8::1:0:0:1'],
    ['2001:db8:1:2:3:4:5:6', 6, '2001:db8:1:2:3:4:5:6'],
  ])('%s → IPv%i %s', (input, version, text) => {
    expect(parseIp(input)).toMatchObject({ version, text });
  });

  it.each(['256.1.1.1', '1.2.3', 'example.test', '1::2::3', '2001:db8:1:2:3:4:5:6:7', '', 'fe80::1%eth0', '12345::'])(
    'rejects %s',
    (input) => {
      expect(parseIp(input)).toBeNull();
    },
  );

  it('compares addresses by value', () => {
    expect(sameIp('2001:db8::1', '2001:0DB8:0:0::0001')).toBe(true);
    expect(sameIp('192.0.2.1', '192.0.2.10')).toBe(false);
  });
});

describe('reverseName', () => {
  it('IPv4 → in-addr.arpa (RFC 1035 §3.5)', () => {
    expect(reverseName('192.0.2.10')).toBe('10.2.0.192.in-addr.arpa');
  });
  it('IPv6 → 32 nibbles under ip6.arpa (RFC 3596 §2.5)', () => {
    expect(reverseName('2001:db8::567:89ab')).toBe(
      'b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    );
  });
});

describe('genericPtrReason', () => {
  it.each([
    ['192-0-2-10.dyn.isp.test', '192.0.2.10'],
    ['10.2.0.192.broadband.isp.test', '192.0.2.10'],
    ['host192.000.002.010.isp.test', '192.0.2.10'],
    ['c000020a.isp.test', '192.0.2.10'],
    ['192000002010.isp.test', '192.0.2.10'],
    ['ip-192-0-2-10.eu-west.compute.test', '192.0.2.10'],
    ['static-2-10.isp.test', '192.0.2.10'],
    ['dynamic.mail.isp.test', '192.0.2.10'],
    ['adsl1234.isp.test', '192.0.2.10'],
    ['pool-a.isp.test', '192.0.2.10'],
    ['dhcp.isp.test', '192.0.2.10'],
    ['cable-modem.isp.test', '192.0.2.10'],
    ['ppp17.isp.test', '192.0.2.10'],
    ['client.isp.test', '192.0.2.10'],
    ['2001-db8--10.isp.test', '2001:db8::10'],
    ['20010db8000000000000000000000010.v6.isp.test', '2001:db8::10'],
  ])('%s is generic for %s', (name, ip) => {
    expect(genericPtrReason(name, ip)).not.toBeNull();
  });

  it.each([
    ['mx1.example.test', '192.0.2.10'],
    ['mail.example.test', '192.0.2.10'],
    // The operator's own domain (the last two labels) is not examined.
    ['mail.dsl-provider.test', '192.0.2.10'],
    // A bare "static" without the address's digits is a normal name.
    ['static.example.test', '192.0.2.10'],
    // Other digits than the address's.
    ['mx-192-0-2-11.example.test', '192.0.2.10'],
    ['smtp2.example.test', '192.0.2.10'],
    ['mx.example.test', '2001:db8::10'],
  ])('%s is not generic for %s', (name, ip) => {
    expect(genericPtrReason(name, ip)).toBeNull();
  });
});
