/**
 * Enforcement readiness: a domain may move to `p=quarantine` (then
 * `p=reject`) only when every legitimate source passed aligned SPF or DKIM
 * over the period (RFC 7489 §3.1, §6.6.2; forwarders aside, RFC 7960 §3).
 * Otherwise the sources that would be lost, each with its fix; and always the
 * exact next DMARC record, composed with the same edits as the domain audit's
 * dmarc check (src/dmarc/fixes.ts), so the two never propose different records.
 */
import {
  REPORT_MAILBOX,
  inheritedPolicyNoneFix,
  invalidReportUriEdit,
  noReportingEdit,
  policyNoneEdit,
  syntaxErrorEdit,
  targetTags,
  withoutTagsEdit,
  type RecordEdit,
} from '../dmarc/fixes.js';
import { parseDmarcRecord, serializeTags, setTag, type ParsedDmarcRecord } from '../dmarc/record.js';
import type { DmarcPolicy } from '../lookups/dmarc.js';
import { PROVIDERS } from '../providers.js';
import type { Fix } from '../schema/report.js';
import { recordText, withIps } from '../spf/record-edits.js';
import { findAll, parseRecord } from '../spf/parse.js';
import type { PublishedPolicy } from './model.js';
import type { BlockingSource, Readiness, SourceResult } from './schema.js';
import { withinDomain } from './totals.js';

/** The SPF record published at a name: its text, null when there is none, undefined when unknown (DNS not used or failed). */
export type SpfRecordLookup = (name: string) => Promise<string | null | undefined>;

export interface ReadinessInput {
  domain: string;
  sources: readonly SourceResult[];
  /** The DMARC policy from DNS; undefined when DNS was not used or did not answer. */
  dmarc: DmarcPolicy | undefined;
  /** The policy of the latest report. */
  published: PublishedPolicy | undefined;
  spfRecord: SpfRecordLookup;
}

/** Sources whose failing mail would be lost under enforcement: legitimate, not forwarders, some mail failing DMARC. */
export function blockingGroups(sources: readonly SourceResult[]): Map<string, SourceResult[]> {
  const groups = new Map<string, SourceResult[]>();
  for (const source of sources) {
    if (!source.legitimate || source.verdict === 'forwarder' || source.dmarc.fail === 0) continue;
    groups.set(source.group, [...(groups.get(source.group) ?? []), source]);
  }
  return groups;
}

export async function assessReadiness(input: ReadinessInput): Promise<Readiness> {
  const blocking: BlockingSource[] = [];
  for (const [group, members] of blockingGroups(input.sources)) {
    blocking.push({
      group,
      service: members[0]!.service,
      ips: members.map((member) => member.ip),
      messages: members.reduce((sum, member) => sum + member.messages, 0),
      failing: members.reduce((sum, member) => sum + member.dmarc.fail, 0),
      fixes: await sourceFixes(input.domain, group, members, input.spfRecord),
    });
  }
  blocking.sort((a, b) => b.failing - a.failing || a.group.localeCompare(b.group));
  const messages = input.sources.reduce((sum, source) => sum + source.messages, 0);
  const ready = blocking.length === 0 && messages > 0;
  const next = nextDmarcRecord(input.domain, input.dmarc, input.published);
  const notes = [...next.notes];
  if (messages === 0) notes.push('No aggregate report data for the period: readiness cannot be judged.');
  if (input.sources.some((source) => source.verdict === 'forwarder' && source.dmarc.fail > 0)) {
    notes.push('Forwarded mail (ARC, mailing lists) fails DMARC by nature; receivers that trust the forwarder keep delivering it.');
  }
  return { ready, current: next.current, target: next.target, blocking, nextRecord: next.record, notes };
}

