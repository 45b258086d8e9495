/**
 * Text reporter: a report a person reads in a terminal, 80 columns wide.
 * A header with the domain, score and grade; one line per check with a
 * status glyph and its key facts; findings under their check (severity, id,
 * message); each fix as ready-to-paste zone-file lines; a closing
 * "Fix first" list ranked by the points each fix wins back.
 */
import type { CheckResult, CheckStatus, Finding, Fix, Report } from '../schema/report.js';
import type { Reporter, ReporterOptions } from './reporter.js';
import { createStyle, type Style } from './style.js';
import { fixRecordLines } from './zone.js';
import { renderDiffText } from './diff-text.js';
import { pointsText, profileLine, REQUIREMENT_MARK, scoreText, togetherLine } from './verdicts.js';
import { safeStrings } from './escape.js';
import type { DocumentRenderer } from './document.js';

const GLYPHS: Record<CheckStatus, string> = {
  pass: '✓',
  warn: '!',
  fail: '✗',
  error: '?',
  skipped: '-',
};

/** How many fixes the closing list shows. */
const FIX_FIRST_LIMIT = 10;

export const renderText: Reporter = (rawReports, options) => {
  // Outside strings (records, policy text, reasons) are shown, never obeyed by the terminal.
  const reports = safeStrings(rawReports);
  const style = createStyle(options.color);
  const width = Math.max(60, options.width ?? 80);
  const parts = reports.map((report) => renderReport(report, style, width, options));
  if (reports.length > 1) parts.push(renderSummary(reports, style));
  return parts.join('\n');
};

function renderReport(report: Report, style: Style, width: number, options: ReporterOptions): string {
  const lines: string[] = [];
  const { score } = report;
  const grade = style.grade(score.grade);
  const input = report.input !== undefined && report.input !== report.domain ? style.dim(` (from ${report.input})`) : '';
  lines.push(`${style.bold(report.domain)}${input}`);
  const errored = report.checks.filter((check) => check.status === 'error').length;
  const ran = report.checks.filter((check) => check.status !== 'skipped').length;
  const checks = `${errored} check${errored === 1 ? '' : 's'}`;
  // Both scores first, then why a score is missing or incomplete.
  const notes: string[] = [];
  if (nothingRan(report)) {
    // The JSON keeps 100 (nothing was wrong); a person reads that nothing was checked.
    lines.push(`Deliverability ${style.warning('—')}  ${style.warning('(no check ran)')}`);
    notes.push(style.warning('Every check was skipped (see why below), so there is no score.'));
  } else if (!report.score.verified) {
    // A person reads "no score", not a grade the domain did not earn.
    lines.push(`Deliverability ${style.warning('—')}  ${style.warning('(nothing could be verified)')}`);
    const why =
      errored === 0
        ? 'no check it counts was run'
        : ran === errored
          ? ran === 1
            ? 'the only check run could not conclude'
            : `none of the ${ran} checks run could conclude`
          : `${checks} could not conclude and no other check is scored`;
    notes.push(style.warning(`Incomplete: ${why}, so there is no score.`));
  } else {
    lines.push(`Deliverability ${grade(`${score.value}/100`)}  Grade ${grade(score.grade)}${report.parked ? style.dim('  (parked: sends no mail)') : ''}`);
    if (!score.complete) notes.push(style.warning(`Incomplete: ${checks} could not conclude; the score rests on the others.`));
  }
  const receiving = report.receiving.verified ? style.grade(report.receiving.grade)(scoreText(report.receiving)) : style.warning('—');
  lines.push(`Receiving security ${receiving}${report.receiving.verified && !report.receiving.complete ? style.warning(' (incomplete)') : ''}`);
  lines.push(...notes);
  lines.push(style.dim('─'.repeat(width)));

  const titleWidth = Math.min(30, Math.max(...report.checks.map((check) => check.title.length), 4));
  for (const check of report.checks) lines.push(...renderCheck(check, style, width, titleWidth, options));

  lines.push('');
  lines.push(...renderProfiles(report, style, width, options));
  lines.push(...renderFixFirst(report, style, width));
  if (report.diff) lines.push(...renderDiffText(report.diff, style, options));
  const ignored = ignoredLine(report);
  if (ignored) lines.push(...wrap(ignored, width, '', '  ').map(style.dim));
  const expired = expiredLine(report);
  if (expired) lines.push(...wrap(expired, width, '', '  ').map(style.warning));
  const dns = `${report.dns.queries} DNS quer${report.dns.queries === 1 ? 'y' : 'ies'} via ${report.dns.servers.join(', ') || 'no server'}`;
  lines.push(...wrap(`${dns} · ${report.generatedAt.replace(/\.\d+Z$/, 'Z')}`, width, '').map(style.dim));
  return `${lines.join('\n')}\n`;
}

