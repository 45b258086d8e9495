/**
 * Ignore rules, on data: which findings a rule accepts (id, domain, until),
 * what the score, the exit code, the ranked fixes, the baseline comparison
 * and each format make of an accepted finding, and that an expired rule
 * counts the finding again.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { applyIgnores, countedChecks, utcDay, type IgnoreRule } from '../src/suppress.js';
import { scoreChecks } from '../src/score.js';
import { breaches, exitCodeFor } from '../src/exit-code.js';
import { diffReport } from '../src/baseline.js';
import { reportSchema, type CheckResult, type Report } from '../src/schema/report.js';
import { renderText } from '../src/report/text.js';
import { formatSarif } from '../src/report/sarif.js';
import { formatJunit } from '../src/report/junit.js';
import { formatCsv } from '../src/report/csv.js';
import { formatMarkdown } from '../src/report/markdown.js';
import { formatHtml } from '../src/report/html.js';
import { quietLine } from '../src/report/quiet.js';
import { check, finding, report } from './helpers/reports.js';
import { checkCatalogue } from '../src/check-catalogue.js';

const catalogue = checkCatalogue();

const TODAY = '2026-06-15';

const checks = (): CheckResult[] => [
  check('dmarc', [finding('dmarc/policy-none', 'high', { fix: { summary: 'Publish p=quarantine', records: [] } })]),
  check('bimi', [finding('bimi/missing', 'info', { fix: { summary: 'Publish a BIMI record' } })]),
  check('mx', [finding('mx/no-ipv6', 'info')]),
];

/** The runner's order: mark, score what counts, keep every finding in the report. */
function audited(domain: string, rules: IgnoreRule[], today = TODAY): Report {
  const judged = applyIgnores(checks(), domain, rules, today);
  const scored = scoreChecks(countedChecks(judged));
  return reportSchema.parse({
    ...report(domain, []),
    score: scored.score,
    checks: scored.checks.map((item, index) => ({ ...item, findings: judged[index]!.findings })),
    fixes: scored.fixes,
  });
}

const policyNone = (extra: Partial<IgnoreRule> = {}): IgnoreRule => ({
  id: 'dmarc/policy-none',
  reason: 'moving to quarantine in July',
  source: 'mailcheck.config.json',
  ...extra,
});

const allFindings = (r: Report) => r.checks.flatMap((item) => item.findings);

describe('applyIgnores', () => {
  it('marks the finding suppressed, keeps it, and leaves it out of score, status, thresholds and fixes', () => {
    const plain = audited('example.com', []);
    const ignored = audited('example.com', [policyNone({ until: '2026-07-31' })]);
    const marked = allFindings(ignored).find((item) => item.id === 'dmarc/policy-none')!;
    expect(marked.suppressed).toEqual({ reason: 'moving to quarantine in July', until: '2026-07-31', source: 'mailcheck.config.json' });
    expect(plain.score.value).toBeLessThan(ignored.score.value);
    expect(ignored.score.value).toBe(100);
    expect(ignored.checks.find((item) => item.id === 'dmarc')!.status).toBe('pass');
    expect(ignored.fixes.map((fix) => fix.findingId)).not.toContain('dmarc/policy-none');
    expect(breaches(plain, { failOn: 'high' })).toEqual(['dmarc/policy-none']);
    expect(breaches(ignored, { failOn: 'high' })).toEqual([]);
    expect(exitCodeFor([ignored], { failOn: 'info' })).toBe(1);
    expect(exitCodeFor([audited('example.com', [policyNone(), { id: 'bimi/missing', reason: 'r' }, { id: 'mx/no-ipv6', reason: 'r' }])], { failOn: 'info' })).toBe(0);
  });

  it('applies a rule with a domain to that domain only', () => {
    const rule = policyNone({ domain: 'example.com' });
    expect(allFindings(audited('example.com', [rule])).find((item) => item.id === 'dmarc/policy-none')!.suppressed).toBeDefined();
    expect(allFindings(audited('example.org', [rule])).find((item) => item.id === 'dmarc/policy-none')!.suppressed).toBeUndefined();
  });

  it('holds through its until day (UTC) and counts the finding again the day after, saying so', () => {
    expect(allFindings(audited('example.com', [policyNone({ until: TODAY })])).find((item) => item.id === 'dmarc/policy-none')!.suppressed).toBeDefined();
    const expired = audited('example.com', [policyNone({ until: '2026-06-14' })]);
    const item = allFindings(expired).find((entry) => entry.id === 'dmarc/policy-none')!;
    expect(item.suppressed).toBeUndefined();
    expect(item.ignoreExpired).toEqual({ reason: 'moving to quarantine in July', until: '2026-06-14', source: 'mailcheck.config.json' });
    expect(breaches(expired, { failOn: 'high' })).toEqual(['dmarc/policy-none']);
    expect(expired.fixes[0]!.findingId).toBe('dmarc/policy-none');
  });

  it('prefers a rule in force over an expired one, and names the latest expiry otherwise', () => {
    const both = audited('example.com', [policyNone({ until: '2020-01-01' }), policyNone({ until: '2030-01-01', reason: 'renewed' })]);
    expect(allFindings(both).find((item) => item.id === 'dmarc/policy-none')!.suppressed?.reason).toBe('renewed');
    const old = audited('example.com', [policyNone({ until: '2020-01-01' }), policyNone({ until: '2025-01-01' })]);
    expect(allFindings(old).find((item) => item.id === 'dmarc/policy-none')!.ignoreExpired?.until).toBe('2025-01-01');
  });

  it('leaves a status the check set itself, and returns the checks unchanged without rules', () => {
    const errored = check('dmarc', [finding('dmarc/policy-none', 'high')], { status: 'error', error: 'SERVFAIL' });
    expect(applyIgnores([errored], 'example.com', [policyNone()], TODAY)[0]!.status).toBe('error');
    const input = checks();
    expect(applyIgnores(input, 'example.com', [], TODAY)).toEqual(input);
  });

  it('gives the UTC day of a time', () => {
    expect(utcDay(new Date('2026-06-15T23:59:59-02:00'))).toBe('2026-06-16');
  });
});

