/**
 * DNS messages on the wire: building a query and reading a reply.
 *
 * Encoding uses dns2's `Packet` codec (header, question, EDNS0 OPT record).
 * Decoding uses dns2's header and name decoders (the latter handles message
 * compression, RFC 1035 §4.1.4), but walks the resource records itself:
 * dns2's `Packet.parse` silently drops records it cannot decode, dispatches on
 * a shared mutable type table, and knows nothing of TLSA or DS. Here every
 * record keeps its exact RDATA bounds, and the RDATA of each type mailcheck
 * asks for is decoded into the shapes of ./types.ts.
 */
import { Packet as Dns2Packet } from 'dns2';
import { formatIp } from '../ip.js';
import type { RecordData, RRType } from './types.js';

/** The part of dns2's Packet API used here (its shipped typings are narrower than the runtime). */
interface PacketCodec {
  new (): {
    header: Record<string, number>;
    questions: { name: string; type: number; class: number }[];
    additionals: unknown[];
    toBuffer(): Buffer;
  };
  TYPE: Record<string, number>;
  Header: { parse(buffer: Buffer): Record<string, number> };
  Name: { decode(reader: unknown): string };
  Reader: new (buffer: Buffer, offsetBits?: number) => { offset: number };
  Resource: { EDNS(rdata: unknown[], options: { udpPayloadSize?: number; doFlag?: boolean }): unknown };
}

const Packet = Dns2Packet as unknown as PacketCodec;

/** RR type numbers (RFC 1035 §3.2.2, RFC 3596, RFC 4034, RFC 6698). */
export const TYPE_NUMBER: Record<RRType | 'RRSIG' | 'OPT', number> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  DS: 43,
  RRSIG: 46,
  DNSKEY: 48,
  TLSA: 52,
  OPT: 41,
};

// dns2 has no numbers for DS, RRSIG or TLSA: a type name it does not know is
// encoded as type 0. Register them, so any code that hands dns2 a type name
// (the fixture server, a future caller) gets the right number.
for (const name of ['DS', 'RRSIG', 'DNSKEY', 'TLSA'] as const) {
  if (Packet.TYPE[name] === undefined) Packet.TYPE[name] = TYPE_NUMBER[name];
}

/** RCODE values (RFC 1035 §4.1.1). */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** UDP payload size we advertise: 1232 octets avoids IP fragmentation (DNS Flag Day 2020; RFC 6891 §6.2.5). */
export const EDNS_UDP_SIZE = 1232;

export interface QueryOptions {
  /** Message id (RFC 1035 §4.1.1): random 16 bits, checked in the reply. */
  id: number;
  name: string;
  type: number;
  /** Add the EDNS0 OPT record (RFC 6891 §6.1.1); false for the fallback after a FORMERR. */
  edns: boolean;
  /** Set the DO bit in the OPT record (RFC 3225 §3) so a validating resolver reports AD. */
  dnssecOk: boolean;
}

/** Encodes a recursive query (RD=1) for one question of class IN. */
export function encodeQuery(options: QueryOptions): Buffer {
  const packet = new Packet();
  packet.header = { id: options.id, rd: 1 };
  packet.questions.push({ name: options.name, type: options.type, class: 1 });
  if (options.edns) {
    // RFC 6891 §6.1.2: OPT's CLASS carries our UDP payload size, its TTL the
    // extended RCODE, version 0 and the DO bit (RFC 3225 §3).
    packet.additionals.push(Packet.Resource.EDNS([], { udpPayloadSize: EDNS_UDP_SIZE, doFlag: options.dnssecOk }));
  }
  return packet.toBuffer();
}

/** One resource record of a reply. `data` is decoded for the types mailcheck asks for, raw RDATA otherwise. */
export interface WireRecord {
  /** Owner name, lower case, no trailing dot ('' for the root). */
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: RecordData[RRType] | Buffer;
}

export interface WireMessage {
  id: number;
  /** QR: 1 for a response. */
  qr: number;
  opcode: number;
  /** TC: the reply was truncated (RFC 1035 §4.1.1). */
  tc: boolean;
  /** AD: the answer was validated with DNSSEC by the resolver (RFC 4035 §3.2.3). */
  ad: boolean;
  /** Full RCODE (RFC 6891 §6.1.3: with OPT, 8 more bits come from the OPT TTL). */
  rcode: number;
  questions: { name: string; type: number; class: number }[];
  answers: WireRecord[];
  authorities: WireRecord[];
  /** The reply carried an OPT record (the server speaks EDNS). */
  edns: boolean;
}

/** Lower case, no trailing dot: how names are compared and cached (RFC 4343: names are case-insensitive). */
export function canonicalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Reads a message id without decoding the rest (replies with the wrong id are dropped cheaply). */
export function peekId(buffer: Buffer): number | undefined {
  return buffer.length >= 2 ? buffer.readUInt16BE(0) : undefined;
}

