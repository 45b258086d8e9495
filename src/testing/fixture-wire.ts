/**
 * Fixture records on the wire: names, record data per type and whole resource
 * records, encoded octet by octet (RFC 1035 §3.1, §3.2.1, §4.1.3) so that the
 * fixture DNS server (./fixture-server.ts) controls every byte it answers.
 */
import { isRRType } from '../dns/record-types.js';
import type { RRType } from '../dns/types.js';
import { parseIp } from '../ip.js';

/** One fixture value: a string or number, or the fields of a record type in order. */
export type RecordValue = string | number | (string | number)[];

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}


export interface WireRecord {
  name: string;
  type: number;
  ttl: number;
  rdata: Buffer;
}


export function encodeName(name: string): Buffer {
  const parts: Buffer[] = [];
  for (const label of normalizeName(name).split('.')) {
    if (label === '') continue;
    const bytes = Buffer.from(label, 'utf8');
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

export function u16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}

export function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value >>> 0);
  return buffer;
}

/** An address's 4 or 16 octets; a fixture with a malformed address is a broken fixture. */
function encodeAddress(text: string, version: 4 | 6): Buffer {
  const address = parseIp(text);
  if (!address || address.version !== version) throw new Error(`fixture address ${text} is not IPv${version}`);
  return Buffer.from(address.bytes);
}

export function encodeSoa(zone: string): Buffer {
  const suffix = zone === '' ? 'fixture.invalid' : zone;
  return Buffer.concat([encodeName(`ns.${suffix}`), encodeName(`hostmaster.${suffix}`), u32(1), u32(3600), u32(600), u32(86400), u32(300)]);
}

function encodeCharacterStrings(strings: string[]): Buffer {
  const parts: Buffer[] = [];
  for (const text of strings) {
    const bytes = Buffer.from(text, 'utf8');
    // A character-string holds at most 255 octets (RFC 1035 §3.3): longer fixture strings are split.
    for (let offset = 0; offset < bytes.length || offset === 0; offset += 255) {
      const chunk = bytes.subarray(offset, offset + 255);
      parts.push(Buffer.from([chunk.length]), chunk);
      if (bytes.length === 0) break;
    }
  }
  return Buffer.concat(parts);
}

type RdataEncoder = (value: RecordValue, list: (string | number)[]) => Buffer;

const encodeNameValue: RdataEncoder = (value) => encodeName(String(value));

/** Fixture values → RDATA, per record type (the fixture's list for a type is [field, field, …]). */
const ENCODERS = {
  A: (value) => encodeAddress(String(value), 4),
  AAAA: (value) => encodeAddress(String(value), 6),
  CNAME: encodeNameValue,
  PTR: encodeNameValue,
  NS: encodeNameValue,
  MX: (_value, list) => Buffer.concat([u16(Number(list[0])), encodeName(String(list[1]))]),
  TXT: (_value, list) => encodeCharacterStrings(list.map(String)),
  // The server writes each zone's SOA itself (encodeSoa); fixtures do not list one.
  SOA: () => {
    throw new Error('fixture record type SOA is not supported');
  },
  TLSA: (_value, list) => Buffer.concat([Buffer.from([Number(list[0]), Number(list[1]), Number(list[2])]), Buffer.from(String(list[3]), 'hex')]),
  DS: (_value, list) => Buffer.concat([u16(Number(list[0])), Buffer.from([Number(list[1]), Number(list[2])]), Buffer.from(String(list[3]), 'hex')]),
  DNSKEY: (_value, list) => Buffer.concat([u16(Number(list[0])), Buffer.from([Number(list[1]), Number(list[2])]), Buffer.from(String(list[3]), 'base64')]),
} satisfies Record<RRType, RdataEncoder>;

export function encodeRdata(type: string, value: RecordValue): Buffer {
  const list = Array.isArray(value) ? value : [value];
  // SPF (type 99, RFC 4408 §3.1.1, retired by RFC 7208 §3.1) has TXT's RDATA.
  const encode = type === 'SPF' ? ENCODERS.TXT : isRRType(type) ? ENCODERS[type] : undefined;
  if (!encode) throw new Error(`fixture record type ${type} is not supported`);
  return encode(value, list);
}

export function encodeQuestion(name: string, type: number, klass: number): Buffer {
  return Buffer.concat([encodeName(name), u16(type), u16(klass)]);
}

export function encodeRecord(record: WireRecord): Buffer {
  return Buffer.concat([encodeName(record.name), u16(record.type), u16(1), u32(record.ttl), u16(record.rdata.length), record.rdata]);
}

