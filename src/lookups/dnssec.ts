/**
 * DNSSEC facts shared by the dnssec and dane checks: whether the resolver in
 * use validates, and the signing state of a name's zone.
 *
 * mailcheck reads DNSSEC through the AD flag of a validating resolver
 * (RFC 4035 §3.2.3, RFC 6840 §5.8; every query carries the DO bit). The rule:
 *
 * 1. The zone apex is found by walking up from the name until an SOA answer
 *    owned by that name comes back. The SOA questions of every level are
 *    asked at once (they are independent questions; only the reading is
 *    ordered), so a deep name costs one round trip, not one per label.
 * 2. SOA, DNSKEY and DS of the apex are queried. A failure (SERVFAIL,
 *    timeout, REFUSED) is reported as such: from a validating resolver a
 *    SERVFAIL can mean the zone is signed but bogus, never "unsigned".
 * 3. AD set on the SOA or DNSKEY answer → `signed` (validated).
 * 4. The resolver validates when it sets AD on the root zone's DNSKEY, or on
 *    any answer of this audit. Only a validating resolver sets AD.
 * 5. DS present but no AD: with a validating resolver → `insecure` (the
 *    chain of trust does not reach the DS: parent unsigned, unsupported
 *    algorithm); with a non-validating resolver → `unverified` (cannot tell:
 *    reported as inconclusive, never as unsigned).
 * 6. No DS but DNSKEY present → `island` (signed, but nothing at the parent
 *    vouches for the keys: validators treat the zone as unsigned).
 * 7. No DS and no DNSKEY → `unsigned`. The absence of DS is visible through
 *    any resolver; a non-validating one cannot authenticate it, which the
 *    facts say (`resolverValidates: false`).
 *
 * `recordAuthentication` applies the same facts to one answer (a TLSA RRset,
 * say): whether it is authenticated, known not to be, or cannot be told.
 */
import type { CheckContext } from '../context.js';
import { isDnsFailure, type DnsAnswer, type DsData } from '../dns/types.js';

/**
 * `bogus` comes only from mailcheck's own validation (src/lookups/dnssec-chain.ts):
 * a signature, DS match or proof of absence on the chain failed.
 */
export type ZoneState = 'signed' | 'insecure' | 'island' | 'unsigned' | 'unverified' | 'bogus' | 'error';

export interface ZoneDnssec {
  /** The name asked about. */
  name: string;
  /** Its zone apex ('' when it could not be found). */
  zone: string;
  state: ZoneState;
  /** DS records at the parent for the apex. */
  ds: DsData[];
  /** Number of DNSKEY records at the apex. */
  dnskeys: number;
  /** AD flag on the apex's SOA/DNSKEY answers. */
  ad: boolean;
  /** What failed, for state `error`. */
  error?: string;
}

/** The raw answers for a zone, before the resolver-validation question is settled. */
interface ZoneAnswers {
  name: string;
  zone: string;
  soa?: DnsAnswer<unknown>;
  dnskey?: DnsAnswer<unknown>;
  ds?: DnsAnswer<DsData>;
  error?: string;
}

/** Whether the resolver validates: AD on the root DNSKEY (RFC 4035 §3.2.3). Memoized per audit. */
export function rootProbe(ctx: CheckContext): Promise<boolean> {
  return ctx.shared('dnssec:root', async () => {
    const answer = await ctx.dns.query('.', 'DNSKEY');
    return 'ad' in answer && answer.ad === true;
  });
}

/** Finds the apex of the zone holding `name` and reads its SOA, DNSKEY and DS. */
function zoneAnswers(ctx: CheckContext, name: string): Promise<ZoneAnswers> {
  return ctx.shared(`dnssec:zone:${name}`, async () => {
    const labels = name.split('.').filter((label) => label !== '');
    const candidates = labels.map((_, index) => labels.slice(index).join('.'));
    const soas = candidates.map((candidate) => ctx.dns.query(candidate, 'SOA'));
    // Read bottom-up, as the walk would: the first failure or apex decides.
    for (const promise of soas) promise.catch(() => undefined);
    for (const [index, candidate] of candidates.entries()) {
      const soa = await soas[index]!;
      if (isDnsFailure(soa)) return { name, zone: candidate, soa, error: `SOA ${candidate}: ${soa.status}` };
      // An SOA owned by the candidate itself (not reached through a CNAME) marks the apex.
      if (soa.status === 'ok' && soa.cnames.length === 0) {
        const [dnskey, ds] = await Promise.all([ctx.dns.query(candidate, 'DNSKEY'), ctx.dns.query(candidate, 'DS')]);
        const failed = [isDnsFailure(dnskey) ? `DNSKEY ${candidate}: ${dnskey.status}` : '', isDnsFailure(ds) ? `DS ${candidate}: ${ds.status}` : '']
          .filter((part) => part !== '')
          .join(', ');
        return { name, zone: candidate, soa, dnskey, ds, ...(failed ? { error: failed } : {}) };
      }
    }
    return { name, zone: '', error: `no zone apex found above ${name}` };
  });
}

function answerAd(answer: DnsAnswer<unknown> | undefined): boolean {
  return answer !== undefined && 'ad' in answer && answer.ad;
}

