/**
 * The one record set that fixes every problem of a domain's own SPF record at
 * once (composePolicy), so that the fixes of several findings never undo each other.
 */
import type { WorkBudget } from '../work-budget.js';
import { flattenPolicy, splitPolicy, type ProposedRecord } from './flatten.js';
import { LOOKUP_LIMIT, RECORD_OCTET_LIMIT, VOID_LOOKUP_LIMIT } from './limits.js';
import { findAll, parseRecord, type Qualifier } from './parse.js';
import { ipTerms, qualifierPrefix, recordText, withAll, withIps } from './record-edits.js';
import { passEveryoneIncludes, type SpfNode, type SpfWalk } from './tree.js';

/** Follows followed redirects from the root to the record whose "all" applies (RFC 7208 §6.1). */
export function redirectChainEnd(root: SpfNode): SpfNode | undefined {
  let node: SpfNode | undefined = root;
  while (node && node.status === 'ok' && !node.all) {
    const next: SpfNode | undefined = node.children.find((child) => child.via === 'redirect');
    if (!next) return node;
    if (next.status !== 'ok') return undefined;
    node = next;
  }
  return node && node.status === 'ok' ? node : undefined;
}

/** One change of the composed record, and the finding that asks for it. */
export interface SpfEdit {
  /** The finding id whose problem the change removes. */
  id: string;
  /** The change in a few words ("ptr removed", "?all → ~all"), for the other fixes' notes. */
  change: string;
  /** Details that belong to this change (what was flattened, where terms moved). */
  notes?: string[];
}

/** The outcome of check_host() that the composition needs. */
export interface EvaluatedIp {
  result: string;
  path: ReadonlyArray<{ domain: string; term: string }>;
}

export interface ComposeInput {
  domain: string;
  /** The walk of the record the composition starts from: the published record, or the repaired or merged one. */
  base: SpfWalk;
  /** Changes already made to reach the base record (syntax repaired, records merged). */
  baseEdits?: readonly SpfEdit[];
  /** The qualifier of an "all" that is changed or added: "-" when the record covers every known sender, else "~". */
  safeAll: Qualifier;
  /** Sending IPs that must pass with the composed record. */
  ips?: readonly string[];
  /** Walks a record text as the domain's record (its includes read from DNS). */
  rewalk(record: string): Promise<SpfWalk>;
  /** check_host() for `ip` at the domain with `records` published instead of the current ones. */
  evaluate?(records: readonly ProposedRecord[], ip: string): Promise<EvaluatedIp>;
  /** The audit's computing budget for flattening (none: unbounded). */
  budget?: WorkBudget;
}

/** One target for the domain's SPF record: every fix that replaces it proposes exactly these records. */
export interface ComposedPolicy {
  /** The domain's record, then any `_spfN.<domain>` sub-records. */
  records: ProposedRecord[];
  /** Every change from the published record, in the order applied. */
  edits: SpfEdit[];
  /** Lookups of the base record and of the composed policy (RFC 7208 §4.6.4). */
  before: number;
  after: number;
  within: boolean;
  /** What anyone publishing the records must know. */
  warnings: string[];
}

/** Include/redirect targets whose status is a permerror when evaluation reaches them (RFC 7208 §5.2, §6.1). */
const DEAD_TARGETS = new Set(['none', 'nxdomain', 'invalid-target', 'multiple']);

