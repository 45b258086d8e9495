import { describe, expect, it } from 'vitest';
import { applyBaseline, diffReport, regressions } from '../src/baseline.js';
import { BaselineError, readBaseline } from '../src/baseline-read.js';
import { atOrAbove } from '../src/severity.js';
import { renderDiffText } from '../src/report/diff-text.js';
import { formatNdjson } from '../src/report/ndjson.js';
import { createStyle } from '../src/report/style.js';
import { reportSchema } from '../src/schema/report.js';
import { brokenReport, check, finding, healthyReport, report } from './helpers/reports.js';

const ids = (list: Array<{ id: string }>) => list.map((item) => item.id).sort();

describe('diffReport', () => {
  const before = report('a.example', [
    check('mx', [finding('mx/no-ipv6', 'info')]),
    check('spf', [finding('spf/too-many-lookups', 'high')]),
    check('dmarc', [finding('dmarc/policy-none', 'medium')]),
  ]);

  it('splits findings into new, resolved and unchanged, with the score delta', () => {
    const now = report('a.example', [
      check('mx', [finding('mx/no-ipv6', 'info')]),
      check('spf'),
      check('dmarc', [finding('dmarc/policy-none', 'medium'), finding('dmarc/no-rua', 'low')]),
    ]);
    const diff = diffReport(now, before);
    expect(ids(diff.new)).toEqual(['dmarc/no-rua']);
    expect(ids(diff.resolved)).toEqual(['spf/too-many-lookups']);
    expect(ids(diff.unchanged)).toEqual(['dmarc/policy-none', 'mx/no-ipv6']);
    expect(diff.scoreDelta).toBe(now.score.value - before.score.value);
    expect(diff.scoreDelta).toBeGreaterThan(0);
    expect(diff.baseline).toEqual({ generatedAt: before.generatedAt, score: before.score });
    expect(diff.notCompared).toEqual([]);
    expect(regressions(diff, 'high')).toEqual([]);
    expect(regressions(diff, 'low')).toEqual(['new low finding dmarc/no-rua']);
    // The diff block is valid in the Report schema.
    expect(reportSchema.parse({ ...now, diff })).toMatchObject({ diff: { scoreDelta: diff.scoreDelta } });
  });

  it('does not call findings of a check that errored now "resolved"', () => {
    const now = report('a.example', [
      check('mx', [finding('mx/no-ipv6', 'info')]),
      check('spf', [], { status: 'error', error: 'DNS timeout' }),
      check('dmarc', [finding('dmarc/policy-none', 'medium')]),
    ]);
    const diff = diffReport(now, before);
    expect(diff.resolved).toEqual([]);
    expect(diff.notCompared).toEqual(['spf']);
  });

  it('gives no score delta (and no score regression) when nothing could be verified in one run', () => {
    const now = report('a.example', [
      check('mx', [], { status: 'error', error: 'DNS timeout' }),
      check('spf', [], { status: 'error', error: 'DNS timeout' }),
      check('dmarc', [], { status: 'error', error: 'DNS timeout' }),
    ]);
    expect(now.score).toEqual({ value: 0, grade: 'F', complete: false, verified: false });
    const diff = diffReport(now, before);
    expect(diff.scoreDelta).toBeNull();
    expect(diff.baseline).toEqual({ generatedAt: before.generatedAt, score: before.score });
    expect(regressions(diff, 'high')).toEqual([]);
    expect(diffReport(before, now).scoreDelta).toBeNull();
    const text = renderDiffText(diff, createStyle(false)).join('\n');
    expect(text).toContain('Score not compared: nothing could be verified in one of the runs');
    expect(text).not.toMatch(/Score \d+ →/);
  });

  it('leaves out checks present in only one run', () => {
    const now = report('a.example', [check('mx', [finding('mx/no-ipv6', 'info')])]);
    const diff = diffReport(now, before);
    expect(diff.notCompared).toEqual(['dmarc', 'spf']);
    expect(diff.resolved).toEqual([]);
  });

  it('flags a severity increase as a regression and a score drop as one', () => {
    const now = report('a.example', [
      check('mx', [finding('mx/no-ipv6', 'info')]),
      check('spf', [finding('spf/too-many-lookups', 'critical')]),
      check('dmarc', [finding('dmarc/policy-none', 'medium')]),
    ]);
    const diff = diffReport(now, before);
    expect(diff.unchanged.find((item) => item.id === 'spf/too-many-lookups')).toMatchObject({
      severity: 'critical',
      previousSeverity: 'high',
    });
    expect(diff.scoreDelta).toBeLessThan(0);
    const reasons = regressions(diff, 'high');
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatch(/^spf\/too-many-lookups rose from high to critical$/);
    expect(reasons[1]).toMatch(/^score dropped by \d+/);
    // A lower severity does not make a rise regress: 'none' only counts the score.
    expect(regressions(diff, 'none')).toHaveLength(1);
  });

  it('treats a domain missing from the baseline as all-new but not as a regression', () => {
    const now = brokenReport('fresh.example');
    const diff = applyBaseline(now, new Map()).diff!;
    expect(diff.baseline).toBeNull();
    expect(diff.scoreDelta).toBeNull();
    expect(ids(diff.new)).toEqual(['dmarc/policy-none', 'mx/no-ipv6', 'spf/too-many-lookups']);
    expect(regressions(diff, 'info')).toEqual([]);
  });
});