/** Applies the rule above to one zone's answers. */
function judge(answers: ZoneAnswers, validates: boolean): ZoneDnssec {
  const ds = answers.ds?.status === 'ok' ? answers.ds.records : [];
  const dnskeys = answers.dnskey?.status === 'ok' ? answers.dnskey.records.length : 0;
  const ad = answerAd(answers.soa) || answerAd(answers.dnskey);
  const base = { name: answers.name, zone: answers.zone, ds, dnskeys, ad };
  if (answers.error) return { ...base, state: 'error', error: answers.error };
  if (ad) return { ...base, state: 'signed' };
  if (ds.length > 0) return { ...base, state: validates ? 'insecure' : 'unverified' };
  if (dnskeys > 0) return { ...base, state: 'island' };
  return { ...base, state: 'unsigned' };
}

export interface DnssecView {
  /** The resolver sets AD: it validates DNSSEC. */
  resolverValidates: boolean;
  zones: ZoneDnssec[];
}

/**
 * Starts the lookups `dnssecView(ctx, names)` will read, without waiting for
 * them: a check calls it for the names it knows early (the audited domain)
 * before waiting for the ones it learns later (the MX hosts). Failures
 * surface where the view is awaited.
 */
export function prefetchDnssec(ctx: CheckContext, names: readonly string[]): void {
  rootProbe(ctx).catch(() => undefined);
  for (const name of names) zoneAnswers(ctx, name).catch(() => undefined);
}

/**
 * DNSSEC state of the zones holding `names` (duplicates share queries), with
 * the resolver-validation verdict that the states rest on.
 */
export async function dnssecView(ctx: CheckContext, names: readonly string[]): Promise<DnssecView> {
  const [root, answers] = await Promise.all([rootProbe(ctx), Promise.all(names.map((name) => zoneAnswers(ctx, name)))]);
  const resolverValidates = root || answers.some((zone) => answerAd(zone.soa) || answerAd(zone.dnskey) || answerAd(zone.ds));
  return { resolverValidates, zones: answers.map((zone) => judge(zone, resolverValidates)) };
}

/**
 * Whether an answer from the zone holding a name is DNSSEC-authenticated:
 * `unauthenticated` only when that is known, `unknown` when it cannot be
 * told. `reason` states what was observed.
 */
export type RecordAuthentication =
  | { state: 'authenticated' }
  | { state: 'unauthenticated' | 'unknown'; reason: string };

export interface AuthenticationInput {
  /** The AD flag of the answer itself. */
  ad: boolean;
  /** The DNSSEC state of the zone holding the answer's name (from `dnssecView`). */
  zone: ZoneDnssec | undefined;
  /** The resolver validates (AD seen somewhere in this audit). */
  resolverValidates: boolean;
  /** The answers come from zone files only (--offline): nothing there is validated. */
  offline: boolean;
  /** The resolvers in use, for the reason text. */
  servers: readonly string[];
}

/**
 * The zone's observed state, for reason texts. `offline`: the answers came
 * from zone files (--offline), not from the parent zone.
 */
export function zoneStateText(zone: ZoneDnssec, offline = false): string {
  const atParent = offline ? 'in the zone file' : 'at its parent';
  switch (zone.state) {
    case 'signed':
      return `zone ${zone.zone} is signed and validated`;
    case 'insecure':
      return `zone ${zone.zone} publishes DS records ${atParent} but the chain of trust from the root does not reach it`;
    case 'island':
      return `zone ${zone.zone} has ${zone.dnskeys} DNSKEY record(s) but no DS record ${atParent}`;
    case 'unsigned':
      return `zone ${zone.zone} is not signed (no DS record ${atParent}, no DNSKEY)`;
    case 'unverified':
      return `zone ${zone.zone} publishes DS records ${atParent}`;
    case 'bogus':
      return `zone ${zone.zone} fails DNSSEC validation`;
    case 'error':
      return `DNSSEC lookups for ${zone.zone || zone.name} failed (${zone.error})`;
  }
}

/** Whether an answer is authenticated, known not to be, or cannot be told (RFC 4035 §4.3, §5.2). */
export function recordAuthentication(input: AuthenticationInput): RecordAuthentication {
  const { ad, zone, resolverValidates, offline, servers } = input;
  // RFC 4035 §3.2.3: AD from the (trusted) resolver means the answer validated.
  if (ad) return { state: 'authenticated' };
  // Zone files (--offline) carry no signatures mailcheck could validate: nothing read from them is authenticated.
  if (offline) {
    return {
      state: 'unauthenticated',
      reason: `read from the zone file (--offline), which carries no validation${zone && zone.state !== 'error' ? `; ${zoneStateText(zone, true)}` : ''}`,
    };
  }
  // A validating resolver withholds AD only from answers that are not secure (RFC 4035 §4.3).
  if (resolverValidates) {
    return { state: 'unauthenticated', reason: `the validating resolver sets no AD flag${zone && zone.state !== 'error' ? `; ${zoneStateText(zone)}` : ''}` };
  }
  // RFC 4035 §5.2: without a DS at the parent the zone is an insecure delegation, whatever the
  // resolver; the absence of DS is visible through any resolver. An island (DNSKEY, no DS) too.
  if (zone && (zone.state === 'unsigned' || zone.state === 'island')) return { state: 'unauthenticated', reason: zoneStateText(zone) };
  if (!zone) return { state: 'unknown', reason: 'the zone holding the records could not be examined' };
  if (zone.state === 'error') return { state: 'unknown', reason: zoneStateText(zone) };
  // DS present, no AD, resolver not validating: only a validating resolver can tell.
  return { state: 'unknown', reason: `${zoneStateText(zone)}, but the resolver in use (${servers.join(', ')}) does not validate DNSSEC` };
}
