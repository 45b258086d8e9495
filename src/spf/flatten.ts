/**
 * Flattening and splitting: a replacement for a policy over the 10-lookup
 * limit (RFC 7208 §4.6.4), its includes replaced by the addresses they
 * authorise, laid out in sub-records when a record would exceed 450 octets (§3.4).
 */
import { budgeted, type WorkBudget } from '../work-budget.js';
import { formatNetwork, networkTerm, parseIp, reduceNetworks, unmapIpv4, type IpNetwork } from './ip.js';
import { LOOKUP_LIMIT, RECORD_OCTET_LIMIT } from './limits.js';
import type { Qualifier, Term } from './parse.js';
import { qualifierPrefix, recordText } from './record-edits.js';
import type { SpfNode, SpfWalk } from './tree.js';

/** One record of a proposed policy. */
export interface ProposedRecord {
  /** Owner name. */
  name: string;
  value: string;
}

export interface FlattenResult {
  /** The root record, then any sub-records (`_spf1.<domain>`, …). */
  records: ProposedRecord[];
  /** Lookups of the published policy. */
  before: number;
  /** Lookups of the proposed policy. */
  after: number;
  /** The proposed policy stays within 10 lookups. */
  within: boolean;
  /** What was changed, for the fix notes. */
  notes: string[];
  /** What anyone publishing the result must know (flattened addresses are a snapshot; lookups left over the limit). */
  warnings: string[];
}

/** An item of the record being rebuilt. */
interface Item {
  text: string;
  /** Lookups this item costs, its subtree included. */
  cost: number;
  /** A flattenable include/redirect: its node. */
  node?: SpfNode;
  /** A plain ip4/ip6 term with "+" (movable into a sub-record). */
  network?: IpNetwork;
  kind: 'term' | 'include' | 'redirect' | 'ip';
  qualifier: Qualifier;
}

function ipItems(networks: readonly IpNetwork[], qualifier: Qualifier): Item[] {
  return reduceNetworks(networks).map((network) => ({
    text: `${qualifierPrefix(qualifier)}${networkTerm(network)}`,
    cost: 0,
    kind: 'ip' as const,
    network,
    qualifier,
  }));
}

/** True when a node's authorised networks are fully known, so it can be replaced by them. */
function flattenable(walk: SpfWalk, node: SpfNode | undefined): node is SpfNode {
  if (!node || node.status !== 'ok' || node.syntaxErrors) return false;
  return walk.networksOf(node).complete;
}

/** The root record's terms as items (duplicates dropped; a/mx resolved to addresses when asked). */
function buildItems(walk: SpfWalk, resolveAddresses: boolean, notes: string[]): Item[] | null {
  const root = walk.root;
  const parsed = walk.parsedOf(root);
  if (root.status !== 'ok' || !parsed || parsed.errors.length > 0) return null;
  const childOf = (term: Term) => root.children.find((child) => child.termIndex === term.index);

  // 1. Drop exact duplicate terms (a duplicate include costs its whole subtree again).
  const seen = new Set<string>();
  const items: Item[] = [];
  for (const term of parsed.terms) {
    const key = term.text.toLowerCase();
    if (seen.has(key) && term.kind === 'mechanism') {
      notes.push(`Dropped the duplicate ${term.text}.`);
      continue;
    }
    seen.add(key);
    const info = root.terms.find((candidate) => candidate.index === term.index)!;
    if (term.kind === 'modifier') {
      if (term.name === 'redirect' && !info.ignored) {
        const node = childOf(term);
        items.push({ text: term.text, cost: 1 + (node?.totalLookups ?? 0), kind: 'redirect', qualifier: '+', ...(node ? { node } : {}) });
      } else if (!(term.name === 'redirect' && info.ignored)) {
        items.push({ text: term.text, cost: 0, kind: 'term', qualifier: '+' });
      } else {
        notes.push(`Dropped ${term.text}: a record with "all" never uses it (RFC 7208 §6.1).`);
      }
      continue;
    }
    const q = term.qualifier;
    switch (term.name) {
      case 'ip4':
      case 'ip6':
        items.push({ text: term.text, cost: 0, kind: 'ip', network: term.network!, qualifier: q });
        break;
      case 'a':
      case 'mx':
        // 2. a/mx → the addresses they resolve to today.
        if (resolveAddresses && info.networks && !info.dnsError && !info.macro) {
          const nets = info.networks.map((text) => {
            const [address, prefix] = text.split('/');
            const ip = unmapIpv4(parseIp(address!)!);
            return { version: ip.version, bytes: ip.bytes, prefix: Number(prefix) } as IpNetwork;
          });
          items.push(...ipItems(nets, q));
          notes.push(
            nets.length === 0
              ? `Dropped ${term.text}: it resolves to no address.`
              : `Replaced ${term.text} by its current addresses (${reduceNetworks(nets).map(formatNetwork).join(', ')}).`,
          );
        } else {
          items.push({ text: term.text, cost: info.lookups, kind: 'term', qualifier: q });
        }
        break;
      case 'include': {
        const node = childOf(term);
        items.push({ text: term.text, cost: 1 + (node?.totalLookups ?? 0), kind: 'include', qualifier: q, ...(node ? { node } : {}) });
        break;
      }
      default:
        items.push({ text: term.text, cost: info.lookups, kind: 'term', qualifier: q });
    }
  }
  return items;
}

