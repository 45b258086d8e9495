/**
 * Replacement SPF records a person can paste: a flattened record that stays
 * within the 10-lookup limit (RFC 7208 §4.6.4), split into sub-records when a
 * record would exceed 450 octets (§3.4); a merged record for several records
 * (§4.5); the same record with a safe "all"; a starting record; a record that
 * authorises given sending IPs.
 */
import { matchesSuffix, recognizeProviders, type Provider } from '../providers.js';
import { formatNetwork, networkContains, networkTerm, parseIp, parseIpv4, reduceNetworks, unmapIpv4, type IpNetwork } from './ip.js';
import { findAll, parseRecord, type ParsedRecord, type Qualifier, type Term } from './parse.js';
import type { SpfNode, SpfWalk } from './walk.js';

/** RFC 7208 §4.6.4. */
export const LOOKUP_LIMIT = 10;
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
  notes.unshift(`DNS lookups: ${before} before, ${after} after (limit ${LOOKUP_LIMIT}, RFC 7208 §4.6.4).`);
  if (notes.some((note) => note.startsWith('Flattened') || note.startsWith('Replaced'))) {
    notes.push(
      'Flattened addresses are a snapshot of today\'s DNS: when a provider or host changes its addresses, mail from the new ones fails SPF until the record is refreshed. Re-run mailcheck regularly.',
    );
  }
  if (!within) {
    const left = items.filter((item) => item.cost > 0).map((item) => item.text);
    notes.push(`Still over the limit: ${left.join(', ')} cannot be flattened (macros, ptr, exists, or records that could not be read); remove or replace them.`);
  }
  return { records: layout.records, before, after, within, notes };
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
  notes.unshift(`DNS lookups: ${before} before, ${after} after (limit ${LOOKUP_LIMIT}, RFC 7208 §4.6.4).`);
  return { records: layout.records, before, after, within: after <= LOOKUP_LIMIT, notes };
}

/** Removes "+" ip terms that repeat or lie inside another "+" ip term. */
function dedupeIps(items: Item[]): Item[] {
  const pass = items.filter((item) => item.kind === 'ip' && item.qualifier === '+').map((item) => item.network!);
  const kept = new Set<string>();
  return items.filter((item) => {
    if (item.kind !== 'ip' || item.qualifier !== '+') return true;
    const network = item.network!;
    const key = formatNetwork(network);
    if (kept.has(key)) return false;
    const covered = pass.some((other) => other !== network && formatNetwork(other) !== key && networkContains(other, network));
    if (covered) return false;
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
