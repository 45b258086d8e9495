/**
 * Renderers of `mailcheck bounces` rows and summary (pure: data → string).
 * Every string from a message is escaped for the terminal.
 */
import { terminalText as escapeTerminal } from '../report/escape.js';
import type { Style } from '../report/style.js';
import { csvRecord } from '../list/records.js';
import { fixRecordLines } from '../report/zone.js';
import type { BounceRow, BouncesResult } from './schema.js';

const CSV_COLUMNS = ['file', 'recipient', 'action', 'status', 'reply', 'reason', 'hard', 'sender_side', 'remote_mta', 'diagnostic', 'finding_id'] as const;

export function bounceCsvHeader(): string {
  return csvRecord([...CSV_COLUMNS]);
}

export function bounceCsvRow(row: BounceRow): string {
  return csvRecord([
    row.file, row.recipient, row.action, row.status ?? '', row.reply === null ? '' : String(row.reply), row.reason,
    String(row.hard), String(row.senderSide), row.remoteMta ?? '', row.diagnostic ?? '', row.findingId ?? '',
  ]);
}

/** Shortens a diagnostic for one text line. */
function shorten(text: string, length = 100): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** One recipient as text: kind, reason, address, code, and the diagnostic on the next line. */
export function bounceTextRow(row: BounceRow, style: Style): string {
  const kind = row.hard ? style.bad('HARD') : row.senderSide ? style.warning('SENDER') : style.dim('soft');
  const code = [row.reply, row.status].filter((part) => part !== null).join(' ');
  const lines = [`${kind.padEnd(6)} ${style.bold(row.reason.padEnd(15))} ${escapeTerminal(row.recipient)}${code ? `  ${code}` : ''}`];
  if (row.diagnostic) lines.push(`       ${style.dim(escapeTerminal(shorten(row.diagnostic)))}`);
  if (row.findingId) lines.push(`       fix: ${style.code(row.findingId)} (mailcheck ${escapeTerminal(row.sendingDomain ?? '<domain>')})`);
  return `${lines.join('\n')}\n`;
}

/** The summary: messages, reasons (hard/soft), top receiving domains, sender-side issues and their fixes. */
export function bouncesTextSummary(result: Omit<BouncesResult, 'bounces'>, style: Style): string {
  const { messages, summary } = result;
  const lines = ['', style.heading('Messages')];
  lines.push(
    `  ${messages.total} read: ${messages.bounces} bounces, ${messages.delivered} delivery reports, ${messages.autoReplies} auto-replies, ${messages.feedback} complaints, ${messages.other} other`,
  );
  lines.push(`  ${summary.recipients} recipients bounced: ${style.bad(String(summary.hard))} hard, ${summary.soft} soft`);
  const reasons = Object.entries(summary.reasons).sort((a, b) => b[1].hard + b[1].soft - (a[1].hard + a[1].soft));
  if (reasons.length > 0) {
    lines.push('', style.heading('Reasons'), '  reason           hard   soft');
    for (const [reason, counts] of reasons) lines.push(`  ${reason.padEnd(15)} ${String(counts.hard).padStart(5)}  ${String(counts.soft).padStart(5)}`);
  }
  const domains = Object.entries(summary.receivingDomains).sort((a, b) => b[1].hard + b[1].soft - (a[1].hard + a[1].soft));
  if (domains.length > 0) {
    lines.push('', style.heading(`Receiving domains${domains.length > 10 ? ' (top 10)' : ''}`), '  domain                         hard   soft');
    for (const [domain, counts] of domains.slice(0, 10)) {
      lines.push(`  ${escapeTerminal(domain).padEnd(30)} ${String(counts.hard).padStart(5)}  ${String(counts.soft).padStart(5)}`);
    }
  }
  if (result.senders.length > 0) {
    lines.push('', style.heading('Sender-side problems (fix these; do not suppress the addresses)'));
    for (const issue of result.senders) {
      const reasonList = Object.entries(issue.reasons).map(([reason, count]) => `${reason} ×${count}`).join(', ');
      lines.push(`  ${style.bold(escapeTerminal(issue.sendingDomain))}${issue.ips.length > 0 ? ` from ${issue.ips.map(escapeTerminal).join(', ')}` : ''}: ${reasonList}`);
      if (issue.findingIds.length > 0) lines.push(`    findings to look at: ${issue.findingIds.map((id) => style.code(id)).join(', ')}`);
      if (issue.checks.length > 0 && !issue.audit) {
        const ipFlags = issue.ips.map((ip) => ` --ip ${ip}`).join('');
        lines.push(`    run: mailcheck ${escapeTerminal(issue.sendingDomain)} --checks ${issue.checks.join(',')}${escapeTerminal(ipFlags)}  (or bounces --audit)`);
      }
      if (issue.audit) {
        if (issue.audit.findings.length === 0) lines.push(`    audit: ${style.good('no finding')} from ${issue.checks.join(', ')}`);
        for (const finding of issue.audit.findings) {
          lines.push(`    ${style.severity(finding.severity)(finding.severity.toUpperCase().padEnd(8))} ${style.code(finding.id)} ${escapeTerminal(finding.message)}`);
          if (finding.fix) {
            lines.push(`      Fix: ${escapeTerminal(finding.fix.summary)}`);
            for (const record of finding.fix.records ?? []) for (const line of fixRecordLines(record)) lines.push(`        ${escapeTerminal(line)}`);
          }
        }
        if (issue.audit.inconclusive.length > 0) lines.push(`    ${style.warning('inconclusive')}: ${issue.audit.inconclusive.join(', ')}`);
      }
    }
  }
  if (result.complaints.length > 0) {
    lines.push('', style.heading('Complaints (ARF)'));
    const byType = new Map<string, number>();
    for (const complaint of result.complaints) byType.set(complaint.feedbackType ?? 'unknown', (byType.get(complaint.feedbackType ?? 'unknown') ?? 0) + 1);
    for (const [type, count] of byType) lines.push(`  ${escapeTerminal(type).padEnd(15)} ${count}`);
  }
  if (result.errors.length > 0) {
    lines.push('', style.heading('Unreadable'));
    for (const error of result.errors.slice(0, 20)) lines.push(`  ${escapeTerminal(error.file)}: ${escapeTerminal(error.message)}`);
    if (result.errors.length > 20) lines.push(`  … and ${result.errors.length - 20} more`);
  }
  if (summary.suppressed > 0) lines.push('', `${summary.suppressed} addresses written to the suppression file.`);
  return `${lines.join('\n')}\n`;
}
