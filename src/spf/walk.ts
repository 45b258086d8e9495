/**
 * Static analysis of a domain's SPF policy: the whole include/redirect tree,
 * with DNS-lookup counts per node and in total as RFC 7208 §4.6.4 counts them
 * (every term that would be evaluated for a client no mechanism matches),
 * void lookups, the 10-name limit of "mx", loops, and the networks the policy
 * authorises where they can be known. Macro-bearing targets are validated
 * (by the parser) but not queried: they depend on the message.
 */
import type { DnsAnswer, DnsClient, RRType, RecordData } from '../dns/types.js';
import { isValidDomain } from './evaluate.js';
import { formatNetwork, networkOf, parseIp, reduceNetworks, unmapIpv4, type IpNetwork } from './ip.js';
import { expandDomainSpec, isQueryableName, type MacroString } from './macro.js';
import {
  countsAsLookup,
  findAll,
  formatSyntaxError,
  parseRecord,
  selectSpfRecords,
  type Mechanism,
  type ParsedRecord,
  type Term,
} from './parse.js';
import { effectiveAll, type NodeStatus, type SpfNode, type SpfWalk, type TermInfo } from './tree.js';

export { allNodes, effectiveAll, passEveryoneIncludes, type NodeStatus, type SpfNode, type SpfWalk, type TermInfo } from './tree.js';

export interface WalkOptions {
  /** Deepest include/redirect nesting walked (the root is 0). */
  maxDepth?: number;
  /** Most nodes walked in total. */
  maxNodes?: number;
  /** Analyse this record text at the root instead of the published one. */
  record?: string;
}

interface WalkState {
  dns: DnsClient;
  nodes: number;
  maxNodes: number;
  maxDepth: number;
  macroTargets: string[];
  dnsErrors: string[];
  /** Authorised networks per node (pass-qualified terms), and whether they are complete. */
  networks: WeakMap<SpfNode, { list: IpNetwork[]; complete: boolean }>;
  parsed: WeakMap<SpfNode, ParsedRecord>;
}

const FAILURES = new Set(['servfail', 'refused', 'timeout']);

function isFailure(answer: DnsAnswer<unknown>): boolean {
  return FAILURES.has(answer.status);
}

function isVoid(answer: DnsAnswer<unknown>): boolean {
  return answer.status === 'nxdomain' || answer.status === 'nodata' || (answer.status === 'ok' && answer.records.length === 0);
}

async function ask<T extends RRType>(dns: DnsClient, name: string, type: T): Promise<DnsAnswer<RecordData[T]>> {
  try {
    return await dns.query(name, type);
  } catch (error) {
    // A name that cannot be put in a query cannot exist.
    if (error instanceof Error && (error as { code?: string }).code === 'EBADNAME') return { status: 'nxdomain', ad: false, cnames: [] };
    return { status: 'servfail' };
  }
}

/** A domain-spec without macros, as the name it stands for (escapes resolved, trailing dot dropped). */
export async function literalTarget(spec: MacroString): Promise<string> {
  const dummy = { sender: '', localPart: '', senderDomain: '', domain: '', ip: { version: 4 as const, bytes: new Uint8Array(4) }, helo: '' };
  return (await expandDomainSpec(spec, dummy)).toLowerCase();
}

/** Walks the SPF policy of `domain`. Never throws for DNS problems: they land in the tree. */
export async function walkSpf(dns: DnsClient, domain: string, options: WalkOptions = {}): Promise<SpfWalk> {
  const state: WalkState = {
    dns,
    nodes: 0,
    maxNodes: options.maxNodes ?? 250,
    maxDepth: options.maxDepth ?? 12,
    macroTargets: [],
    dnsErrors: [],
    networks: new WeakMap(),
    parsed: new WeakMap(),
  };
  const name = domain.toLowerCase().replace(/\.$/, '');
  const root = await walkNode(state, name, 'root', undefined, [name], 0, options.record);
  const networks = state.networks.get(root) ?? { list: [], complete: false };
  const reduced = reduceNetworks(networks.list);
  const walk: SpfWalk = {
    root,
    lookups: root.totalLookups,
    voidLookups: root.totalVoidLookups,
    all: effectiveAll(root),
    networks: {
      ip4: reduced.filter((network) => network.version === 4).map(formatNetwork),
      ip6: reduced.filter((network) => network.version === 6).map(formatNetwork),
      complete: networks.complete,
    },
    macroTargets: state.macroTargets,
    dnsErrors: state.dnsErrors,
    networksOf: (node) => state.networks.get(node) ?? { list: [], complete: false },
    parsedOf: (node) => state.parsed.get(node),
  };
  const parsed = state.parsed.get(root);
  if (parsed) walk.parsed = parsed;
  return walk;
}


function emptyNode(domain: string, via: SpfNode['via'], term: Mechanism | Term | undefined, status: NodeStatus): SpfNode {
  const node: SpfNode = { domain, via, status, lookups: 0, totalLookups: 0, voidLookups: 0, totalVoidLookups: 0, terms: [], children: [] };
  if (term) {
    node.term = term.text;
    node.termIndex = term.index;
  }
  if (term && term.kind === 'mechanism' && via === 'include') node.qualifier = term.qualifier;
  return node;
}