/** The fixes that make one source pass aligned SPF or DKIM (either suffices, RFC 7489 §3.1). */
async function sourceFixes(domain: string, group: string, members: readonly SourceResult[], spfRecord: SpfRecordLookup): Promise<Fix[]> {
  const provider = PROVIDERS.find((candidate) => candidate.id === members[0]!.service);
  // The domain's own servers are named by their addresses: "sign all mail from example.com" says nothing.
  const label = withinDomain(group, domain) ? members.map((member) => member.ip).slice(0, 5).join(', ') : group;
  const where = provider ? `at ${provider.name}` : `on ${label}`;
  const fixes: Fix[] = [];
  const dkimAligned = members.reduce((sum, member) => sum + member.dkim.aligned, 0);
  const messages = members.reduce((sum, member) => sum + member.messages, 0);
  const dkimDomains = [...new Set(members.flatMap((member) => member.dkim.domains))].filter((d) => !withinDomain(d, domain));
  if (dkimAligned < messages) {
    const notes = [`DMARC needs a DKIM signature with d=${domain} or a subdomain of it (relaxed alignment, RFC 7489 §3.1.1).`];
    if (dkimDomains.length > 0) notes.push(`Today it signs as ${dkimDomains.join(', ')}, which is not aligned.`);
    if (provider && provider.dkimSelectors.length > 0) notes.push(`${provider.name} gives the key records to publish, usually under the selectors ${provider.dkimSelectors.join(', ')}.`);
    if (dkimAligned > 0) notes.push(`${messages - dkimAligned} of ${messages} messages were sent without an aligned signature.`);
    const summary = provider && dkimAligned === 0 ? `Turn on DKIM signing with ${domain} ${where}` : `Sign all mail from ${label} with DKIM d=${domain}`;
    fixes.push({ summary, notes });
  }
  // SPF: a MAIL FROM inside the domain whose record does not list the IPs gets them (or the service's include).
  const failedInside = [...new Set(members.flatMap((member) => member.spf.failedDomains))].filter((name) => withinDomain(name, domain));
  const ips = members.map((member) => member.ip);
  for (const name of failedInside.slice(0, 4)) {
    const fix = await spfAuthorisationFix(name, provider?.spfInclude, ips, spfRecord);
    if (fix) fixes.push(fix);
  }
  // A service passing SPF for its own return-path: aligned SPF needs a return-path under the domain.
  const passedOutside = [...new Set(members.flatMap((member) => member.spf.domains))].filter((name) => !withinDomain(name, domain));
  if (passedOutside.length > 0 && failedInside.length === 0) {
    fixes.push({
      summary: `Set a custom return-path (MAIL FROM) under ${domain} ${where}`,
      notes: [
        `SPF passes for ${passedOutside.join(', ')}, which is not aligned with ${domain} (RFC 7489 §3.1.2).`,
        ...(provider?.spfInclude ? [`The return-path domain's SPF record must then include ${provider.spfInclude} (the service usually sets it up with a CNAME).`] : []),
      ],
    });
  }
  return fixes;
}

/** The record at `name` with the service's include (or the IPs) added before its "all" (RFC 7208 §5.2, §5.6). */
async function spfAuthorisationFix(name: string, include: string | undefined, ips: readonly string[], spfRecord: SpfRecordLookup): Promise<Fix | undefined> {
  const current = await spfRecord(name).catch(() => undefined);
  const what = include ? `include:${include}` : ips.join(', ');
  const summary = `Authorise ${what} in the SPF record of ${name}`;
  if (current === undefined) return { summary, notes: ['The current SPF record could not be read: add the term before its "all".'] };
  if (current === null) {
    const value = include ? `v=spf1 include:${include} ~all` : recordText(['v=spf1', ...ipTermsOf(ips), '~all']);
    return { summary, records: [{ action: 'add', name, type: 'TXT', value }] };
  }
  const parsed = parseRecord(current);
  if (parsed.errors.length > 0) return { summary, notes: ['The current SPF record does not parse: run mailcheck spf on it first.'] };
  let value: string;
  if (include) {
    if (parsed.terms.some((term) => term.text.toLowerCase().replace(/^\+/, '') === `include:${include}`)) return undefined;
    const texts = parsed.terms.map((term) => term.text);
    const all = findAll(parsed);
    texts.splice(all ? parsed.terms.indexOf(all) : texts.length, 0, `include:${include}`);
    value = recordText(texts);
  } else {
    value = withIps(parsed, ips);
  }
  if (value === current) return undefined;
  return {
    summary,
    records: [{ action: 'replace', name, type: 'TXT', value, current }],
    notes: ['Check the lookup count afterwards with mailcheck spf (at most 10, RFC 7208 §4.6.4).'],
  };
}

function ipTermsOf(ips: readonly string[]): string[] {
  return ips.map((ip) => (ip.includes(':') ? `ip6:${ip}` : `ip4:${ip}`));
}

/** The step after the current policy: none → quarantine → reject. */
function enforceEdit(record: ParsedDmarcRecord): RecordEdit | undefined {
  if (record.p === undefined || record.p === 'none') return policyNoneEdit();
  // No finding of the domain audit asks for quarantine → reject (p=quarantine is an enforcing
  // policy, RFC 7489 §6.3); the label only names this step among the edits.
  if (record.p === 'quarantine') return { id: 'enforcement step', change: 'p=reject', apply: (tags) => setTag(tags, 'p', 'reject') };
  return undefined;
}

