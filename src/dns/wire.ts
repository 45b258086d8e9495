/**
 * DNS messages on the wire: building a query and reading a reply.
 *
 * Both directions are written here, octet by octet, because they sit on the
 * hot path of every query (a batch sends hundreds of thousands): a query is
 * a fixed header, one question and an optional OPT record (RFC 1035 §4.1,
 * RFC 6891 §6.1.2), built straight into one Buffer. The reply decoder walks
 * the header, names (with message compression, RFC 1035 §4.1.4) and resource
 * records itself, keeping each record's exact RDATA bounds, and decodes the
 * RDATA of each type mailcheck asks for into the shapes of ./types.ts (the
 * decoders are in ./record-types.ts). The
 * output equals dns2's packet codec (the fixture server's); a test checks
 * the two against each other.
 */
import { recordTypeByCode, TYPE_CODES } from './record-types.js';
import type { RecordData, RRType } from './types.js';
import { canonicalRdata } from './canonical-rdata.js';
import { need, walkName } from './name-walk.js';

/** RR type numbers (./record-types.ts), with those mailcheck reads but never asks for (RFC 4034 §3, §4; RFC 5155 §3; RFC 6891 §6.1.1). */
export const TYPE_NUMBER: Record<RRType | 'RRSIG' | 'NSEC' | 'NSEC3' | 'OPT', number> = { ...TYPE_CODES, RRSIG: 46, NSEC: 47, NSEC3: 50, OPT: 41 };

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
  const name = options.name.endsWith('.') ? options.name.slice(0, -1) : options.name;
  // RFC 1035 §3.1: each label is a length octet and that many octets; the root ends the name.
  const nameLength = name === '' ? 1 : name.length + 2;
  const size = 12 + nameLength + 4 + (options.edns ? 11 : 0);
  const buffer = Buffer.allocUnsafe(size);
  // RFC 1035 §4.1.1: id, flags (only RD set), QDCOUNT 1, ANCOUNT 0, NSCOUNT 0, ARCOUNT.
  buffer.writeUInt16BE(options.id & 0xffff, 0);
  buffer.writeUInt16BE(0x0100, 2);
  buffer.writeUInt16BE(1, 4);
  buffer.writeUInt32BE(0, 6);
  buffer.writeUInt16BE(options.edns ? 1 : 0, 10);
  let at = 12;
  if (name !== '') {
    let labelStart = 0;
    for (;;) {
      const dot = name.indexOf('.', labelStart);
      const label = dot === -1 ? name.slice(labelStart) : name.slice(labelStart, dot);
      if (label.length === 0 || label.length > 63) throw new Error(`cannot encode DNS name "${options.name}": label of ${label.length} octets`);
      buffer[at++] = label.length;
      at += buffer.write(label, at, 'latin1');
      if (dot === -1) break;
      labelStart = dot + 1;
    }
  }
  buffer[at++] = 0;
  if (at > 12 + 255) throw new Error(`cannot encode DNS name "${options.name}": longer than 255 octets`);
  buffer.writeUInt16BE(options.type, at);
  buffer.writeUInt16BE(1, at + 2);
  at += 4;
  if (options.edns) {
    // RFC 6891 §6.1.2: OPT owned by the root; its CLASS carries our UDP payload
    // size, its TTL the extended RCODE (0), version 0 and the DO bit (RFC 3225 §3).
    buffer[at] = 0;
    buffer.writeUInt16BE(TYPE_NUMBER.OPT, at + 1);
    buffer.writeUInt16BE(EDNS_UDP_SIZE, at + 3);
    buffer.writeUInt32BE(options.dnssecOk ? 0x8000 : 0, at + 5);
    buffer.writeUInt16BE(0, at + 9);
  }
  return buffer;
}

/** One resource record of a reply. `data` is decoded for the types mailcheck asks for, raw RDATA otherwise. */
export interface WireRecord {
  /** Owner name, lower case, no trailing dot ('' for the root). */
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: RecordData[RRType] | Buffer;
  /**
   * The RDATA in canonical form (RFC 4034 §6.2: names uncompressed, and
   * lower-cased for the types that list says), as DNSSEC signatures cover it.
   * Set on every record of a message that carries RRSIG records.
   */
  canonical?: Buffer;
}

export interface WireMessage {
  id: number;
  /** QR: 1 for a response. */
  qr: number;
  opcode: number;
  /** RD: recursion desired (RFC 1035 §4.1.1); the fixture server copies it into its reply. */
  rd?: boolean;
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
  /** The OPT record's UDP payload size and DO bit (RFC 6891 §6.1.2, RFC 3225 §3), when there is one. */
  opt?: { udpPayloadSize: number; dnssecOk: boolean };
}

