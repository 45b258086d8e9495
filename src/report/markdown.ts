/**
 * markdown: for a pull-request comment or a CI job summary (GitHub-flavoured):
 * a score table over all domains, then per domain the checks, the findings by
 * severity, the fixes as zone-file code blocks, and the baseline comparison.
 */
import { findingsOf, severityCounts, zoneLines, type FormatOptions } from './common.js';
import { atOrAbove, DEFAULT_FAIL_ON, SEVERITIES } from '../severity.js';
import type { CheckStatus, Report, ReportDiff } from '../schema/report.js';
import { pointsText, profileLine, scoreGrade, scoreText, scoreValue, togetherLine } from './verdicts.js';
import { safeStrings } from './escape.js';
import type { DocumentRenderer } from './document.js';

const STATUS_MARK: Record<CheckStatus, string> = {
  pass: '✅ pass',
  warn: '⚠️ warn',
  fail: '❌ fail',
  error: '❗ error',
  skipped: '⏭️ skipped',
};

/**
 * Backslash-escapes the Markdown punctuation that could start markup inside a
 * line (emphasis, code, links, HTML, table cells, strikethrough); line breaks
 * become spaces. Text is never placed at the start of a line, so block markers
 * (#, +, -) need no escape, and with brackets escaped no link can form.
 */
export function mdText(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, (char) => `\\${char}`).replace(/\r?\n/g, ' ');
}

/** An inline code span that survives backticks inside. */
export function mdCode(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((run) => run.length)) + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\r?\n/g, ' ')}${pad}${fence}`;
}

/** A fenced code block whose fence is longer than any backtick run inside. */
export function mdBlock(lines: string[], info = ''): string {
  const body = lines.join('\n');
  const runs = body.match(/`{3,}/g) ?? [];
  const fence = '`'.repeat(Math.max(3, ...runs.map((run) => run.length + 1)));
  return `${fence}${info}\n${body}\n${fence}`;
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : value < 0 ? `−${-value}` : '±0';
}

function scoreTable(reports: readonly Report[]): string[] {
  const withDiff = reports.some((report) => report.diff !== undefined);
  return [...scoreTableHead(withDiff), ...reports.map((report) => scoreRow(report, withDiff))];
}

function scoreTableHead(withDiff: boolean): string[] {
  const head = ['Domain', 'Score', 'Grade', 'Receiving', ...SEVERITIES.map((s) => s[0]!.toUpperCase() + s.slice(1))];
  if (withDiff) head.push('Δ score', 'New', 'Resolved');
  const align = ['---', '---:', ':---:', '---:', ...SEVERITIES.map(() => '---:')];
  if (withDiff) align.push('---:', '---:', '---:');
  return [head, align].map((cells) => `| ${cells.join(' | ')} |`);
}

function scoreRow(report: Report, withDiff: boolean): string {
  const counts = severityCounts(report);
  const cells = [
    mdText(report.domain),
    `${scoreValue(report.score)}${report.score.complete ? '' : ' (incomplete)'}`,
    scoreGrade(report.score),
    scoreText(report.receiving),
    ...SEVERITIES.map((severity) => String(counts[severity])),
  ];
  if (withDiff) {
    const diff = report.diff;
    cells.push(
      diff?.scoreDelta === null || diff === undefined ? '–' : signed(diff.scoreDelta),
      diff ? String(diff.new.length) : '–',
      diff ? String(diff.resolved.length) : '–',
    );
  }
  return `| ${cells.join(' | ')} |`;
}

function diffSection(diff: ReportDiff): string[] {
  const lines: string[] = ['#### Compared with the baseline', ''];
  if (diff.baseline === null) {
    lines.push('Not in the baseline: every finding is new.', '');
  } else if (diff.scoreDelta === null) {
    lines.push(`Score not compared: nothing could be verified in one of the runs. Baseline of ${mdText(diff.baseline.generatedAt)}.`, '');
  } else {
    const before = diff.baseline.score.value;
    lines.push(
      `Score ${before} → ${before + (diff.scoreDelta ?? 0)} (${signed(diff.scoreDelta ?? 0)}), baseline of ${mdText(diff.baseline.generatedAt)}.`,
      '',
    );
  }
  const list = (label: string, items: ReportDiff['new']) => {
    if (items.length === 0) return;
    lines.push(`**${label}**`, '');
    for (const item of items) {
      const was = item.previousSeverity ? ` (was ${item.previousSeverity})` : '';
      lines.push(`- ${item.severity}${was} ${mdCode(item.id)} ${mdText(item.title)}`);
    }
    lines.push('');
  };
  list('New', diff.new);
  list('Resolved', diff.resolved);
  list('Unchanged', diff.unchanged);
  if (diff.notCompared.length > 0) {
    lines.push(`Not compared (did not conclude in one of the runs): ${diff.notCompared.map(mdCode).join(', ')}`, '');
  }
  return lines;
}

