/**
 * A zone's DNSSEC state as the checks report it: mailcheck's own validation
 * from a trust anchor (./dnssec-chain.ts) where one reaches the zone, the
 * resolver's AD flag (./dnssec.ts) where none does or the zone uses an
 * algorithm mailcheck does not validate. The AD flag stays as a cross-check.
 */
import { z } from 'zod';
import { lazySchema } from '../schema/lazy-schema.js';
import type { CheckContext } from '../context.js';
import type { ChainVerdict } from '../dnssec/chain.js';
import { zoneChain } from './dnssec-chain.js';
import type { ZoneDnssec } from './dnssec.js';

/** What mailcheck's own validation concluded for a zone (facts of the dnssec and dane checks). */
export const validationFacts = lazySchema(() =>
  z.object({
    state: z
      .enum(['secure', 'insecure', 'bogus', 'unsupported', 'indeterminate', 'error'])
      .describe('secure: validated from a trust anchor; insecure: a parent proved there is no DS (NSEC/NSEC3); bogus: a signature, DS match or proof failed; unsupported: an algorithm mailcheck does not validate; indeterminate: no trust anchor reaches the zone; error: a query failed.'),
    at: z.string().describe('The zone where the verdict was decided (the failing link, or the insecure delegation); "." for the root.'),
    anchor: z.string().nullable().describe('The trust anchor the chain started from: "built-in" (IANA\'s root KSKs) or "<file>:<line>" of --trust-anchor.'),
    detail: z.string().describe('What was seen, in a sentence.'),
  }),
);
export type ValidationFacts = z.infer<ReturnType<typeof validationFacts>>;

/** Which decided a zone's `state`: mailcheck's validation, or the resolver's AD flag (the fallback). */
export const stateSource = lazySchema(() => z.enum(['validation', 'ad-flag']));
export type StateSource = z.infer<ReturnType<typeof stateSource>>;

export function toValidationFacts(verdict: ChainVerdict): ValidationFacts {
  return { state: verdict.state, at: verdict.at || '.', anchor: verdict.anchor?.source ?? null, detail: verdict.detail };
}

export interface ValidatedZone {
  zone: ZoneDnssec;
  validation: ValidationFacts;
  source: StateSource;
}

/**
 * The zone with its state decided by validation where it can be: secure →
 * signed; insecure → unsigned, island or insecure by what is published;
 * bogus → bogus; a failed query → error (never "insecure"). Otherwise the
 * AD-flag state stands.
 */
export async function validatedZone(ctx: CheckContext, zone: ZoneDnssec): Promise<ValidatedZone> {
  if (zone.state === 'error' || zone.zone === '') {
    return { zone, validation: { state: 'error', at: zone.zone || '.', anchor: null, detail: zone.error ?? 'no zone apex found' }, source: 'ad-flag' };
  }
  const verdict = await zoneChain(ctx, zone.zone);
  const validation = toValidationFacts(verdict);
  const decided = (state: ZoneDnssec['state'], extra: Partial<ZoneDnssec> = {}): ValidatedZone => ({ zone: { ...zone, ...extra, state }, validation, source: 'validation' });
  switch (verdict.state) {
    case 'secure':
      return decided('signed');
    case 'insecure':
      // RFC 4035 §5.2: an insecure delegation at or above the zone; what the zone publishes names the case.
      return decided(zone.ds.length > 0 ? 'insecure' : zone.dnskeys > 0 ? 'island' : 'unsigned');
    case 'bogus':
      return decided('bogus');
    case 'error':
      return decided('error', { error: verdict.detail });
    default:
      return { zone, validation, source: 'ad-flag' };
  }
}