/** Decodes a reply. Throws on a malformed message (caller drops it). */
export function decodeMessage(buffer: Buffer): WireMessage {
  if (buffer.length < 12) throw new Error('DNS message shorter than its header');
  const header = Packet.Header.parse(buffer.subarray(0, 12));
  let offset = 12;

  const readName = (at: number): { name: string; next: number } => {
    const reader = new Packet.Reader(buffer, at * 8);
    const name = Packet.Name.decode(reader);
    return { name: canonicalName(name), next: reader.offset / 8 };
  };

  const questions: WireMessage['questions'] = [];
  for (let index = 0; index < header.qdcount!; index++) {
    const { name, next } = readName(offset);
    need(buffer, next + 4);
    questions.push({ name, type: buffer.readUInt16BE(next), class: buffer.readUInt16BE(next + 2) });
    offset = next + 4;
  }

  const sections: WireRecord[][] = [[], [], []];
  const counts = [header.ancount!, header.nscount!, header.arcount!];
  let edns = false;
  let extendedRcode = 0;
  for (let section = 0; section < 3; section++) {
    for (let index = 0; index < counts[section]!; index++) {
      const { name, next } = readName(offset);
      need(buffer, next + 10);
      const type = buffer.readUInt16BE(next);
      const klass = buffer.readUInt16BE(next + 2);
      const ttl = buffer.readUInt32BE(next + 4);
      const length = buffer.readUInt16BE(next + 8);
      const start = next + 10;
      need(buffer, start + length);
      if (type === TYPE_NUMBER.OPT) {
        // RFC 6891 §6.1.3: the OPT TTL's high byte extends the header RCODE.
        edns = true;
        extendedRcode = ttl >>> 24;
      } else {
        sections[section]!.push({
          name,
          type,
          class: klass,
          // RFC 2181 §8: a TTL with the top bit set is treated as zero.
          ttl: ttl > 0x7fffffff ? 0 : ttl,
          // Authority records are read for their owner and type only (the SOA of a
          // negative answer, RFC 2308 §2.2): their data stays raw, undecoded.
          data: section === 1 ? buffer.subarray(start, start + length) : decodeRdata(buffer, type, start, length, readName),
        });
      }
      // The next record starts after RDLENGTH octets, whatever the decoder consumed.
      offset = start + length;
    }
  }

  return {
    id: header.id!,
    qr: header.qr!,
    opcode: header.opcode!,
    tc: header.tc === 1,
    ad: header.ad === 1,
    rcode: (extendedRcode << 4) | (header.rcode! & 0xf),
    questions,
    answers: sections[0]!,
    authorities: sections[1]!,
    edns,
  };
}

function need(buffer: Buffer, end: number): void {
  if (end > buffer.length) throw new Error('DNS message truncated inside a record');
}

function decodeRdata(
  buffer: Buffer,
  type: number,
  start: number,
  length: number,
  readName: (at: number) => { name: string; next: number },
): WireRecord['data'] {
  const rdata = buffer.subarray(start, start + length);
  const fixed = (size: number) => {
    if (length < size) throw new Error(`RDATA of type ${type} is ${length} octets, expected at least ${size}`);
  };
  switch (type) {
    case TYPE_NUMBER.A:
      fixed(4);
      return formatIp({ version: 4, bytes: rdata.subarray(0, 4) });
    case TYPE_NUMBER.AAAA:
      fixed(16);
      return formatIp({ version: 6, bytes: rdata.subarray(0, 16) });
    case TYPE_NUMBER.CNAME:
    case TYPE_NUMBER.PTR:
    case TYPE_NUMBER.NS:
      return readName(start).name;
    case TYPE_NUMBER.MX: {
      // RFC 1035 §3.3.9; RFC 7505: the null MX is "0 ." (exchange '' here).
      fixed(3);
      return { preference: rdata.readUInt16BE(0), exchange: readName(start + 2).name };
    }
    case TYPE_NUMBER.TXT:
      return readCharacterStrings(rdata);
    case TYPE_NUMBER.SOA: {
      // RFC 1035 §3.3.13.
      const mname = readName(start);
      const rname = readName(mname.next);
      need(buffer, rname.next + 20);
      const at = (index: number) => buffer.readUInt32BE(rname.next + index * 4);
      return { mname: mname.name, rname: rname.name, serial: at(0), refresh: at(1), retry: at(2), expire: at(3), minimum: at(4) };
    }
    case TYPE_NUMBER.TLSA:
      // RFC 6698 §2.1: usage, selector, matching type (one octet each), association data.
      fixed(3);
      return { usage: rdata[0]!, selector: rdata[1]!, matchingType: rdata[2]!, data: rdata.subarray(3).toString('hex') };
    case TYPE_NUMBER.DS:
      // RFC 4034 §5.1: key tag (2), algorithm (1), digest type (1), digest.
      fixed(4);
      return { keyTag: rdata.readUInt16BE(0), algorithm: rdata[2]!, digestType: rdata[3]!, digest: rdata.subarray(4).toString('hex') };
    case TYPE_NUMBER.DNSKEY:
      // RFC 4034 §2.1: flags (2), protocol (1), algorithm (1), public key.
      fixed(4);
      return { flags: rdata.readUInt16BE(0), protocol: rdata[2]!, algorithm: rdata[3]!, publicKey: rdata.subarray(4).toString('base64') };
    default:
      return Buffer.from(rdata);
  }
}

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