function domainSection(report: Report, options: FormatOptions): string[] {
  const failOn = options.failOn ?? DEFAULT_FAIL_ON;
  const lines: string[] = [];
  lines.push(`### ${mdText(report.domain)}: deliverability ${scoreText(report.score)}, receiving security ${scoreText(report.receiving)}`, '');
  if (report.parked) lines.push('Parked: the domain declares that it sends and receives no mail.', '');
  if (!report.score.complete) {
    const errored = report.checks.filter((check) => check.status === 'error').map((check) => mdCode(check.id));
    lines.push(`> Incomplete: ${errored.join(', ')} could not conclude; the score rests on the other checks.`, '');
  }
  lines.push('| Check | Status | Findings |', '| --- | --- | --- |');
  for (const check of report.checks) {
    const note =
      check.status === 'error' ? mdText(check.error ?? '') : check.status === 'skipped' ? mdText(check.skipReason ?? '') : '';
    const ids = [...new Set(check.findings.filter((finding) => !finding.suppressed).map((finding) => finding.id))].map(mdCode).join(' ');
    lines.push(`| ${mdCode(check.id)} | ${STATUS_MARK[check.status]} | ${[ids, note].filter(Boolean).join(' ')} |`);
  }
  lines.push('');

  const findings = findingsOf(report);
  if (findings.length > 0) {
    lines.push('#### Findings', '');
    for (const severity of SEVERITIES) {
      const group = findings.filter(({ finding }) => finding.severity === severity);
      if (group.length === 0) continue;
      const marker = atOrAbove(severity, failOn) ? ' (at or above --fail-on)' : '';
      lines.push(`**${severity[0]!.toUpperCase()}${severity.slice(1)}**${marker}`, '');
      for (const { finding } of group) {
        lines.push(`- ${mdCode(finding.id)} **${mdText(finding.title)}**: ${mdText(finding.message)}`);
        if (options.verbose) for (const item of finding.evidence) lines.push(`  - ${mdCode(item)}`);
      }
      lines.push('');
    }
  }

  if (report.profiles.length > 0) {
    lines.push('#### Mailbox providers', '');
    for (const profile of report.profiles) {
      lines.push(`- ${profile.verdict === 'fail' ? '❌' : profile.verdict === 'pass' ? '✅' : '❔'} ${mdText(profileLine(profile))}`);
      if (!profile.selected && !options.verbose) continue;
      for (const requirement of profile.requirements) {
        const needs = requirement.needs ? ` (give ${mdText(requirement.needs)})` : '';
        lines.push(`  - ${mdCode(requirement.id)} ${requirement.status}: ${mdText(requirement.summary)}${needs}`);
      }
    }
    lines.push('');
  }

  if (report.fixes.length > 0) {
    lines.push('#### Fixes, in order', '');
    const together = togetherLine(report);
    if (together) lines.push(`Deliverability with fixes ${mdText(together)}.`, '');
    report.fixes.forEach((ranked, index) => {
      const required = ranked.requiredBy.length > 0 ? `, required by ${ranked.requiredBy.map(mdCode).join(', ')}` : '';
      lines.push(
        `${index + 1}. **${mdText(ranked.fix.summary)}** (${pointsText(ranked)} → ${ranked.scoreAfter}${required}; resolves ${ranked.resolves.map(mdCode).join(', ')})`,
      );
      const records = ranked.fix.records ?? [];
      if (records.length > 0) {
        lines.push('');
        lines.push(...mdBlock(records.flatMap(zoneLines), 'dns').split('\n').map((line) => `   ${line}`));
      }
      for (const file of ranked.fix.files ?? []) {
        lines.push('', `   Serve at ${mdCode(file.url)}:`, '');
        lines.push(...mdBlock(file.content.split(/\r?\n/)).split('\n').map((line) => `   ${line}`));
      }
      for (const [name, meaning] of Object.entries(ranked.fix.placeholders ?? {})) {
        lines.push('', `   ${mdCode(`<${name}>`)}: ${mdText(meaning)}`);
      }
      for (const note of ranked.fix.notes ?? []) lines.push('', `   Note: ${mdText(note)}`);
      lines.push('');
    });
  }

  if (report.diff) lines.push(...diffSection(report.diff));
  // Accepted findings (ignore rules): one line, as in the text report.
  const ignored = report.checks.flatMap((check) => check.findings.filter((finding) => finding.suppressed));
  if (ignored.length > 0) {
    const items = ignored.map(({ id, suppressed }) => `${mdCode(id)} (${mdText(suppressed!.reason)}${suppressed!.until ? `, until ${suppressed!.until}` : ''})`);
    lines.push(`Ignored, not scored: ${[...new Set(items)].join('; ')}`, '');
  }
  return lines;
}

export function formatMarkdown(rawReports: readonly Report[], options: FormatOptions = {}): string {
  // Control and bidi characters from outside strings are shown as escapes, then markdown-escaped.
  const reports = safeStrings(rawReports);
  const lines: string[] = ['## mailcheck', ''];
  if (reports.length === 0) return `${[...lines, 'No domains audited.'].join('\n')}\n`;
  lines.push(...scoreTable(reports), '');
  for (const report of reports) lines.push(...domainSection(report, options));
  return `${lines.join('\n').trimEnd()}\n`;
}

/**
 * The same markdown one report at a time: the score table row goes out at
 * once; the domain's section waits in the "domains" section (the table must
 * come first). The last section is held back to trim its trailing blank lines.
 */
export const markdownDocument: DocumentRenderer = (options, context) => {
  let started = false;
  let held: string | undefined;
  return {
    add(rawReport) {
      const [report] = safeStrings([rawReport]);
      const head = started ? '' : `${['## mailcheck', '', ...scoreTableHead(context.diff)].join('\n')}\n`;
      started = true;
      const previous = held;
      held = domainSection(report!, options).join('\n');
      return { out: `${head}${scoreRow(report!, context.diff)}\n`, ...(previous !== undefined ? { sections: { domains: `\n${previous}` } } : {}) };
    },
    finish: () =>
      started ? ['', { section: 'domains' }, `\n${held!}`.trimEnd(), '\n'] : [`${['## mailcheck', '', 'No domains audited.'].join('\n')}\n`],
  };
};
