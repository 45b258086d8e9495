/**
 * `mailcheck spf <domain>`: without an IP, the SPF include tree with the DNS
 * lookups of every record and in total, void lookups, the effective "all",
 * the authorised networks and the spf check's findings with their fixes.
 * With an IP, check_host() (RFC 7208 §4) for that client: the result, the
 * mechanism that matched, the exp= explanation on fail, and the trace.
 *
 * Exit codes: with an IP, 0 pass, 1 any other result, 3 temperror; without,
 * 0 when no finding is high or critical, 1 when one is, 3 when DNS failed;
 * 2 for usage errors (a bad IP; without an IP, a bad domain). With an IP a
 * malformed domain, sender or HELO is evaluated as RFC 7208 §4.3 says ("none").
 */
import { createSharedMemo, type CheckContext } from '../context.js';
import type { DnsClient } from '../dns/types.js';
import { createNetClient } from '../net/client.js';
import type { CheckResult } from '../schema/report.js';
import { SPF_EXIT, spfEvaluationExitCode, spfTreeExitCode } from '../exit-code.js';
import { createStyle, type Style } from '../report/style.js';
import { fixRecordLines } from '../report/zone.js';
import { safeStrings } from '../report/escape.js';
import { runCheck } from '../run-check.js';
import { spfCheck } from '../checks/spf/index.js';
import type { CheckDefinition } from '../checks/define.js';
import { checkHost, isValidDomain, type CheckHostResult } from '../spf/evaluate.js';
import { parseIp } from '../spf/ip.js';
import type { SpfNode } from '../spf/walk.js';

export interface SpfCommandInput {
  domain: string;
  /** Client IP to evaluate check_host() for; without it the include tree is printed. */
  ip?: string;
  sender?: string;
  helo?: string;
  format: 'text' | 'json';
  color: boolean;
}

export async function spfCommand(input: SpfCommandInput, dns: DnsClient): Promise<{ output: string; exitCode: number }> {
  const domain = input.domain.trim().toLowerCase().replace(/\.$/, '');
  const usage = (message: string) => ({
    output: input.format === 'json' ? `${JSON.stringify({ error: message }, null, 2)}\n` : `error: ${message}\n`,
    exitCode: SPF_EXIT.usage,
  });
  if (input.ip !== undefined) {
    if (!parseIp(input.ip.trim())) return usage(`"${input.ip}" is not an IPv4 or IPv6 address`);
    // RFC 7208 §4.3: malformed identities are evaluated (check_host() returns "none"), not refused.
    return evaluate(input, domain, dns);
  }
  if (!isValidDomain(domain)) return usage(`"${input.domain}" is not a valid domain name`);
  return tree(input, domain, dns);
}

async function evaluate(input: SpfCommandInput, domain: string, dns: DnsClient): Promise<{ output: string; exitCode: number }> {
  const ip = input.ip!.trim();
  const sender = input.sender && input.sender !== '' ? input.sender : `postmaster@${domain}`;
  const helo = input.helo ?? domain;
  const outcome = await checkHost(dns, { ip, domain, sender, helo });
  const exitCode = spfEvaluationExitCode(outcome.result);
  if (input.format === 'json') {
    return { output: `${JSON.stringify({ domain, ip, sender, helo, ...outcome }, null, 2)}\n`, exitCode };
  }
  return { output: renderEvaluation(outcome, { domain, ip, sender, helo }, createStyle(input.color)), exitCode };
}

function resultPaint(style: Style, result: CheckHostResult['result']): (text: string) => string {
  if (result === 'pass') return style.good;
  if (result === 'fail' || result === 'permerror') return style.bad;
  return style.warning;
}

