/**
 * The spf check's judgement (pure): discovery (RFC 7208 §4.5), syntax
 * (§4.6), loops, include targets (§5.2, §6.1), the lookup limits (§4.6.4),
 * the effective all, ptr (§5.5), terms after all (§5.1), record length
 * (§3.4) and the sending IPs' results (§4). The fixes that replace the
 * domain's own record share one composed target: the judge builds it for a
 * new record; for a published one it needs DNS, so propose (./propose.ts)
 * composes it and judges again with it.
 */
import type { Finding, Fix } from '../../schema/report.js';
import type { Emit, Judgement } from '../define.js';
import { LOOKUP_LIMIT, RECORD_OCTET_LIMIT, VOID_LOOKUP_LIMIT, ipTerms, redirectChainEnd, startingRecord, withAll, type SpfEdit } from '../../spf/fix.js';
import { findAll, parseRecord, type ParsedRecord, type Qualifier } from '../../spf/parse.js';
import { allNodes, passEveryoneIncludes, type SpfNode } from '../../spf/walk.js';
import { targetState, type SpfCatalog, type SpfFindingId } from './findings.js';
import type { SpfFacts } from './facts.js';
import { composedFix, lookupEvidence, openIncludeFix, openIncludeNotes, parentOf, txt, type Composition } from './fixes.js';

/** The parsed record of a walked node (the walk parsed the same text). */
const parsedOf = (node: SpfNode): ParsedRecord | undefined => (node.status === 'ok' && node.record !== undefined ? parseRecord(node.record) : undefined);

/** The record's octets (RFC 7208 §3.4 counts octets, not characters). */
const octets = (text: string) => new TextEncoder().encode(text).length;

export function judgeSpf(facts: SpfFacts, emit: Emit<SpfCatalog>): Judgement {
  return judgeWith(facts, emit, undefined);
}

/** The judgement, with the composed target of the domain's own record when propose has made one. */
export function judgeWith(facts: SpfFacts, emit: Emit<SpfCatalog>, composed: Composition | undefined): Judgement {
  const findings: Finding[] = [];
  const root = facts.tree;
  const domain = facts.domain;

  if (root.status === 'dns-error' || facts.mx === null) {
    // A failed lookup says nothing about whether a record exists (never "missing").
    return { findings, inconclusive: `could not read the SPF record: ${root.error}` };
  }
  const mx = facts.mx;
  const ips = facts.ipResults.map((result) => result.ip);
  let inconclusive: string | undefined;
  if (facts.dnsErrors.length > 0) inconclusive = `DNS failed while walking the SPF policy: ${facts.dnsErrors.join('; ')}`;

  let composition = composed;
  const composes = (id: SpfFindingId) => composition?.edits.some((edit) => edit.id === id) ?? false;

  if (root.status === 'none' || root.status === 'nxdomain') {
    const start = startingRecord({ mxHosts: mx.hosts, nullMx: mx.nullMx, ips });
    const edits: SpfEdit[] = [{ id: 'spf/missing', change: 'a new record' }];
    const added = ipTerms(ips);
    if (added.length > 0) edits.push({ id: 'spf/ip-not-authorized', change: `${added.join(' ')} included` });
    composition = { records: [txt('add', domain, start.value)], edits, warnings: [] };
    const notes = ['Add the ip4:/include: terms of every other service that sends mail as this domain (newsletters, CRM, invoicing) before publishing.'];
    if (mx.status !== 'ok' && mx.status !== 'nxdomain' && mx.status !== 'nodata') notes.push(`The MX lookup failed (${mx.status}); the record does not cover the MX hosts.`);
    if (start.providers.length > 0) notes.push(`Recognised from the MX hosts: ${start.providers.map((provider) => provider.name).join(', ')}.`);
    findings.push(
      emit('spf/missing', {
        data: { domain, nxdomain: root.status === 'nxdomain' },
        evidence: [`${domain} TXT: ${root.status === 'nxdomain' ? 'NXDOMAIN' : 'no v=spf1 record'}`],
        fix: composedFix(composition, 'spf/missing', `Publish an SPF record at ${domain}`, notes),
      }),
    );
  } else if (root.status === 'multiple') {
    const records = root.records ?? [];
    const merged = facts.merged?.record ?? '';
    const summary = `Replace the ${records.length} SPF records at ${domain} with one`;
    findings.push(
      emit('spf/multiple-records', {
        data: { domain, count: records.length },
        evidence: records.map((text) => `${domain} TXT "${text}"`),
        fix: composition
          ? composedFix(composition, 'spf/multiple-records', summary, [`Merged ${records.length} records into one: ${merged}`])
          : { summary, notes: [`Merge them into one record: every mechanism once, one "all" at the end. The merged text does not parse: ${merged}`] },
      }),
    );
  } else {
    judgePublished(facts, emit, composition, findings);
  }

  // Sending IPs that do not pass today (RFC 7208 §4).
  if (ips.length > 0) {
    const temp = facts.ipResults.filter((outcome) => outcome.result === 'temperror');
    if (temp.length > 0) {
      const what = `SPF evaluation for ${temp.map(({ ip }) => ip).join(', ')} ended in temperror (${temp[0]!.reason})`;
      inconclusive = inconclusive ? `${inconclusive}; ${what}` : what;
    }
    const failing = facts.ipResults.filter((outcome) => outcome.result !== 'pass' && outcome.result !== 'temperror');
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
      } else if (failing.some((outcome) => outcome.result === 'permerror')) {
        fix.notes = ['The policy is a permerror today: fix the other SPF findings as well, or the IPs still fail.'];
      }
      findings.push(
        emit('spf/ip-not-authorized', {
          data: { ips: failingIps, results: failing.map((outcome) => outcome.result), details: failing.map((outcome) => outcome.mechanism || outcome.reason || '') },
          evidence: failing.map((outcome) => `check_host(${outcome.ip}, ${domain}, postmaster@${domain}) = ${outcome.result}${outcome.explanation ? `: ${outcome.explanation}` : ''}`),
          fix,
        }),
      );
    }
  }

  return inconclusive ? { findings, inconclusive } : { findings };
}

