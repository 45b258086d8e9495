/**
 * Probes DKIM selectors: TXT at `<selector>._domainkey.<domain>` (RFC 6376
 * §3.6.2.1), all at once, following CNAMEs to provider-hosted keys.
 */
import type { DnsClient, DnsStatus } from '../dns/types.js';
import { looksLikeDkimRecord, parseDkimRecord, type DkimKeyRecord } from './record.js';

/** What one selector's query found. */
export interface SelectorProbe {
  selector: string;
  /** The name queried. */
  name: string;
  /** DNS outcome. */
  status: DnsStatus;
  /** A DKIM key record is published (revoked and invalid ones included). */
  found: boolean;
  /** CNAME chain followed (targets in order). */
  cnames: string[];
  /** Where the record really lives (last CNAME target), when delegated. */
  cnameTarget?: string;
  /** The DKIM key record, parsed (the first when several are published). */
  record?: DkimKeyRecord;
  /** How many DKIM key records the name holds (more than one is ambiguous, RFC 6376 §3.6.2.2). */
  recordCount: number;
  /** TXT data at the name that is not a DKIM record (e.g. a wildcard SPF). */
  otherTxt: string[];
}


export async function probeSelector(dns: DnsClient, domain: string, selector: string): Promise<SelectorProbe> {
  const name = `${selector}._domainkey.${domain}`;
  const answer = await dns.query(name, 'TXT');
  const cnames = 'cnames' in answer ? answer.cnames : [];
  const probe: SelectorProbe = { selector, name, status: answer.status, found: false, cnames, recordCount: 0, otherTxt: [] };
  if (cnames.length > 0) probe.cnameTarget = cnames[cnames.length - 1];
  if (answer.status !== 'ok') return probe;
  // RFC 6376 §3.6.2.2: the character-strings of a TXT record are concatenated.
  const texts = answer.records.map((strings) => strings.join(''));
  const keys = texts.filter(looksLikeDkimRecord);
  probe.otherTxt = texts.filter((text) => !looksLikeDkimRecord(text));
  probe.recordCount = keys.length;
  if (keys.length > 0) {
    probe.found = true;
    probe.record = parseDkimRecord(keys[0]);
  }
  return probe;
}

/**
 * Probes every selector at once (the resolver bounds the sockets it opens:
 * `maxInFlight`), so the probes cost one round trip however many selectors
 * there are; results in selector order.
 *
 * The probes are leaves (nothing waits on their answers but the dkim check),
 * and opening some fifty sockets takes a few milliseconds of CPU: they start
 * on the next turn of the event loop, so the queries that other lookups wait
 * on (MX, SPF), asked in the same turn, leave first.
 */
export async function probeSelectors(dns: DnsClient, domain: string, selectors: readonly string[]): Promise<SelectorProbe[]> {
  if (selectors.length === 0) return [];
  await new Promise<void>((resolve) => setImmediate(resolve));
  return Promise.all(selectors.map((selector) => probeSelector(dns, domain, selector)));
}

/**
 * The probes of `selectors`, in that order, taken from `done` (probed
 * earlier, in another order) and probing any selector `done` lacks.
 */
export async function orderProbes(
  dns: DnsClient,
  domain: string,
  selectors: readonly string[],
  done: readonly SelectorProbe[],
): Promise<SelectorProbe[]> {
  const bySelector = new Map(done.map((probe) => [probe.selector, probe]));
  const missing = selectors.filter((selector) => !bySelector.has(selector));
  for (const probe of await probeSelectors(dns, domain, missing)) bySelector.set(probe.selector, probe);
  return selectors.map((selector) => bySelector.get(selector)!);
}
