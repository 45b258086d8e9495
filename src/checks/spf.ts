/**
 * spf: the domain's SPF policy (RFC 7208). Discovery (§4.5), the §12 grammar
 * with macros (§7), the include/redirect tree with DNS-lookup and void-lookup
 * counts (§4.6.4), loops, the effective "all", deprecated "ptr" (§5.5),
 * record length (§3.4), and, for the sending IPs given with --ip, the
 * check_host() result (§4) for MAIL FROM postmaster@<domain>. Every fixable
 * finding carries the exact record to publish; the fixes that replace the
 * domain's own record all propose the same records, with every change applied.
 */
import type { CheckContext } from '../context.js';
import type { Fix, FixRecord } from '../report/schema.js';
import { getMxHosts, type MxLookup } from '../lookups/mx-hosts.js';
import { recognizeProviders } from '../providers.js';
import { checkHost, type CheckHostResult } from '../spf/evaluate.js';
import type { DnsAnswer, DnsClient, RRType, RecordData } from '../dns/types.js';
import {
  LOOKUP_LIMIT,
  RECORD_OCTET_LIMIT,
  VOID_LOOKUP_LIMIT,
  composePolicy,
  ipTerms,
  mergeRecords,
  redirectChainEnd,
  repairRecord,
  startingRecord,
  withAll,
  type ProposedRecord,
  type SpfEdit,
} from '../spf/fix.js';
import { inNetwork, parseIp, unmapIpv4 } from '../spf/ip.js';
import { findAll, type ParsedRecord, type Qualifier } from '../spf/parse.js';
import { allNodes, passEveryoneIncludes, walkSpf, type SpfNode, type SpfWalk } from '../spf/walk.js';
import { defineCheck, type Emit } from './define.js';

const FINDINGS = {
  'spf/missing': {
    severity: 'high',
    title: 'No SPF record',
    description:
      'The domain publishes no TXT record starting with v=spf1 (RFC 7208 §4.5). Receivers cannot tell which servers may send mail as the domain; Gmail and Yahoo require SPF or DKIM from every sender, and DMARC has one fewer way to pass.',
  },
  'spf/multiple-records': {
    severity: 'critical',
    title: 'More than one SPF record',
    description:
      'Two or more TXT records at the domain start with v=spf1. RFC 7208 §4.5 makes that a permerror at every receiver: SPF fails for all mail. Merge them into one record.',
  },
  'spf/syntax-error': {
    severity: 'critical',
    title: 'SPF syntax error',
    description:
      'A term of the SPF record (or of a record it includes) does not follow the RFC 7208 §12 grammar. Receivers return permerror for the whole record (§4.6), so SPF fails for all mail.',
  },
  'spf/too-many-lookups': {
    severity: 'critical',
    title: 'More than 10 DNS lookups',
    description:
      'Evaluating the policy needs more than 10 terms that query DNS (include, a, mx, ptr, exists, redirect, counted through every include), or an mx term names more than 10 hosts. RFC 7208 §4.6.4 makes that a permerror: SPF fails for the mail that reaches the 11th lookup.',
  },
  'spf/void-lookups': {
    severity: 'high',
    title: 'More than 2 void lookups',
    description:
      'More than two terms query names that do not exist or have no records. RFC 7208 §4.6.4 lets receivers return permerror after two such void lookups, and most do.',
  },
  'spf/loop': {
    severity: 'critical',
    title: 'Include or redirect loop',
    description:
      'An include or redirect leads back to a record already being evaluated. Evaluation runs into the lookup limit and ends in permerror at every receiver.',
  },
  'spf/include-missing': {
    severity: 'high',
    title: 'Include or redirect target without a usable SPF record',
    description:
      'An include: or redirect= target publishes no SPF record (or several). RFC 7208 §5.2 and §6.1 make that a permerror, so SPF fails whenever evaluation reaches that term.',
  },
  'spf/permissive-all': {
    severity: 'critical',
    title: 'SPF allows every sender (+all)',
    description:
      'The policy ends in "+all" (or a bare "all"), or includes a record that does (an include matches when the included record passes, RFC 7208 §5.2): every server on the internet passes SPF for this domain, so anyone can send mail that passes as it.',
  },
  'spf/neutral-all': {
    severity: 'medium',
    title: 'SPF ends in ?all',
    description:
      'The policy ends in "?all": mail from unlisted servers is "neutral", which protects nothing. Use ~all (or -all once every sender is listed).',
  },
  'spf/no-all': {
    severity: 'medium',
    title: 'SPF has no "all" and no redirect',
    description:
      'Without an "all" mechanism or a redirect, mail from unlisted servers gets the default result neutral (RFC 7208 §4.7), which protects nothing.',
  },
  'spf/ptr-mechanism': {
    severity: 'low',
    title: 'Deprecated ptr mechanism',
    description:
      'RFC 7208 §5.5 says "ptr" SHOULD NOT be used: it is slow, unreliable and puts load on the reverse DNS of others. Some receivers ignore it, so the hosts it was meant to authorise may fail SPF.',
  },
  'spf/record-too-long': {
    severity: 'low',
    title: 'SPF record over 450 octets',
    description:
      'RFC 7208 §3.4 advises keeping SPF records small enough that the DNS answer fits in 512 octets; over 450 octets the answer may need TCP, and some receivers fail to fetch it.',
  },
  'spf/ip-not-authorized': {
    severity: 'high',
    title: 'A sending IP is not authorised by SPF',
    description:
      'A sending IP given with --ip does not get "pass" from check_host() (RFC 7208 §4) for MAIL FROM postmaster@<domain>: its mail fails or soft-fails SPF at receivers.',
  },
  'spf/terms-after-all': {
    severity: 'low',
    title: 'Terms after "all"',
    description:
      'Mechanisms follow the "all" mechanism. RFC 7208 §5.1: they are never tested, so the hosts they were meant to authorise fail SPF; they make no DNS lookup and do not count toward the limits (§4.6.4). Move them before "all" or remove them.',
  },
} as const;