/** The findings of a published record (one SPF record at the domain). */
function judgePublished(facts: SpfFacts, emit: Emit<SpfCatalog>, composition: Composition | undefined, findings: Finding[]): void {
  const root = facts.tree;
  const domain = facts.domain;
  const composes = (id: SpfFindingId) => composition?.edits.some((edit) => edit.id === id) ?? false;
  const parsed = parsedOf(root)!;
  const rootHasErrors = parsed.errors.length > 0;
  const nodes = allNodes(root);

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
      fix = { summary: `Ask the owner of ${first.domain} to correct its SPF record, or remove ${first.term ?? 'the include'} from the SPF record of ${domain}` };
    }
    findings.push(emit('spf/syntax-error', { data: { domain: first.domain, count: first.syntaxErrors!.length, first: first.syntaxErrors![0]! }, evidence, fix }));
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
        data: { loops: loops.map((node) => `${node.error}`) },
        evidence: loops.map((node) => `${parentOf(root, node)?.domain ?? domain}: ${node.term} leads back (${node.error})`),
        fix,
      }),
    );
  }

  // Include/redirect targets without a usable record (§5.2, §6.1: permerror).
  const missing = nodes.filter((node) => node.via !== 'root' && (node.status === 'none' || node.status === 'nxdomain' || node.status === 'invalid-target' || node.status === 'multiple'));
  if (missing.length > 0) {
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
    const recordCount = (node: SpfNode) => String(node.records?.length ?? 2);
    findings.push(
      emit('spf/include-missing', {
        data: {
          terms: missing.map((node) => `${node.term}`),
          targets: missing.map((node) => node.domain),
          states: missing.map((node) => node.status),
          recordCounts: missing.map(recordCount),
        },
        evidence: missing.map((node) => `${parentOf(root, node)?.domain ?? domain}: ${node.term} → ${targetState(node.domain, node.status, recordCount(node))}`),
        fix,
      }),
    );
  }

  // Lookup limit (§4.6.4), including the 10-name limit of mx.
  const mxOver = nodes.flatMap((node) =>
    node.terms.filter((info) => (info.mxNames ?? 0) > LOOKUP_LIMIT).map((info) => ({ node, info, text: `${node.domain}: ${info.term} names ${info.mxNames} MX hosts (limit ${LOOKUP_LIMIT})` })),
  );
  if (facts.lookups > LOOKUP_LIMIT || mxOver.length > 0) {
    // The domain's own record can fix a total over the limit, or its own mx; an include's mx is its owner's.
    const ownProblem = facts.lookups > LOOKUP_LIMIT || mxOver.some(({ node }) => node === root);
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
    const over = mxOver[0];
    findings.push(
      emit('spf/too-many-lookups', {
        data: { domain, lookups: facts.lookups, limit: LOOKUP_LIMIT, mxDomain: over?.node.domain ?? null, mxTerm: over?.info.term ?? null, mxNames: over?.info.mxNames ?? null },
        evidence: [...lookupEvidence(root), ...mxOver.map(({ text }) => text)],
        fix,
      }),
    );
  }

  // Void lookups (§4.6.4).
  if (facts.voidLookups > VOID_LOOKUP_LIMIT) {
    const voids = nodes.flatMap((node) => [...node.terms.filter((info) => info.void).map((info) => ({ node, info }))]);
    const voidTargets = nodes.filter((node) => node.via !== 'root' && node.voidLookups > 0 && node.terms.length === 0);
    const fix: Fix =
      composition && composes('spf/void-lookups')
        ? composedFix(composition, 'spf/void-lookups', `Remove the terms of ${domain} whose names do not resolve`)
        : { summary: 'Remove the terms whose names do not resolve from the records that hold them' };
    findings.push(
      emit('spf/void-lookups', {
        data: { domain, voidLookups: facts.voidLookups, limit: VOID_LOOKUP_LIMIT },
        evidence: [
          ...voids.map(({ node, info }) => `${node.domain}: ${info.term} resolves to nothing`),
          ...voidTargets.map((node) => `${parentOf(root, node)?.domain ?? domain}: ${node.term} → ${node.domain} does not exist`),
        ],
        fix,
      }),
    );
  }

  // The effective "all" (only meaningful when the record parses).
  if (!rootHasErrors) judgeAll(facts, emit, composition, findings);

  // Deprecated ptr (§5.5).
  const ptrs = nodes.flatMap((node) => node.terms.filter((info) => !info.unreachable && /^[+\-~?]?ptr(?::|$)/i.test(info.term)).map((info) => ({ node, info })));
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
        data: { terms: ptrs.map(({ info }) => info.term), domains: ptrs.map(({ node }) => node.domain) },
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
        data: { terms: unreachable.map(({ info }) => info.term), domains: unreachable.map(({ node }) => node.domain) },
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
  const long = nodes.filter((node) => node.record !== undefined && octets(node.record) > RECORD_OCTET_LIMIT);
  if (long.length > 0) {
    let fix: Fix;
    if (long.includes(root) && composition && octets(composition.records[0]!.value) <= RECORD_OCTET_LIMIT) {
      const split = composition.records.filter((record) => record.action === 'add').length > 0;
      const length = octets(composition.records[0]!.value);
      fix = composedFix(
        composition,
        'spf/record-too-long',
        split ? `Split the SPF record of ${domain} into records of at most ${RECORD_OCTET_LIMIT} octets` : `Replace the SPF record of ${domain} with one of ${length} octets`,
      );
    } else {
      fix = { summary: `Shorten the SPF record of ${long[0]!.domain} to at most ${RECORD_OCTET_LIMIT} octets` };
    }
    findings.push(
      emit('spf/record-too-long', {
        data: { domains: long.map((node) => node.domain), octets: long.map((node) => String(octets(node.record!))) },
        evidence: long.map((node) => `${node.domain}: ${octets(node.record!)} octets`),
        fix,
      }),
    );
  }
}

