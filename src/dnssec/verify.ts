/**
 * Verifying one RRset with the RRSIGs over it and a zone's keys
 * (RFC 4035 §5.3), with the signed data built as RFC 4034 §3.1.8.1 says and
 * the records in canonical form and order (RFC 4034 §6.2, §6.3).
 */
import type { SignedRecord } from '../dns/types.js';
import { SUPPORTED_ALGORITHMS, verifySignature } from './crypto.js';
import { isAtOrBelow, labelsOf, nameToWire, parseRrsig, RR, type Dnskey, type Rrsig } from './rdata.js';

/** Why an RRset did not verify, most telling first. */
export type RrsetFailure = 'no-signature' | 'expired' | 'not-yet-valid' | 'unsupported-algorithm' | 'no-matching-key' | 'bad-signature';

export type RrsetVerdict = { ok: true; keyTags: number[] } | { ok: false; failure: RrsetFailure; detail: string };

/** RFC 1982 serial arithmetic on 32-bit times (RFC 4034 §3.1.5): a − b as a signed number. */
function serialDifference(a: number, b: number): number {
  const difference = (a - b) >>> 0;
  return difference >= 0x80000000 ? difference - 0x100000000 : difference;
}

/** The RRSIGs in `records` over (owner, type). */
export function signaturesOver(records: readonly SignedRecord[], owner: string, type: number): Rrsig[] {
  const signatures: Rrsig[] = [];
  for (const record of records) {
    if (record.type !== RR.RRSIG || record.name !== owner) continue;
    try {
      const rrsig = parseRrsig(Buffer.from(record.rdata, 'base64'));
      if (rrsig.typeCovered === type) signatures.push(rrsig);
    } catch {
      // A malformed RRSIG verifies nothing; the others may.
    }
  }
  return signatures;
}

/** The RDATA of the records of (owner, type). */
export function rdataOf(records: readonly SignedRecord[], owner: string, type: number): Buffer[] {
  return records.filter((record) => record.name === owner && record.type === type).map((record) => Buffer.from(record.rdata, 'base64'));
}

/** RFC 4034 §3.1.8.1: RRSIG_RDATA (signature left out) | RR(1) | RR(2) … in canonical order. */
export function signedData(rrsig: Rrsig, owner: string, type: number, rdatas: readonly Buffer[]): Buffer {
  // RFC 4035 §5.3.2: a wildcard expansion is verified as the wildcard owner "*.<rightmost labels>".
  const labels = labelsOf(owner);
  const signedOwner = rrsig.labels < labels.length ? ['*', ...labels.slice(labels.length - rrsig.labels)].join('.') : owner;
  const ownerWire = nameToWire(signedOwner);
  // RFC 4034 §6.3: sorted as left-justified octet strings; duplicates removed (RFC 2181 §5).
  const sorted = [...rdatas].sort(Buffer.compare).filter((rdata, index, all) => index === 0 || !rdata.equals(all[index - 1]!));
  const parts: Buffer[] = [rrsig.signedPart];
  for (const rdata of sorted) {
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(type, 0);
    fixed.writeUInt16BE(1, 2); // class IN
    fixed.writeUInt32BE(rrsig.originalTtl, 4); // RFC 4034 §6.2 item 5: the original TTL
    fixed.writeUInt16BE(rdata.length, 8);
    parts.push(ownerWire, fixed, rdata);
  }
  return Buffer.concat(parts);
}

export interface VerifyInput {
  owner: string;
  type: number;
  rdatas: readonly Buffer[];
  signatures: readonly Rrsig[];
  /** The zone's keys and its name (the RRSIG signer must be it, RFC 4035 §5.3.1). */
  zone: string;
  keys: readonly Dnskey[];
  /** Seconds since the epoch. */
  now: number;
}

const ORDER: RrsetFailure[] = ['no-signature', 'unsupported-algorithm', 'no-matching-key', 'bad-signature', 'not-yet-valid', 'expired'];

/** RFC 4035 §5.3.1–5.3.3: the RRset is secure when one RRSIG over it verifies with a key of the zone. */
export function verifyRrset(input: VerifyInput): RrsetVerdict {
  const { owner, type, rdatas, zone, keys, now } = input;
  if (rdatas.length === 0) return { ok: false, failure: 'no-signature', detail: 'no records to verify' };
  let worst: { failure: RrsetFailure; detail: string } = { failure: 'no-signature', detail: `no RRSIG by ${zone || '.'} over ${owner || '.'} type ${type}` };
  const note = (failure: RrsetFailure, detail: string) => {
    if (ORDER.indexOf(failure) > ORDER.indexOf(worst.failure)) worst = { failure, detail };
  };
  const valid: number[] = [];
  for (const rrsig of input.signatures) {
    // RFC 4035 §5.3.1: signer is the zone; owner at or below it; labels no more than the owner's.
    if (rrsig.signer !== zone || !isAtOrBelow(owner, zone) || rrsig.labels > labelsOf(owner).length) continue;
    if (!SUPPORTED_ALGORITHMS.has(rrsig.algorithm)) {
      note('unsupported-algorithm', `RRSIG algorithm ${rrsig.algorithm} is not supported`);
      continue;
    }
    // RFC 4035 §5.3.1: the current time within [inception, expiration].
    if (serialDifference(now >>> 0, rrsig.expiration) > 0) {
      note('expired', `RRSIG over ${owner || '.'} type ${type} (key ${rrsig.keyTag}) expired at ${new Date(rrsig.expiration * 1000).toISOString()}`);
      continue;
    }
    if (serialDifference(rrsig.inception, now >>> 0) > 0) {
      note('not-yet-valid', `RRSIG over ${owner || '.'} type ${type} (key ${rrsig.keyTag}) valid only from ${new Date(rrsig.inception * 1000).toISOString()}`);
      continue;
    }
    // RFC 4034 §2.1.1, §2.1.2: a zone key (flag bit 7), protocol 3, same tag and algorithm.
    const candidates = keys.filter((key) => key.keyTag === rrsig.keyTag && key.algorithm === rrsig.algorithm && key.protocol === 3 && (key.flags & 0x0100) !== 0);
    if (candidates.length === 0) {
      note('no-matching-key', `no DNSKEY of ${zone || '.'} with tag ${rrsig.keyTag} and algorithm ${rrsig.algorithm}`);
      continue;
    }
    const data = signedData(rrsig, owner, type, rdatas);
    if (candidates.some((key) => verifySignature(key, data, rrsig.signature))) valid.push(rrsig.keyTag);
    else note('bad-signature', `RRSIG over ${owner || '.'} type ${type} by key ${rrsig.keyTag} does not verify`);
  }
  if (valid.length > 0) return { ok: true, keyTags: [...new Set(valid)] };
  return { ok: false, ...worst };
}
