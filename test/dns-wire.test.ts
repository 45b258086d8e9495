/**
 * The octet-level codec of src/dns/wire.ts against dns2's packet codec (an
 * independent implementation): the same query octets, the same names read
 * back (compression pointers included), hostile names refused; and isIp
 * against Node's net.isIP.
 */
import net from 'node:net';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeMessage, decodeName, encodeQuery, TYPE_NUMBER } from '../src/dns/wire.js';
import { isIp } from '../src/is-ip.js';

const require = createRequire(import.meta.url);
interface Dns2Packet {
  header: Record<string, number>;
  questions: { name: string; type: number; class: number }[];
  answers: { name: string; type: number; class: number; ttl: number; address?: string; exchange?: string; priority?: number; data?: string }[];
  additionals: unknown[];
  toBuffer(): Buffer;
}
const { Packet } = require('dns2') as {
  Packet: (new () => Dns2Packet) & { Resource: { EDNS(rdata: unknown[], options: object): unknown }; TYPE: Record<string, number>; CLASS: Record<string, number> };
};

function dns2Query(id: number, name: string, type: number, edns: boolean, dnssecOk: boolean): Buffer {
  const packet = new Packet();
  packet.header = { id, rd: 1 };
  packet.questions.push({ name, type, class: 1 });
  if (edns) packet.additionals.push(Packet.Resource.EDNS([], { udpPayloadSize: 1232, doFlag: dnssecOk }));
  return packet.toBuffer();
}

describe('queries', () => {
  it('encode octet for octet as dns2 does, with and without EDNS and DO', () => {
    const cases: Array<[string, number]> = [
      ['example.com', TYPE_NUMBER.MX],
      ['_dmarc.example.com', TYPE_NUMBER.TXT],
      ['selector1._domainkey.example.org', TYPE_NUMBER.TXT],
      ['_25._tcp.mx.example.net', TYPE_NUMBER.TLSA],
      ['', TYPE_NUMBER.DNSKEY],
      ['a.b', TYPE_NUMBER.DS],
      [`${'x'.repeat(63)}.example`, TYPE_NUMBER.A],
    ];
    for (const [name, type] of cases) {
      for (const [edns, dnssecOk] of [[true, true], [true, false], [false, false]] as const) {
        expect(encodeQuery({ id: 0xbeef, name, type, edns, dnssecOk }).toString('hex'), `${name} ${type}`).toBe(dns2Query(0xbeef, name, type, edns, dnssecOk).toString('hex'));
      }
    }
  });

  it('a trailing dot is the same name; labels over 63 octets or names over 255 are refused', () => {
    expect(encodeQuery({ id: 1, name: 'example.com.', type: 1, edns: true, dnssecOk: true })).toEqual(encodeQuery({ id: 1, name: 'example.com', type: 1, edns: true, dnssecOk: true }));
    expect(() => encodeQuery({ id: 1, name: `${'x'.repeat(64)}.example`, type: 1, edns: true, dnssecOk: true })).toThrow();
    expect(() => encodeQuery({ id: 1, name: Array.from({ length: 5 }, () => 'y'.repeat(60)).join('.'), type: 1, edns: true, dnssecOk: true })).toThrow();
  });
});

describe('replies', () => {
  it('reads what dns2 writes: header flags, question, compressed names, A and MX data', () => {
    const packet = new Packet();
    packet.header = { id: 4242, qr: 1, rd: 1, ra: 1, rcode: 0 } as Record<string, number>;
    packet.questions.push({ name: 'Example.COM', type: TYPE_NUMBER.MX, class: 1 });
    packet.answers.push({ name: 'example.com', type: TYPE_NUMBER.MX, class: 1, ttl: 300, priority: 10, exchange: 'mx1.example.com' });
    packet.answers.push({ name: 'mx1.example.com', type: TYPE_NUMBER.A, class: 1, ttl: 60, address: '192.0.2.10' });
    const message = decodeMessage(packet.toBuffer());
    expect(message).toMatchObject({ id: 4242, qr: 1, opcode: 0, rd: true, tc: false, ad: false, rcode: 0, edns: false });
    expect(message.questions).toEqual([{ name: 'example.com', type: TYPE_NUMBER.MX, class: 1 }]);
    expect(message.answers.map((record) => [record.name, record.type, record.ttl, record.data])).toEqual([
      ['example.com', TYPE_NUMBER.MX, 300, { preference: 10, exchange: 'mx1.example.com' }],
      ['mx1.example.com', TYPE_NUMBER.A, 60, '192.0.2.10'],
    ]);
  });

  it('reads the OPT record of a query: payload size and DO bit', () => {
    expect(decodeMessage(encodeQuery({ id: 7, name: 'example.com', type: 1, edns: true, dnssecOk: true })).opt).toEqual({ udpPayloadSize: 1232, dnssecOk: true });
    expect(decodeMessage(encodeQuery({ id: 7, name: 'example.com', type: 1, edns: true, dnssecOk: false })).opt).toEqual({ udpPayloadSize: 1232, dnssecOk: false });
    expect(decodeMessage(encodeQuery({ id: 7, name: 'example.com', type: 1, edns: false, dnssecOk: false })).opt).toBeUndefined();
  });

  it('refuses pointer loops, reserved label types and names that run past the message', () => {
    const loop = Buffer.from([0xc0, 0x02, 0xc0, 0x00]);
    expect(() => decodeName(loop, 0)).toThrow(/loop/);
    expect(() => decodeName(Buffer.from([0x40, 0x61]), 0)).toThrow(/reserved/);
    expect(() => decodeName(Buffer.from([0x05, 0x61, 0x62]), 0)).toThrow(/truncated/);
    const long = Buffer.concat([...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([60]), Buffer.alloc(60, 0x61)])), Buffer.from([0])]);
    expect(() => decodeName(long, 0)).toThrow(/255/);
  });

  it('a pointer gives the name where it points and the offset after itself', () => {
    const buffer = Buffer.from([3, 0x66, 0x6f, 0x6f, 0, 3, 0x62, 0x61, 0x72, 0xc0, 0x00]);
    expect(decodeName(buffer, 5)).toEqual({ name: 'bar.foo', next: 11 });
  });
});

describe('isIp', () => {
  it('answers as net.isIP does', () => {
    const inputs = [
      '192.0.2.1', '0.0.0.0', '255.255.255.255', '256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1.2.3.4 ',
      '::', '::1', '2001:db8::1', '2001:DB8:0:0:0:0:0:1', '::ffff:192.0.2.1', '1::2::3', '12345::', 'fe80::1%eth0',
      '2001:db8::1:53', '[::1]', '127.0.0.1:53', 'example.com', '', 'g::1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '::1.2.3.4',
    ];
    for (const input of inputs) expect(isIp(input), input).toBe(net.isIP(input));
  });
});
