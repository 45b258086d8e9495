/**
 * The DMARC policy that applies to the audited domain: one shared lookup for
 * the dmarc and bimi checks. Policy discovery and the Organizational Domain
 * follow the DNS Tree Walk of RFC 9989 §4.10; a DNS failure (timeout,
 * SERVFAIL, REFUSED) makes the result inconclusive, never "no record".
 */
import type { CheckContext } from '../context.js';
import { isDnsFailure, type DnsStatus } from '../dns/types.js';

const FAILED: readonly DnsStatus[] = ['servfail', 'refused', 'timeout'];
import {
  isSameOrSubdomain,
  policyFor,
  recordPolicies,
  selectOrganizationalDomain,
  stopsWalk,
  treeWalkTargets,
  type WalkRecord,
} from '../dmarc/discovery.js';
import { isDmarcRecord, parseDmarcRecord, type DmarcPolicyValue, type ParsedDmarcRecord } from '../dmarc/record.js';

/** One query of the DNS Tree Walk. */
export interface DmarcWalkStep {
  /** The domain whose policy was asked for. */
  domain: string;
  /** The name queried: `_dmarc.<domain>`. */
  name: string;
  /** DNS outcome of the TXT query. */
  status: DnsStatus;
  /** Every TXT record at the name (character-strings joined). */
  txt: string[];
  /** The TXT records that are DMARC records (begin with v=DMARC1). */
  dmarc: string[];
}

/** Where the applicable record was found (RFC 9989 §4.10.1). */
export type DmarcPolicySource = 'domain' | 'organizational-domain' | 'public-suffix-domain';

/** The DMARC policy that applies to a domain. */
export interface DmarcPolicy {
  /** The audited domain. */
  domain: string;
  /**
   * Set when DNS failures kept discovery from concluding (which query failed
   * and how). All other fields then hold what was learnt before the failure.
   */
  inconclusive?: string;
  /** Where the applicable record came from; null when none applies. */
  source: DmarcPolicySource | null;
  /** Domain whose `_dmarc` record applies; null when none. */
  foundAt: string | null;
  /** Owner name of the applicable record (`_dmarc.<foundAt>`). */
  recordName: string | null;
  /** The applicable record's text. */
  record: string | null;
  /** The applicable record, parsed. */
  parsed: ParsedDmarcRecord | null;
  /** Tags of the applicable record (first occurrence of each). */
  tags: Record<string, string>;
  /** DMARC records published at `_dmarc.<domain>` itself (two or more: all are ignored, RFC 9989 §4.10 step 2). */
  ownRecords: string[];
  /** Every TXT record at `_dmarc.<domain>`. */
  ownTxt: string[];
  /** Whether the domain exists (only asked when the policy is inherited; null when unknown). */
  domainExists: boolean | null;
  /** The domain's Organizational Domain (RFC 9989 §4.10.2); the domain itself when undetermined. */
  organizationalDomain: string;
  /** False when a DNS failure left the Organizational Domain undetermined (it then falls back to the domain). */
  organizationalDomainComplete: boolean;
  /** Effective policy for mail from the domain itself; null when no DMARC applies. */
  policy: DmarcPolicyValue | null;
  /** Effective policy for existing subdomains of the domain. */
  subdomainPolicy: DmarcPolicyValue | null;
  /** Effective policy for non-existent subdomains of the domain. */
  nonExistentSubdomainPolicy: DmarcPolicyValue | null;
  /** Domain whose record sets the subdomain policies. */
  subdomainPolicyFrom: string | null;
  /** `pct` of the applicable record (100 when absent). */
  pct: number;
  /** `t=y` on the applicable record: receivers are asked not to apply the policy. */
  testing: boolean;
  /** The policy is quarantine or reject, at pct=100 and not in test mode. */
  enforced: boolean;
  /** The walk's queries, in order. */
  walk: DmarcWalkStep[];
}

const NOT_FOUND = {
  source: null,
  foundAt: null,
  recordName: null,
  record: null,
  parsed: null,
  tags: {},
  policy: null,
  subdomainPolicy: null,
  nonExistentSubdomainPolicy: null,
  subdomainPolicyFrom: null,
  pct: 100,
  testing: false,
  enforced: false,
} as const;

/** The DMARC policy that applies to the audited domain; computed once per domain. */
export function getDmarcPolicy(ctx: CheckContext): Promise<DmarcPolicy> {
  return ctx.shared('dmarc-policy', () => discoverDmarcPolicy(ctx));
}

async function queryStep(ctx: CheckContext, domain: string): Promise<DmarcWalkStep> {
  const name = `_dmarc.${domain}`;
  const answer = await ctx.dns.query(name, 'TXT');
  // RFC 7489 §6.6.3 / RFC 9989 §4.7: a record's character-strings are joined without separator.
  const txt = answer.status === 'ok' ? answer.records.map((strings) => strings.join('')) : [];
  return { domain, name, status: answer.status, txt, dmarc: txt.filter(isDmarcRecord) };
}

