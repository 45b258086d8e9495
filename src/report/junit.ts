/**
 * junit: JUnit XML for CI test dashboards. One <testsuite> per domain, one
 * <testcase> per check. A check with findings at or above --fail-on is a
 * <failure> (one per test case, listing every such finding); a check that could
 * not conclude is an <error>; a skipped check is <skipped>. Findings below the
 * threshold go to the test case's <system-out>. With --min-score, a "score"
 * test case fails when the domain scores below it.
 */
import { atOrAbove, bySeverity, DEFAULT_FAIL_ON } from '../severity.js';
import { zoneLines, type FormatOptions } from './common.js';
import type { CheckResult, Finding, ProfileResult, Report } from '../schema/report.js';
import { profileLine, scoreGrade, scoreValue } from './verdicts.js';
import { safeStrings } from './escape.js';
import type { DocumentRenderer } from './document.js';

/** Escapes text for XML content and attribute values; drops characters XML 1.0 forbids. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${xmlEscape(String(value))}"`)
    .join('');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function describe(finding: Finding): string {
  const lines = [`[${finding.severity}] ${finding.id}: ${finding.message}`];
  for (const item of finding.evidence) lines.push(`  evidence: ${item}`);
  if (finding.fix) {
    lines.push(`  fix: ${finding.fix.summary}`);
    for (const record of finding.fix.records ?? []) for (const line of zoneLines(record)) lines.push(`    ${line}`);
  }
  return lines.join('\n');
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function testcase(report: Report, check: CheckResult, options: FormatOptions, counts: Counts): string {
  const failOn = options.failOn ?? DEFAULT_FAIL_ON;
  counts.tests++;
  const open = `    <testcase${attrs({
    name: check.id,
    classname: `mailcheck.${report.domain}`,
    time: seconds(check.durationMs),
  })}`;
  // Accepted findings (ignore rules) fail nothing.
  const sorted = check.findings.filter((finding) => !finding.suppressed).sort(bySeverity);
  const failing = sorted.filter((finding) => atOrAbove(finding.severity, failOn));
  const other = sorted.filter((finding) => !atOrAbove(finding.severity, failOn));
  const body: string[] = [];
  if (check.status === 'error') {
    counts.errors++;
    body.push(`      <error${attrs({ message: check.error ?? 'check could not conclude', type: 'inconclusive' })}/>`);
  } else if (check.status === 'skipped') {
    counts.skipped++;
    body.push(`      <skipped${attrs({ message: check.skipReason ?? 'skipped' })}/>`);
  }
  if (failing.length > 0 && check.status !== 'skipped') {
    if (check.status !== 'error') counts.failures++;
    const ids = [...new Set(failing.map((finding) => finding.id))];
    const failure = check.status === 'error' ? 'system-err' : 'failure';
    if (failure === 'failure') {
      body.push(
        `      <failure${attrs({ message: ids.join(' '), type: failing[0]!.severity })}>${xmlEscape(
          failing.map(describe).join('\n'),
        )}</failure>`,
      );
    } else {
      body.push(`      <system-err>${xmlEscape(failing.map(describe).join('\n'))}</system-err>`);
    }
  }
  if (other.length > 0) body.push(`      <system-out>${xmlEscape(other.map(describe).join('\n'))}</system-out>`);
  return body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`;
}

/**
 * One test case per mailbox-provider profile (`profile:<id>`): a failure when
 * it was chosen with --profile (or --parked) and fails, as the exit code
 * counts it; otherwise the verdict and requirements go to <system-out>.
 */