/** Text output of one check_host() evaluation. */
export function renderEvaluation(
  outcome: CheckHostResult,
  call: { domain: string; ip: string; sender: string; helo: string },
  style: Style,
): string {
  // Records, explanations and identities come from outside: shown, never obeyed by the terminal.
  outcome = safeStrings(outcome);
  call = safeStrings(call);
  const lines: string[] = [];
  lines.push(style.heading(`SPF check_host() for ${call.domain}`));
  lines.push(`  client IP  ${call.ip}`);
  lines.push(`  MAIL FROM  ${call.sender}`);
  lines.push(`  HELO       ${call.helo}`);
  lines.push('');
  lines.push(`Result: ${resultPaint(style, outcome.result)(style.bold(outcome.result))}`);
  if (outcome.mechanism) lines.push(`Matched: ${style.code(outcome.mechanism)} in ${outcome.mechanismDomain ?? call.domain}`);
  if (outcome.path.length > 1) lines.push(`Path: ${outcome.path.map((step) => `${step.term} (${step.domain})`).join(' → ')}`);
  if (outcome.explanation !== undefined) lines.push(`Explanation: ${outcome.explanation}`);
  if (outcome.reason && !outcome.mechanism) lines.push(`Reason: ${outcome.reason}`);
  lines.push(`DNS lookups: ${outcome.lookups} of 10 allowed; void lookups: ${outcome.voidLookups} of 2 allowed`);
  lines.push('');
  lines.push(style.heading('Trace'));
  for (const entry of outcome.trace) {
    const indent = '  '.repeat(entry.depth + 1);
    const label = entry.step.padEnd(11);
    lines.push(`${indent}${style.dim(label)} ${entry.step === 'record' ? style.code(entry.detail) : entry.detail}`);
  }
  return `${lines.join('\n')}\n`;
}