async function walkNode(
  state: WalkState,
  domain: string,
  via: SpfNode['via'],
  term: Term | undefined,
  path: string[],
  depth: number,
  recordOverride?: string,
): Promise<SpfNode> {
  state.nodes++;
  let text: string;
  if (recordOverride !== undefined) {
    text = recordOverride;
  } else {
    const answer = await ask(state.dns, domain, 'TXT');
    if (isFailure(answer)) {
      const node = emptyNode(domain, via, term, 'dns-error');
      node.error = `DNS ${answer.status} for ${domain} TXT`;
      state.dnsErrors.push(node.error);
      state.networks.set(node, { list: [], complete: false });
      return node;
    }
    const records = answer.status === 'ok' ? selectSpfRecords(answer.records) : [];
    if (records.length === 0) {
      const node = emptyNode(domain, via, term, answer.status === 'nxdomain' ? 'nxdomain' : 'none');
      // §4.6.4: an include/redirect target that does not exist is a void lookup.
      if (via !== 'root' && isVoid(answer)) {
        node.voidLookups = 1;
        node.totalVoidLookups = 1;
      }
      state.networks.set(node, { list: [], complete: via === 'root' });
      return node;
    }
    if (records.length > 1) {
      const node = emptyNode(domain, via, term, 'multiple');
      node.records = records;
      state.networks.set(node, { list: [], complete: false });
      return node;
    }
    text = records[0]!;
  }
  const parsed = parseRecord(text);
  const node = emptyNode(domain, via, term, 'ok');
  node.record = text;
  state.parsed.set(node, parsed);
  if (parsed.errors.length > 0) node.syntaxErrors = parsed.errors.map(formatSyntaxError);
  const all = findAll(parsed);
  if (all) node.all = all.qualifier;
  const networks: IpNetwork[] = [];
  // Networks are known exactly when every term is knowable and nothing but "all" is non-pass.
  let complete = parsed.errors.length === 0;

  const infos = await Promise.all(
    parsed.terms.map(async (t): Promise<{ info: TermInfo; child?: SpfNode; nets?: IpNetwork[]; knowable: boolean }> => {
      const info: TermInfo = { term: t.text, index: t.index, lookups: countsAsLookup(t) ? 1 : 0 };
      if (all && t.kind === 'mechanism' && t.index > all.index) {
        // RFC 7208 §5.1: "Mechanisms after 'all' will never be tested": they make
        // no lookup, count toward neither limit (§4.6.4) and authorise nothing.
        info.lookups = 0;
        info.unreachable = true;
        return { info, knowable: true };
      }
      if (t.kind === 'modifier') {
        if (t.name !== 'redirect') return { info, knowable: true };
        // §6.1: a redirect is ignored when the record has an "all" mechanism.
        if (all) {
          info.lookups = 0;
          info.ignored = true;
          return { info, knowable: true };
        }
        if (t.value.hasMacros) {
          info.macro = true;
          state.macroTargets.push(`${domain}: ${t.text}`);
          const child = emptyNode(t.value.text, 'redirect', t, 'macro');
          return { info, child, knowable: false };
        }
        const child = await walkTarget(state, await literalTarget(t.value), 'redirect', t, path, depth);
        return { info, child, knowable: true };
      }
      return walkMechanism(state, t, domain, path, depth, info);
    }),
  );
  for (const [position, { info, child, nets, knowable }] of infos.entries()) {
    node.terms.push(info);
    // infos are in the order of parsed.terms (Promise.all keeps it): no search per term.
    const source = parsed.terms[position]!;
    const pass = source.kind === 'modifier' || source.qualifier === '+';
    if (!knowable && pass) complete = false;
    if (source.kind === 'mechanism' && source.name !== 'all' && source.qualifier !== '+' && !info.unreachable) complete = false;
    if (nets && pass) networks.push(...nets);
    if (child) {
      node.children.push(child);
      const childNets = state.networks.get(child);
      if (pass && childNets) {
        networks.push(...childNets.list);
        if (!childNets.complete) complete = false;
      } else if (pass) {
        complete = false;
      }
    }
    if (info.dnsError) complete = false;
  }
  node.lookups = node.terms.reduce((sum, info) => sum + info.lookups, 0);
  node.voidLookups = node.terms.filter((info) => info.void).length;
  node.totalLookups = node.lookups + node.children.reduce((sum, child) => sum + child.totalLookups, 0);
  node.totalVoidLookups = node.voidLookups + node.children.reduce((sum, child) => sum + child.totalVoidLookups, 0);
  state.networks.set(node, { list: networks, complete });
  return node;
}

