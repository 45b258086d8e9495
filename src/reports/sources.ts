/**
 * From a domain's per-IP totals to its sources: each IP's forward-confirmed
 * reverse DNS name (looked up through mailcheck's resolver, a few at a time,
 * each address once), the known service behind it (src/providers.ts), the
 * group it belongs to, and whether it looks legitimate or like spoofing.
 */
import { createSharedMemo, type CheckContext } from '../context.js';
import type { DnsClient } from '../dns/types.js';
import { lookupReverse, type ReverseLookup } from '../lookups/reverse.js';
import { createNetClient } from '../net/client.js';
import { recognizeSender } from '../providers.js';
import type { SourceResult, Verdict } from './schema.js';
import type { SourceTotals } from './totals.js';

/** Reverse look-ups in flight at once: enough to hide latency, few enough not to flood a resolver. */
export const REVERSE_CONCURRENCY = 16;

export type ReverseResolver = (ip: string) => Promise<Pick<ReverseLookup, 'outcome' | 'confirmedNames'>>;

/** Sources per domain whose reverse DNS is looked up (most mail first); the rest are `not-looked-up`. */
export const MAX_REVERSE_LOOKUPS = 2000;
/** When this many look-ups in a row were inconclusive, DNS is taken as unreachable and no more are sent. */
export const UNANSWERED_STREAK = 32;

/**
 * Reverse DNS through the resolver, memoized per address for the whole run.
 * A resolver that does not answer at all would otherwise cost a timeout per
 * source: after a streak of inconclusive look-ups the rest are inconclusive
 * without asking.
 */
export function createReverseResolver(dns: DnsClient): ReverseResolver {
  const ctx: CheckContext = { domain: '', options: { offline: true }, dns, net: createNetClient(dns, { offline: true }), shared: createSharedMemo() };
  let streak = 0;
  return async (ip) => {
    if (streak >= UNANSWERED_STREAK) return { outcome: 'inconclusive', confirmedNames: [] };
    const lookup = await lookupReverse(ctx, ip);
    streak = lookup.outcome === 'inconclusive' ? streak + 1 : 0;
    return lookup;
  };
}

/** Runs `work` over `items`, at most `limit` at a time, results in order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Most frequent keys of a count map, at most `limit`. */
export function topKeys(map: Iterable<readonly [string, number]>, limit = 8): string[] {
  return [...map].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit).map(([key]) => key);
}

/** The registered-domain part of a host name, approximated by its last two labels (three under a two-letter second level such as co.uk). */
export function baseDomain(name: string): string {
  const labels = name.split('.');
  const keep = labels.length >= 3 && labels.at(-1)!.length === 2 && labels.at(-2)!.length <= 3 ? 3 : 2;
  return labels.slice(-keep).join('.');
}

/**
 * The verdict on one source (RFC 7489 §3.1: DMARC passes with aligned SPF or
 * aligned DKIM), in this order: forwarded mail (receivers reported ARC,
 * a mailing list or a trusted forwarder), an aligned pass, a known service
 * authenticating as itself, a pass for some other domain, nothing at all.
 */
export function verdictOf(source: SourceTotals, service: string | null): Verdict {
  if (source.forwarded > 0) return 'forwarder';
  if (source.dmarcPass > 0) return 'authorised';
  const authenticated = source.spfAuthenticated > 0 || source.dkimAuthenticated > 0;
  if (service !== null && authenticated) return 'service';
  if (authenticated) return 'unknown';
  return 'spoofing';
}

/** The group of a source: the service, else the reverse DNS domain, else the DKIM or SPF domain, else the IP. */
export function groupOf(service: string | null, ptr: string | null, dkimDomains: readonly string[], spfDomains: readonly string[], ip: string): string {
  if (service) return service;
  if (ptr) return baseDomain(ptr);
  if (dkimDomains[0]) return dkimDomains[0];
  if (spfDomains[0]) return spfDomains[0];
  return ip;
}

/** Every source of a domain, most messages first; `reverse` is undefined when DNS is not used. */
export async function buildSources(totals: ReadonlyMap<string, SourceTotals>, reverse: ReverseResolver | undefined): Promise<SourceResult[]> {
  const list = [...totals.values()].sort((a, b) => b.messages - a.messages || b.failureReports - a.failureReports || a.ip.localeCompare(b.ip));
  return mapConcurrent(list, REVERSE_CONCURRENCY, async (source, index) => {
    let ptr: string | null = null;
    let ptrStatus: SourceResult['ptrStatus'] = 'not-looked-up';
    if (reverse && index < MAX_REVERSE_LOOKUPS) {
      const lookup = await reverse(source.ip).catch(() => undefined);
      ptrStatus = lookup?.outcome ?? 'inconclusive';
      ptr = lookup?.confirmedNames[0] ?? null;
    }
    const spfDomains = topKeys(source.spfDomains);
    const dkimDomains = topKeys(source.dkimDomains);
    // Only a confirmed name identifies a service: anyone can publish any PTR name for their own addresses.
    const provider = recognizeSender([...(ptr ? [ptr] : []), ...dkimDomains, ...spfDomains]);
    const service = provider?.id ?? null;
    const verdict = verdictOf(source, service);
    return {
      ip: source.ip,
      ptr,
      ptrStatus,
      service,
      group: groupOf(service, ptr, dkimDomains, spfDomains, source.ip),
      messages: source.messages,
      spf: { aligned: source.spfAligned, authenticated: source.spfAuthenticated, domains: spfDomains, failedDomains: topKeys(source.spfFailedDomains) },
      dkim: { aligned: source.dkimAligned, authenticated: source.dkimAuthenticated, domains: dkimDomains },
      dmarc: { pass: source.dmarcPass, fail: source.messages - source.dmarcPass },
      forwarded: source.forwarded,
      failureReports: source.failureReports,
      verdict,
      legitimate: verdict === 'authorised' || verdict === 'forwarder' || verdict === 'service',
    };
  });
}
