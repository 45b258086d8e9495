/**
 * DNSSEC record data read from canonical RDATA octets (RFC 4034 §2.1, §3.1,
 * §4.1, §5.1; RFC 5155 §3.2), and the name arithmetic validation needs:
 * wire form, label counts and the canonical order (RFC 4034 §6.1).
 */

/** RR type numbers validation reads (RFC 4034, RFC 5155). */
export const RR = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28, DS: 43, RRSIG: 46, NSEC: 47, DNSKEY: 48, NSEC3: 50, TLSA: 52 } as const;

/** RFC 4034 §3.1. */
export interface Rrsig {
  typeCovered: number;
  algorithm: number;
  labels: number;
  originalTtl: number;
  /** Seconds since the epoch, modulo 2^32 (RFC 4034 §3.1.5). */
  expiration: number;
  inception: number;
  keyTag: number;
  /** Lower case, no trailing dot. */
  signer: string;
  signature: Buffer;
  /** The RDATA up to the signature (RFC 4035 §5.3.2: the start of the signed data). */
  signedPart: Buffer;
}

/** RFC 4034 §2.1, with its key tag (Appendix B). */
export interface Dnskey {
  flags: number;
  protocol: number;
  algorithm: number;
  publicKey: Buffer;
  keyTag: number;
  rdata: Buffer;
}

/** RFC 4034 §5.1. */
export interface Ds {
  keyTag: number;
  algorithm: number;
  digestType: number;
  digest: Buffer;
}

/** RFC 4034 §4.1. */
export interface Nsec {
  /** The next owner name, lower-cased for comparison. */
  next: string;
  types: Set<number>;
}

/** RFC 5155 §3.2. */
export interface Nsec3 {
  hashAlgorithm: number;
  /** Bit 0: Opt-Out (RFC 5155 §3.1.2.1). */
  optOut: boolean;
  iterations: number;
  salt: Buffer;
  /** The next hashed owner name, raw octets. */
  nextHash: Buffer;
  types: Set<number>;
}

function short(rdata: Buffer, size: number, what: string): void {
  if (rdata.length < size) throw new Error(`${what} RDATA is ${rdata.length} octets, expected at least ${size}`);
}

/** Reads an uncompressed wire name at `at` (RDATA in canonical form has no pointers). */
export function readWireName(rdata: Buffer, at: number): { name: string; next: number } {
  const labels: string[] = [];
  for (let hops = 0; hops < 128; hops++) {
    if (at >= rdata.length) throw new Error('name runs past its RDATA');
    const length = rdata[at]!;
    if (length === 0) return { name: labels.join('.').toLowerCase(), next: at + 1 };
    if (length > 63) throw new Error('compressed or reserved label in canonical RDATA');
    labels.push(rdata.toString('latin1', at + 1, at + 1 + length));
    at += 1 + length;
  }
  throw new Error('name with too many labels');
}

