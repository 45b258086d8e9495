/**
 * Authenticated denial of a DS RRset at a delegation (RFC 4035 §5.2,
 * RFC 5155 §8.6, RFC 6840 §4.4): the proof that a child zone is an insecure
 * delegation, from the NSEC or NSEC3 records (and their RRSIGs, verified with
 * the parent's keys) of the parent's NODATA answer.
 */
import type { SignedRecord } from '../dns/types.js';
import { nsec3Hash } from './crypto.js';
import { base32hex, fromBase32hex, labelsOf, parseNsec, parseNsec3, RR, type Dnskey } from './rdata.js';
import { rdataOf, signaturesOver, verifyRrset, type RrsetVerdict } from './verify.js';

/** Most NSEC3 iterations accepted; above this the answer is treated as unprovable (RFC 9276 §3.2 lets validators cap it). */
export const MAX_NSEC3_ITERATIONS = 150;

export type DenialVerdict =
  /** NSEC or NSEC3 at the name: NS, no DS, no SOA. */
  | { proven: true; by: 'nsec' | 'nsec3' | 'nsec3-opt-out'; detail: string }
  | { proven: false; detail: string; unsupported?: boolean };

interface Context {
  authority: readonly SignedRecord[];
  parent: string;
  keys: readonly Dnskey[];
  now: number;
}

function verifyOwner(context: Context, owner: string, type: number): RrsetVerdict {
  return verifyRrset({
    owner,
    type,
    rdatas: rdataOf(context.authority, owner, type),
    signatures: signaturesOver(context.authority, owner, type),
    zone: context.parent,
    keys: context.keys,
    now: context.now,
  });
}

/** RFC 4035 §5.2 with RFC 6840 §4.4: an NSEC owned by the child name with NS set and neither DS nor SOA. */
function nsecProof(context: Context, child: string): DenialVerdict | undefined {
  const records = context.authority.filter((record) => record.type === RR.NSEC && record.name === child);
  if (records.length === 0) return undefined;
  let nsec;
  try {
    nsec = parseNsec(Buffer.from(records[0]!.rdata, 'base64'));
  } catch (error) {
    return { proven: false, detail: `NSEC at ${child}: ${(error as Error).message}` };
  }
  if (nsec.types.has(RR.DS)) return { proven: false, detail: `the NSEC at ${child} lists a DS record` };
  if (!nsec.types.has(RR.NS) || nsec.types.has(RR.SOA)) return { proven: false, detail: `the NSEC at ${child} is not that of a delegation (NS without SOA)` };
  const verdict = verifyOwner(context, child, RR.NSEC);
  if (!verdict.ok) return { proven: false, detail: `the NSEC at ${child} does not validate: ${verdict.detail}` };
  return { proven: true, by: 'nsec', detail: `NSEC at ${child} (signed by ${context.parent || '.'}) shows NS and no DS` };
}

/** RFC 5155 §3.1.7: `hash` lies strictly between an NSEC3's owner hash and its next hash (wrapping at the end). */
function covers(ownerHash: Buffer, nextHash: Buffer, hash: Buffer): boolean {
  const afterOwner = Buffer.compare(hash, ownerHash) > 0;
  const beforeNext = Buffer.compare(hash, nextHash) < 0;
  return Buffer.compare(ownerHash, nextHash) < 0 ? afterOwner && beforeNext : afterOwner || beforeNext;
}