function single(step: DmarcWalkStep): ParsedDmarcRecord | null {
  // RFC 9989 §4.10 steps 2 and 6: several DMARC records at one name are all discarded.
  return step.dmarc.length === 1 ? parseDmarcRecord(step.dmarc[0]) : null;
}

function firstTags(record: ParsedDmarcRecord): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of record.tags) if (!(tag.name in tags)) tags[tag.name] = tag.value;
  return tags;
}

async function discoverDmarcPolicy(ctx: CheckContext): Promise<DmarcPolicy> {
  const domain = ctx.domain.toLowerCase().replace(/\.$/, '');
  const targets = treeWalkTargets(domain);
  // Every target is known up front: ask them together, then read the answers in walk order.
  const pending = targets.map((target) => queryStep(ctx, target));
  const walk: DmarcWalkStep[] = [];
  const found: WalkRecord[] = [];
  let failure: DmarcWalkStep | undefined;
  for (const promise of pending) {
    const step = await promise;
    walk.push(step);
    if (FAILED.includes(step.status)) {
      failure = step;
      break;
    }
    const record = single(step);
    if (record) {
      found.push({ domain: step.domain, record });
      if (stopsWalk(record)) break;
    }
  }
  // Let the answers nobody reads settle quietly.
  for (const promise of pending) promise.catch(() => undefined);

  const own = walk[0];
  const base = {
    domain,
    ownRecords: own.dmarc,
    ownTxt: own.txt,
    walk,
  };
  const failureText = failure ? `TXT ${failure.name}: ${failure.status}` : undefined;
  const ownRecord = found.length > 0 && found[0].domain === domain ? found[0] : undefined;

  if (failure === own) {
    return {
      ...base,
      ...NOT_FOUND,
      inconclusive: failureText,
      domainExists: null,
      organizationalDomain: domain,
      organizationalDomainComplete: false,
    };
  }

  const organizationalDomain = failure ? domain : selectOrganizationalDomain(domain, found);
  const orgRecord = found.find((entry) => entry.domain === organizationalDomain);
  const psdRecord = found.find((entry) => entry.record.psd === 'y' && entry.domain !== domain);
  // RFC 9989 §4.10.1: the policy comes from the domain's own record, else its
  // Organizational Domain's, else its Public Suffix Domain's.
  const applied: { entry: WalkRecord; source: DmarcPolicySource } | undefined = ownRecord
    ? { entry: ownRecord, source: 'domain' }
    : orgRecord
      ? { entry: orgRecord, source: 'organizational-domain' }
      : psdRecord
        ? { entry: psdRecord, source: 'public-suffix-domain' }
        : undefined;
  // Records for the subdomains: sp/np are taken from the Organizational Domain's
  // record, or the PSD's (RFC 9989 §4.7: sp is ignored on records below it).
  const subdomainEntry = orgRecord ?? psdRecord ?? ownRecord;

  if (!applied) {
    return {
      ...base,
      ...NOT_FOUND,
      // With no record found, a failure anywhere leaves the answer open.
      ...(failureText ? { inconclusive: failureText } : {}),
      domainExists: null,
      organizationalDomain,
      organizationalDomainComplete: !failure,
    };
  }

  let domainExists: boolean | null = true;
  if (applied.source !== 'domain') {
    // An inherited policy needs the policy of the full walk: a failure above a
    // found record could hide the record that really applies.
    if (failureText) {
      return {
        ...base,
        ...NOT_FOUND,
        inconclusive: failureText,
        domainExists: null,
        organizationalDomain,
        organizationalDomainComplete: false,
      };
    }
    // RFC 9989 §4.10.1: sp applies when the domain exists, np when it does not.
    const mx = await ctx.dns.query(domain, 'MX');
    domainExists = mx.status === 'nxdomain' ? false : isDnsFailure(mx) ? null : true;
  }

  const record = applied.entry.record;
  const policy = policyFor(record, applied.entry.domain, domain, domainExists ?? true);
  const subPolicies = subdomainEntry ? recordPolicies(subdomainEntry.record) : undefined;
  const testing = record.t === 'y';
  return {
    ...base,
    source: applied.source,
    foundAt: applied.entry.domain,
    recordName: `_dmarc.${applied.entry.domain}`,
    record: record.raw,
    parsed: record,
    tags: firstTags(record),
    domainExists,
    organizationalDomain,
    organizationalDomainComplete: !failure,
    policy,
    subdomainPolicy: subPolicies?.subdomainPolicy ?? null,
    nonExistentSubdomainPolicy: subPolicies?.nonExistentSubdomainPolicy ?? null,
    subdomainPolicyFrom: subdomainEntry?.domain ?? null,
    pct: record.pct,
    testing,
    enforced: (policy === 'quarantine' || policy === 'reject') && record.pct === 100 && !testing,
  };
}

/** True when a report destination host lies inside the domain's Organizational Domain. */
export function isInternalDestination(policy: Pick<DmarcPolicy, 'organizationalDomain' | 'foundAt'>, host: string): boolean {
  if (isSameOrSubdomain(host, policy.organizationalDomain)) return true;
  return policy.foundAt !== null && isSameOrSubdomain(host, policy.foundAt);
}