async function walkTarget(
  state: WalkState,
  target: string,
  via: 'include' | 'redirect',
  term: Term,
  path: string[],
  depth: number,
): Promise<SpfNode> {
  if (!isValidDomain(target)) {
    const node = emptyNode(target, via, term, 'invalid-target');
    node.error = `"${target}" is not a valid domain name`;
    state.networks.set(node, { list: [], complete: false });
    return node;
  }
  if (path.includes(target)) {
    const node = emptyNode(target, via, term, 'loop');
    node.error = `${[...path, target].join(' → ')}`;
    state.networks.set(node, { list: [], complete: false });
    return node;
  }
  if (depth + 1 > state.maxDepth || state.nodes >= state.maxNodes) {
    const node = emptyNode(target, via, term, 'truncated');
    node.error = depth + 1 > state.maxDepth ? `nesting deeper than ${state.maxDepth} not walked` : `more than ${state.maxNodes} records not walked`;
    state.networks.set(node, { list: [], complete: false });
    return node;
  }
  return walkNode(state, target, via, term, [...path, target], depth + 1);
}

async function walkMechanism(
  state: WalkState,
  mechanism: Mechanism,
  domain: string,
  path: string[],
  depth: number,
  info: TermInfo,
): Promise<{ info: TermInfo; child?: SpfNode; nets?: IpNetwork[]; knowable: boolean }> {
  const spec = mechanism.domainSpec;
  if (spec?.hasMacros) {
    info.macro = true;
    state.macroTargets.push(`${domain}: ${mechanism.text}`);
    if (mechanism.name === 'include') return { info, child: emptyNode(spec.text, 'include', mechanism, 'macro'), knowable: false };
    return { info, knowable: false };
  }
  const target = spec ? await literalTarget(spec) : domain;
  switch (mechanism.name) {
    case 'all':
      return { info, knowable: true };
    case 'ip4':
    case 'ip6':
      return { info, nets: [mechanism.network!], knowable: true };
    case 'include':
      return { info, child: await walkTarget(state, target, 'include', mechanism, path, depth), knowable: true };
    case 'ptr':
      // §5.5: depends on the client's reverse DNS; not knowable statically.
      return { info, knowable: false };
    case 'exists': {
      if (!isQueryableName(target)) {
        info.void = true;
        return { info, knowable: false };
      }
      const answer = await ask(state.dns, target, 'A');
      if (isFailure(answer)) return { info: dnsError(state, info, `${target} A`, answer.status), knowable: false };
      if (isVoid(answer)) info.void = true;
      return { info, knowable: false };
    }
    case 'a': {
      if (!isQueryableName(target)) {
        info.void = true;
        return { info, nets: [], knowable: true };
      }
      const resolved = await addresses(state, target, mechanism);
      if ('error' in resolved) return { info: dnsError(state, info, resolved.error, resolved.status), knowable: false };
      if (resolved.nets.length === 0) info.void = true;
      info.networks = resolved.nets.map(formatNetwork);
      return { info, nets: resolved.nets, knowable: true };
    }
    case 'mx': {
      if (!isQueryableName(target)) {
        info.void = true;
        return { info, nets: [], knowable: true };
      }
      const answer = await ask(state.dns, target, 'MX');
      if (isFailure(answer)) return { info: dnsError(state, info, `${target} MX`, answer.status), knowable: false };
      if (answer.status !== 'ok' || answer.records.length === 0) {
        info.void = true;
        info.mxNames = 0;
        return { info, nets: [], knowable: true };
      }
      info.mxNames = answer.records.length;
      const hosts = answer.records.map((record) => record.exchange).filter((host) => host !== '' && isQueryableName(host));
      const results = await Promise.all(hosts.slice(0, 50).map((host) => addresses(state, host, mechanism)));
      const nets: IpNetwork[] = [];
      for (const result of results) {
        if ('error' in result) return { info: dnsError(state, info, result.error, result.status), knowable: false };
        nets.push(...result.nets);
      }
      info.networks = reduceNetworks(nets).map(formatNetwork);
      return { info, nets, knowable: true };
    }
  }
}

function dnsError(state: WalkState, info: TermInfo, what: string, status: string): TermInfo {
  info.dnsError = `DNS ${status} for ${what}`;
  state.dnsErrors.push(`${info.term}: ${info.dnsError}`);
  return info;
}

/** A and AAAA of a name, as networks with the mechanism's prefix lengths applied. */
async function addresses(
  state: WalkState,
  name: string,
  mechanism: Mechanism,
): Promise<{ nets: IpNetwork[] } | { error: string; status: string }> {
  const [a, aaaa] = await Promise.all([ask(state.dns, name, 'A'), ask(state.dns, name, 'AAAA')]);
  if (isFailure(a)) return { error: `${name} A`, status: a.status };
  if (isFailure(aaaa)) return { error: `${name} AAAA`, status: aaaa.status };
  const nets: IpNetwork[] = [];
  for (const text of [...(a.status === 'ok' ? a.records : []), ...(aaaa.status === 'ok' ? aaaa.records : [])]) {
    const address = parseIp(text);
    if (!address) continue;
    const plain = unmapIpv4(address);
    nets.push(networkOf(plain, plain.version === 4 ? mechanism.cidr4 : mechanism.cidr6));
  }
  return { nets };
}