/** One line naming the accepted findings (with reason and end day), or undefined when there are none. */
export function ignoredLine(report: Report): string | undefined {
  const items: string[] = [];
  for (const check of report.checks) {
    for (const finding of check.findings) {
      if (!finding.suppressed) continue;
      const { reason, until } = finding.suppressed;
      items.push(`${finding.id} (${reason}${until ? `, until ${until}` : ''})`);
    }
  }
  if (items.length === 0) return undefined;
  return `Ignored, not scored: ${[...new Set(items)].join('; ')}`;
}

/** One line naming the findings whose ignore rule has expired (they count again), or undefined. */
export function expiredLine(report: Report): string | undefined {
  const items = report.checks.flatMap((check) =>
    check.findings.flatMap((finding) => (finding.ignoreExpired ? [`${finding.id} (expired after ${finding.ignoreExpired.until ?? '?'})`] : [])),
  );
  return items.length === 0 ? undefined : `Ignore expired, counted again: ${[...new Set(items)].join('; ')}`;
}

/** Every check was skipped (--checks tls with --no-smtp, say): the score of nothing is no measure. */
function nothingRan(report: Report): boolean {
  return report.checks.length > 0 && report.checks.every((check) => check.status === 'skipped');
}

function renderCheck(check: CheckResult, style: Style, width: number, titleWidth: number, options: ReporterOptions): string[] {
  const paint = style.status(check.status);
  const lines: string[] = [];
  const title = check.title.length > titleWidth ? `${check.title.slice(0, titleWidth - 1)}…` : check.title.padEnd(titleWidth);
  const status = check.status.padEnd(7);
  const score = check.score === null ? '' : style.dim(` ${Math.round(check.score * 100)}%`);
  const timing = options.verbose ? style.dim(` ${check.durationMs} ms`) : '';
  lines.push(`${paint(GLYPHS[check.status])} ${style.bold(title)} ${paint(check.score === null && !timing ? check.status : status)}${score}${timing}`);

  const detailIndent = '    ';
  if (check.status === 'error' && check.error) {
    lines.push(...wrap(check.error, width, detailIndent).map((line) => paint(line)));
  }
  if (check.status === 'skipped' && check.skipReason) {
    lines.push(...wrap(check.skipReason, width, detailIndent).map((line) => style.dim(line)));
  }
  if (check.status !== 'skipped') {
    for (const line of check.summary ?? []) lines.push(...wrap(line, width, detailIndent).map(style.dim));
  }
  if (options.verbose && Object.keys(check.facts).length > 0) {
    lines.push(`${detailIndent}${style.dim('facts:')}`);
    for (const [key, value] of Object.entries(check.facts)) {
      if (value === undefined) continue;
      lines.push(...factLines(key, value, width, `${detailIndent}  `).map(style.dim));
    }
  }
  // Accepted findings (ignore rules) are listed once, at the end of the report.
  for (const finding of check.findings) if (!finding.suppressed) lines.push(...renderFinding(finding, style, width, options));
  return lines;
}

function renderFinding(finding: Finding, style: Style, width: number, options: ReporterOptions): string[] {
  const indent = '    ';
  const body = `${indent}  `;
  const label = finding.severity.toUpperCase().padEnd(9);
  const lines = [`${indent}${style.severity(finding.severity)(label)}${style.code(finding.id)}`];
  lines.push(...wrap(finding.message, width, body));
  if (finding.ignoreExpired) {
    const { until, reason } = finding.ignoreExpired;
    lines.push(...wrap(`Ignore expired after ${until ?? '?'} (${reason}): counted again.`, width, body).map(style.warning));
  }
  if (options.verbose) {
    for (const item of finding.evidence) lines.push(...wrap(`· ${item}`, width, body, `${body}  `).map(style.dim));
  }
  if (finding.fix) lines.push(...renderFix(finding.fix, style, width, body));
  return lines;
}

