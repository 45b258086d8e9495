/**
 * The pure parts of DMARC policy discovery: the DNS Tree Walk's targets
 * (RFC 9989 §4.10), Organizational Domain selection (RFC 9989 §4.10.2) and the
 * effective policy for a domain and its subdomains (RFC 9989 §4.10.1).
 */
import type { DmarcPolicyValue, ParsedDmarcRecord } from './record.js';

/** Labels of a domain name, left to right. */
function labels(domain: string): string[] {
  return domain.split('.').filter(Boolean);
}

/**
 * Every domain a full DNS Tree Walk queries, in order, starting with `domain`
 * itself and ending with its top-level domain.
 */
export function treeWalkTargets(domain: string): string[] {
  const parts = labels(domain.toLowerCase().replace(/\.$/, ''));
  const targets = [parts.join('.')];
  // RFC 9989 §4.10 step 4: if x < 8 remove the left-most label; if x >= 8 remove
  // labels until 7 remain (at most eight queries in all).
  let remaining = parts.length >= 8 ? 7 : parts.length - 1;
  // RFC 9989 §4.10 step 7: then one label at a time until no labels remain.
  while (remaining >= 1) {
    targets.push(parts.slice(parts.length - remaining).join('.'));
    remaining -= 1;
  }
  return targets;
}

/** A single valid DMARC record found at one step of a walk. */
export interface WalkRecord {
  domain: string;
  record: ParsedDmarcRecord;
}

/** RFC 9989 §4.10 steps 2 and 6: the walk stops at a single record carrying psd=y or psd=n. */
export function stopsWalk(record: ParsedDmarcRecord): boolean {
  return record.psd === 'y' || record.psd === 'n';
}

/**
 * Organizational Domain selection (RFC 9989 §4.10.2) over the records a walk
 * that started at `start` found, longest name first. Returns `start` when the
 * process does not determine one.
 */
export function selectOrganizationalDomain(start: string, found: readonly WalkRecord[]): string {
  for (const entry of found) {
    // RFC 9989 §4.10.2 rule 1: a record with psd=n is the Organizational Domain.
    if (entry.record.psd === 'n') return entry.domain;
    // Rule 2: a record (other than at the start) with psd=y: the Organizational
    // Domain is the domain one label below it.
    if (entry.record.psd === 'y' && entry.domain !== start) {
      const want = labels(entry.domain).length + 1;
      return labels(start).slice(-want).join('.');
    }
  }
  // Rule 3: otherwise the record at the name with the fewest labels.
  let best: WalkRecord | undefined;
  for (const entry of found) {
    if (!best || labels(entry.domain).length < labels(best.domain).length) best = entry;
  }
  // "If this process does not determine the Organizational Domain, then the
  // initial target domain is the Organizational Domain."
  return best ? best.domain : start;
}

/** True when `name` equals `domain` or is below it. */
export function isSameOrSubdomain(name: string, domain: string): boolean {
  const a = name.toLowerCase().replace(/\.$/, '');
  const b = domain.toLowerCase().replace(/\.$/, '');
  return a === b || a.endsWith(`.${b}`);
}

/**
 * The record's own policy (`p`) as a receiver applies it: an absent `p` is
 * treated as none (RFC 9989 §4.7); an invalid `p`, `sp` or `np` makes the
 * record count as p=none when it has a valid rua URI, and otherwise no DMARC
 * processing happens at all (RFC 9989 §4.10.1). Returns null for "not applied".
 */
export function recordUsable(record: ParsedDmarcRecord): boolean {
  const invalidPolicyTag = record.errors.some((error) => error.tag === 'p' || error.tag === 'sp' || error.tag === 'np');
  if (!invalidPolicyTag) return true;
  return record.rua.some((uri) => uri.valid);
}

/** Policies a record sets for the domain, its existing subdomains and its non-existent subdomains. */
export interface RecordPolicies {
  policy: DmarcPolicyValue | null;
  subdomainPolicy: DmarcPolicyValue | null;
  nonExistentSubdomainPolicy: DmarcPolicyValue | null;
}

/** The three policies a record expresses, with RFC 9989's fallbacks (sp → p, np → sp → p). */
export function recordPolicies(record: ParsedDmarcRecord): RecordPolicies {
  if (!recordUsable(record)) return { policy: null, subdomainPolicy: null, nonExistentSubdomainPolicy: null };
  const invalidPolicyTag = record.errors.some((error) => error.tag === 'p' || error.tag === 'sp' || error.tag === 'np');
  if (invalidPolicyTag) return { policy: 'none', subdomainPolicy: 'none', nonExistentSubdomainPolicy: 'none' };
  const p = record.p ?? 'none';
  // RFC 9989 §4.7 sp: absent → p; np: absent → sp, else p.
  const sp = record.sp ?? p;
  const np = record.np ?? record.sp ?? p;
  return { policy: p, subdomainPolicy: sp, nonExistentSubdomainPolicy: np };
}

/**
 * The policy that applies to a domain from a record found at `recordDomain`
 * (RFC 9989 §4.10.1): `p` when the record is the domain's own; otherwise `sp`
 * for an existing domain or `np` for a non-existent one, each falling back to `p`.
 */
export function policyFor(
  record: ParsedDmarcRecord,
  recordDomain: string,
  domain: string,
  domainExists: boolean,
): DmarcPolicyValue | null {
  const policies = recordPolicies(record);
  if (recordDomain === domain) return policies.policy;
  return domainExists ? policies.subdomainPolicy : policies.nonExistentSubdomainPolicy;
}