/** The effective all (+all, ?all, none) and the includes that pass everyone (§5.2). */
function judgeAll(facts: SpfFacts, emit: Emit<SpfCatalog>, composition: Composition | undefined, findings: Finding[]): void {
  const root = facts.tree;
  const domain = facts.domain;
  const composes = (id: SpfFindingId) => composition?.edits.some((edit) => edit.id === id) ?? false;
  const chainEnd = redirectChainEnd(root);
  const endParsed = chainEnd ? parsedOf(chainEnd) : undefined;
  const safe: Qualifier = facts.knownSendersCovered ? '-' : '~';
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
  const all = facts.all !== null && facts.allSource !== null ? { qualifier: facts.all, domain: facts.allSource } : null;
  // Included records that pass everyone make their include match everyone (§5.2).
  const open = passEveryoneIncludes(root);
  const openEvidence = open.map((path) => {
    const last = path[path.length - 1]!;
    return `${[domain, ...path.slice(1).map((node) => node.term)].join(' → ')}: ${last.domain} TXT "${last.record}"`;
  });
  const noData = { paths: [], ends: [], endTerms: [] };
  if (all && chainEnd && endParsed) {
    const term = findAll(endParsed)!;
    if (all.qualifier === '+') {
      findings.push(
        emit('spf/permissive-all', {
          data: { domain, via: 'record', allDomain: all.domain, allTerm: term.text, ...noData },
          evidence: [`${all.domain} TXT "${chainEnd.record}"`, ...openEvidence],
          fix: allFix(chainEnd, endParsed, 'spf/permissive-all', open.length > 0 ? openIncludeNotes(open) : []),
        }),
      );
    } else if (all.qualifier === '?') {
      findings.push(
        emit('spf/neutral-all', {
          data: { allDomain: all.domain },
          evidence: [`${all.domain} TXT "${chainEnd.record}"`],
          fix: allFix(chainEnd, endParsed, 'spf/neutral-all'),
        }),
      );
    }
  } else if (!all && chainEnd && endParsed && endParsed.errors.length === 0) {
    findings.push(
      emit('spf/no-all', {
        data: { recordDomain: chainEnd.domain },
        evidence: [`${chainEnd.domain} TXT "${chainEnd.record}"`],
        fix: allFix(chainEnd, endParsed, 'spf/no-all'),
      }),
    );
  }
  if (open.length > 0 && all?.qualifier !== '+') {
    const ends = open.map((path) => redirectChainEnd(path[path.length - 1]!));
    findings.push(
      emit('spf/permissive-all', {
        data: {
          domain,
          via: 'include',
          allDomain: null,
          allTerm: null,
          paths: open.map((path) => path.slice(1).map((node) => node.term).join(' → ')),
          ends: ends.map((end) => `${end?.domain}`),
          endTerms: ends.map((end) => `${end && findAll(parsedOf(end)!)?.text}`),
        },
        evidence: openEvidence,
        fix: openIncludeFix(domain, root, open, composition && composes('spf/permissive-all') ? composition : undefined),
      }),
    );
  }
}
