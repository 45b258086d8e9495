/**
 * DNSSEC validated by mailcheck itself: the chain of trust from the closest
 * trust anchor to a zone (src/dnssec/chain.ts) and the RRsets the checks
 * read (a TLSA RRset), with the queries asked through the context and shared
 * by every check of the audit.
 *
 * Queries: the SOA of each name between the anchor and the zone (to find the
 * zone cuts; the same questions src/lookups/dnssec.ts asks), then DNSKEY of
 * every zone on the path and DS of every zone below the anchor, all at once.
 */
import type { CheckContext } from '../context.js';
import { isDnsFailure, type DnsAnswer, type SignedRecord } from '../dns/types.js';
import { ROOT_ANCHORS, type TrustAnchor } from '../dnssec/anchors.js';
import { validateChain, type ChainLink, type ChainState, type ChainVerdict } from '../dnssec/chain.js';
import { isAtOrBelow, labelsOf, RR } from '../dnssec/rdata.js';
import { signaturesOver, rdataOf, verifyRrset } from '../dnssec/verify.js';

/** The audit's clock for signature validity (RFC 4035 §5.3.1), read once per audit and kept in the facts. */
export function auditNow(ctx: CheckContext): Promise<number> {
  return ctx.shared('dnssec:now', async () => Math.floor(Date.now() / 1000));
}

/** The built-in root anchors and those of --trust-anchor. */
export function trustAnchors(ctx: CheckContext): TrustAnchor[] {
  return [...ROOT_ANCHORS, ...(ctx.options.trustAnchors ?? [])];
}

const display = (zone: string) => zone || '.';

/** The chain of trust to `zone` (a zone apex), validated at the audit's time. Memoized per audit. */
export function zoneChain(ctx: CheckContext, zone: string): Promise<ChainVerdict> {
  return ctx.shared(`dnssec:chain:${zone}`, async () => {
    const now = await auditNow(ctx);
    if (ctx.options.offline) {
      // Zone files (--offline, --replay) carry no signatures to validate.
      return { state: 'indeterminate', zone, at: zone, detail: 'answers read from zone files or a capture (--offline) carry no signatures to validate', keys: [] };
    }
    const anchors = trustAnchors(ctx);
    // RFC 4035 §4.4: start from the closest anchor at or above the zone.
    const owner = anchors
      .map((anchor) => anchor.owner)
      .filter((candidate) => isAtOrBelow(zone, candidate))
      .sort((a, b) => labelsOf(b).length - labelsOf(a).length)[0];
    if (owner === undefined) return validateChain(zone, [], [], now);
    const labels = labelsOf(zone);
    const between = labels
      .map((_, index) => labels.slice(index).join('.'))
      .filter((candidate) => candidate !== zone && candidate !== owner && isAtOrBelow(candidate, owner))
      .reverse();
    const anchored = anchors.filter((anchor) => anchor.owner === owner);
    const [anchorKeys, soas] = await Promise.all([ctx.dns.query(owner, 'DNSKEY'), Promise.all(between.map((candidate) => ctx.dns.query(candidate, 'SOA')))]);
    // A tree whose root answers no signed DNSKEY (a private or test DNS): the built-in anchors
    // reach nothing in it, whatever the rest answers (validateChain says `indeterminate`).
    if (anchored.every((anchor) => anchor.source === 'built-in') && !(anchorKeys.status === 'ok' && anchorKeys.dnssec)) {
      return validateChain(zone, [{ zone: owner, dnskey: anchorKeys }], anchored, now);
    }
    const cuts: string[] = [];
    for (const [index, candidate] of between.entries()) {
      const soa = soas[index]!;
      if (isDnsFailure(soa)) return { state: 'error' as ChainState, zone, at: candidate, detail: `SOA ${candidate}: ${soa.status}`, keys: [] };
      // An SOA owned by the name itself marks a zone apex (a cut), as in src/lookups/dnssec.ts.
      if (soa.status === 'ok' && soa.cnames.length === 0) cuts.push(candidate);
    }
    const path = [owner, ...cuts, ...(zone === owner ? [] : [zone])];
    const links: ChainLink[] = await Promise.all(
      path.map(async (link, index) => {
        const [dnskey, ds] = await Promise.all([ctx.dns.query(link, 'DNSKEY'), index === 0 ? undefined : ctx.dns.query(link, 'DS')]);
        return { zone: link, dnskey, ...(ds ? { ds } : {}) };
      }),
    );
    return validateChain(zone, links, anchored, now);
  });
}

/** An RRset's DNSSEC status as mailcheck validates it. */
export interface RrsetValidation {
  state: ChainState;
  /** The zone whose keys signed it (or the zone asked about, when unsigned). */
  zone: string;
  detail: string;
  /** The chain's anchor (`built-in` or `<file>:<line>`), when one was used. */
  anchor?: string;
}

/**
 * Validates the records of an answer to (name, type) and the CNAME chain
 * that led to them (RFC 4035 §5.3). `zone` is the apex of the zone holding
 * `name`, for answers without signatures (an unsigned answer in a secure
 * zone is bogus; in an insecure one, insecure).
 */
export async function validateAnswer(ctx: CheckContext, name: string, type: 'TLSA', answer: DnsAnswer<unknown>, zone: string): Promise<RrsetValidation> {
  if (answer.status !== 'ok') return { state: 'error', zone, detail: `${type} ${name}: ${answer.status}` };
  const records: SignedRecord[] = answer.dnssec?.answer ?? [];
  const owners = [name, ...answer.cnames];
  const steps = owners.map((owner, index) => ({ owner, type: index === owners.length - 1 ? RR[type] : RR.CNAME }));
  const now = await auditNow(ctx);
  let result: RrsetValidation | undefined;
  for (const step of steps) {
    const signatures = signaturesOver(records, step.owner, step.type);
    const signer = signatures.find((signature) => isAtOrBelow(step.owner, signature.signer))?.signer;
    const chain = await zoneChain(ctx, signer ?? (step.owner === name ? zone : step.owner));
    const anchor = chain.anchor ? { anchor: chain.anchor.source } : {};
    if (chain.state !== 'secure') return { state: chain.state, zone: chain.zone, detail: chain.detail, ...anchor };
    const verdict = verifyRrset({ owner: step.owner, type: step.type, rdatas: rdataOf(records, step.owner, step.type), signatures, zone: chain.zone, keys: chain.keys, now });
    if (!verdict.ok) return { state: 'bogus', zone: chain.zone, detail: `${display(step.owner)} ${step.type === RR.CNAME ? 'CNAME' : type}: ${verdict.detail}`, ...anchor };
    result = { state: 'secure', zone: chain.zone, detail: `${type} ${name} validated with the keys of ${display(chain.zone)}`, ...anchor };
  }
  return result!;
}