type SpfFindingId = keyof typeof FINDINGS;
type SpfCatalog = typeof FINDINGS;

/** The SPF check. */
export const spfCheck = defineCheck({
  id: 'spf',
  title: 'SPF',
  record: { prefix: '', type: 'TXT' },
  description:
    'SPF policy of the domain (RFC 7208): discovery, syntax, the include tree with DNS-lookup and void-lookup counts, loops, the effective all, and whether the given sending IPs pass.',
  findings: FINDINGS,
  async run(ctx, emit) {
    const walk = await walkSpf(ctx.dns, ctx.domain);
    return analyse(ctx, emit, walk);
  },
});

/** Lines of evidence describing the lookup count of each node. */
function lookupEvidence(walk: SpfWalk): string[] {
  const lines: string[] = [];
  const visit = (node: SpfNode, depth: number) => {
    const label = node.via === 'root' ? node.domain : `${node.term}`;
    if (node.via !== 'root' && node.totalLookups === 0) return;
    lines.push(`${'  '.repeat(depth)}${label}: ${node.lookups} lookup${node.lookups === 1 ? '' : 's'} (${node.totalLookups} with its includes)`);
    node.children.forEach((child) => visit(child, depth + 1));
  };
  visit(walk.root, 0);
  return lines;
}

function txt(action: FixRecord['action'], name: string, value: string, current?: string): FixRecord {
  const record: FixRecord = { action, name, type: 'TXT', value };
  if (current !== undefined) record.current = current;
  return record;
}

/** The parent of `target` in the tree. */
function parentOf(root: SpfNode, target: SpfNode): SpfNode | undefined {
  for (const node of allNodes(root)) if (node.children.includes(target)) return node;
  return undefined;
}

/**
 * Whether the policy already authorises every sender we know of (the MX
 * hosts' addresses, the --ip addresses, and the SPF include of every
 * provider recognised from the MX hosts): then "-all" is safe, else "~all".
 */
