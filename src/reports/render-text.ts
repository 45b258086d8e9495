/**
 * Text output of `mailcheck reports`: per domain the totals, the sources
 * table, readiness with fixes and the next DMARC record; TLS-RPT; errors.
 * Every string that came from a report or a file name is escaped first
 * (control characters shown as \xNN), so a report cannot drive the terminal.
 */
import { terminalText } from '../report/escape.js';
import { createStyle, type Style } from '../report/style.js';
import { fixRecordLines } from '../report/zone.js';
import type { DomainResult, ReportsResult } from './schema.js';

/** Text safe for a terminal, by the one escaping module: control, bidi and invisible characters shown as \u{…}. */
export const safeText = terminalText;

export const percent = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);
export const number = (value: number) => value.toLocaleString('en-US');
export const day = (iso: string | null) => (iso === null ? '?' : iso.slice(0, 10));

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function table(rows: string[][], style: Style): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row, index) => {
    const line = `    ${row.map((cell, column) => pad(cell, column === row.length - 1 ? 0 : widths[column]!)).join('  ')}`.trimEnd();
    return index === 0 ? style.dim(line) : line;
  });
}

/** Rows of the sources table shown (the rest are counted). */
export const MAX_SOURCE_ROWS = 50;

function renderDomain(domain: DomainResult, style: Style, lines: string[]): void {
  const receivers = domain.receivers.slice(0, 5).map((receiver) => safeText(receiver.name)).join(', ');
  const more = domain.receivers.length > 5 ? ` and ${domain.receivers.length - 5} more` : '';
  lines.push(style.heading(`${safeText(domain.domain)}  ${day(domain.begin)} → ${day(domain.end)}`));
  lines.push(`  ${number(domain.reports)} aggregate report${domain.reports === 1 ? '' : 's'}${receivers ? ` from ${receivers}${more}` : ''}${domain.failureReports > 0 ? `, ${number(domain.failureReports)} failure report${domain.failureReports === 1 ? '' : 's'}` : ''}`);
  const passPaint = domain.dmarc.passRate !== null && domain.dmarc.passRate >= 0.98 ? style.good : style.warning;
  lines.push(
    `  messages ${number(domain.messages)}   DMARC pass ${passPaint(percent(domain.dmarc.passRate))} (${number(domain.dmarc.pass)})   SPF aligned ${percent(domain.aligned.spfRate)}   DKIM aligned ${percent(domain.aligned.dkimRate)}`,
  );
  lines.push(`  applied: none ${number(domain.dispositions.none)}, quarantine ${number(domain.dispositions.quarantine)}, reject ${number(domain.dispositions.reject)}`);
  if (domain.policy) lines.push(`  policy seen: ${Object.entries(domain.policy).map(([key, value]) => `${key}=${safeText(String(value))}`).join(' ')}`);
  if (domain.sources.length > 0) {
    lines.push('', `  ${style.bold('Sources')}`);
    const rows = [['IP', 'reverse DNS', 'service', 'messages', 'DMARC', 'SPF al.', 'DKIM al.', 'verdict']];
    for (const source of domain.sources.slice(0, MAX_SOURCE_ROWS)) {
      rows.push([
        source.ip,
        safeText(source.ptr ?? (source.ptrStatus === 'not-looked-up' ? '' : `(${source.ptrStatus})`)),
        source.service ?? '',
        number(source.messages),
        percent(source.messages === 0 ? null : source.dmarc.pass / source.messages),
        number(source.spf.aligned),
        number(source.dkim.aligned),
        source.verdict,
      ]);
    }
    lines.push(...table(rows, style));
    if (domain.sources.length > MAX_SOURCE_ROWS) lines.push(style.dim(`    … and ${domain.sources.length - MAX_SOURCE_ROWS} more sources (all in --format json or csv)`));
  }
  const readiness = domain.readiness;
  lines.push('');
  const step = readiness.target ? `p=${readiness.target}` : 'enforcement';
  if (readiness.ready) lines.push(`  ${style.good(`Ready for ${step}`)}: every legitimate source passed aligned SPF or DKIM.`);
  else if (readiness.blocking.length > 0) {
    lines.push(`  ${style.bad(`Not ready for ${step}`)}: ${readiness.blocking.length} legitimate source${readiness.blocking.length === 1 ? '' : 's'} would lose mail.`);
  } else lines.push(`  ${style.warning(`Readiness for ${step} unknown`)}.`);
  for (const source of readiness.blocking) {
    const ips = source.ips.slice(0, 3).join(', ') + (source.ips.length > 3 ? ` +${source.ips.length - 3}` : '');
    lines.push(`    ${style.bold(safeText(source.group))} (${ips}): ${number(source.failing)} of ${number(source.messages)} messages fail DMARC`);
    for (const fix of source.fixes) {
      lines.push(`      Fix: ${safeText(fix.summary)}`);
      for (const record of fix.records ?? []) for (const line of fixRecordLines(record)) lines.push(`        ${style.code(safeText(line))}`);
      for (const note of fix.notes ?? []) lines.push(style.dim(`        ${safeText(note)}`));
    }
  }
  if (readiness.nextRecord) {
    lines.push(`  Next DMARC record${readiness.ready ? '' : ' (once the sources above pass)'}:`);
    for (const line of fixRecordLines({ action: readiness.nextRecord.current ? 'replace' : 'add', name: readiness.nextRecord.name, type: 'TXT', value: readiness.nextRecord.value })) {
      lines.push(`    ${style.code(safeText(line))}`);
    }
  }
  for (const note of readiness.notes) lines.push(style.dim(`  ${safeText(note)}`));
  if (domain.selectors.length > 0) {
    lines.push(`  DKIM selectors seen: ${domain.selectors.map((entry) => safeText(`${entry.selector} (${entry.domain})`)).join(', ')}`);
  }
  lines.push('');
}

