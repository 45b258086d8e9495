/**
 * The text report of a message audit (pure: result → string). Every string
 * taken from the message or from DNS is escaped before styling: a message is
 * hostile input and must not drive the terminal.
 */
import { profileLine, REQUIREMENT_MARK } from '../report/verdicts.js';
import { terminalText } from '../report/escape.js';
import { fixRecordLines } from '../report/zone.js';
import { createStyle, type Style } from '../report/style.js';
import type { MessageResult } from './schema.js';

/** Outside text for the terminal, escaped by the one escaping module (control and bidi characters shown, not obeyed). */
export const escapeTerminal = terminalText;

const sourceText: Record<string, string> = {
  option: 'given',
  received: 'from the receiver\'s Received field',
  'return-path': 'from Return-Path',
  unknown: 'unknown',
};

function resultPaint(style: Style, result: string): (text: string) => string {
  if (result === 'pass') return style.good;
  if (result === 'fail' || result === 'permerror') return style.bad;
  return style.warning;
}

/** Renders the result for a terminal or a text file. */
export function formatMessageText(result: MessageResult, options: { color?: boolean; verbose?: boolean } = {}): string {
  const style = createStyle(options.color === true);
  const e = escapeTerminal;
  const m = result.message;
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(11)} ${value}`);
  lines.push(style.heading(`Message ${e(result.input === '-' ? 'from stdin' : result.input)}`));
  row('From', m.from ? e(m.from) : style.bad('none'));
  row('MAIL FROM', m.mailFrom === null ? style.warning('unknown (give --mail-from)') : `${m.mailFrom === '' ? '<> (null reverse-path)' : e(m.mailFrom)} (${sourceText[m.mailFromSource]})`);
  row('IP', m.ip === null ? style.warning('unknown (give --ip)') : `${e(m.ip)} (${sourceText[m.ipSource]})`);
  if (m.helo !== null) row('HELO', `${e(m.helo)} (${sourceText[m.heloSource]})`);
  if (m.subject !== null) row('Subject', e(m.subject));
  row('Message-ID', m.messageId !== null ? e(m.messageId) : style.bad('none'));
  row('TLS', m.tls === null ? 'unknown (no receiver Received field)' : m.tls ? `yes${m.tlsVersion ? ` (${e(m.tlsVersion)})` : ''}${m.receivedBy ? `, received by ${e(m.receivedBy)}` : ''}` : style.bad('no'));
  lines.push('');

  const a = result.authentication;
  lines.push(style.heading('Authentication'));
  const auth = (label: string, word: string, detail: string) =>
    lines.push(`  ${label.padEnd(6)} ${resultPaint(style, word)(word.padEnd(11))} ${detail}`);
  auth(
    'SPF',
    a.spf.result,
    a.spf.result === 'needs-input'
      ? e(a.spf.reason ?? '')
      : `${a.spf.identity === 'helo' ? 'HELO ' : ''}${e(a.spf.domain ?? '?')} for ${e(a.spf.ip ?? '?')}${a.spf.mechanism ? ` (${e(a.spf.mechanism)})` : ''}`,
  );
  if (a.dkim.length === 0) auth('DKIM', 'none', 'not signed');
  for (const sig of a.dkim) {
    const parts = [`d=${e(sig.domain)} s=${e(sig.selector)}`, e(sig.algorithm ?? '?')];
    if (sig.bits !== null) parts.push(`${sig.bits} bits`);
    if (sig.aligned !== null) parts.push(sig.aligned ? 'aligned' : 'not aligned');
    if (sig.comment) parts.push(e(sig.comment));
    auth('DKIM', sig.result, parts.join(', '));
    lines.push(`  ${' '.repeat(18)} ${style.dim(`h=${e(sig.headers.join(':'))}${sig.bodyLength !== null ? ` l=${sig.bodyLength}` : ''}`)}`);
  }
  const d = a.dmarc;
  const dmarcDetail =
    d.domain === null
      ? e(d.reason ?? '')
      : `${e(d.domain)}${d.policy ? ` p=${d.policy}` : ''}; alignment SPF ${d.alignment.spf}, DKIM ${d.alignment.dkim}` +
        `${d.disposition ? `; disposition ${d.disposition}` : ''}${d.reason && d.result !== 'pass' ? ` (${e(d.reason)})` : ''}`;
  auth('DMARC', d.result, dmarcDetail);
  auth('ARC', a.arc.result, a.arc.instances > 0 ? `${a.arc.instances} set(s)${a.arc.comment ? `, ${e(a.arc.comment)}` : ''}` : '');
  lines.push('');

  lines.push(style.heading('Requirements'));
  lines.push(
    `  ${Object.entries(result.requirements)
      .map(([name, status]) => `${name} ${resultPaint(style, status)(status)}`)
      .join(' · ')}`,
  );
  lines.push('');

  if (result.profiles && result.profiles.length > 0) {
    lines.push(style.heading('Mailbox providers'));
    for (const profile of result.profiles) {
      const paint = profile.verdict === 'fail' ? style.severity('high') : profile.verdict === 'pass' ? style.good : (text: string) => text;
      lines.push(`  ${paint(profile.verdict === 'fail' ? '✗' : profile.verdict === 'pass' ? '✓' : '?')} ${e(profileLine(profile))}`);
      for (const requirement of profile.requirements) {
        const needs = requirement.needs ? ` — give ${requirement.needs}` : '';
        lines.push(style.dim(`      ${REQUIREMENT_MARK[requirement.status] ?? '?'} ${requirement.id}: ${requirement.status}, ${e(requirement.summary)}${needs}`));
      }
    }
    lines.push('');
  }

  if (result.findings.length === 0) {
    lines.push(style.good('No findings.'));
  } else {
    lines.push(style.heading('Findings'));
    for (const finding of result.findings) {
      lines.push(`  ${style.severity(finding.severity)(finding.severity.toUpperCase().padEnd(8))} ${style.code(finding.id)}`);
      lines.push(`    ${e(finding.message)}`);
      if (options.verbose) for (const evidence of finding.evidence) lines.push(`    ${style.dim(`· ${e(evidence)}`)}`);
      for (const related of finding.related ?? []) {
        lines.push(`    DNS: ${related.findingId ? style.code(related.findingId) : `${related.checkId} check`} at ${e(related.domain)}`);
      }
      if (finding.fix) {
        lines.push(`    Fix: ${e(finding.fix.summary)}`);
        for (const record of finding.fix.records ?? []) for (const line of fixRecordLines(record)) lines.push(`      ${e(line)}`);
        if (options.verbose) for (const note of finding.fix.notes ?? []) lines.push(`    Note: ${e(note)}`);
      }
    }
  }
  lines.push('');
  const dnsFindings = result.dns.domains.flatMap((entry) =>
    entry.checks.flatMap((check) => check.findings.map((finding) => ({ domain: entry.domain, id: finding.id, severity: finding.severity }))),
  );
  const errored = result.dns.domains.flatMap((entry) => entry.checks.filter((check) => check.status === 'error').map((check) => `${check.id} at ${entry.domain}`));
  lines.push(
    `DNS: ${result.dns.domains.map((entry) => `${e(entry.domain)} (${entry.roles.join(', ')})`).join(', ') || 'no domain'}; ` +
      `${dnsFindings.length} finding(s)${errored.length > 0 ? `; inconclusive: ${e(errored.join(', '))}` : ''}. Run mailcheck <domain> for the full domain audit.`,
  );
  if (options.verbose) for (const item of dnsFindings) lines.push(`  ${item.severity.padEnd(8)} ${item.id} (${e(item.domain)})`);
  const score = result.score;
  lines.push(`Score ${score.value}/100 (${score.grade})${score.complete ? '' : ', incomplete: a DNS lookup failed'}`);
  return `${lines.join('\n')}\n`;
}