/** A name (lower case, dot-separated, '' for the root) as canonical wire octets (RFC 4034 §6.2). */
export function nameToWire(name: string): Buffer {
  const parts: Buffer[] = [];
  for (const label of name.toLowerCase().split('.')) {
    if (label === '') continue;
    const bytes = Buffer.from(label, 'latin1');
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** The labels of a name, root first is not counted (RFC 4034 §3.1.3: the root has 0). */
export function labelsOf(name: string): string[] {
  return name === '' ? [] : name.split('.');
}

/** True when `name` is `zone` or below it. */
export function isAtOrBelow(name: string, zone: string): boolean {
  return zone === '' || name === zone || name.endsWith(`.${zone}`);
}

/** The parent of a name ('' for a TLD; undefined for the root). */
export function parentOf(name: string): string | undefined {
  if (name === '') return undefined;
  const dot = name.indexOf('.');
  return dot === -1 ? '' : name.slice(dot + 1);
}

/** RFC 4034 §6.1: names compared label by label from the right, each label as lower-cased octets. */
export function compareNames(first: string, second: string): number {
  const a = labelsOf(first.toLowerCase()).reverse();
  const b = labelsOf(second.toLowerCase()).reverse();
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const order = Buffer.compare(Buffer.from(a[index]!, 'latin1'), Buffer.from(b[index]!, 'latin1'));
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** RFC 4034 §4.1.2: the type bit maps, window by window. */
export function readTypeBitmaps(rdata: Buffer, at: number): Set<number> {
  const types = new Set<number>();
  while (at < rdata.length) {
    if (at + 2 > rdata.length) throw new Error('type bit map truncated');
    const window = rdata[at]!;
    const length = rdata[at + 1]!;
    if (length < 1 || length > 32 || at + 2 + length > rdata.length) throw new Error('type bit map of a bad length');
    for (let octet = 0; octet < length; octet++) {
      const bits = rdata[at + 2 + octet]!;
      for (let bit = 0; bit < 8; bit++) if (bits & (0x80 >> bit)) types.add(window * 256 + octet * 8 + bit);
    }
    at += 2 + length;
  }
  return types;
}

export function parseRrsig(rdata: Buffer): Rrsig {
  short(rdata, 19, 'RRSIG');
  const signer = readWireName(rdata, 18);
  return {
    typeCovered: rdata.readUInt16BE(0),
    algorithm: rdata[2]!,
    labels: rdata[3]!,
    originalTtl: rdata.readUInt32BE(4),
    expiration: rdata.readUInt32BE(8),
    inception: rdata.readUInt32BE(12),
    keyTag: rdata.readUInt16BE(16),
    signer: signer.name,
    signature: rdata.subarray(signer.next),
    signedPart: rdata.subarray(0, signer.next),
  };
}

/** RFC 4034 Appendix B: the key tag of a DNSKEY RDATA (algorithm 1 is not supported, so not special-cased). */
export function keyTag(rdata: Buffer): number {
  let sum = 0;
  for (let index = 0; index < rdata.length; index++) sum += index & 1 ? rdata[index]! : rdata[index]! << 8;
  sum += (sum >>> 16) & 0xffff;
  return sum & 0xffff;
}

export function parseDnskey(rdata: Buffer): Dnskey {
  short(rdata, 5, 'DNSKEY');
  return { flags: rdata.readUInt16BE(0), protocol: rdata[2]!, algorithm: rdata[3]!, publicKey: rdata.subarray(4), keyTag: keyTag(rdata), rdata };
}

export function parseDs(rdata: Buffer): Ds {
  short(rdata, 5, 'DS');
  return { keyTag: rdata.readUInt16BE(0), algorithm: rdata[2]!, digestType: rdata[3]!, digest: rdata.subarray(4) };
}

export function parseNsec(rdata: Buffer): Nsec {
  const next = readWireName(rdata, 0);
  return { next: next.name, types: readTypeBitmaps(rdata, next.next) };
}

export function parseNsec3(rdata: Buffer): Nsec3 {
  short(rdata, 6, 'NSEC3');
  const saltLength = rdata[4]!;
  const hashAt = 5 + saltLength;
  short(rdata, hashAt + 1, 'NSEC3');
  const hashLength = rdata[hashAt]!;
  short(rdata, hashAt + 1 + hashLength, 'NSEC3');
  return {
    hashAlgorithm: rdata[0]!,
    optOut: (rdata[1]! & 1) === 1,
    iterations: rdata.readUInt16BE(2),
    salt: rdata.subarray(5, hashAt),
    nextHash: rdata.subarray(hashAt + 1, hashAt + 1 + hashLength),
    types: readTypeBitmaps(rdata, hashAt + 1 + hashLength),
  };
}

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** RFC 4648 §7 base32hex, lower case, no padding (the form of NSEC3 owner labels, RFC 5155 §3.3). */
export function base32hex(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32HEX[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes a base32hex label; undefined when it is not one. */
export function fromBase32hex(text: string): Buffer | undefined {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text.toLowerCase()) {
    const digit = BASE32HEX.indexOf(char);
    if (digit === -1) return undefined;
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