export function renderReportsText(result: ReportsResult, options: { color?: boolean } = {}): string {
  const style = createStyle(options.color === true);
  const counts = result.reports;
  const lines: string[] = [];
  const parts = [`${number(counts.aggregate)} aggregate`, `${number(counts.failure)} failure`, `${number(counts.tlsrpt)} TLS-RPT`];
  lines.push(
    `${style.bold('Reports')}: ${number(counts.read)} read (${parts.join(', ')})${counts.duplicates > 0 ? `, ${number(counts.duplicates)} duplicate${counts.duplicates === 1 ? '' : 's'}` : ''}${counts.filtered > 0 ? `, ${number(counts.filtered)} outside the filters` : ''}${counts.failed > 0 ? `, ${style.bad(`${number(counts.failed)} input${counts.failed === 1 ? '' : 's'} could not be read`)}` : ''}`,
  );
  lines.push('');
  for (const domain of result.domains) renderDomain(domain, style, lines);
  if (result.tlsrpt.length > 0) {
    lines.push(style.heading('TLS-RPT'));
    for (const entry of result.tlsrpt) {
      lines.push(`  ${safeText(entry.domain)} ${safeText(entry.policy)}: ${number(entry.success)} sessions succeeded, ${(entry.failure > 0 ? style.bad : style.good)(number(entry.failure))} failed`);
      for (const failure of entry.failures) {
        lines.push(`    ${safeText(failure.type)} ${number(failure.count)}${failure.findingId ? ` → ${style.code(failure.findingId)}` : ''}`);
      }
    }
    lines.push('');
  }
  if (result.errors.length > 0) {
    lines.push(style.heading('Errors'));
    for (const error of result.errors) lines.push(`  ${safeText(error.file)}: ${safeText(error.message)}`);
    if (counts.failed > result.errors.length) lines.push(`  … and ${number(counts.failed - result.errors.length)} more`);
    lines.push('');
  }
  if (result.domains.length === 0 && result.tlsrpt.length === 0) lines.push('No report data.', '');
  return `${lines.join('\n').trimEnd()}\n`;
}