/**
 * A concrete replacement for a policy over the lookup limit: duplicates
 * dropped, a/mx replaced by today's addresses, then the most expensive
 * includes flattened into ip4/ip6 terms until the count is within 10, and
 * the plain ip terms moved to `_spfN.<domain>` sub-records when the record
 * would exceed 450 octets.
 */
export function flattenPolicy(walk: SpfWalk, domain: string, budget?: WorkBudget): FlattenResult | null {
  return budgeted(budget, 'flattening the SPF record', (checkpoint) => flattenWithin(walk, domain, checkpoint));
}

function flattenWithin(walk: SpfWalk, domain: string, checkpoint: () => void): FlattenResult | null {
  const notes: string[] = [];
  const built = buildItems(walk, true, notes);
  if (!built) return null;
  let items = built;
  const before = walk.root.totalLookups;
  const cost = (list: readonly Item[]) => list.reduce((sum, item) => sum + item.cost, 0);
  const flattenOne = (): boolean => {
    const candidates = items
      .map((item, index) => ({ item, index }))
      .filter(({ item }) => (item.kind === 'include' || item.kind === 'redirect') && item.cost > 0 && flattenable(walk, item.node));
    if (candidates.length === 0) return false;
    // The most expensive first; on a tie, the first in the record.
    candidates.sort((x, y) => y.item.cost - x.item.cost || x.index - y.index);
    const { item, index } = candidates[0]!;
    const node = item.node!;
    const nets = walk.networksOf(node).list;
    const replacement = ipItems(nets, item.qualifier);
    if (item.kind === 'redirect' && node.all) {
      // The redirect target's whole policy applies, its "all" included (§6.1).
      replacement.push({ text: `${qualifierPrefix(node.all)}all`, cost: 0, kind: 'term', qualifier: node.all });
    }
    items.splice(index, 1, ...replacement);
    notes.push(
      `Flattened ${item.text} (${item.cost} lookup${item.cost === 1 ? '' : 's'}) into ${replacement.filter((r) => r.kind === 'ip').length} ip4/ip6 term(s).`,
    );
    return true;
  };

  // 3. Flatten until the record, its sub-records included, stays within the limit.
  let layout = layoutRecords(items, domain, walk);
  while (cost(items) + layout.subRecords > LOOKUP_LIMIT) {
    checkpoint();
    if (!flattenOne()) break;
    items = dedupeIps(items);
    layout = layoutRecords(items, domain, walk);
  }
  items = dedupeIps(items);
  layout = layoutRecords(items, domain, walk);
  const after = cost(items) + layout.subRecords;
  const within = after <= LOOKUP_LIMIT;
  if (layout.subRecords > 0) {
    notes.push(
      `The record would exceed ${RECORD_OCTET_LIMIT} octets, so its ip4/ip6 terms moved to ${layout.records
        .slice(1)
        .map((record) => record.name)
        .join(', ')} (one lookup each).`,
    );
  }
  const warnings: string[] = [];
  if (notes.some((note) => note.startsWith('Flattened') || note.startsWith('Replaced'))) {
    warnings.push(
      'Flattened addresses are a snapshot of today\'s DNS: when a provider or host changes its addresses, mail from the new ones fails SPF until the record is refreshed. Re-run mailcheck regularly.',
    );
  }
  if (!within) {
    const left = items.filter((item) => item.cost > 0).map((item) => item.text);
    warnings.push(`Still over the limit: ${left.join(', ')} cannot be flattened (macros, ptr, exists, or records that could not be read); remove or replace them.`);
  }
  return { records: layout.records, before, after, within, notes, warnings };
}

