/**
 * External report destination verification (RFC 7489 §7.1): a destination
 * outside the policy domain's Organizational Domain receives reports only when
 * it publishes `v=DMARC1` at `<policy-domain>._report._dmarc.<destination-host>`,
 * or at the wildcard `*._report._dmarc.<destination-host>`.
 */
import type { DnsClient, DnsStatus } from '../dns/types.js';
import { isDmarcRecord } from './record.js';

/** The outcome of verifying one destination host. */
export interface ReportAuthorization {
  /** Destination host (the mailbox domain). */
  host: string;
  /** authorized: a v=DMARC1 record exists; unauthorized: none; inconclusive: a query failed. */
  status: 'authorized' | 'unauthorized' | 'inconclusive';
  /** The name that must hold the record: `<policy-domain>._report._dmarc.<host>`. */
  name: string;
  /** The wildcard name also accepted. */
  wildcardName: string;
  /** Which name held the record. */
  via?: 'exact' | 'wildcard';
  /** DNS outcome of each query made. */
  queries: { name: string; status: DnsStatus; txt: string[] }[];
}

const FAILED: readonly DnsStatus[] = ['servfail', 'refused', 'timeout'];

async function lookup(dns: DnsClient, name: string): Promise<{ name: string; status: DnsStatus; txt: string[] }> {
  const answer = await dns.query(name, 'TXT');
  const txt = answer.status === 'ok' ? answer.records.map((strings) => strings.join('')) : [];
  return { name, status: answer.status, txt };
}

/** The exact TXT name a destination publishes to accept reports for `policyDomain` (RFC 7489 §7.1). */
export function reportAuthorizationName(policyDomain: string, host: string): string {
  return `${policyDomain}._report._dmarc.${host}`;
}

/** Verifies that `host` accepts DMARC reports for `policyDomain`. */
export async function verifyReportDestination(
  dns: DnsClient,
  policyDomain: string,
  host: string,
): Promise<ReportAuthorization> {
  const name = reportAuthorizationName(policyDomain, host);
  const wildcardName = `*._report._dmarc.${host}`;
  const base = { host, name, wildcardName };
  const exact = await lookup(dns, name);
  // RFC 7489 §7.1 step 4: a TXT record beginning v=DMARC1 authorises the destination.
  if (exact.txt.some(isDmarcRecord)) return { ...base, status: 'authorized', via: 'exact', queries: [exact] };
  if (FAILED.includes(exact.status)) return { ...base, status: 'inconclusive', queries: [exact] };
  const wildcard = await lookup(dns, wildcardName);
  if (wildcard.txt.some(isDmarcRecord)) {
    return { ...base, status: 'authorized', via: 'wildcard', queries: [exact, wildcard] };
  }
  if (FAILED.includes(wildcard.status)) return { ...base, status: 'inconclusive', queries: [exact, wildcard] };
  return { ...base, status: 'unauthorized', queries: [exact, wildcard] };
}