function renderFix(fix: Fix, style: Style, width: number, indent: string): string[] {
  const lines = wrap(`Fix: ${fix.summary}`, width, indent, `${indent}     `).map((line, index) =>
    index === 0 ? line.replace('Fix:', style.good('Fix:')) : line,
  );
  const recordIndent = `${indent}  `;
  // Zone-file lines are never wrapped: they must paste as they are.
  for (const record of fix.records ?? []) {
    for (const line of fixRecordLines(record)) lines.push(`${recordIndent}${style.code(line)}`);
  }
  for (const file of fix.files ?? []) {
    lines.push(`${recordIndent}Serve ${file.url}:`);
    for (const line of file.content.replace(/\r?\n$/, '').split(/\r?\n/)) {
      lines.push(`${recordIndent}  ${style.code(line)}`);
    }
  }
  for (const [name, meaning] of Object.entries(fix.placeholders ?? {})) {
    lines.push(...wrap(`<${name}>: ${meaning}`, width, recordIndent, `${recordIndent}  `).map(style.dim));
  }
  for (const note of fix.notes ?? []) lines.push(...wrap(`Note: ${note}`, width, recordIndent, `${recordIndent}  `));
  return lines;
}

function renderFixFirst(report: Report, style: Style, width: number): string[] {
  if (report.fixes.length === 0) {
    if (nothingRan(report)) return [style.warning('Nothing was checked, so nothing to fix.')];
    if (!report.score.verified) {
      return wrap('Nothing could be verified, so no fix is known: see above why the checks could not conclude.', width, '').map(style.warning);
    }
    if (report.checks.some((check) => check.findings.some((finding) => !finding.suppressed))) return [];
    return [style.good('Nothing to fix.')];
  }
  const lines = [style.heading('Fix first')];
  const shown = report.fixes.slice(0, FIX_FIRST_LIMIT);
  const idWidth = Math.min(32, Math.max(...shown.map((fix) => fix.findingId.length)));
  shown.forEach((ranked, index) => {
    const number = `${index + 1}.`.padStart(3);
    const points = pointsText(ranked).padStart(8);
    const id = ranked.findingId.padEnd(idWidth);
    // One line per fix: the full summary and records are under the finding above.
    const room = width - (3 + 1 + 8 + 2 + idWidth + 2);
    const summary = ranked.fix.summary.length > room ? `${ranked.fix.summary.slice(0, Math.max(0, room - 1))}…` : ranked.fix.summary;
    lines.push(`${number} ${style.good(points)}  ${style.severity(ranked.severity)(id)}  ${summary}`);
    const also = ranked.resolves.slice(1);
    if (also.length > 0) {
      for (const line of wrap(`also resolves ${also.join(', ')}`, width - 14, '')) lines.push(style.dim(`${' '.repeat(14)}${line}`));
    }
    const area = ranked.area === 'sending' ? 'deliverability' : 'receiving security';
    const required = ranked.requiredBy.length > 0 ? `; required by ${ranked.requiredBy.join(', ')}` : '';
    for (const line of wrap(`${area} → ${ranked.scoreAfter}${required}`, width, ' '.repeat(14), ' '.repeat(16))) lines.push(style.dim(line));
  });
  const together = togetherLine(report);
  if (together) lines.push(style.good(`    ${together}`));
  if (report.fixes.length > shown.length) {
    lines.push(style.dim(`    … and ${report.fixes.length - shown.length} more (see the fixes above)`));
  }
  lines.push(style.dim('    Points: what the score gains applied after the fixes above.'));
  lines.push('');
  return lines;
}

/**
 * "Mailbox providers": one line a profile; the requirements of each profile
 * chosen with --profile (or all with --verbose) below it.
 */
function renderProfiles(report: Report, style: Style, width: number, options: ReporterOptions): string[] {
  if (report.profiles.length === 0) return [];
  const lines = [style.heading('Mailbox providers')];
  for (const profile of report.profiles) {
    const paint = profile.verdict === 'fail' ? style.severity('high') : profile.verdict === 'pass' ? style.good : (text: string) => text;
    const glyph = profile.verdict === 'fail' ? '✗' : profile.verdict === 'pass' ? '✓' : '?';
    lines.push(...wrap(`${paint(glyph)} ${profileLine(profile)}`, width, '  ', '      '));
    if (!profile.selected && !options.verbose) continue;
    for (const requirement of profile.requirements) {
      const level = requirement.level === 'recommended' ? ' (recommended)' : '';
      const needs = requirement.needs ? ` — give ${requirement.needs}` : '';
      lines.push(
        ...wrap(`${REQUIREMENT_MARK[requirement.status] ?? '?'} ${requirement.id}${level}: ${requirement.status}, ${requirement.summary}${needs}`, width, '      ', '        ').map(
          style.dim,
        ),
      );
    }
  }
  lines.push('');
  return lines;
}

