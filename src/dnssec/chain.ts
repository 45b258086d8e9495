/**
 * The chain of trust from a trust anchor down to a zone (RFC 4035 §5.1–5.2):
 * at each zone cut the parent's DS RRset (verified with the parent's keys)
 * authenticates a DNSKEY of the child, which signs the child's DNSKEY RRset;
 * a proven absence of DS (NSEC/NSEC3, ./denial.ts) makes the child an
 * insecure delegation. Pure: the answers and the time come in, the verdict
 * goes out.
 */
import type { DnsAnswer, SignedRecord } from '../dns/types.js';
import type { TrustAnchor } from './anchors.js';
import { digestSupported, dsMatches, SUPPORTED_ALGORITHMS } from './crypto.js';
import { proveNoDs } from './denial.js';
import { parseDnskey, parseDs, RR, type Dnskey, type Ds } from './rdata.js';
import { rdataOf, signaturesOver, verifyRrset } from './verify.js';

/**
 * - `secure`: every link validated (RFC 4033 §5 "secure");
 * - `insecure`: a parent proved there is no DS (an insecure delegation);
 * - `bogus`: a signature, a DS match or a proof of absence failed;
 * - `unsupported`: the chain needs an algorithm or digest mailcheck does not
 *   validate (RFC 4035 §5.2 makes such a zone insecure for that validator);
 * - `indeterminate`: no trust anchor reaches the zone (RFC 4033 §5);
 * - `error`: a query failed (timeout, SERVFAIL): nothing is concluded.
 */
export type ChainState = 'secure' | 'insecure' | 'bogus' | 'unsupported' | 'indeterminate' | 'error';

/** One zone of the chain and the answers about it. */
export interface ChainLink {
  zone: string;
  /** The zone's DNSKEY answer. */
  dnskey: DnsAnswer<unknown>;
  /** The parent's DS answer for the zone (none for the anchored zone). */
  ds?: DnsAnswer<unknown>;
}

export interface ChainVerdict {
  state: ChainState;
  /** The zone the verdict is about. */
  zone: string;
  /** The zone where the verdict was decided (the link that failed, or the insecure delegation). */
  at: string;
  /** The anchor the chain starts from. */
  anchor?: TrustAnchor;
  /** What was seen, in a sentence. */
  detail: string;
  /** The zone's validated keys, for `secure`. */
  keys: Dnskey[];
}

function signed(answer: DnsAnswer<unknown>): SignedRecord[] {
  return 'dnssec' in answer && answer.dnssec ? answer.dnssec.answer : [];
}

function authority(answer: DnsAnswer<unknown>): SignedRecord[] {
  return 'dnssec' in answer && answer.dnssec ? answer.dnssec.authority : [];
}

function parseAll<T>(rdatas: Buffer[], parse: (rdata: Buffer) => T): T[] {
  return rdatas.flatMap((rdata) => {
    try {
      return [parse(rdata)];
    } catch {
      return [];
    }
  });
}

const name = (zone: string) => zone || '.';

/** The anchor's key matches a DNSKEY: a DS anchor by digest, a DNSKEY anchor by equality. */
function anchorMatches(anchor: TrustAnchor, key: Dnskey): boolean {
  if (anchor.ds) {
    const ds: Ds = { ...anchor.ds, digest: Buffer.from(anchor.ds.digest, 'hex') };
    return dsMatches(ds, anchor.owner, key);
  }
  const wanted = anchor.dnskey!;
  return (
    wanted.flags === key.flags && wanted.protocol === key.protocol && wanted.algorithm === key.algorithm && Buffer.from(wanted.publicKey, 'base64').equals(key.publicKey)
  );
}

function anchorSupported(anchor: TrustAnchor): boolean {
  if (anchor.ds) return SUPPORTED_ALGORITHMS.has(anchor.ds.algorithm) && digestSupported(anchor.ds.digestType);
  return SUPPORTED_ALGORITHMS.has(anchor.dnskey!.algorithm);
}

/**
 * Validates the chain `links` (top-down, the first the anchored zone) with
 * the anchors for the first link, at time `now` (seconds since the epoch).
 * `reachable`: false when the anchors are the built-in root's and the first
 * zone answers no signed DNSKEY (a private DNS tree): then `indeterminate`.
 */