function coversKnownSenders(walk: SpfWalk, mx: MxLookup, ips: readonly string[]): boolean {
  if (!walk.networks.complete) return false;
  const nets = walk.networksOf(walk.root).list;
  const addresses = [...mx.hosts.flatMap((host) => [...host.ipv4, ...host.ipv6]), ...ips];
  if (addresses.length === 0) return false;
  const covered = addresses.every((text) => {
    const ip = parseIp(text);
    return ip !== null && nets.some((network) => inNetwork(unmapIpv4(ip), network));
  });
  if (!covered) return false;
  const included = new Set(allNodes(walk.root).map((node) => node.domain));
  const providers = recognizeProviders(
    mx.hosts.map((host) => host.exchange),
    [],
  );
  return providers.every((provider) => !provider.spfInclude || included.has(provider.spfInclude));
}

/** Everything the fixes of the domain's own SPF record share: one target. */
interface Composition {
  /** The fix records: the domain's record replaced (or added), others removed, sub-records added. */
  records: FixRecord[];
  /** Every change the records make, with the finding that asks for it. */
  edits: SpfEdit[];
  /** Lookups of the base record (`label` says which: "before", "in the merged record") and of the composed policy; absent for a new record. */
  lookups?: { before: number; after: number; label: string };
  warnings: string[];
}

const LOOKUP_NOTE_FIRST = new Set<string>(['spf/too-many-lookups', 'spf/record-too-long', 'spf/multiple-records']);

/**
 * The fix of one finding among those that replace the domain's SPF record:
 * the records are the composition's (identical for each, so applying one
 * applies all), with the finding's own summary and notes, the lookup count of
 * the composed record, and a note naming what else the record changes.
 */