/**
 * The root record split into records of at most 450 octets (§3.4): its "+"
 * ip4/ip6 terms moved to `_spfN.<domain>` sub-records, nothing flattened.
 */
export function splitPolicy(walk: SpfWalk, domain: string): FlattenResult | null {
  const notes: string[] = [];
  const items = buildItems(walk, false, notes);
  if (!items) return null;
  const layout = layoutRecords(dedupeIps(items), domain, walk);
  const before = walk.root.totalLookups;
  const after = items.reduce((sum, item) => sum + item.cost, 0) + layout.subRecords;
  if (layout.subRecords > 0) {
    notes.push(`Moved the ip4/ip6 terms to ${layout.records.slice(1).map((record) => record.name).join(', ')} (one lookup each).`);
  }
  return { records: layout.records, before, after, within: after <= LOOKUP_LIMIT, notes, warnings: [] };
}

/**
 * Removes "+" ip terms that repeat or lie inside another "+" ip term.
 * O(n log n) (reduceNetworks): a policy can hold tens of thousands of terms.
 */
function dedupeIps(items: Item[]): Item[] {
  const pass = items.filter((item) => item.kind === 'ip' && item.qualifier === '+').map((item) => item.network!);
  const outer = new Set(reduceNetworks(pass).map(formatNetwork));
  const kept = new Set<string>();
  return items.filter((item) => {
    if (item.kind !== 'ip' || item.qualifier !== '+') return true;
    const key = formatNetwork(item.network!);
    if (kept.has(key) || !outer.has(key)) return false;
    kept.add(key);
    return true;
  });
}

/**
 * Lays the items out as records: one record when it fits in 450 octets;
 * otherwise the "+" ip terms go, in order, into as few `_spfN.<domain>`
 * sub-records as fit, included where the first of them stood.
 */
function layoutRecords(items: readonly Item[], domain: string, walk: SpfWalk): { records: ProposedRecord[]; subRecords: number } {
  const whole = recordText(items.map((item) => item.text));
  if (Buffer.byteLength(whole) <= RECORD_OCTET_LIMIT) return { records: [{ name: domain, value: whole }], subRecords: 0 };
  const movable = items.filter((item) => item.kind === 'ip' && item.qualifier === '+');
  const used = new Set(collectDomains(walk.root));
  const names: string[] = [];
  const chunks: string[][] = [];
  let current: string[] = [];
  const closing = '-all';
  for (const item of movable) {
    const candidate = recordText([...current, item.text, closing]);
    if (current.length > 0 && Buffer.byteLength(candidate) > RECORD_OCTET_LIMIT) {
      chunks.push(current);
      current = [];
    }
    current.push(item.text);
  }
  if (current.length > 0) chunks.push(current);
  for (let n = 1; names.length < chunks.length; n++) {
    const name = `_spf${n}.${domain}`;
    if (!used.has(name)) names.push(name);
  }
  const main: string[] = [];
  let placed = false;
  for (const item of items) {
    if (item.kind === 'ip' && item.qualifier === '+') {
      if (!placed) {
        main.push(...names.map((name) => `include:${name}`));
        placed = true;
      }
      continue;
    }
    main.push(item.text);
  }
  const records: ProposedRecord[] = [{ name: domain, value: recordText(main) }];
  chunks.forEach((chunk, index) => records.push({ name: names[index]!, value: recordText([...chunk, closing]) }));
  return { records, subRecords: chunks.length };
}

function collectDomains(node: SpfNode): string[] {
  return [node.domain, ...node.children.flatMap(collectDomains)];
}