export function validateChain(zone: string, links: readonly ChainLink[], anchors: readonly TrustAnchor[], now: number): ChainVerdict {
  const builtIn = anchors.every((anchor) => anchor.source === 'built-in');
  let anchor = anchors[0];
  const verdict = (state: ChainState, at: string, detail: string, keys: Dnskey[] = []): ChainVerdict => ({ state, zone, at, ...(anchor ? { anchor } : {}), detail, keys });
  if (!anchor || links.length === 0) return verdict('indeterminate', zone, `no trust anchor at or above ${name(zone)}`);
  let parentKeys: Dnskey[] = [];
  for (const [index, link] of links.entries()) {
    const at = link.zone;
    let trusted: (key: Dnskey) => boolean;
    if (index === 0) {
      const usable = anchors.filter(anchorSupported);
      if (usable.length === 0) return verdict('unsupported', at, `the trust anchors for ${name(at)} use algorithms or digests mailcheck does not validate`);
      trusted = (key) => usable.some((candidate) => anchorMatches(candidate, key));
    } else {
      const ds = link.ds!;
      if (ds.status === 'servfail' || ds.status === 'refused' || ds.status === 'timeout') return verdict('error', at, `DS ${name(at)}: ${ds.status}`);
      const parent = links[index - 1]!.zone;
      if (ds.status !== 'ok') {
        // RFC 4035 §5.2: no DS is an insecure delegation only when the parent proves it.
        const proof = proveNoDs(at, parent, authority(ds), parentKeys, now);
        if (proof.proven) return verdict('insecure', at, proof.detail);
        return verdict(proof.unsupported ? 'unsupported' : 'bogus', at, proof.detail);
      }
      const check = verifyRrset({ owner: at, type: RR.DS, rdatas: rdataOf(signed(ds), at, RR.DS), signatures: signaturesOver(signed(ds), at, RR.DS), zone: parent, keys: parentKeys, now });
      if (!check.ok) return verdict('bogus', at, `the DS RRset of ${name(at)} does not validate: ${check.detail}`);
      const records = parseAll(rdataOf(signed(ds), at, RR.DS), parseDs);
      // RFC 4035 §5.2, RFC 6840 §5.2: only DS records of known algorithm and digest count; none → insecure for us.
      const usable = records.filter((record) => SUPPORTED_ALGORITHMS.has(record.algorithm) && digestSupported(record.digestType));
      if (usable.length === 0) {
        const algorithms = [...new Set(records.map((record) => record.algorithm))].join(', ');
        return verdict('unsupported', at, `the DS records of ${name(at)} use algorithm ${algorithms} or digest types mailcheck does not validate`);
      }
      trusted = (key) => usable.some((record) => dsMatches(record, at, key));
    }

    const dnskey = link.dnskey;
    if (dnskey.status === 'servfail' || dnskey.status === 'refused' || dnskey.status === 'timeout') return verdict('error', at, `DNSKEY ${name(at)}: ${dnskey.status}`);
    const keys = dnskey.status === 'ok' ? parseAll(rdataOf(signed(dnskey), at, RR.DNSKEY), parseDnskey) : [];
    if (index === 0 && builtIn && keys.length === 0) {
      // The resolver's tree has no signed root: the built-in anchor does not reach any zone in it.
      return verdict('indeterminate', at, `${name(at)} answers no signed DNSKEY RRset, so the built-in root trust anchor does not reach ${name(zone)}`);
    }
    if (keys.length === 0) return verdict('bogus', at, `${name(at)} has ${dnskey.status === 'ok' ? 'an unsigned DNSKEY RRset' : 'no DNSKEY RRset'} but ${index === 0 ? 'a trust anchor' : 'a DS record at its parent'}`);
    const entry = keys.filter((key) => key.protocol === 3 && (key.flags & 0x0100) !== 0 && trusted(key));
    if (entry.length === 0) return verdict('bogus', at, `no DNSKEY of ${name(at)} matches ${index === 0 ? 'the trust anchor' : 'its DS records'}`);
    // The anchor reported is the one that matched (a private root's, say, rather than IANA's).
    if (index === 0) anchor = anchors.find((candidate) => anchorSupported(candidate) && entry.some((key) => anchorMatches(candidate, key))) ?? anchor;
    // RFC 4035 §5.2: the DNSKEY RRset must be signed by a key the DS (or anchor) authenticates.
    const check = verifyRrset({ owner: at, type: RR.DNSKEY, rdatas: rdataOf(signed(dnskey), at, RR.DNSKEY), signatures: signaturesOver(signed(dnskey), at, RR.DNSKEY), zone: at, keys: entry, now });
    if (!check.ok) return verdict('bogus', at, `the DNSKEY RRset of ${name(at)} does not validate: ${check.detail}`);
    parentKeys = keys;
  }
  return verdict('secure', zone, `validated from the trust anchor for ${name(anchor.owner)} (${anchor.source})`, parentKeys);
}