/** Lower case, no trailing dot: how names are compared and cached (RFC 4343: names are case-insensitive). */
export function canonicalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Decodes a reply. Throws on a malformed message (caller drops it). */
export function decodeMessage(buffer: Buffer): WireMessage {
  if (buffer.length < 12) throw new Error('DNS message shorter than its header');
  // RFC 1035 §4.1.1: id; QR, opcode, AA, TC, RD; RA, Z, AD, CD (RFC 4035 §3.2.3), RCODE; four counts.
  const flags = buffer.readUInt16BE(2);
  const header = {
    id: buffer.readUInt16BE(0),
    qr: flags >>> 15,
    opcode: (flags >>> 11) & 0xf,
    tc: (flags >>> 9) & 1,
    rd: (flags >>> 8) & 1,
    ad: (flags >>> 5) & 1,
    rcode: flags & 0xf,
    qdcount: buffer.readUInt16BE(4),
    ancount: buffer.readUInt16BE(6),
    nscount: buffer.readUInt16BE(8),
    arcount: buffer.readUInt16BE(10),
  };
  let offset = 12;

  const readName = (at: number): { name: string; next: number } => {
    const { name, next } = decodeName(buffer, at);
    return { name: canonicalName(name), next };
  };

  const questions: WireMessage['questions'] = [];
  for (let index = 0; index < header.qdcount; index++) {
    const { name, next } = readName(offset);
    need(buffer, next + 4);
    questions.push({ name, type: buffer.readUInt16BE(next), class: buffer.readUInt16BE(next + 2) });
    offset = next + 4;
  }

  const sections: WireRecord[][] = [[], [], []];
  /** Where each record's RDATA lies, for the canonical form below. */
  const spans = new Map<WireRecord, { start: number; length: number }>();
  let signed = false;
  const counts = [header.ancount, header.nscount, header.arcount];
  let opt: WireMessage['opt'];
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
        opt = { udpPayloadSize: klass, dnssecOk: (ttl & 0x8000) !== 0 };
        extendedRcode = ttl >>> 24;
      } else {
        const record: WireRecord = {
          name,
          type,
          class: klass,
          // RFC 2181 §8: a TTL with the top bit set is treated as zero.
          ttl: ttl > 0x7fffffff ? 0 : ttl,
          // Authority records are read for their owner and type only (the SOA of a
          // negative answer, RFC 2308 §2.2): their data stays raw, undecoded.
          data: section === 1 ? buffer.subarray(start, start + length) : decodeRdata(buffer, type, start, length, readName),
        };
        sections[section]!.push(record);
        if (section < 2) spans.set(record, { start, length });
        if (type === TYPE_NUMBER.RRSIG) signed = true;
      }
      // The next record starts after RDLENGTH octets, whatever the decoder consumed.
      offset = start + length;
    }
  }

  // A signed reply (RRSIG present, RFC 4035 §3.1.1) keeps the canonical RDATA of its
  // answer and authority records: DNSSEC validation (src/dnssec/) reads them.
  if (signed) {
    for (const [record, span] of spans) record.canonical = canonicalRdata(buffer, record.type, span.start, span.length);
  }

  return {
    id: header.id,
    qr: header.qr,
    opcode: header.opcode,
    rd: header.rd === 1,
    tc: header.tc === 1,
    ad: header.ad === 1,
    rcode: (extendedRcode << 4) | header.rcode,
    questions,
    answers: sections[0]!,
    authorities: sections[1]!,
    edns: opt !== undefined,
    ...(opt ? { opt } : {}),
  };
}

/**
 * Reads the domain name at `at` (RFC 1035 §3.1, §4.1.4): labels, each a length
 * octet and that many octets, ending with the root or a pointer (two octets,
 * the top bits set) to a name earlier in the message. Labels are read as
 * Latin-1 (one character per octet), a dot or backslash inside a label
 * escaped with a backslash (RFC 1035 §5.1). Throws on a reserved label type, a
 * pointer loop or a name longer than 255 octets (RFC 1035 §2.3.4). `next` is
 * the offset after the name where it first appears.
 */
export function decodeName(buffer: Buffer, at: number): { name: string; next: number } {
  let name = '';
  const next = walkName(buffer, at, (start, length) => {
    // RFC 1035 §5.1 presentation form: a dot inside a label (legal on the wire, RFC 2181 §11)
    // is shown `\.` and a backslash `\\`, so that `a.b` as one label is never read as two.
    const label = buffer.toString('latin1', start, start + length).replace(/[\\.]/g, '\\$&');
    name = name === '' ? label : `${name}.${label}`;
  });
  return { name, next };
}

function decodeRdata(
  buffer: Buffer,
  type: number,
  start: number,
  length: number,
  readName: (at: number) => { name: string; next: number },
): WireRecord['data'] {
  const rdata = buffer.subarray(start, start + length);
  const entry = recordTypeByCode(type);
  // A type mailcheck does not ask for keeps its raw RDATA.
  if (!entry) return Buffer.from(rdata);
  return entry.decode({
    buffer,
    start,
    rdata,
    readName,
    atLeast: (size) => {
      if (length < size) throw new Error(`RDATA of type ${type} is ${length} octets, expected at least ${size}`);
    },
    within: (end) => need(buffer, end),
  });
}