function renderSummary(reports: readonly Report[], style: Style): string {
  return summaryLines(reports.map((report) => ({ domain: report.domain, tail: summaryTail(report, style) })), style);
}

/** One domain's closing summary line after its padded name. */
function summaryTail(report: Report, style: Style): string {
  const grade = style.grade(report.score.grade);
  if (nothingRan(report) || !report.score.verified) {
    const why = nothingRan(report) ? 'no check ran' : 'nothing could be verified';
    return `${style.warning('  —')}  ${style.warning(`—  (${why})`)}`;
  }
  const incomplete = report.score.complete ? '' : style.warning(' (incomplete)');
  return `${grade(String(report.score.value).padStart(3))}  ${grade(report.score.grade)}${incomplete}  ${style.dim(`receiving ${scoreText(report.receiving)}`)}`;
}

function summaryLines(entries: ReadonlyArray<{ domain: string; tail: string }>, style: Style): string {
  const width = entries.reduce((max, entry) => Math.max(max, entry.domain.length), -Infinity);
  const lines = [style.heading('Summary')];
  for (const entry of entries) lines.push(`  ${entry.domain.padEnd(width)}  ${entry.tail}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The same text one report at a time: each report as it comes, and with
 * several domains the closing summary, from one short line kept per domain.
 */
export const textDocument: DocumentRenderer = (options, context) => {
  const style = createStyle(options.color);
  const width = Math.max(60, options.width ?? 80);
  const summary: Array<{ domain: string; tail: string }> = [];
  return {
    add(rawReport) {
      const [report] = safeStrings([rawReport]);
      const text = renderReport(report!, style, width, options);
      if (context.total > 1) summary.push({ domain: report!.domain, tail: summaryTail(report!, style) });
      return { out: summary.length > 1 ? `\n${text}` : text };
    },
    finish: () => (summary.length > 1 ? [`\n${summaryLines(summary, style)}`] : []),
  };
};

/**
 * Word-wraps plain text to `width` columns. Words longer than a line stay
 * whole (a URL or a record must copy as it is) unless `breakLongWords`.
 */
export function wrap(text: string, width: number, indent: string, nextIndent: string = indent, breakLongWords = false): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = indent;
    let empty = true;
    const words = paragraph.split(/\s+/).filter(Boolean);
    for (let word of words) {
      if (breakLongWords) {
        while (nextIndent.length + word.length > width && width - nextIndent.length > 10) {
          const room = width - line.length - (empty ? 0 : 1);
          const take = room > 10 ? room : 0;
          if (take === 0) {
            out.push(line);
            line = nextIndent;
            empty = true;
            continue;
          }
          line += (empty ? '' : ' ') + word.slice(0, take);
          out.push(line);
          line = nextIndent;
          empty = true;
          word = word.slice(take);
        }
      }
      if (!empty && line.length + 1 + word.length > width) {
        out.push(line);
        line = nextIndent + word;
      } else {
        line += (empty ? '' : ' ') + word;
      }
      empty = false;
    }
    out.push(line);
  }
  return out;
}

/**
 * One fact for --verbose: `key: value`. A text value is word-wrapped (no word
 * is ever split); any other value is JSON, on one line when it fits and
 * otherwise one member per line, indented, each nested value laid out the
 * same way. A JSON token (a string, say a record or a key) is never split: a
 * line holding one longer than the width runs past it.
 */
export function factLines(key: string, value: unknown, width: number, indent: string): string[] {
  if (typeof value === 'string') return wrap(`${key}: ${value}`, width, indent, `${indent}    `);
  return jsonLines(value, width, indent, `${key}: `, '');
}

/** JSON lines of `value` after `head` (a key) and before `tail` (a comma). */
function jsonLines(value: unknown, width: number, indent: string, head: string, tail: string): string[] {
  const inline = `${indent}${head}${json(value)}${tail}`;
  if (value === null || typeof value !== 'object' || [...inline].length <= width) return [inline];
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((item): [string, unknown] => ['', item === undefined ? null : item])
    : Object.entries(value).filter(([, item]) => item !== undefined).map(([name, item]): [string, unknown] => [`${JSON.stringify(name)}: `, item]);
  if (entries.length === 0) return [inline];
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const lines = [`${indent}${head}${open}`];
  entries.forEach(([name, item], index) => {
    lines.push(...jsonLines(item, width, `${indent}  `, name, index < entries.length - 1 ? ',' : ''));
  });
  lines.push(`${indent}${close}${tail}`);
  return lines;
}

/** A value as compact JSON (a value JSON cannot hold as its text). */
function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
