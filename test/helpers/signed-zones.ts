/**
 * Signed DNS zones built at test time: keys generated with node:crypto,
 * RRSIGs, DS, NSEC and NSEC3 records written here from the RFCs (RFC 4034
 * §3.1.8.1, §5.1.4, Appendix B; RFC 5155 §5), independently of the
 * validator under test, and served by the fixture DNS server's `answer` hook.
 */
import crypto from 'node:crypto';
import type { RawFixtureAnswer } from '../../src/testing/fixture-server.js';

export const T = { A: 1, NS: 2, SOA: 6, MX: 15, TXT: 16, DS: 43, RRSIG: 46, NSEC: 47, DNSKEY: 48, NSEC3: 50, TLSA: 52 } as const;

export interface ZoneKey {
  zone: string;
  algorithm: number;
  flags: number;
  /** DNSKEY RDATA. */
  rdata: Buffer;
  keyTag: number;
  sign(data: Buffer): Buffer;
}

export function wireName(name: string): Buffer {
  const parts: Buffer[] = [];
  for (const label of name.split('.')) if (label !== '') parts.push(Buffer.from([label.length]), Buffer.from(label.toLowerCase(), 'latin1'));
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function u16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value >>> 0);
  return buffer;
}

/** RFC 4034 Appendix B. */
function tagOf(rdata: Buffer): number {
  let sum = 0;
  rdata.forEach((byte, index) => (sum += index & 1 ? byte : byte << 8));
  return (sum + ((sum >> 16) & 0xffff)) & 0xffff;
}

/**
 * A zone key: algorithm 8 (RSA/SHA-256), 13 (ECDSA P-256), 15 (Ed25519); any
 * other number makes a P-256 key labelled with that algorithm (for
 * "unsupported algorithm" cases: its signatures are never checked).
 */
export function makeKey(zone: string, algorithm: number, flags = 257): ZoneKey {
  let publicKey: Buffer;
  let sign: (data: Buffer) => Buffer;
  if (algorithm === 8) {
    const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = pair.publicKey.export({ format: 'jwk' });
    const exponent = Buffer.from(jwk.e!, 'base64url');
    publicKey = Buffer.concat([Buffer.from([exponent.length]), exponent, Buffer.from(jwk.n!, 'base64url')]);
    sign = (data) => crypto.sign('sha256', data, pair.privateKey);
  } else if (algorithm === 15) {
    const pair = crypto.generateKeyPairSync('ed25519');
    publicKey = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x!, 'base64url');
    sign = (data) => crypto.sign(null, data, pair.privateKey);
  } else {
    const pair = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = pair.publicKey.export({ format: 'jwk' });
    publicKey = Buffer.concat([Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    sign = (data) => crypto.sign('sha256', data, { key: pair.privateKey, dsaEncoding: 'ieee-p1363' });
  }
  const rdata = Buffer.concat([u16(flags), Buffer.from([3, algorithm]), publicKey]);
  return { zone, algorithm, flags, rdata, keyTag: tagOf(rdata), sign };
}

/** RFC 4034 §5.1.4: DS RDATA with a SHA-256 digest. */
export function dsRdata(key: ZoneKey): Buffer {
  const digest = crypto.createHash('sha256').update(wireName(key.zone)).update(key.rdata).digest();
  return Buffer.concat([u16(key.keyTag), Buffer.from([key.algorithm, 2]), digest]);
}

export function soaRdata(zone: string): Buffer {
  return Buffer.concat([wireName(`ns.${zone || 'root'}`), wireName(`hostmaster.${zone || 'root'}`), u32(1), u32(3600), u32(600), u32(86400), u32(300)]);
}

/** RFC 4034 §4.1.2 type bit maps. */
function bitmaps(types: number[]): Buffer {
  const windows = new Map<number, number[]>();
  for (const type of types) {
    const octets = windows.get(type >> 8) ?? [];
    const index = (type & 0xff) >> 3;
    while (octets.length <= index) octets.push(0);
    octets[index]! |= 0x80 >> (type & 7);
    windows.set(type >> 8, octets);
  }
  return Buffer.concat([...windows.entries()].sort(([a], [b]) => a - b).map(([window, octets]) => Buffer.from([window, octets.length, ...octets])));
}

export function nsecRdata(next: string, types: number[]): Buffer {
  return Buffer.concat([wireName(next), bitmaps(types)]);
}

/** RFC 5155 §5: SHA-1 over the name, salted, iterated. */
export function nsec3HashOf(name: string, salt: Buffer, iterations: number): Buffer {
  let hash = crypto.createHash('sha1').update(wireName(name)).update(salt).digest();
  for (let round = 0; round < iterations; round++) hash = crypto.createHash('sha1').update(hash).update(salt).digest();
  return hash;
}

/** RFC 4648 §7 base32hex, lower case. */
export function base32hexOf(bytes: Buffer): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  let out = '';
  for (let at = 0; at < bits.length; at += 5) out += alphabet[parseInt(bits.slice(at, at + 5).padEnd(5, '0'), 2)];
  return out;
}