function profileCase(report: Report, profile: ProfileResult, counts: Counts): string {
  counts.tests++;
  const open = `    <testcase${attrs({ name: `profile:${profile.id}`, classname: `mailcheck.${report.domain}`, time: '0.000' })}`;
  const detail = [
    profileLine(profile),
    ...profile.requirements.map(
      (requirement) => `  ${requirement.id}: ${requirement.status}, ${requirement.summary}${requirement.needs ? ` (give ${requirement.needs})` : ''} [${requirement.source}, read ${requirement.sourceRead}]`,
    ),
  ].join('\n');
  if (profile.selected && profile.verdict === 'fail') {
    counts.failures++;
    const failing = profile.requirements.filter((requirement) => requirement.status === 'fail' && requirement.level === 'required');
    return `${open}>\n      <failure${attrs({ message: failing.map((requirement) => requirement.id).join(' '), type: 'profile' })}>${xmlEscape(detail)}</failure>\n    </testcase>`;
  }
  return `${open}>\n      <system-out>${xmlEscape(detail)}</system-out>\n    </testcase>`;
}

function testsuite(report: Report, options: FormatOptions, total: Counts): string {
  const counts: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const cases = report.checks.map((check) => testcase(report, check, options, counts));
  for (const profile of report.profiles) cases.push(profileCase(report, profile, counts));
  if (options.minScore !== undefined) {
    counts.tests++;
    const open = `    <testcase${attrs({ name: 'score', classname: `mailcheck.${report.domain}`, time: '0.000' })}`;
    if (!report.score.verified) {
      // Nothing verified: no score to compare (shown as "—"), as the exit code treats it.
      counts.skipped++;
      cases.push(`${open}>\n      <skipped${attrs({ message: 'nothing could be verified: no score' })}/>\n    </testcase>`);
    } else if (report.score.value < options.minScore) {
      counts.failures++;
      cases.push(
        `${open}>\n      <failure${attrs({
          message: `score ${report.score.value} is below --min-score ${options.minScore}`,
          type: 'min-score',
        })}/>\n    </testcase>`,
      );
    } else {
      cases.push(`${open}/>`);
    }
  }
  for (const key of Object.keys(total) as Array<keyof Counts>) total[key] += counts[key];
  const time = report.checks.reduce((max, check) => Math.max(max, check.durationMs), 0);
  const properties = [
    ['score', scoreValue(report.score)],
    ['grade', scoreGrade(report.score)],
    ['complete', String(report.score.complete)],
    ['receiving.score', scoreValue(report.receiving)],
    ['receiving.grade', scoreGrade(report.receiving)],
    ['parked', String(report.parked)],
    ['dns.queries', String(report.dns.queries)],
  ];
  if (report.diff?.scoreDelta !== undefined && report.diff.scoreDelta !== null) {
    properties.push(['baseline.scoreDelta', String(report.diff.scoreDelta)]);
    properties.push(['baseline.new', report.diff.new.map((finding) => finding.id).join(' ')]);
    properties.push(['baseline.resolved', report.diff.resolved.map((finding) => finding.id).join(' ')]);
  }
  return [
    `  <testsuite${attrs({
      name: report.domain,
      tests: counts.tests,
      failures: counts.failures,
      errors: counts.errors,
      skipped: counts.skipped,
      time: seconds(time),
      timestamp: report.generatedAt,
    })}>`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property${attrs({ name, value })}/>`),
    '    </properties>',
    ...cases,
    '  </testsuite>',
  ].join('\n');
}

export function formatJunit(rawReports: readonly Report[], options: FormatOptions = {}): string {
  // Dashboards and CI pages render these messages: bidi and control characters are shown, not obeyed.
  const reports = safeStrings(rawReports);
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites = reports.map((report) => testsuite(report, options, total));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'mailcheck', ...total })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

/**
 * The same JUnit XML one report at a time: each test suite waits in the
 * "suites" section while the totals of the opening <testsuites> are counted.
 */
export const junitDocument: DocumentRenderer = (options) => {
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  return {
    add(rawReport) {
      const [report] = safeStrings([rawReport]);
      return { sections: { suites: `${testsuite(report!, options, total)}\n` } };
    },
    finish: () => [`<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs({ name: 'mailcheck', ...total })}>\n`, { section: 'suites' }, '</testsuites>\n'],
  };
};