describe('accepted findings in the other consumers', () => {
  const ignored = () => audited('example.com', [policyNone({ until: '2026-07-31' })]);

  it('baseline: an accepted finding is neither new nor resolved', () => {
    const diff = diffReport(ignored(), audited('example.com', []));
    expect(diff.resolved).toEqual([]);
    expect(diff.new).toEqual([]);
    expect(diffReport(audited('example.com', []), ignored()).new.map((item) => item.id)).toEqual(['dmarc/policy-none']);
  });

  it('text: left out of its check and of "Fix first", listed in one line at the end', () => {
    const text = renderText([ignored()], { color: false, verbose: false, failOn: 'high', width: 200 });
    const lines = text.split('\n');
    expect(lines.filter((line) => line.includes('dmarc/policy-none'))).toEqual([
      'Ignored, not scored: dmarc/policy-none (moving to quarantine in July, until 2026-07-31)',
    ]);
    const expired = renderText([audited('example.com', [policyNone({ until: '2026-01-01' })])], { color: false, verbose: false, failOn: 'high', width: 200 });
    expect(expired).toMatch(/^Ignore expired, counted again: dmarc\/policy-none \(expired after 2026-01-01\)$/m);
    expect(expired).toMatch(/^ {4}HIGH +dmarc\/policy-none$/m);
  });

  it('sarif: still a result, with an accepted external suppression and its justification', () => {
    const log = JSON.parse(formatSarif([ignored()], { catalogue }));
    const result = log.runs[0].results.find((item: { ruleId: string }) => item.ruleId === 'dmarc/policy-none');
    expect(result.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: 'moving to quarantine in July' }]);
    expect(log.runs[0].results.find((item: { ruleId: string }) => item.ruleId === 'bimi/missing').suppressions).toBeUndefined();
    // Valid SARIF 2.1.0 (the published schema; its draft-04 markers removed as in the format tests).
    const schema = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    delete schema.$schema;
    delete schema.id;
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    (addFormatsModule as unknown as (ajv: Ajv) => void)(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  });

  it('markdown: left out of the findings, listed in one line', () => {
    const markdown = formatMarkdown([ignored()], { failOn: 'high' });
    expect(markdown.split('\n').filter((line) => line.includes('dmarc/policy-none'))).toEqual([
      'Ignored, not scored: `dmarc/policy-none` (moving to quarantine in July, until 2026-07-31)',
    ]);
  });

  it('html: shown, marked ignored with its reason, not failing', () => {
    const html = formatHtml([ignored()], { failOn: 'high' });
    expect(html).toMatch(/<li class="finding sev-high suppressed" data-finding="dmarc\/policy-none">.*<p class="note">Ignored: moving to quarantine in July<\/p>/);
  });

  it('junit and csv: an accepted finding fails nothing and is not listed', () => {
    const xml = formatJunit([ignored()], { failOn: 'high' });
    expect(xml).not.toContain('<failure');
    expect(formatCsv([ignored()], { catalogue }).split('\r\n')[1]).not.toContain('dmarc/policy-none');
  });

  it('quiet: one line, the accepted finding counted as ignored, not as failing', () => {
    expect(quietLine(ignored(), { color: false, verbose: false, failOn: 'high' })).toBe('example.com  100/100 A+  1 ignored\n');
    expect(quietLine(audited('example.com', []), { color: false, verbose: false, failOn: 'high' })).toMatch(
      /^example\.com {2}\d+\/100 [A-F]\+? {2}1 at or above high: dmarc\/policy-none\n$/,
    );
  });
});
