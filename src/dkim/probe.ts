/**
 * Probes DKIM selectors: TXT at `<selector>._domainkey.<domain>` (RFC 6376
 * §3.6.2.1), several at a time, following CNAMEs to provider-hosted keys.
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

/** Default number of selector queries in flight at once. */
export const PROBE_CONCURRENCY = 16;

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

/** Probes every selector with at most `concurrency` queries in flight; results in selector order. */
export async function probeSelectors(
  dns: DnsClient,
  domain: string,
  selectors: readonly string[],
  concurrency = PROBE_CONCURRENCY,
): Promise<SelectorProbe[]> {
  const results: SelectorProbe[] = new Array(selectors.length);
  let next = 0;
  const worker = async () => {
    while (next < selectors.length) {
      const index = next++;
      results[index] = await probeSelector(dns, domain, selectors[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, selectors.length) }, worker));
  return results;
}
