/**
 * The text report under --quiet: one line per domain, written as each domain
 * finishes: the domain, score and grade (or why there is none), and the ids
 * of the findings at or above --fail-on. Nothing else.
 */
import type { Report } from '../schema/report.js';
import type { Reporter, ReporterOptions } from './reporter.js';
import { atOrAbove } from '../severity.js';
import { createStyle } from './style.js';

/** How many failing ids the line names before "+N more". */
const IDS_SHOWN = 5;

/** One line for one report. */
export function quietLine(report: Report, options: ReporterOptions): string {
  const style = createStyle(options.color);
  const grade = style.grade(report.score.grade);
  const allSkipped = report.checks.length > 0 && report.checks.every((check) => check.status === 'skipped');
  const score = allSkipped
    ? style.warning('— (no check ran)')
    : !report.score.verified
      ? style.warning('— (nothing could be verified)')
      : `${grade(`${report.score.value}/100 ${report.score.grade}`)}${report.score.complete ? '' : style.warning(' incomplete')}`;
  const failing: string[] = [];
  let ignored = 0;
  let expired = 0;
  for (const check of report.checks) {
    if (check.status === 'skipped') continue;
    for (const finding of check.findings) {
      if (finding.ignoreExpired) expired++;
      if (finding.suppressed) ignored++;
      else if (atOrAbove(finding.severity, options.failOn) && !failing.includes(finding.id)) failing.push(finding.id);
    }
  }
  const parts = [report.domain, score];
  if (failing.length > 0) {
    const more = failing.length > IDS_SHOWN ? `, +${failing.length - IDS_SHOWN} more` : '';
    parts.push(style.severity('high')(`${failing.length} at or above ${options.failOn}: ${failing.slice(0, IDS_SHOWN).join(', ')}${more}`));
  }
  if (options.minScore !== undefined && report.score.value < options.minScore && report.score.verified && !allSkipped) {
    parts.push(style.severity('high')(`below --min-score ${options.minScore}`));
  }
  if (ignored > 0) parts.push(style.dim(`${ignored} ignored`));
  if (expired > 0) parts.push(style.warning(`${expired} ignore${expired === 1 ? '' : 's'} expired`));
  return `${parts.join('  ')}\n`;
}

export const renderQuiet: Reporter = (reports, options) => reports.map((report) => quietLine(report, options)).join('');