function composedFix(composition: Composition, id: SpfFindingId, summary: string, notes: readonly string[] = []): Fix {
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

async function analyse(ctx: CheckContext, emit: Emit<SpfCatalog>, walk: SpfWalk) {
  const findings: ReturnType<Emit<SpfCatalog>>[] = [];
  const root = walk.root;
  const domain = ctx.domain;
  const ips = (ctx.options.ips ?? []).filter((ip) => parseIp(ip.trim()) !== null);
  const facts: Record<string, unknown> = {
    record: root.status === 'ok' ? root.record : null,
    records: root.status === 'ok' ? [root.record] : (root.records ?? []),
    tree: root,
    lookups: walk.lookups,
    lookupLimit: LOOKUP_LIMIT,
    voidLookups: walk.voidLookups,
    voidLookupLimit: VOID_LOOKUP_LIMIT,
    all: walk.all?.qualifier ?? null,
    allSource: walk.all?.domain ?? null,
    networks: walk.networks,
  };
  if (walk.macroTargets.length > 0) {
    facts.macroTargets = walk.macroTargets;
    facts.macroNote = 'Targets with macros were checked for syntax but not queried: they depend on the sending IP and sender, so their lookups and networks are not counted.';
  }
  if (walk.dnsErrors.length > 0) facts.dnsErrors = walk.dnsErrors;

  if (root.status === 'dns-error') {
    // A failed lookup says nothing about whether a record exists (never "missing").
    return { findings, facts, inconclusive: `could not read the SPF record: ${root.error}` };
  }

  const mx = await getMxHosts(ctx);
  const mxHosts = mx.hosts.map((host) => host.exchange);
  let inconclusive: string | undefined;
  if (walk.dnsErrors.length > 0) inconclusive = `DNS failed while walking the SPF policy: ${walk.dnsErrors.join('; ')}`;

  // Sending IPs (--ip): check_host() for MAIL FROM postmaster@<domain> against what is published.
  const evaluate = (dns: DnsClient, ip: string) => checkHost(dns, { ip, domain, sender: `postmaster@${domain}`, helo: domain });
  const results = await Promise.all(ips.map(async (ip) => ({ ip, outcome: await evaluate(ctx.dns, ip) })));

  /**
   * The one target for the domain's SPF record (composePolicy): every fix that
   * replaces the record proposes it, so fixes never undo each other.
   */
  let composition: Composition | undefined;
  const compose = async (base: SpfWalk, baseEdits: SpfEdit[], current: readonly string[]): Promise<Composition | undefined> => {
    const policy = await composePolicy({
      domain,
      base,
      baseEdits,
      safeAll: coversKnownSenders(base, mx, ips) ? '-' : '~',
      ips,
      rewalk: (record) => walkSpf(ctx.dns, domain, { record }),
      evaluate: (records, ip) => evaluate(withProposed(ctx.dns, records), ip),
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
  const composes = (id: SpfFindingId) => composition?.edits.some((edit) => edit.id === id) ?? false;

  if (root.status === 'none' || root.status === 'nxdomain') {
    const start = startingRecord({ mxHosts, nullMx: mx.nullMx, ips });
    const edits: SpfEdit[] = [{ id: 'spf/missing', change: 'a new record' }];
    const added = ipTerms(ips);
    if (added.length > 0) edits.push({ id: 'spf/ip-not-authorized', change: `${added.join(' ')} included` });
    composition = { records: [txt('add', domain, start.value)], edits, warnings: [] };
    const notes = ['Add the ip4:/include: terms of every other service that sends mail as this domain (newsletters, CRM, invoicing) before publishing.'];
    if (mx.answer.status !== 'ok' && mx.answer.status !== 'nxdomain' && mx.answer.status !== 'nodata') notes.push(`The MX lookup failed (${mx.answer.status}); the record does not cover the MX hosts.`);
    if (start.providers.length > 0) notes.push(`Recognised from the MX hosts: ${start.providers.map((provider) => provider.name).join(', ')}.`);
    findings.push(
      emit('spf/missing', {
        message: root.status === 'nxdomain' ? `${domain} does not exist, so it publishes no SPF record` : `${domain} publishes no TXT record starting with v=spf1`,
        evidence: [`${domain} TXT: ${root.status === 'nxdomain' ? 'NXDOMAIN' : 'no v=spf1 record'}`],
        fix: composedFix(composition, 'spf/missing', `Publish an SPF record at ${domain}`, notes),
      }),
    );
  } else if (root.status === 'multiple') {
    // The merged record is the base of every change (RFC 7208 §4.5: only one record may exist).
    const records = root.records ?? [];
    const merged = mergeRecords(records.map((text) => repairRecord(text) ?? text));
    const mergedWalk = await walkSpf(ctx.dns, domain, { record: merged });
    facts.merged = { record: merged, lookups: mergedWalk.lookups };
    composition = await compose(mergedWalk, [{ id: 'spf/multiple-records', change: `the ${records.length} records merged into one` }], records);
    const summary = `Replace the ${records.length} SPF records at ${domain} with one`;
    findings.push(
      emit('spf/multiple-records', {
        message: `${domain} publishes ${records.length} SPF records; receivers return permerror`,
        evidence: records.map((text) => `${domain} TXT "${text}"`),
        fix: composition
          ? composedFix(composition, 'spf/multiple-records', summary, [`Merged ${records.length} records into one: ${merged}`])
          : { summary, notes: [`Merge them into one record: every mechanism once, one "all" at the end. The merged text does not parse: ${merged}`] },
      }),
    );
  } else {
    const parsed = walk.parsed!;
    const rootHasErrors = parsed.errors.length > 0;
    const nodes = allNodes(root);
    const repaired = rootHasErrors ? repairRecord(root.record!) : null;
    if (!rootHasErrors) composition = await compose(walk, [], [root.record!]);
    else if (repaired) {
      composition = await compose(await walkSpf(ctx.dns, domain, { record: repaired }), [{ id: 'spf/syntax-error', change: 'the syntax errors corrected' }], [root.record!]);
    }

    // Syntax errors (§4.6: any error is a permerror).
    const withErrors = nodes.filter((node) => node.syntaxErrors && node.syntaxErrors.length > 0);
    if (withErrors.length > 0) {
      const evidence = withErrors.flatMap((node) => node.syntaxErrors!.map((error) => `${node.domain}: ${error}`));
      const first = withErrors[0]!;
      let fix: Fix;
      if (rootHasErrors && composition) {
        fix = composedFix(composition, 'spf/syntax-error', `Correct the SPF record of ${domain}`);
      } else if (rootHasErrors) {
        fix = { summary: `Correct ${evidence.length === 1 ? 'the term' : 'the terms'} named in the evidence in the SPF record of ${domain}` };
      } else {
        fix = {
          summary: `Ask the owner of ${first.domain} to correct its SPF record, or remove ${first.term ?? 'the include'} from the SPF record of ${domain}`,
        };
      }
      findings.push(
        emit('spf/syntax-error', {
          message: `The SPF record of ${first.domain} has ${first.syntaxErrors!.length === 1 ? 'a syntax error' : `${first.syntaxErrors!.length} syntax errors`}: ${first.syntaxErrors![0]}`,
          evidence,
          fix,
        }),
      );
    }

    // Loops (they run into the §4.6.4 lookup limit).
    const loops = nodes.filter((node) => node.status === 'loop');
    if (loops.length > 0) {
      const rootLevel = loops.filter((node) => root.children.includes(node));
      const fix: Fix =
        rootLevel.length > 0 && composition && composes('spf/loop')
          ? composedFix(composition, 'spf/loop', `Remove ${rootLevel.map((node) => node.term).join(', ')} from the SPF record of ${domain}`)
          : { summary: `Break the loop: remove the include or redirect that leads back (${loops[0]!.error})` };
      findings.push(
        emit('spf/loop', {
          message: `The SPF policy loops: ${loops.map((node) => node.error).join('; ')}`,
          evidence: loops.map((node) => `${parentOf(root, node)?.domain ?? domain}: ${node.term} leads back (${node.error})`),
          fix,
        }),
      );
    }

    // Include/redirect targets without a usable record (§5.2, §6.1: permerror).
    const missing = nodes.filter((node) => node.via !== 'root' && (node.status === 'none' || node.status === 'nxdomain' || node.status === 'invalid-target' || node.status === 'multiple'));
    if (missing.length > 0) {
      const describe = (node: SpfNode) =>
        node.status === 'nxdomain'
          ? `${node.domain} does not exist`
          : node.status === 'multiple'
            ? `${node.domain} publishes ${node.records?.length ?? 2} SPF records`
            : node.status === 'invalid-target'
              ? `"${node.domain}" is not a valid domain name`
              : `${node.domain} publishes no SPF record`;
      const rootLevel = missing.filter((node) => root.children.includes(node));
      const fix: Fix =
        rootLevel.length > 0 && composition && composes('spf/include-missing')
          ? composedFix(
              composition,
              'spf/include-missing',
              `Remove ${rootLevel.map((node) => node.term).join(', ')} from the SPF record of ${domain} (or publish the missing record)`,
              ['If the term names a service you use, take the current include from its documentation instead of removing it.'],
            )
          : { summary: `Ask the owner of ${missing[0]!.domain} to publish one SPF record, or stop including it` };
      findings.push(
        emit('spf/include-missing', {
          message: missing.map((node) => `${node.term}: ${describe(node)}`).join('; '),
          evidence: missing.map((node) => `${parentOf(root, node)?.domain ?? domain}: ${node.term} → ${describe(node)}`),
          fix,
        }),
      );
    }

    // Lookup limit (§4.6.4), including the 10-name limit of mx.
    const mxOver = nodes.flatMap((node) =>
      node.terms.filter((info) => (info.mxNames ?? 0) > LOOKUP_LIMIT).map((info) => ({ node, text: `${node.domain}: ${info.term} names ${info.mxNames} MX hosts (limit ${LOOKUP_LIMIT})` })),
    );
    if (walk.lookups > LOOKUP_LIMIT || mxOver.length > 0) {
      // The domain's own record can fix a total over the limit, or its own mx; an include's mx is its owner's.
      const ownProblem = walk.lookups > LOOKUP_LIMIT || mxOver.some(({ node }) => node === root);
      let fix: Fix;
      if (ownProblem && composition) {
        const after = composition.lookups!.after;
        fix = composedFix(
          composition,
          'spf/too-many-lookups',
          after <= LOOKUP_LIMIT
            ? `Replace the SPF record of ${domain} with one that needs ${after} DNS lookups`
            : `Reduce the DNS lookups of the SPF record of ${domain} (${after} remain after flattening)`,
        );
      } else if (ownProblem && rootHasErrors) {
        fix = { summary: `Correct the syntax errors first, then reduce the DNS lookups of ${domain} to at most ${LOOKUP_LIMIT}` };
      } else if (ownProblem) {
        // Nothing can be flattened: exists, macros, ptr or records that could not be read.
        fix = { summary: `Remove or replace the terms that cost DNS lookups in the SPF record of ${domain} until at most ${LOOKUP_LIMIT} remain` };
      } else {
        const owner = mxOver[0]!.node;
        fix = { summary: `Ask the owner of ${owner.domain} to name at most ${LOOKUP_LIMIT} MX hosts in its SPF record, or remove ${owner.term ?? 'the include'} from the SPF record of ${domain}` };
      }
      findings.push(
        emit('spf/too-many-lookups', {
          message:
            walk.lookups > LOOKUP_LIMIT
              ? `The SPF policy of ${domain} needs ${walk.lookups} DNS lookups; the limit is ${LOOKUP_LIMIT}`
              : `${mxOver[0]!.text}`,
          evidence: [...lookupEvidence(walk), ...mxOver.map(({ text }) => text)],
          fix,
        }),
      );
    }

    // Void lookups (§4.6.4).
    if (walk.voidLookups > VOID_LOOKUP_LIMIT) {
      const voids = nodes.flatMap((node) => [...node.terms.filter((info) => info.void).map((info) => ({ node, info }))]);
      const voidTargets = nodes.filter((node) => node.via !== 'root' && node.voidLookups > 0 && node.terms.length === 0);
      const fix: Fix =
        composition && composes('spf/void-lookups')
          ? composedFix(composition, 'spf/void-lookups', `Remove the terms of ${domain} whose names do not resolve`)
          : { summary: 'Remove the terms whose names do not resolve from the records that hold them' };
      findings.push(
        emit('spf/void-lookups', {
          message: `The SPF policy of ${domain} makes ${walk.voidLookups} void DNS lookups; receivers may return permerror after ${VOID_LOOKUP_LIMIT}`,
          evidence: [
            ...voids.map(({ node, info }) => `${node.domain}: ${info.term} resolves to nothing`),
            ...voidTargets.map((node) => `${parentOf(root, node)?.domain ?? domain}: ${node.term} → ${node.domain} does not exist`),
          ],
          fix,
        }),
      );
    }

    // The effective "all" (only meaningful when the record parses).
    if (!rootHasErrors) {
      const chainEnd = redirectChainEnd(root);
      const endParsed = chainEnd ? walk.parsedOf(chainEnd) : undefined;
      const safe: Qualifier = coversKnownSenders(walk, mx, ips) ? '-' : '~';
      const safeNotes = safe === '~' ? ['Move to -all once every service that sends as this domain is listed.'] : [];
      /** The all of the domain's own record is part of the composition; a redirect target's is its owner's record. */
      const allFix = (node: SpfNode, nodeParsed: ParsedRecord, id: SpfFindingId, extraNotes: readonly string[] = []): Fix => {
        const summary = `End the SPF record of ${node.domain} with ${safe}all`;
        if (node === root && composition && composes(id)) return composedFix(composition, id, summary, [...safeNotes, ...extraNotes]);
        const fix: Fix = { summary, records: [txt('replace', node.domain, withAll(nodeParsed, safe), node.record)] };
        const notes = [...safeNotes, ...extraNotes];
        if (node !== root) notes.push(`${node.domain} is the redirect target of ${domain}; its owner must publish this.`);
        if (notes.length > 0) fix.notes = notes;
        return fix;
      };
      const all = walk.all;
      // Included records that pass everyone make their include match everyone (§5.2).
      const open = passEveryoneIncludes(root);
      const openEvidence = open.map((path) => {
        const last = path[path.length - 1]!;
        return `${[domain, ...path.slice(1).map((node) => node.term)].join(' → ')}: ${last.domain} TXT "${last.record}"`;
      });
      if (all && chainEnd && endParsed) {
        const term = findAll(endParsed)!;
        if (all.qualifier === '+') {
          findings.push(
            emit('spf/permissive-all', {
              message: `The SPF record of ${all.domain} ends in "${term.text}": every server passes SPF for ${domain}`,
              evidence: [`${all.domain} TXT "${chainEnd.record}"`, ...openEvidence],
              fix: allFix(chainEnd, endParsed, 'spf/permissive-all', open.length > 0 ? openIncludeNotes(open) : []),
            }),
          );
        } else if (all.qualifier === '?') {
          findings.push(
            emit('spf/neutral-all', {
              message: `The SPF record of ${all.domain} ends in "?all": mail from unlisted servers is neutral`,
              evidence: [`${all.domain} TXT "${chainEnd.record}"`],
              fix: allFix(chainEnd, endParsed, 'spf/neutral-all'),
            }),
          );
        }
      } else if (!all && chainEnd && endParsed && endParsed.errors.length === 0) {
        findings.push(
          emit('spf/no-all', {
            message: `The SPF record of ${chainEnd.domain} has no "all" mechanism and no redirect: unlisted servers get neutral`,
            evidence: [`${chainEnd.domain} TXT "${chainEnd.record}"`],
            fix: allFix(chainEnd, endParsed, 'spf/no-all'),
          }),
        );
      }
      if (open.length > 0 && all?.qualifier !== '+') {
        findings.push(
          emit('spf/permissive-all', {
            message: `The SPF policy of ${domain} includes a record that passes every server (${open
              .map((path) => {
                const end = redirectChainEnd(path[path.length - 1]!);
                return `${path.slice(1).map((node) => node.term).join(' → ')}: ${end?.domain} ends in "${end && findAll(walk.parsedOf(end)!)?.text}"`;
              })
              .join('; ')}): the include matches every IP, so every server passes SPF for ${domain}`,
            evidence: openEvidence,
            fix: openIncludeFix(domain, root, open, composition && composes('spf/permissive-all') ? composition : undefined),
          }),
        );
      }
    }

    // Deprecated ptr (§5.5).
    const ptrs = nodes.flatMap((node) =>
      node.terms.filter((info) => !info.unreachable && /^[+\-~?]?ptr(?::|$)/i.test(info.term)).map((info) => ({ node, info })),
    );
    if (ptrs.length > 0) {
      const rootPtrs = ptrs.filter(({ node }) => node === root);
      const fix: Fix =
        rootPtrs.length > 0 && composition && composes('spf/ptr-mechanism')
          ? composedFix(composition, 'spf/ptr-mechanism', `Remove ptr from the SPF record of ${domain} and list those hosts with ip4:/ip6: or a:`, [
              'Add ip4:/ip6: terms for the hosts ptr was meant to authorise before publishing (or give their addresses with --ip to have them added).',
            ])
          : { summary: `Ask the owner of ${ptrs[0]!.node.domain} to replace ptr with ip4:/ip6: or a: terms` };
      findings.push(
        emit('spf/ptr-mechanism', {
          message: `The SPF policy uses the deprecated ptr mechanism: ${ptrs.map(({ node, info }) => `${info.term} in ${node.domain}`).join(', ')}`,
          evidence: ptrs.map(({ node, info }) => `${node.domain}: ${info.term}`),
          fix,
        }),
      );
    }

    // Mechanisms after "all" are never tested (§5.1).
    const unreachable = nodes.flatMap((node) => node.terms.filter((info) => info.unreachable).map((info) => ({ node, info })));
    if (unreachable.length > 0) {
      const owners = [...new Set(unreachable.map(({ node }) => node.domain))];
      findings.push(
        emit('spf/terms-after-all', {
          message: `The SPF policy has terms after "all" that are never evaluated: ${unreachable.map(({ node, info }) => `${info.term} in ${node.domain}`).join(', ')}`,
          evidence: unreachable.map(({ node, info }) => `${node.domain}: term ${info.index} ${info.term}`),
          fix: {
            summary: owners.includes(domain)
              ? `Move the terms after "all" in the SPF record of ${domain} before it, or remove them`
              : `Ask the owner of ${owners[0]!} to move the terms after "all" before it, or remove them`,
          },
        }),
      );
    }

    // Record length (§3.4).
    const long = nodes.filter((node) => node.record !== undefined && Buffer.byteLength(node.record) > RECORD_OCTET_LIMIT);
    if (long.length > 0) {
      let fix: Fix;
      if (long.includes(root) && composition && Buffer.byteLength(composition.records[0]!.value) <= RECORD_OCTET_LIMIT) {
        const split = composition.records.filter((record) => record.action === 'add').length > 0;
        const length = Buffer.byteLength(composition.records[0]!.value);
        fix = composedFix(
          composition,
          'spf/record-too-long',
          split
            ? `Split the SPF record of ${domain} into records of at most ${RECORD_OCTET_LIMIT} octets`
            : `Replace the SPF record of ${domain} with one of ${length} octets`,
        );
      } else {
        fix = { summary: `Shorten the SPF record of ${long[0]!.domain} to at most ${RECORD_OCTET_LIMIT} octets` };
      }
      findings.push(
        emit('spf/record-too-long', {
          message: long.map((node) => `The SPF record of ${node.domain} is ${Buffer.byteLength(node.record!)} octets`).join('; '),
          evidence: long.map((node) => `${node.domain}: ${Buffer.byteLength(node.record!)} octets`),
          fix,
        }),
      );
    }
  }

  // Sending IPs that do not pass today (RFC 7208 §4).
  if (ips.length > 0) {
    facts.ipResults = results.map(({ ip, outcome }) => ipFact(ip, outcome));
    const temp = results.filter(({ outcome }) => outcome.result === 'temperror');
    if (temp.length > 0) {
      const what = `SPF evaluation for ${temp.map(({ ip }) => ip).join(', ')} ended in temperror (${temp[0]!.outcome.reason})`;
      inconclusive = inconclusive ? `${inconclusive}; ${what}` : what;
    }
    const failing = results.filter(({ outcome }) => outcome.result !== 'pass' && outcome.result !== 'temperror');
    if (failing.length > 0) {
      const failingIps = failing.map(({ ip }) => ip);
      const many = failingIps.length === 1 ? 'the sending IP' : 'the sending IPs';
      let fix: Fix = { summary: `Authorise ${failingIps.join(', ')} in the SPF record of ${domain}` };
      if (composition) {
        fix = composedFix(
          composition,
          'spf/ip-not-authorized',
          composition.records[0]!.action === 'add'
            ? `Publish an SPF record at ${domain} that authorises ${many}`
            : composes('spf/ip-not-authorized')
              ? `Add ${many} to the SPF record of ${domain}`
              : `Publish the corrected SPF record of ${domain}: it passes ${many}`,
        );
      } else if (failing.some(({ outcome }) => outcome.result === 'permerror')) {
        fix.notes = ['The policy is a permerror today: fix the other SPF findings as well, or the IPs still fail.'];
      }
      findings.push(
        emit('spf/ip-not-authorized', {
          message: failing
            .map(({ ip, outcome }) => `${ip}: ${outcome.result}${outcome.mechanism ? ` (${outcome.mechanism})` : outcome.reason ? ` (${outcome.reason})` : ''}`)
            .join('; '),
          evidence: failing.map(({ ip, outcome }) => `check_host(${ip}, ${domain}, postmaster@${domain}) = ${outcome.result}${outcome.explanation ? `: ${outcome.explanation}` : ''}`),
          fix,
        }),
      );
    }
  }

  // The composed record, when some fix proposes it.
  if (composition && composition.lookups && findings.some((finding) => finding.fix?.records && JSON.stringify(finding.fix.records) === JSON.stringify(composition!.records))) {
    facts.proposedLookups = composition.lookups.after;
  }

  const outcome: { findings: typeof findings; facts: Record<string, unknown>; inconclusive?: string } = { findings, facts };
  if (inconclusive) outcome.inconclusive = inconclusive;
  return outcome;
}

/** What an include that passes everyone costs, and who can fix it. */
function openIncludeNotes(open: readonly SpfNode[][]): string[] {
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
function openIncludeFix(domain: string, root: SpfNode, open: readonly SpfNode[][], composition: Composition | undefined): Fix {
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


function ipFact(ip: string, outcome: CheckHostResult): Record<string, unknown> {
  const fact: Record<string, unknown> = { ip, result: outcome.result, lookups: outcome.lookups, voidLookups: outcome.voidLookups };
  if (outcome.mechanism) fact.mechanism = outcome.mechanism;
  if (outcome.mechanismDomain) fact.mechanismDomain = outcome.mechanismDomain;
  if (outcome.explanation) fact.explanation = outcome.explanation;
  if (outcome.reason) fact.reason = outcome.reason;
  return fact;
}
