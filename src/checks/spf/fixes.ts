/**
 * The spf check's fix helpers (pure): the one composed target for the
 * domain's own record, and the fixes of includes that pass everyone.
 */
import type { Fix, FixRecord } from '../../schema/report.js';
import { LOOKUP_LIMIT, type SpfEdit } from '../../spf/fix.js';
import { allNodes, type SpfNode } from '../../spf/walk.js';
import type { SpfFindingId } from './findings.js';

/** Everything the fixes of the domain's own SPF record share: one target. */
export interface Composition {
  /** The fix records: the domain's record replaced (or added), others removed, sub-records added. */
  records: FixRecord[];
  /** Every change the records make, with the finding that asks for it. */
  edits: SpfEdit[];
  /** Lookups of the base record (`label` says which: "before", "in the merged record") and of the composed policy; absent for a new record. */
  lookups?: { before: number; after: number; label: string };
  warnings: string[];
}

export function txt(action: FixRecord['action'], name: string, value: string, current?: string): FixRecord {
  const record: FixRecord = { action, name, type: 'TXT', value };
  if (current !== undefined) record.current = current;
  return record;
}

/** The parent of `target` in the tree. */
export function parentOf(root: SpfNode, target: SpfNode): SpfNode | undefined {
  for (const node of allNodes(root)) if (node.children.includes(target)) return node;
  return undefined;
}

/** Lines of evidence describing the lookup count of each node. */
export function lookupEvidence(root: SpfNode): string[] {
  const lines: string[] = [];
  const visit = (node: SpfNode, depth: number) => {
    const label = node.via === 'root' ? node.domain : `${node.term}`;
    if (node.via !== 'root' && node.totalLookups === 0) return;
    lines.push(`${'  '.repeat(depth)}${label}: ${node.lookups} lookup${node.lookups === 1 ? '' : 's'} (${node.totalLookups} with its includes)`);
    node.children.forEach((child) => visit(child, depth + 1));
  };
  visit(root, 0);
  return lines;
}

const LOOKUP_NOTE_FIRST = new Set<string>(['spf/too-many-lookups', 'spf/record-too-long', 'spf/multiple-records']);

/**
 * The fix of one finding among those that replace the domain's SPF record:
 * the records are the composition's (identical for each, so applying one
 * applies all), with the finding's own summary and notes, the lookup count of
 * the composed record, and a note naming what else the record changes.
 */
export function composedFix(composition: Composition, id: SpfFindingId, summary: string, notes: readonly string[] = []): Fix {
  const out: string[] = [];
  const lookups = composition.lookups;
  const lookupNote = lookups
    ? `DNS lookups: ${lookups.before} ${lookups.label}, ${lookups.after} after (limit ${LOOKUP_LIMIT}, RFC 7208 §4.6.4).`
    : undefined;
  if (lookupNote && LOOKUP_NOTE_FIRST.has(id)) out.push(lookupNote);
  out.push(...notes);
  out.push(...(composition.edits.find((edit) => edit.id === id)?.notes ?? []));
  out.push(...composition.warnings);
  if (lookupNote && !LOOKUP_NOTE_FIRST.has(id) && lookups!.before !== lookups!.after) out.push(lookupNote);
  const others = composition.edits.filter((edit) => edit.id !== id);
  if (others.length > 0) out.push(`This record also carries the other SPF changes: ${others.map((edit) => `${edit.change} (${edit.id})`).join('; ')}.`);
  return { summary, records: composition.records.map((record) => ({ ...record })), ...(out.length > 0 ? { notes: out } : {}) };
}

/** What an include that passes everyone costs, and who can fix it. */
export function openIncludeNotes(open: readonly SpfNode[][]): string[] {
  const owners = [...new Set(open.map((path) => path[path.length - 1]!.domain))];
  return [
    `${owners.join(', ')} ${owners.length === 1 ? 'ends its' : 'end their'} SPF record in "+all" (or a bare "all"): only ${owners.length === 1 ? 'its owner' : 'their owners'} can change that to "~all" or "-all". Until then the include authorises every server on the internet.`,
    'Removing an include drops the servers it authorises: if you send through that service, list its addresses with ip4:/ip6: terms instead, or put the include back once its owner has fixed the record.',
  ];
}

/**
 * An include that passes everyone: its owner must end that record in ~all or
 * -all; the domain can only drop the include (its own record's terms that
 * lead there), losing the servers the include authorises.
 */
export function openIncludeFix(domain: string, root: SpfNode, open: readonly SpfNode[][], composition: Composition | undefined): Fix {
  const owners = [...new Set(open.map((path) => path[path.length - 1]!.domain))];
  // The root's own terms that lead to an open record (not those of a redirect target).
  const rootTerms = [...new Set(open.filter((path) => path[1]!.via === 'include' && root.children.includes(path[1]!)).map((path) => path[1]!.term!))];
  const notes = openIncludeNotes(open);
  if (rootTerms.length === 0 || !composition) {
    return { summary: `Have the owner of ${owners.join(', ')} end its SPF record in -all or ~all, or stop including it`, notes };
  }
  return composedFix(
    composition,
    'spf/permissive-all',
    `Remove ${rootTerms.join(', ')} from the SPF record of ${domain}, or have the owner of ${owners.join(', ')} end its SPF record in -all or ~all`,
    notes,
  );
}
