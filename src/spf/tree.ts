/**
 * The SPF policy tree a walk produces (./walk.ts) and the questions asked of
 * it without DNS: the effective "all", the includes that pass every client,
 * every node.
 */
import type { IpNetwork } from './ip.js';
import type { ParsedRecord, Qualifier } from './parse.js';

/** What the walk learnt about one term. */
export interface TermInfo {
  /** The term as written. */
  term: string;
  /** 1-based position in its record. */
  index: number;
  /** DNS-querying terms this term counts (0 or 1, §4.6.4). */
  lookups: number;
  /** The lookup returned NXDOMAIN or no records (§4.6.4 void lookup). */
  void?: boolean;
  /** mx: how many exchange names the MX lookup returned (limit 10, §4.6.4). */
  mxNames?: number;
  /** a/mx: the networks it authorises today (prefix length applied). */
  networks?: string[];
  /** The target depends on the message (macros): validated, not queried. */
  macro?: boolean;
  /** A redirect ignored because the record has an "all" (§6.1). */
  ignored?: boolean;
  /** A DNS failure while resolving it. */
  dnsError?: string;
  /** A mechanism after "all": never evaluated (RFC 7208 §5.1), so not walked or counted. */
  unreachable?: boolean;
}

export type NodeStatus =
  /** A record was found and walked. */
  | 'ok'
  /** The name publishes no SPF record (NODATA, or TXT without v=spf1). */
  | 'none'
  /** The name does not exist. */
  | 'nxdomain'
  /** More than one SPF record (§4.5). */
  | 'multiple'
  /** The TXT lookup failed (timeout, SERVFAIL, REFUSED). */
  | 'dns-error'
  /** The name is already on the path from the root (include/redirect loop). */
  | 'loop'
  /** The target holds macros: not queried. */
  | 'macro'
  /** The target is not a valid domain name after expansion. */
  | 'invalid-target'
  /** Not walked further: depth or size limit of the analysis. */
  | 'truncated';

export interface SpfNode {
  /** The name whose TXT records were read. */
  domain: string;
  via: 'root' | 'include' | 'redirect';
  /** The parent's term that leads here. */
  term?: string;
  /** 1-based index of that term in the parent's record. */
  termIndex?: number;
  /** The include's qualifier (include only). */
  qualifier?: Qualifier;
  status: NodeStatus;
  /** The record text (status ok). */
  record?: string;
  /** All SPF records found (status multiple). */
  records?: string[];
  /** Syntax errors in the record (formatted), if any. */
  syntaxErrors?: string[];
  /** What went wrong with DNS (status dns-error), or which limit stopped the walk. */
  error?: string;
  /** DNS-querying terms in this node's own record (§4.6.4). */
  lookups: number;
  /** This node's lookups plus every descendant's. */
  totalLookups: number;
  /** Void lookups of this node's own terms. */
  voidLookups: number;
  /** This node's void lookups plus every descendant's. */
  totalVoidLookups: number;
  /** The record's "all" qualifier, if it has one. */
  all?: Qualifier;
  terms: TermInfo[];
  children: SpfNode[];
}

export interface SpfWalk {
  root: SpfNode;
  /** The parsed root record (undefined when there is none or several). */
  parsed?: ParsedRecord;
  /** Total DNS-querying terms (§4.6.4). */
  lookups: number;
  voidLookups: number;
  /** The effective "all": the root's, or that of the redirect chain's end. */
  all: { qualifier: Qualifier; domain: string } | null;
  /** Networks authorised by pass-qualified terms, where knowable. */
  networks: { ip4: string[]; ip6: string[]; complete: boolean };
  /** Terms whose targets hold macros (not queried). */
  macroTargets: string[];
  /** DNS failures met during the walk. */
  dnsErrors: string[];
  /** The networks one node authorises (its pass-qualified terms, includes and redirect), and whether that is all of them. */
  networksOf(node: SpfNode): { list: IpNetwork[]; complete: boolean };
  /** The parsed record of a node (status ok). */
  parsedOf(node: SpfNode): ParsedRecord | undefined;
}

/** The effective all: the node's own, else the followed redirect's. */
export function effectiveAll(node: SpfNode): { qualifier: Qualifier; domain: string } | null {
  if (node.status !== 'ok') return null;
  if (node.all) return { qualifier: node.all, domain: node.domain };
  const redirect = node.children.find((child) => child.via === 'redirect');
  return redirect ? effectiveAll(redirect) : null;
}

/**
 * The includes that pass every client, as paths from `root` to the included
 * record that does it. RFC 7208 §5.2: include matches when the included
 * record's check_host() is pass; a record whose effective all is "+all" (or
 * a bare "all", §4.6.2) passes every IP. Only pass-qualified includes (and
 * followed redirects, §6.1) carry that pass up: "-include:" or "~include:"
 * of such a record fails or softfails everyone instead. Records with syntax
 * errors are a permerror (§4.6), never a pass, and are not followed.
 */
export function passEveryoneIncludes(root: SpfNode): SpfNode[][] {
  const paths: SpfNode[][] = [];
  const visit = (node: SpfNode, path: SpfNode[]) => {
    for (const child of node.children) {
      if (child.status !== 'ok' || (child.syntaxErrors?.length ?? 0) > 0) continue;
      if (child.via === 'include' && child.qualifier !== '+') continue;
      const next = [...path, child];
      if (child.via === 'include' && effectiveAll(child)?.qualifier === '+') paths.push(next);
      else visit(child, next);
    }
  };
  if (root.status === 'ok') visit(root, [root]);
  return paths;
}

/** Every node of a tree, depth first. */
export function allNodes(root: SpfNode): SpfNode[] {
  const out: SpfNode[] = [];
  const visit = (node: SpfNode) => {
    out.push(node);
    node.children.forEach(visit);
  };
  visit(root);
  return out;
}