/**
 * The edits of the dmarc check's composition (src/checks/dmarc/judge.ts), in its
 * order, with the enforcement step in place of dmarc/policy-none.
 */
export function readinessEdits(record: ParsedDmarcRecord): RecordEdit[] {
  const edits: RecordEdit[] = [];
  if (record.errors.length > 0) edits.push(syntaxErrorEdit(record));
  const enforce = enforceEdit(record);
  if (enforce) edits.push(enforce);
  if (record.pct < 100) edits.push(withoutTagsEdit('dmarc/partial-pct', ['pct']));
  const weak = (['sp', 'np'] as const).filter((tag) => record[tag] === 'none');
  if (weak.length > 0) edits.push(withoutTagsEdit('dmarc/weak-subdomain-policy', weak));
  if (record.t === 'y') edits.push(withoutTagsEdit('dmarc/testing-mode', ['t']));
  if (!record.tags.some((tag) => tag.name === 'rua')) edits.push(noReportingEdit());
  if ([...record.rua, ...record.ruf].some((uri) => !uri.valid)) edits.push(invalidReportUriEdit(record));
  if (record.unknownTags.length > 0) edits.push(withoutTagsEdit('dmarc/unknown-tag', record.unknownTags));
  if (record.removedTags.length > 0) edits.push(withoutTagsEdit('dmarc/removed-tag', record.removedTags));
  return edits;
}

interface NextRecord {
  current: string | null;
  target: Readiness['target'];
  record: Readiness['nextRecord'];
  notes: string[];
}

/** The published record as receivers reported it (rua is not in reports: the placeholder stands for it). */
function recordFromReports(published: PublishedPolicy): ParsedDmarcRecord {
  const tags = [`v=DMARC1`, `p=${published.p ?? 'none'}`];
  for (const tag of ['sp', 'np', 'adkim', 'aspf'] as const) if (published[tag]) tags.push(`${tag}=${published[tag]}`);
  if (published.pct !== undefined && published.pct !== 100) tags.push(`pct=${published.pct}`);
  if (published.testing === 'y') tags.push('t=y');
  tags.push(`rua=mailto:${REPORT_MAILBOX}`);
  return parseDmarcRecord(tags.join('; '));
}

export function nextDmarcRecord(domain: string, dmarc: DmarcPolicy | undefined, published: PublishedPolicy | undefined): NextRecord {
  const name = `_dmarc.${domain}`;
  const fromDns = dmarc && !dmarc.inconclusive ? dmarc : undefined;
  if (fromDns?.parsed && fromDns.recordName && fromDns.source !== 'domain') {
    // Inherited from the Organizational Domain: the domain gets a record of its own (as dmarc/policy-none proposes).
    const current = fromDns.policy;
    if (current === 'reject') return { current, target: null, record: null, notes: [] };
    const value = inheritedPolicyNoneFix(domain, fromDns.recordName, fromDns.parsed, fromDns.ownRecords).records![0]!.value;
    const target = current === 'quarantine' ? 'reject' : 'quarantine';
    return { current, target, record: { name, value: value.replace('p=quarantine', `p=${target}`) }, notes: [`The policy is inherited from ${fromDns.recordName}.`] };
  }
  const notes: string[] = [];
  let record: ParsedDmarcRecord | undefined;
  if (fromDns?.parsed && fromDns.source === 'domain' && fromDns.ownRecords.length <= 1) record = fromDns.parsed;
  else if (published) {
    record = recordFromReports(published);
    notes.push(`${name} was not read from DNS: the record is rebuilt from the policy receivers reported; put your report address for ${REPORT_MAILBOX}.`);
  }
  if (!record) return { current: null, target: null, record: null, notes: ['No DMARC record is known for the domain.'] };
  const current = record.p ?? 'none';
  const edits = readinessEdits(record);
  const target = current === 'none' ? 'quarantine' : current === 'quarantine' ? 'reject' : record.pct < 100 || record.t === 'y' ? 'reject' : null;
  if (edits.length === 0) return { current, target: null, record: null, notes };
  const value = serializeTags(targetTags(record, edits));
  return { current, target, record: { name, value, ...(fromDns?.parsed === record ? { current: record.raw } : {}) }, notes };
}
