/**
 * Replacement SPF records a person can paste: a flattened record that stays
 * within the 10-lookup limit (RFC 7208 §4.6.4), split into sub-records when a
 * record would exceed 450 octets (§3.4); a merged record for several records
 * (§4.5); the same record with a safe "all"; a starting record; a record that
 * authorises given sending IPs.
 */
import { matchesSuffix, recognizeProviders, type Provider } from '../providers.js';
import { formatNetwork, networkTerm, parseIp, parseIpv4, reduceNetworks, unmapIpv4, type IpNetwork } from './ip.js';
import { findAll, parseRecord, type ParsedRecord, type Qualifier, type Term } from './parse.js';
import { passEveryoneIncludes, type SpfNode, type SpfWalk } from './walk.js';

/** RFC 7208 §4.6.4. */
export const LOOKUP_LIMIT = 10;
/** RFC 7208 §4.6.4: receivers may return permerror after two void lookups. */
export const VOID_LOOKUP_LIMIT = 2;
/** RFC 7208 §3.4: keep a record within 450 octets so the answer fits a 512-octet UDP reply. */
export const RECORD_OCTET_LIMIT = 450;

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

function qualifierPrefix(qualifier: Qualifier): string {
  return qualifier === '+' ? '' : qualifier;
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

/** The record text of a list of terms. */
export function recordText(terms: readonly string[]): string {
  return ['v=spf1', ...terms].join(' ');
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
export function flattenPolicy(walk: SpfWalk, domain: string): FlattenResult | null {
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

/**
 * The record with its "all" set to `qualifier`: the first "all" replaced in
 * place, or, when there is none, one added after the last mechanism (a
 * redirect is then dropped: §6.1 ignores it once there is an "all").
 */
export function withAll(parsed: ParsedRecord, qualifier: Qualifier): string {
  const text = `${qualifierPrefix(qualifier)}all`;
  const all = findAll(parsed);
  if (all) return recordText(parsed.terms.map((term) => (term === all ? text : term.text)));
  const mechanisms = parsed.terms.filter((term) => term.kind === 'mechanism');
  const last = mechanisms[mechanisms.length - 1];
  const out: string[] = last ? [] : [text];
  for (const term of parsed.terms) {
    if (term.kind === 'modifier' && term.name === 'redirect') continue;
    out.push(term.text);
    if (term === last) out.push(text);
  }
  return recordText(out);
}

/**
 * One record from several (§4.5: more than one is a permerror): every
 * mechanism once, in order of appearance; the first exp; a redirect only
 * when no record has "all"; "all" as the records agree, else "~all".
 */
export function mergeRecords(texts: readonly string[]): string {
  const parsedList = texts.map(parseRecord);
  const seen = new Set<string>();
  const mechanisms: string[] = [];
  const alls: Qualifier[] = [];
  let exp: string | undefined;
  let redirect: string | undefined;
  const others: string[] = [];
  for (const parsed of parsedList) {
    for (const term of parsed.terms) {
      if (term.kind === 'modifier') {
        if (term.name === 'exp') exp ??= term.text;
        else if (term.name === 'redirect') redirect ??= term.text;
        else if (!seen.has(term.text.toLowerCase())) {
          seen.add(term.text.toLowerCase());
          others.push(term.text);
        }
        continue;
      }
      if (term.name === 'all') {
        alls.push(term.qualifier);
        continue;
      }
      const key = term.text.toLowerCase().replace(/^\+/, '');
      if (seen.has(key)) continue;
      seen.add(key);
      mechanisms.push(term.text);
    }
  }
  const terms = [...mechanisms];
  if (alls.length > 0) {
    const unique = [...new Set(alls)];
    // A permissive or neutral "all" is never kept; disagreeing records get the safe middle.
    const qualifier: Qualifier = unique.length === 1 && (unique[0] === '-' || unique[0] === '~') ? unique[0] : '~';
    terms.push(`${qualifierPrefix(qualifier)}all`);
  } else if (redirect) {
    terms.push(redirect);
  } else {
    terms.push('~all');
  }
  if (exp) terms.push(exp);
  terms.push(...others);
  return recordText(terms);
}

/**
 * A starting record for a domain without SPF: `mx` when some MX host is not
 * a recognised provider's, each recognised provider's include, any sending
 * IPs given, and "~all". A domain with a null MX sends no mail: "-all".
 */
export function startingRecord(input: { mxHosts: readonly string[]; nullMx: boolean; ips?: readonly string[] }): {
  value: string;
  providers: Provider[];
} {
  if (input.nullMx && (input.ips ?? []).length === 0) return { value: 'v=spf1 -all', providers: [] };
  const providers = recognizeProviders(input.mxHosts, []).filter((provider) => provider.spfInclude);
  const terms: string[] = [];
  const unrecognised = input.mxHosts.filter(
    (host) => !providers.some((provider) => provider.mxSuffixes.some((suffix) => matchesSuffix(host, suffix))),
  );
  if (unrecognised.length > 0) terms.push('mx');
  for (const provider of providers) terms.push(`include:${provider.spfInclude}`);
  terms.push(...ipTerms(input.ips ?? []));
  terms.push('~all');
  return { value: recordText(terms), providers };
}

/** ip4:/ip6: terms for sending IPs (IPv4-mapped addresses as ip4). */
export function ipTerms(ips: readonly string[]): string[] {
  const out: string[] = [];
  for (const text of ips) {
    const parsed = parseIp(text.trim());
    if (!parsed) continue;
    const ip = unmapIpv4(parsed);
    const term = networkTerm({ version: ip.version, bytes: ip.bytes, prefix: ip.version === 4 ? 32 : 128 });
    if (!out.includes(term)) out.push(term);
  }
  return out;
}

/**
 * The record with ip terms added so that they are evaluated before the term
 * that decided against them: before `beforeIndex` (a 1-based term index of
 * the root record) when given, else before the "all", else after the last
 * mechanism.
 */
export function withIps(parsed: ParsedRecord, ips: readonly string[], beforeIndex?: number): string {
  const present = new Set(parsed.terms.map((term) => term.text.toLowerCase().replace(/^\+/, '')));
  const add = ipTerms(ips).filter((term) => !present.has(term));
  const terms = parsed.terms;
  let position = beforeIndex !== undefined ? terms.findIndex((term) => term.index === beforeIndex) : -1;
  if (position < 0) {
    const all = findAll(parsed);
    position = all ? terms.indexOf(all) : terms.reduce((last, term, index) => (term.kind === 'mechanism' ? index + 1 : last), 0);
  }
  const texts = terms.map((term) => term.text);
  texts.splice(position, 0, ...add);
  return recordText(texts);
}

/** The record without the terms at the given 1-based indexes. */
export function withoutTerms(parsed: ParsedRecord, indexes: readonly number[]): string {
  return recordText(parsed.terms.filter((term) => !indexes.includes(term.index)).map((term) => term.text));
}

const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;

/**
 * Repairs the common publishing mistakes that make a record a permerror:
 * a Unicode dash for "-", stray whitespace characters, an address in a:, mx:
 * or include:, ip4:/ip6: swapped, a port after an address, leading zeros in
 * a prefix length, "redirect:"/"exp:" for "redirect="/"exp=", a repeated
 * redirect or exp. Returns the repaired record only if it then parses cleanly.
 */
export function repairRecord(text: string): string | null {
  let fixed = text.replace(DASHES, '-').replace(/[\t\r\n\u00a0\u2000-\u200b\u3000]+/g, ' ');
  if (!/^v=spf1(?: |$)/i.test(fixed)) return null;
  const terms = fixed.slice(6).split(' ').filter((term) => term !== '');
  const out: string[] = [];
  const modifiersSeen = new Set<string>();
  for (const raw of terms) {
    let term = raw
      .replace(/^([+\-~?]?)(redirect|exp):/i, '$1$2=')
      .replace(/^[+]?(redirect|exp)=/i, '$1=')
      // Trailing punctuation after "all" ("-all.", "~all,").
      .replace(/^([+\-~?]?all)[.,;]+$/i, '$1');
    // A bare address or network gets its mechanism name.
    if (/^[+\-~?]?[0-9a-fA-F:.]+(?:\/\d+)?$/.test(term) && parseIp(term.replace(/^[+\-~?]/, '').split('/')[0]!)) {
      term = term.replace(/^([+\-~?]?)/, '$1ip4:');
    }
    const ipTarget = /^([+\-~?]?)(?:a|mx|include|ip4|ip6|ip|ipv4|ipv6):([^/]+)(\/\d+)?$/i.exec(term);
    if (ipTarget) {
      // An address, or an IPv4 address followed by a port.
      const text = ipTarget[2]!;
      const withoutPort = /^(.+):\d{1,5}$/.exec(text)?.[1];
      const addressText = parseIp(text) ? text : withoutPort && parseIpv4(withoutPort) ? withoutPort : undefined;
      if (addressText) {
        const address = parseIp(addressText)!;
        const prefix = ipTarget[3] ? `/${Number(ipTarget[3].slice(1))}` : '';
        term = `${ipTarget[1]}ip${address.version}:${addressText}${prefix}`;
      }
    }
    term = term.replace(/^([+\-~?]?ip[46]:[^/]+\/)0+(\d)/i, '$1$2');
    const modifier = /^(redirect|exp)=/i.exec(term);
    if (modifier) {
      const name = modifier[1]!.toLowerCase();
      if (modifiersSeen.has(name)) continue;
      modifiersSeen.add(name);
    }
    out.push(term);
  }
  fixed = recordText(out);
  return parseRecord(fixed).errors.length === 0 ? fixed : null;
}

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
      const flat = flattenPolicy(walk, domain);
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

