/**
 * The record types mailcheck asks for: one entry per type, with its type
 * number and the decoder of its RDATA into the shape of ./types.ts. The table
 * is keyed by RRType, so a type added there and forgotten here is a compile
 * error; every list of supported types (the resolver's guard, captures, zone
 * files, the mailauth adapter, the wire decoder) is derived from it.
 */
import { formatIp } from '../ip.js';
import type { RecordData, RRType } from './types.js';

/** One record's RDATA inside a message, for a decoder. */
export interface RdataReader {
  /** The whole message: names inside RDATA may point anywhere in it (RFC 1035 §4.1.4). */
  buffer: Buffer;
  /** Offset of the RDATA in `buffer`. */
  start: number;
  /** The RDATA alone (RDLENGTH octets). */
  rdata: Buffer;
  /** Reads the (possibly compressed) name at `at` in `buffer`. */
  readName(at: number): { name: string; next: number };
  /** Throws unless the RDATA has at least `size` octets. */
  atLeast(size: number): void;
  /** Throws unless `buffer` extends to `end`. */
  within(end: number): void;
}

/** What mailcheck knows of one record type. */
export interface RecordTypeEntry<T extends RRType> {
  /** The TYPE value on the wire (RFC 1035 §3.2.2 and the RFC that defines the type). */
  code: number;
  /** RDATA → the record's data. */
  decode(reader: RdataReader): RecordData[T];
}

const nameData = (reader: RdataReader): string => reader.readName(reader.start).name;

/** Record types mailcheck asks for, by name. */
export const RECORD_TYPES = {
  A: {
    code: 1,
    decode(reader) {
      reader.atLeast(4);
      return formatIp({ version: 4, bytes: reader.rdata.subarray(0, 4) });
    },
  },
  AAAA: {
    // RFC 3596 §2.1.
    code: 28,
    decode(reader) {
      reader.atLeast(16);
      return formatIp({ version: 6, bytes: reader.rdata.subarray(0, 16) });
    },
  },
  MX: {
    code: 15,
    decode(reader) {
      // RFC 1035 §3.3.9; RFC 7505: the null MX is "0 ." (exchange '' here).
      reader.atLeast(3);
      return { preference: reader.rdata.readUInt16BE(0), exchange: reader.readName(reader.start + 2).name };
    },
  },
  TXT: { code: 16, decode: (reader) => readCharacterStrings(reader.rdata) },
  CNAME: { code: 5, decode: nameData },
  PTR: { code: 12, decode: nameData },
  NS: { code: 2, decode: nameData },
  SOA: {
    code: 6,
    decode(reader) {
      // RFC 1035 §3.3.13.
      const mname = reader.readName(reader.start);
      const rname = reader.readName(mname.next);
      reader.within(rname.next + 20);
      const at = (index: number) => reader.buffer.readUInt32BE(rname.next + index * 4);
      return { mname: mname.name, rname: rname.name, serial: at(0), refresh: at(1), retry: at(2), expire: at(3), minimum: at(4) };
    },
  },
  TLSA: {
    code: 52,
    decode({ rdata, atLeast }) {
      // RFC 6698 §2.1: usage, selector, matching type (one octet each), association data.
      atLeast(3);
      return { usage: rdata[0]!, selector: rdata[1]!, matchingType: rdata[2]!, data: rdata.subarray(3).toString('hex') };
    },
  },
  DS: {
    code: 43,
    decode({ rdata, atLeast }) {
      // RFC 4034 §5.1: key tag (2), algorithm (1), digest type (1), digest.
      atLeast(4);
      return { keyTag: rdata.readUInt16BE(0), algorithm: rdata[2]!, digestType: rdata[3]!, digest: rdata.subarray(4).toString('hex') };
    },
  },
  DNSKEY: {
    code: 48,
    decode({ rdata, atLeast }) {
      // RFC 4034 §2.1: flags (2), protocol (1), algorithm (1), public key.
      atLeast(4);
      return { flags: rdata.readUInt16BE(0), protocol: rdata[2]!, algorithm: rdata[3]!, publicKey: rdata.subarray(4).toString('base64') };
    },
  },
} as const satisfies { readonly [T in RRType]: RecordTypeEntry<T> };

/** Every record type mailcheck asks for, in the table's order. */
export const RR_TYPES = Object.keys(RECORD_TYPES) as [RRType, ...RRType[]];

/** True when `value` names a record type mailcheck asks for (upper case). */
export function isRRType(value: string): value is RRType {
  return Object.hasOwn(RECORD_TYPES, value);
}

const BY_CODE: ReadonlyMap<number, RecordTypeEntry<RRType>> = new Map(
  RR_TYPES.map((type) => [RECORD_TYPES[type].code, RECORD_TYPES[type] as RecordTypeEntry<RRType>]),
);

/** The entry for a TYPE value on the wire, or undefined for a type mailcheck does not ask for. */
export function recordTypeByCode(code: number): RecordTypeEntry<RRType> | undefined {
  return BY_CODE.get(code);
}

/** Type number of each record type, by name. */
export const TYPE_CODES = Object.fromEntries(RR_TYPES.map((type) => [type, RECORD_TYPES[type].code])) as Record<RRType, number>;

/**
 * TXT RDATA is one or more <character-string>s, each a length octet and that
 * many octets (RFC 1035 §3.3.14, §3.3). They are kept apart (joining them is
 * the consumer's business, RFC 7208 §3.3) and decoded as UTF-8.
 */
function readCharacterStrings(rdata: Buffer): string[] {
  const strings: string[] = [];
  let at = 0;
  while (at < rdata.length) {
    const size = rdata[at]!;
    if (at + 1 + size > rdata.length) throw new Error('TXT character-string overruns its RDATA');
    strings.push(rdata.subarray(at + 1, at + 1 + size).toString('utf8'));
    at += 1 + size;
  }
  return strings;
}
