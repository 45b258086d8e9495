/**
 * The spf check's composed fix: one target for the domain's published record
 * (composePolicy) that every fix replacing the record proposes, so that fixes
 * never undo each other. Composing needs DNS (walking the proposed record,
 * flattening includes, check_host() against it), so it runs after the judge;
 * the findings are then judged again with the target.
 */
import type { CheckContext } from '../../context.js';
import type { DnsAnswer, DnsClient, RRType, RecordData } from '../../dns/types.js';
import type { Finding, FixRecord } from '../../schema/report.js';
import { composePolicy, repairRecord, type ProposedRecord, type SpfEdit } from '../../spf/fix.js';
import { parseRecord } from '../../spf/parse.js';
import { walkSpf, type SpfWalk } from '../../spf/walk.js';
import { makeEmit } from '../define.js';
import type { SpfFacts } from './facts.js';
import { SPF_FINDINGS } from './findings.js';
import { txt, type Composition } from './fixes.js';
import { coversKnownSenders, evaluateIp, mergedRecord, mxHostsForSenders } from './gather.js';
import { judgeWith } from './judge.js';

/** A DNS client that answers TXT at the proposed names with the proposed records, and asks `dns` for the rest. */
function withProposed(dns: DnsClient, records: readonly ProposedRecord[]): DnsClient {
  const proposed = new Map(records.map((record) => [record.name.toLowerCase(), record.value]));
  return {
    get log() {
      return dns.log;
    },
    get servers() {
      return dns.servers;
    },
    query<T extends RRType>(name: string, type: T): Promise<DnsAnswer<RecordData[T]>> {
      const value = type === 'TXT' ? proposed.get(name.toLowerCase().replace(/\.$/, '')) : undefined;
      if (value === undefined) return dns.query(name, type);
      const answer: DnsAnswer<RecordData['TXT']> = { status: 'ok', records: [[value]], ttl: 0, ad: false, cnames: [] };
      return Promise.resolve(answer as DnsAnswer<RecordData[T]>);
    },
  };
}

/** The composed target for the domain's published record(s); undefined when none can be made. */
async function compositionFor(facts: SpfFacts, ctx: CheckContext): Promise<Composition | undefined> {
  const { domain, tree: root } = facts;
  const ips = facts.ipResults.map((result) => result.ip);
  const mx = await mxHostsForSenders(ctx);
  const compose = async (base: SpfWalk, baseEdits: SpfEdit[], current: readonly string[]): Promise<Composition | undefined> => {
    const policy = await composePolicy({
      domain,
      base,
      baseEdits,
      safeAll: coversKnownSenders(base, mx, ips) ? '-' : '~',
      ips,
      rewalk: (record) => walkSpf(ctx.dns, domain, { record }),
      evaluate: (records, ip) => evaluateIp(withProposed(ctx.dns, records), domain, ip),
      ...(ctx.budget ? { budget: ctx.budget } : {}),
    });
    if (!policy) return undefined;
    const [first, ...rest] = policy.records;
    // Nothing to change (a long record without ip terms to move, say): no record to propose.
    if (rest.length === 0 && current.length === 1 && first!.value === current[0]) return undefined;
    const records: FixRecord[] = [
      txt('replace', first!.name, first!.value, current[0]),
      // RFC 7208 §4.5: one SPF record per name; the others go.
      ...current.slice(1).map((text) => txt('remove', domain, text, text)),
      ...rest.map((record) => txt('add', record.name, record.value)),
    ];
    const label = current.length > 1 ? 'in the merged record' : 'before';
    return { records, edits: policy.edits, lookups: { before: policy.before, after: policy.after, label }, warnings: policy.warnings };
  };

  if (root.status === 'multiple') {
    // The merged record is the base of every change (RFC 7208 §4.5: only one record may exist).
    const records = root.records ?? [];
    const merged = await walkSpf(ctx.dns, domain, { record: mergedRecord(records) });
    return compose(merged, [{ id: 'spf/multiple-records', change: `the ${records.length} records merged into one` }], records);
  }
  if (root.status !== 'ok' || root.record === undefined) return undefined;
  if (parseRecord(root.record).errors.length === 0) return compose(await walkSpf(ctx.dns, domain), [], [root.record]);
  const repaired = repairRecord(root.record);
  if (!repaired) return undefined;
  return compose(await walkSpf(ctx.dns, domain, { record: repaired }), [{ id: 'spf/syntax-error', change: 'the syntax errors corrected' }], [root.record]);
}

/**
 * The findings with their fixes composed. The facts' `proposedLookups` is
 * completed here: the lookups of the composed record, when a fix proposes it.
 */
export async function proposeSpf(facts: SpfFacts, findings: Finding[], ctx: CheckContext): Promise<Finding[]> {
  if (facts.mx === null) return findings;
  const composition = await compositionFor(facts, ctx);
  if (!composition) return findings;
  const judged = judgeWith(facts, makeEmit({ findings: SPF_FINDINGS }), composition).findings;
  const proposed = JSON.stringify(composition.records);
  if (composition.lookups && judged.some((finding) => finding.fix?.records && JSON.stringify(finding.fix.records) === proposed)) {
    facts.proposedLookups = composition.lookups.after;
  }
  return judged;
}