describe('atOrAbove', () => {
  it('orders severities', () => {
    expect(atOrAbove('critical', 'high')).toBe(true);
    expect(atOrAbove('high', 'high')).toBe(true);
    expect(atOrAbove('medium', 'high')).toBe(false);
    expect(atOrAbove('critical', 'none')).toBe(false);
    expect(atOrAbove('info', 'info')).toBe(true);
  });
});

describe('readBaseline', () => {
  const a = healthyReport('a.example');
  const b = brokenReport('b.example');

  it('reads a single report, an array, and ndjson', () => {
    expect([...readBaseline(JSON.stringify(a, null, 2)).keys()]).toEqual(['a.example']);
    expect([...readBaseline(JSON.stringify([a, b])).keys()]).toEqual(['a.example', 'b.example']);
    const fromNdjson = readBaseline(formatNdjson([a, b]));
    expect(fromNdjson.get('b.example')).toEqual(b);
  });

  it('reads a saved report whose ranked fixes lack area and gradeAfter, adding them', () => {
    expect(b.fixes.length).toBeGreaterThan(0);
    const saved = { ...b, fixes: b.fixes.map(({ area: _area, gradeAfter: _gradeAfter, ...fix }) => fix) };
    expect(readBaseline(JSON.stringify(saved)).get('b.example')).toEqual(b);
    expect(readBaseline(JSON.stringify({ ...saved, schemaVersion: 2 })).get('b.example')).toEqual(b);
  });

  it('rejects what is not a baseline with a BaselineError', () => {
    expect(() => readBaseline('')).toThrow(BaselineError);
    expect(() => readBaseline('{"not": "a report"}')).toThrow(BaselineError);
    expect(() => readBaseline('{ broken json\n')).toThrow(/line 1/);
    expect(() => readBaseline(JSON.stringify({ ...a, schemaVersion: 1 }))).toThrow(/schemaVersion/);
  });

  it('says what it found instead of a report, without schema paths for what is no report at all', () => {
    const found = (text: string) => {
      try {
        readBaseline(text, 'b.json');
      } catch (error) {
        return (error as Error).message;
      }
      return undefined;
    };
    expect(found('{}')).toBe('b.json: expected a mailcheck report, found an empty JSON object');
    expect(found('[1]')).toBe('b.json: expected a mailcheck report, found a JSON number');
    expect(found(JSON.stringify([a, 'x']))).toBe('b.json: expected a mailcheck report, found a JSON string (entry 2)');
    const { checks: _checks, ...noChecks } = a;
    expect(found(JSON.stringify(noChecks))).toBe('b.json: expected a mailcheck report, found a report of a.example without checks');
    expect(found(JSON.stringify({ ...a, schemaVersion: 1 }))).toBe(
      'b.json: expected a mailcheck report, found a report of schemaVersion 1 (this mailcheck reads schemaVersions 2 and 3)',
    );
    const badStatus = { ...a, checks: [{ ...a.checks[0]!, status: 'bogus' }] };
    expect(found(JSON.stringify(badStatus))).toBe('b.json: expected a mailcheck report, found a report of a.example whose checks[0].status is not valid');
  });
});
