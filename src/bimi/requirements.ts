/**
 * BIMI's DMARC prerequisites (pure): which of them a domain's DMARC policy
 * misses, and the DMARC record that meets them.
 * draft-brand-indicators-for-message-identification §1 (Domain Owner
 * requirements) and §7.1 (receiver authentication requirements).
 */
import type { DmarcPolicy } from '../lookups/dmarc.js';
import { cleanTags, removeTags, serializeTags, setTag } from '../dmarc/record.js';
import type { Fix } from '../schema/report.js';

/** What BIMI's requirements read of a DMARC policy. */
export type BimiDmarcView = Pick<
  DmarcPolicy,
  'domain' | 'recordName' | 'policy' | 'pct' | 'testing' | 'subdomainPolicy' | 'nonExistentSubdomainPolicy' | 'subdomainPolicyFrom' | 'foundAt' | 'source' | 'parsed'
>;

/** What the policy lacks for BIMI; empty when it qualifies. */
export function bimiDmarcProblems(policy: BimiDmarcView): string[] {
  const where = policy.recordName ? ` (${policy.recordName})` : '';
  if (policy.policy === null) return [`no DMARC policy applies to ${policy.domain}`];
  const problems: string[] = [];
  // BIMI §7.1 item 7: p=none means no BIMI processing.
  if (policy.policy === 'none') problems.push(`the DMARC policy for ${policy.domain} is none${where}`);
  // BIMI §7.1 item 9: quarantine must apply to 100% of mail (reject may use any pct).
  if (policy.policy === 'quarantine' && policy.pct < 100) problems.push(`p=quarantine applies to pct=${policy.pct}% of mail, not 100%${where}`);
  // RFC 9989 §4.7: t=y asks receivers not to apply the policy as published.
  if (policy.testing) problems.push(`t=y (test mode) asks receivers not to apply the policy${where}`);
  // BIMI §7.1 item 8 and §1: a subdomain policy must not be none.
  if (policy.policy !== 'none' && policy.subdomainPolicy === 'none') {
    problems.push(`the subdomain policy is none (sp=none on _dmarc.${policy.subdomainPolicyFrom ?? policy.foundAt ?? policy.domain})`);
  }
  if (policy.policy !== 'none' && policy.subdomainPolicy !== 'none' && policy.nonExistentSubdomainPolicy === 'none') {
    problems.push(`the policy for non-existent subdomains is none (np=none on _dmarc.${policy.subdomainPolicyFrom ?? policy.foundAt ?? policy.domain})`);
  }
  return problems;
}

const REPORT_MAILBOX = '<REPORT-MAILBOX>';

/** The DMARC record change that meets BIMI's requirements. */
export function bimiDmarcFix(policy: BimiDmarcView): Fix {
  if (!policy.parsed || !policy.recordName) {
    return {
      summary: `Publish an enforcing DMARC policy at _dmarc.${policy.domain}`,
      records: [{ action: 'add', name: `_dmarc.${policy.domain}`, type: 'TXT', value: `v=DMARC1; p=quarantine; rua=mailto:${REPORT_MAILBOX}` }],
      placeholders: { 'REPORT-MAILBOX': 'A mailbox that receives DMARC aggregate reports.' },
      notes: ['Read the aggregate reports before enforcing: every legitimate sender must pass SPF or DKIM in alignment.'],
    };
  }
  let tags = cleanTags(policy.parsed);
  const record = policy.parsed;
  if (record.p === 'none' || record.p === undefined) tags = setTag(tags, 'p', 'quarantine');
  if ((record.p === 'quarantine' || record.p === 'none' || record.p === undefined) && record.pct < 100) tags = removeTags(tags, ['pct']);
  if (record.t === 'y') tags = removeTags(tags, ['t']);
  if (record.sp === 'none') tags = removeTags(tags, ['sp']);
  if (record.np === 'none') tags = removeTags(tags, ['np']);
  const value = serializeTags(tags);
  const notes = ['Read the aggregate reports before enforcing: every legitimate sender must pass SPF or DKIM in alignment.'];
  if (policy.source !== 'domain') notes.push(`This record is the one ${policy.domain} inherits; the change applies to every domain under ${policy.foundAt}.`);
  return {
    summary: 'Move DMARC to enforcement (p=quarantine at 100%, or p=reject) with no subdomain policy of none',
    records: [{ action: 'replace', name: policy.recordName, type: 'TXT', value, current: record.raw }],
    notes,
  };
}