/** RFC 5155 §8.6 (DS NODATA) and §8.3 (closest provable encloser), opt-out per §6. */
function nsec3Proof(context: Context, child: string): DenialVerdict | undefined {
  const entries = context.authority
    .filter((record) => record.type === RR.NSEC3)
    .flatMap((record) => {
      const label = record.name.split('.')[0] ?? '';
      const zone = record.name.slice(label.length + 1);
      const ownerHash = fromBase32hex(label);
      try {
        return ownerHash && zone === context.parent ? [{ owner: record.name, ownerHash, nsec3: parseNsec3(Buffer.from(record.rdata, 'base64')) }] : [];
      } catch {
        return [];
      }
    });
  if (entries.length === 0) return undefined;
  const { hashAlgorithm, iterations, salt } = entries[0]!.nsec3;
  // RFC 5155 §8.1: only SHA-1 (1) is defined; RFC 9276 §3.2: iterations capped.
  if (hashAlgorithm !== 1) return { proven: false, unsupported: true, detail: `NSEC3 hash algorithm ${hashAlgorithm} is not supported` };
  if (iterations > MAX_NSEC3_ITERATIONS) {
    return { proven: false, unsupported: true, detail: `NSEC3 with ${iterations} iterations (more than ${MAX_NSEC3_ITERATIONS}, RFC 9276 §3.2)` };
  }
  const usable = entries.filter((entry) => entry.nsec3.hashAlgorithm === hashAlgorithm && entry.nsec3.iterations === iterations && entry.nsec3.salt.equals(salt));
  const hashOf = (name: string) => nsec3Hash(name, salt, iterations);
  const matching = (name: string) => {
    const hash = hashOf(name);
    return usable.find((entry) => entry.ownerHash.equals(hash));
  };
  const verified = (entry: { owner: string }) => verifyOwner(context, entry.owner, RR.NSEC3);

  const match = matching(child);
  if (match) {
    // RFC 5155 §8.6: the matching NSEC3 has neither DS nor SOA (RFC 6840 §4.4) in its bit map.
    if (match.nsec3.types.has(RR.DS) || match.nsec3.types.has(RR.SOA)) return { proven: false, detail: `the NSEC3 matching ${child} lists DS or SOA` };
    const verdict = verified(match);
    if (!verdict.ok) return { proven: false, detail: `the NSEC3 matching ${child} does not validate: ${verdict.detail}` };
    return { proven: true, by: 'nsec3', detail: `NSEC3 ${match.owner} (signed by ${context.parent || '.'}) matches ${child}: no DS` };
  }
  // RFC 5155 §8.6, §7.2.4: no matching NSEC3: the closest provable encloser, and an opt-out NSEC3
  // covering the next closer name, show the delegation is unsigned.
  const labels = labelsOf(child);
  const parentDepth = labelsOf(context.parent).length;
  for (let depth = labels.length - 1; depth >= parentDepth; depth--) {
    const encloser = labels.slice(labels.length - depth).join('.');
    const encloserEntry = matching(encloser);
    if (!encloserEntry) continue;
    const nextCloser = labels.slice(labels.length - depth - 1).join('.');
    const hash = hashOf(nextCloser);
    const cover = usable.find((entry) => covers(entry.ownerHash, entry.nsec3.nextHash, hash));
    if (!cover) return { proven: false, detail: `no NSEC3 covers the next closer name ${nextCloser}` };
    if (!cover.nsec3.optOut) return { proven: false, detail: `the NSEC3 covering ${nextCloser} has no opt-out flag: it denies the name, not its DS` };
    for (const entry of [encloserEntry, cover]) {
      const verdict = verified(entry);
      if (!verdict.ok) return { proven: false, detail: `the NSEC3 ${entry.owner} does not validate: ${verdict.detail}` };
    }
    return {
      proven: true,
      by: 'nsec3-opt-out',
      detail: `opt-out NSEC3 ${cover.owner} covers ${nextCloser} (hash ${base32hex(hash)}); closest encloser ${encloser || '.'}`,
    };
  }
  return { proven: false, detail: `no NSEC3 matches ${child} or any of its ancestors in ${context.parent || '.'}` };
}

/** Whether the parent's negative answer proves there is no DS for `child` (an insecure delegation). */
export function proveNoDs(child: string, parent: string, authority: readonly SignedRecord[], keys: readonly Dnskey[], now: number): DenialVerdict {
  const context = { authority, parent, keys, now };
  return (
    nsecProof(context, child) ??
    nsec3Proof(context, child) ?? { proven: false, detail: `${parent || '.'} answered no DS for ${child} without NSEC or NSEC3 records proving it` }
  );
}