async function tree(input: SpfCommandInput, domain: string, dns: DnsClient): Promise<{ output: string; exitCode: number }> {
  const ctx: CheckContext = { domain, options: {}, dns, net: createNetClient(dns, { offline: true }), shared: createSharedMemo() };
  const result = await runCheck(spfCheck as unknown as CheckDefinition, ctx);
  const exitCode = spfTreeExitCode(result.status);
  if (input.format === 'json') {
    const { tree: rootNode, ...facts } = result.facts;
    const json: Record<string, unknown> = { domain, status: result.status, ...facts, tree: rootNode, findings: result.findings };
    if (result.error) json.error = result.error;
    return { output: `${JSON.stringify(json, null, 2)}\n`, exitCode };
  }
  return { output: renderTree(result, domain, createStyle(input.color)), exitCode };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The header text of one node. */
function nodeLabel(node: SpfNode, style: Style): string {
  const name = node.via === 'root' ? style.bold(node.domain) : style.code(node.term ?? node.domain);
  switch (node.status) {
    case 'ok': {
      const counts =
        node.totalLookups !== node.lookups || node.via === 'root'
          ? `${plural(node.lookups, 'lookup')} here, ${node.totalLookups} in total`
          : `${plural(node.lookups, 'lookup')} here`;
      const voids = node.totalVoidLookups > 0 ? `, ${plural(node.totalVoidLookups, 'void lookup')}` : '';
      return `${name} — ${counts}${voids}`;
    }
    case 'none':
      return `${name} — ${style.bad(`${node.domain} publishes no SPF record`)}`;
    case 'nxdomain':
      return `${name} — ${style.bad(`${node.domain} does not exist (void lookup)`)}`;
    case 'multiple':
      return `${name} — ${style.bad(`${node.domain} publishes ${node.records?.length ?? 2} SPF records`)}`;
    case 'dns-error':
      return `${name} — ${style.warning(node.error ?? 'DNS failure')}`;
    case 'loop':
      return `${name} — ${style.bad(`loop: ${node.error}`)}`;
    case 'macro':
      return `${name} — macro target, not queried`;
    case 'invalid-target':
      return `${name} — ${style.bad(node.error ?? 'not a valid domain name')}`;
    case 'truncated':
      return `${name} — ${style.dim(node.error ?? 'not walked')}`;
  }
}

/** Syntax errors of one record shown one by one in the tree; the rest are counted. */
export const MAX_SYNTAX_ERROR_LINES = 10;

/** Renders a node and its lookup terms and children with tree branches. */
function renderNode(node: SpfNode, prefix: string, isRoot: boolean, last: boolean, style: Style, out: string[]): void {
  const branch = isRoot ? '' : last ? '└─ ' : '├─ ';
  out.push(`${prefix}${branch}${nodeLabel(node, style)}`);
  const inner = isRoot ? prefix : `${prefix}${last ? '   ' : '│  '}`;
  const entries: Array<{ kind: 'term'; text: string } | { kind: 'node'; node: SpfNode }> = [];
  for (const info of node.terms) {
    const child = node.children.find((candidate) => candidate.termIndex === info.index);
    if (child) {
      entries.push({ kind: 'node', node: child });
      continue;
    }
    if (info.lookups === 0 && !info.ignored) continue;
    const parts: string[] = [info.ignored ? 'ignored (the record has "all")' : plural(info.lookups, 'lookup')];
    if (info.mxNames !== undefined) parts.push(`${plural(info.mxNames, 'MX host')}${info.mxNames > 10 ? style.bad(' (limit 10)') : ''}`);
    if (info.void) parts.push(style.bad('void lookup'));
    if (info.macro) parts.push('macro target, not queried');
    if (info.dnsError) parts.push(style.warning(info.dnsError));
    const networks = info.networks && info.networks.length > 0 ? ` → ${info.networks.join(', ')}` : '';
    entries.push({ kind: 'term', text: `${style.code(info.term)} — ${parts.join(', ')}${networks}` });
  }
  const records = node.record !== undefined ? [node.record] : (node.records ?? []);
  for (const record of records) out.push(`${inner}${entries.length > 0 ? '│  ' : '   '}${style.dim(record)}`);
  // A record of thousands of broken terms gives the first ones and a count, not a line each.
  const errors = node.syntaxErrors ?? [];
  for (const error of errors.slice(0, MAX_SYNTAX_ERROR_LINES)) out.push(`${inner}${entries.length > 0 ? '│  ' : '   '}${style.bad(`syntax error: ${error}`)}`);
  if (errors.length > MAX_SYNTAX_ERROR_LINES) {
    out.push(`${inner}${entries.length > 0 ? '│  ' : '   '}${style.bad(`… and ${errors.length - MAX_SYNTAX_ERROR_LINES} more syntax errors`)}`);
  }
  entries.forEach((entry, index) => {
    const isLast = index === entries.length - 1;
    if (entry.kind === 'node') renderNode(entry.node, inner, false, isLast, style, out);
    else out.push(`${inner}${isLast ? '└─ ' : '├─ '}${entry.text}`);
  });
}

/** Text output of the tree, the counts and the findings. */
export function renderTree(rawResult: CheckResult, domain: string, style: Style): string {
  const result = safeStrings(rawResult);
  const facts = result.facts as {
    tree?: SpfNode;
    lookups?: number;
    voidLookups?: number;
    all?: string | null;
    allSource?: string | null;
    networks?: { ip4: string[]; ip6: string[]; complete: boolean };
    macroTargets?: string[];
  };
  const lines: string[] = [style.heading(`SPF policy of ${domain}`), ''];
  if (facts.tree) renderNode(facts.tree, '', true, true, style, lines);
  lines.push('');
  if (facts.tree?.status === 'ok') {
    const lookups = facts.lookups ?? 0;
    const voids = facts.voidLookups ?? 0;
    lines.push(`DNS lookups: ${(lookups > 10 ? style.bad : style.good)(String(lookups))} of 10 allowed (RFC 7208 §4.6.4)`);
    lines.push(`Void lookups: ${(voids > 2 ? style.bad : style.good)(String(voids))} of 2 allowed`);
    lines.push(`Effective all: ${facts.all === null || facts.all === undefined ? 'none (the default result is neutral)' : `${facts.all === '+' ? '+' : facts.all}all${facts.allSource && facts.allSource !== domain ? ` (from ${facts.allSource})` : ''}`}`);
    if (facts.networks) {
      const all = [...facts.networks.ip4, ...facts.networks.ip6];
      const note = facts.networks.complete ? '' : ' (not all knowable: ptr, exists, macros or unreadable records)';
      lines.push(`Authorised networks${note}: ${all.length > 0 ? all.join(', ') : 'none'}`);
    }
    if (facts.macroTargets && facts.macroTargets.length > 0) {
      lines.push(`Macro targets (checked for syntax, not queried): ${facts.macroTargets.join('; ')}`);
    }
    lines.push('');
  }
  if (result.error) lines.push(`${style.status('error')('Inconclusive')}: ${result.error}`, '');
  if (result.findings.length === 0) {
    lines.push(result.error ? 'No findings.' : style.good('No SPF findings.'));
  } else {
    lines.push(style.heading('Findings'));
    for (const finding of result.findings) {
      lines.push(`  ${style.severity(finding.severity)(finding.severity.toUpperCase().padEnd(8))} ${style.code(finding.id)}`);
      lines.push(`    ${finding.message}`);
      for (const evidence of finding.evidence) lines.push(`    ${style.dim(`· ${evidence}`)}`);
      if (finding.fix) {
        lines.push(`    Fix: ${finding.fix.summary}`);
        for (const record of finding.fix.records ?? []) for (const line of fixRecordLines(record)) lines.push(`      ${line}`);
        for (const note of finding.fix.notes ?? []) lines.push(`    Note: ${note}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
