/**
 * The baseline comparison (a Report's `diff` block) for the text report:
 * the score change, then new, resolved and (with --verbose) unchanged findings.
 */
import type { ReportDiff } from '../schema/report.js';
import type { Style } from './style.js';

export function renderDiffText(diff: ReportDiff, style: Style, options: { verbose?: boolean } = {}): string[] {
  const lines = [style.heading('Compared with the baseline')];
  if (diff.baseline === null) {
    lines.push(style.dim('  Not in the baseline: every finding is new.'));
  } else if (diff.scoreDelta === null) {
    lines.push(`  Score not compared: nothing could be verified in one of the runs  ${style.dim(`baseline of ${diff.baseline.generatedAt}`)}`);
  } else {
    const before = diff.baseline.score.value;
    const delta = diff.scoreDelta ?? 0;
    const change = delta > 0 ? style.good(`+${delta}`) : delta < 0 ? style.bad(String(delta)) : style.dim('±0');
    lines.push(`  Score ${before} → ${before + delta} (${change})  ${style.dim(`baseline of ${diff.baseline.generatedAt}`)}`);
  }
  const list = (label: string, items: ReportDiff['new'], paint: (text: string) => string) => {
    if (items.length === 0) return;
    lines.push(`  ${paint(label)}`);
    for (const item of items) {
      const was = item.previousSeverity ? ` (was ${item.previousSeverity})` : '';
      lines.push(`    ${style.severity(item.severity)(item.severity.toUpperCase().padEnd(8))} ${item.id}${was}`);
    }
  };
  list(`New (${diff.new.length})`, diff.new, style.bad);
  list(`Resolved (${diff.resolved.length})`, diff.resolved, style.good);
  if (options.verbose) list(`Unchanged (${diff.unchanged.length})`, diff.unchanged, style.dim);
  else if (diff.unchanged.length > 0) lines.push(style.dim(`  Unchanged: ${diff.unchanged.length}`));
  if (diff.notCompared.length > 0) lines.push(style.dim(`  Not compared (did not conclude in one run): ${diff.notCompared.join(', ')}`));
  lines.push('');
  return lines;
}