export function nsec3Rdata(options: { optOut: boolean; iterations: number; salt: Buffer; next: Buffer; types: number[] }): Buffer {
  return Buffer.concat([
    Buffer.from([1, options.optOut ? 1 : 0]),
    u16(options.iterations),
    Buffer.from([options.salt.length]),
    options.salt,
    Buffer.from([options.next.length]),
    options.next,
    bitmaps(options.types),
  ]);
}

export interface SignOptions {
  /** Seconds since the epoch. */
  inception: number;
  expiration: number;
  /** Flip a bit of the signature. */
  corrupt?: boolean;
  ttl?: number;
}

/** RFC 4034 §3.1, §3.1.8.1: the RRSIG RDATA over (owner, type, rdatas). */
export function rrsigRdata(key: ZoneKey, owner: string, type: number, rdatas: Buffer[], options: SignOptions): Buffer {
  const ttl = options.ttl ?? 300;
  const labels = owner.split('.').filter((label) => label !== '' && label !== '*').length;
  const head = Buffer.concat([u16(type), Buffer.from([key.algorithm, labels]), u32(ttl), u32(options.expiration), u32(options.inception), u16(key.keyTag), wireName(key.zone)]);
  const sorted = [...rdatas].sort(Buffer.compare);
  const data = Buffer.concat([head, ...sorted.flatMap((rdata) => [wireName(owner), u16(type), u16(1), u32(ttl), u16(rdata.length), rdata])]);
  const signature = Buffer.from(key.sign(data));
  if (options.corrupt) signature[signature.length - 1]! ^= 0x01;
  return Buffer.concat([head, signature]);
}

type Rec = { name: string; type: number; ttl: number; rdata: Buffer };

/** A set of signed zones answered by a fixture server (`answer` goes to `startFixture(..., { answer })`). */
export interface SignedTree {
  /** Adds an RRset, signed by `key` unless null. */
  rrset(owner: string, type: number, rdatas: Buffer[], key: ZoneKey | null, options?: Partial<SignOptions>): void;
  /** A zone apex: its SOA and DNSKEY RRset (signed by `key`; `dnskeyOptions` for the DNSKEY RRSIG). */
  zone(key: ZoneKey, dnskeyOptions?: Partial<SignOptions>): void;
  /** A NODATA or NXDOMAIN answer for (name, type) with these authority records (NSEC/NSEC3 and their RRSIGs). */
  negative(name: string, type: number, rcode: number, authority: Rec[]): void;
  /** (name, type) goes unanswered (a timeout) or is answered SERVFAIL. */
  fail(name: string, type: number, failure: 'TIMEOUT' | 'SERVFAIL'): void;
  /** Signed authority records for a proof: the records and their RRSIG. */
  signedRecords(owner: string, type: number, rdatas: Buffer[], key: ZoneKey): Rec[];
  answer(name: string, type: number, dnssecOk: boolean): RawFixtureAnswer | undefined;
}

export function createSignedTree(now: number): SignedTree {
  const window = { inception: now - 3600, expiration: now + 86400 };
  const rrsets = new Map<string, { records: Rec[]; signatures: Rec[] }>();
  const negatives = new Map<string, { rcode: number; authority: Rec[] }>();
  const owners = new Set<string>();
  const failures = new Map<string, 'TIMEOUT' | 'SERVFAIL'>();
  const tree: SignedTree = {
    rrset(owner, type, rdatas, key, options = {}) {
      const records = rdatas.map((rdata) => ({ name: owner, type, ttl: 300, rdata }));
      const signatures = key ? [{ name: owner, type: T.RRSIG, ttl: 300, rdata: rrsigRdata(key, owner, type, rdatas, { ...window, ...options }) }] : [];
      rrsets.set(`${owner} ${type}`, { records, signatures });
      const labels = owner.split('.');
      for (let index = 0; index < labels.length; index++) owners.add(labels.slice(index).join('.'));
    },
    zone(key, dnskeyOptions = {}) {
      tree.rrset(key.zone, T.SOA, [soaRdata(key.zone)], key);
      tree.rrset(key.zone, T.DNSKEY, [key.rdata], key, dnskeyOptions);
    },
    negative(name, type, rcode, authority) {
      negatives.set(`${name} ${type}`, { rcode, authority });
    },
    fail(name, type, failure) {
      failures.set(`${name} ${type}`, failure);
    },
    signedRecords(owner, type, rdatas, key) {
      return [
        ...rdatas.map((rdata) => ({ name: owner, type, ttl: 300, rdata })),
        { name: owner, type: T.RRSIG, ttl: 300, rdata: rrsigRdata(key, owner, type, rdatas, window) },
      ];
    },
    answer(name, type, dnssecOk) {
      const failure = failures.get(`${name} ${type}`);
      if (failure) return { rcode: 2, answers: [], silent: failure === 'TIMEOUT' };
      const found = rrsets.get(`${name} ${type}`);
      if (found) return { rcode: 0, answers: [...found.records, ...(dnssecOk ? found.signatures : [])] };
      const negative = negatives.get(`${name} ${type}`);
      if (negative) return { rcode: negative.rcode, answers: [], authority: dnssecOk ? negative.authority : [] };
      // Unsigned negative answers: the name exists (NODATA) or not (NXDOMAIN), no proof.
      return { rcode: owners.has(name) ? 0 : 3, answers: [] };
    },
  };
  return tree;
}