/**
 * The one record set that fixes every problem of the domain's own SPF record
 * at once, so that the fixes of several findings never undo each other. From
 * the base record (published, repaired or merged), in this order:
 * 1. remove the terms that cannot work: includes and redirects that loop
 *    (§4.6.4: evaluation runs into the lookup limit) or reach a target without
 *    one SPF record (§5.2, §6.1: permerror), the terms whose lookups are void
 *    when there are more than two (§4.6.4), ptr (§5.5: SHOULD NOT be used), and
 *    includes of records that pass every client (§5.2); a record left without
 *    "all" or redirect ends in "~all";
 * 2. the root's "all": "+all"/bare "all" (§4.6.2) and "?all" become
 *    `safeAll`, a record with neither "all" nor redirect gets it (§4.7);
 * 3. the sending IPs that the result would not pass get ip4/ip6 terms;
 * 4. only if the record still needs more than 10 lookups (or an mx term names
 *    more than 10 hosts, §4.6.4): flattening, and only if it is still over
 *    450 octets (§3.4): splitting into `_spfN.<domain>` sub-records.
 * Returns null when the base record does not parse.
 */
export async function composePolicy(input: ComposeInput): Promise<ComposedPolicy | null> {
  const { domain, base } = input;
  const root = base.root;
  const parsed = base.parsed;
  if (root.status !== 'ok' || !parsed || parsed.errors.length > 0) return null;
  const edits: SpfEdit[] = (input.baseEdits ?? []).map((edit) => ({ ...edit }));
  const warnings: string[] = [];
  const record = (id: string, change: string, notes?: readonly string[]) => {
    const existing = edits.find((edit) => edit.id === id);
    if (existing) {
      existing.change = `${existing.change}; ${change}`;
      if (notes && notes.length > 0) existing.notes = [...(existing.notes ?? []), ...notes];
    } else {
      edits.push({ id, change, ...(notes && notes.length > 0 ? { notes: [...notes] } : {}) });
    }
  };

  // 1. Terms that cannot work, removed.
  const removedBy = new Map<number, string>();
  const remove = (id: string, indexes: readonly number[]) => {
    // A term already removed for another finding is named once, under that finding.
    const unique = [...new Set(indexes)].filter((index) => !removedBy.has(index)).sort((x, y) => x - y);
    if (unique.length === 0) return;
    for (const index of unique) removedBy.set(index, id);
    record(id, `${unique.map((index) => parsed.terms.find((term) => term.index === index)!.text).join(', ')} removed`);
  };
  const children = root.children;
  remove('spf/loop', children.filter((child) => child.status === 'loop').map((child) => child.termIndex!));
  remove('spf/include-missing', children.filter((child) => DEAD_TARGETS.has(child.status)).map((child) => child.termIndex!));
  if (base.voidLookups > VOID_LOOKUP_LIMIT) {
    remove('spf/void-lookups', [
      ...root.terms.filter((info) => info.void).map((info) => info.index),
      ...children.filter((child) => child.voidLookups > 0 && child.terms.length === 0).map((child) => child.termIndex!),
    ]);
  }
  remove('spf/ptr-mechanism', parsed.mechanisms.filter((mechanism) => mechanism.name === 'ptr').map((mechanism) => mechanism.index));
  remove(
    'spf/permissive-all',
    passEveryoneIncludes(root)
      .filter((path) => path[1]!.via === 'include' && children.includes(path[1]!))
      .map((path) => path[1]!.termIndex!),
  );
  let text = recordText(parsed.terms.filter((term) => !removedBy.has(term.index)).map((term) => term.text));

  // 2. The root's own "all" (a redirect target's is its owner's to change).
  if (redirectChainEnd(root) === root) {
    const all = findAll(parsed);
    const safe = `${qualifierPrefix(input.safeAll)}all`;
    if (all && (all.qualifier === '+' || all.qualifier === '?')) {
      text = withAll(parseRecord(text), input.safeAll);
      record(all.qualifier === '+' ? 'spf/permissive-all' : 'spf/neutral-all', `"${all.text}" → "${safe}"`);
    } else if (!all) {
      text = withAll(parseRecord(text), input.safeAll);
      record('spf/no-all', `"${safe}" added`);
    }
  }
  const finished = parseRecord(text);
  if (!findAll(finished) && !finished.redirect) {
    // The removed redirect was the record's ending: unlisted senders softfail.
    text = withAll(finished, '~');
    const by = parsed.redirect ? removedBy.get(parsed.redirect.index) : undefined;
    if (by) record(by, '"~all" added');
  }

  // 4. (after 3) Flattening or splitting, only when still needed.
  const layOut = async (value: string) => {
    const walk = value === root.record ? base : await input.rewalk(value);
    const rootMxOver = walk.root.terms.some((info) => (info.mxNames ?? 0) > LOOKUP_LIMIT);
    if (walk.root.status === 'ok' && (walk.lookups > LOOKUP_LIMIT || rootMxOver)) {
      const flat = flattenPolicy(walk, domain, input.budget);
      if (flat) {
        const split = flat.records.length > 1 ? ` and split into ${flat.records.slice(1).map((sub) => sub.name).join(', ')}` : '';
        const change = flat.within ? `flattened to ${flat.after} DNS lookups${split}` : `partly flattened (${flat.after} DNS lookups remain)${split}`;
        return { records: flat.records, after: flat.after, edit: { id: 'spf/too-many-lookups', change, notes: flat.notes }, warnings: flat.warnings };
      }
    }
    if (walk.root.status === 'ok' && Buffer.byteLength(value) > RECORD_OCTET_LIMIT) {
      const split = splitPolicy(walk, domain);
      // A split that leaves the record itself over the limit helps nobody.
      if (split && split.records.length > 1 && Buffer.byteLength(split.records[0]!.value) <= RECORD_OCTET_LIMIT) {
        const change = `ip4/ip6 terms moved to ${split.records.slice(1).map((sub) => sub.name).join(', ')}`;
        return { records: split.records, after: split.after, edit: { id: 'spf/record-too-long', change, notes: split.notes }, warnings: split.warnings };
      }
    }
    return { records: [{ name: domain, value }], after: walk.lookups };
  };
  let layout = await layOut(text);

  // 3. Sending IPs that the composed policy would not pass.
  const ips = input.ips ?? [];
  if (ips.length > 0 && input.evaluate) {
    const evaluated = await Promise.all(ips.map(async (ip) => ({ ip, outcome: await input.evaluate!(layout.records, ip) })));
    // temperror says nothing about the record: only the IPs it would not pass are added.
    const failing = evaluated.filter(({ outcome }) => outcome.result !== 'pass' && outcome.result !== 'temperror');
    const current = parseRecord(text);
    const present = new Set(current.terms.map((term) => term.text.toLowerCase().replace(/^\+/, '')));
    const added = ipTerms(failing.map(({ ip }) => ip)).filter((term) => !present.has(term));
    if (failing.length > 0) {
      let before: number | undefined;
      if (failing.some(({ outcome }) => outcome.result === 'permerror')) {
        // Evaluation stops at the error (§4.6.4, §4.6): the IPs go first, where they are reached.
        before = current.terms[0]?.index;
      } else {
        // Before the root term that decided against an IP, not before "all" (the default place).
        const deciding = failing
          .map(({ outcome }) => outcome.path[0])
          .filter((step) => step && step.domain.toLowerCase() === domain.toLowerCase() && !/^[+\-~?]?all$/i.test(step.term) && !/^redirect=/i.test(step.term))
          .map((step) => current.terms.find((term) => term.text.toLowerCase() === step!.term.toLowerCase())?.index)
          .filter((index): index is number => index !== undefined);
        if (deciding.length > 0) before = Math.min(...deciding);
      }
      text = withIps(current, failing.map(({ ip }) => ip), before);
      if (added.length > 0) record('spf/ip-not-authorized', `${added.join(' ')} added`);
      layout = await layOut(text);
    }
  }
  if (layout.edit) record(layout.edit.id, layout.edit.change, layout.edit.notes);
  if (layout.warnings) warnings.push(...layout.warnings);
  return { records: layout.records, edits, before: base.lookups, after: layout.after, within: layout.after <= LOOKUP_LIMIT, warnings };
}
