/**
 * Scoring, by arithmetic: weights, severity penalties, caps, grade bands,
 * errored and skipped checks, and the points each fix wins back.
 */
import { describe, expect, it } from 'vitest';
import {
  CHECK_WEIGHTS,
  GRADE_BANDS,
  SEVERITY_CAP,
  SEVERITY_PENALTY,
  checkScore,
  gradeFor,
  rankFixes,
  scoreChecks,
  totalScore,
} from '../src/score.js';
import { CHECK_IDS } from '../src/checks/index.js';
import type { CheckResult, Finding, Severity } from '../src/report/schema.js';

function finding(id: string, severity: Severity, withFix = true): Finding {
  return {
    id,
    severity,
    title: id,
    message: id,
    evidence: [],
    ...(withFix ? { fix: { summary: `fix ${id}` } } : {}),
  };
}

function check(id: string, findings: Finding[] = [], status: CheckResult['status'] = findings.length ? 'warn' : 'pass'): CheckResult {
  return { id, title: id, status, score: null, findings, facts: {}, durationMs: 0 };
}

const allPass = () => CHECK_IDS.map((id) => check(id));

describe('weights table', () => {
  it('gives every registered check a positive weight, and nothing else', () => {
    expect(Object.keys(CHECK_WEIGHTS).sort()).toEqual([...CHECK_IDS].sort());
    for (const weight of Object.values(CHECK_WEIGHTS)) expect(weight).toBeGreaterThan(0);
  });

  it('sums to 107 (the README table lists these figures)', () => {
    expect(Object.values(CHECK_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(107);
  });
});

describe('checkScore', () => {
  it('is 1 without findings, null when errored or skipped', () => {
    expect(checkScore(check('mx'))).toBe(1);
    expect(checkScore(check('mx', [], 'error'))).toBeNull();
    expect(checkScore(check('mx', [], 'skipped'))).toBeNull();
  });

  it('subtracts the penalty of each severity', () => {
    for (const [severity, penalty] of Object.entries(SEVERITY_PENALTY) as [Severity, number][]) {
      expect(checkScore(check('spf', [finding('spf/x', severity)]))).toBeCloseTo(Math.max(0, 1 - penalty), 10);
    }
  });

  it('counts a finding id once per check (its worst severity), distinct ids add up, floor 0', () => {
    expect(checkScore(check('spf', [finding('spf/a', 'medium'), finding('spf/a', 'medium')]))).toBeCloseTo(0.7, 10);
    expect(checkScore(check('spf', [finding('spf/a', 'low'), finding('spf/a', 'high')]))).toBeCloseTo(0.4, 10);
    expect(checkScore(check('spf', [finding('spf/a', 'medium'), finding('spf/b', 'low')]))).toBeCloseTo(0.6, 10);
    expect(checkScore(check('spf', [finding('spf/a', 'high'), finding('spf/b', 'high')]))).toBe(0);
  });
});

describe('totalScore', () => {
  it('is 100 (A+, complete) when every check passes', () => {
    expect(totalScore(allPass())).toEqual({ value: 100, grade: 'A+', complete: true });
  });

  it('is the weighted mean of the check scores', () => {
    // spf (20) at 0.7 (one medium), the rest (87) at 1: (20*0.7 + 87) / 107 = 94.39 → 94.
    const checks = allPass().map((c) => (c.id === 'spf' ? check('spf', [finding('spf/a', 'medium')]) : c));
    expect(totalScore(checks).value).toBe(Math.round((100 * (20 * 0.7 + 87)) / 107));
    expect(totalScore(checks).value).toBe(94);
    // two lows: mx (15) at 0.9 and ptr (5) at 0.9: (13.5 + 4.5 + 87) / 107 = 98.13 → 98.
    const two = allPass().map((c) =>
      c.id === 'mx' ? check('mx', [finding('mx/a', 'low')]) : c.id === 'ptr' ? check('ptr', [finding('ptr/a', 'low')]) : c,
    );
    expect(totalScore(two).value).toBe(98);
  });

  it('caps the total at 79 (C) with a high finding and at 59 (D) with a critical one', () => {
    // bimi (weight 1) at 0.4 would otherwise still round to 99.
    const high = allPass().map((c) => (c.id === 'bimi' ? check('bimi', [finding('bimi/a', 'high')], 'fail') : c));
    expect(totalScore(high).value).toBe(SEVERITY_CAP.high);
    expect(totalScore(high).grade).toBe('C');
    const critical = allPass().map((c) => (c.id === 'bimi' ? check('bimi', [finding('bimi/a', 'critical')], 'fail') : c));
    expect(totalScore(critical).value).toBe(SEVERITY_CAP.critical);
    expect(totalScore(critical).grade).toBe('D');
  });

  it('a cap never raises a lower total', () => {
    const checks = allPass().map((c) =>
      c.id === 'spf' || c.id === 'dmarc' ? check(c.id, [finding(`${c.id}/a`, 'critical')], 'fail') : c,
    );
    // spf and dmarc at 0: 67 / 107 = 62.6 → 63, then the critical cap → 59.
    expect(totalScore(checks).value).toBe(59);
    const worse = allPass().map((c) =>
      ['spf', 'dmarc', 'dkim', 'mx'].includes(c.id) ? check(c.id, [finding(`${c.id}/a`, 'critical')], 'fail') : c,
    );
    // 37 / 107 = 34.6 → 35, below the cap.
    expect(totalScore(worse).value).toBe(35);
  });

  it('leaves errored checks out of the mean and marks the score incomplete', () => {
    const checks = allPass().map((c) => (c.id === 'dmarc' ? check('dmarc', [], 'error') : c));
    expect(totalScore(checks)).toEqual({ value: 100, grade: 'A+', complete: false });
    const withFinding = checks.map((c) => (c.id === 'spf' ? check('spf', [finding('spf/a', 'medium')]) : c));
    // (20*0.7 + 67) / 87 = 93.1 → 93 (dmarc's 20 is out of the denominator).
    expect(totalScore(withFinding).value).toBe(93);
  });

  it('leaves skipped checks out, without marking the score incomplete', () => {
    const checks = allPass().map((c) => (c.id === 'tls' ? check('tls', [], 'skipped') : c));
    expect(totalScore(checks)).toEqual({ value: 100, grade: 'A+', complete: true });
  });

  it('does not apply caps for findings of errored checks', () => {
    const checks = allPass().map((c) => (c.id === 'dmarc' ? check('dmarc', [finding('dmarc/a', 'critical')], 'error') : c));
    expect(totalScore(checks).value).toBe(100);
  });

  it('is 0 (F, incomplete) when every weighted check errored: nothing was verified', () => {
    expect(totalScore([check('mx', [], 'error')])).toEqual({ value: 0, grade: 'F', complete: false });
    expect(totalScore([check('mx', [], 'error'), check('spf', [], 'skipped')])).toEqual({ value: 0, grade: 'F', complete: false });
  });

  it('is 100 when every check was skipped: nothing was found wrong', () => {
    expect(totalScore([check('mx', [], 'skipped')])).toEqual({ value: 100, grade: 'A+', complete: true });
  });
});

describe('grade bands', () => {
  it('maps each band floor and the value just below it', () => {
    expect(GRADE_BANDS.map(([grade]) => grade)).toEqual(['A+', 'A', 'B', 'C', 'D', 'F']);
    const cases: Array<[number, string]> = [
      [100, 'A+'], [97, 'A+'], [96, 'A'], [90, 'A'], [89, 'B'], [80, 'B'],
      [79, 'C'], [65, 'C'], [64, 'D'], [50, 'D'], [49, 'F'], [0, 'F'],
    ];
    for (const [value, grade] of cases) expect(gradeFor(value), `grade of ${value}`).toBe(grade);
  });
});

describe('rankFixes', () => {
  it('gives each fix the points its removal wins back, most first', () => {
    const checks = allPass().map((c) => {
      if (c.id === 'spf') return check('spf', [finding('spf/a', 'medium')]);
      if (c.id === 'ptr') return check('ptr', [finding('ptr/a', 'medium')]);
      return c;
    });
    // now: (20*0.7 + 5*0.7 + 82) / 107 = 93.0 → 93; without spf/a: (20 + 3.5 + 82)/107 = 98.6 → 99 (+6);
    // without ptr/a: (14 + 5 + 82)/107 = 94.4 → 94 (+1).
    const fixes = rankFixes(checks);
    expect(fixes.map((f) => [f.findingId, f.checkId, f.points])).toEqual([
      ['spf/a', 'spf', 6],
      ['ptr/a', 'ptr', 1],
    ]);
  });

  it('counts the lifted cap in the points of the fix that removes the only high finding', () => {
    const checks = allPass().map((c) => (c.id === 'bimi' ? check('bimi', [finding('bimi/a', 'high')], 'fail') : c));
    // now 79 (capped); without it 100.
    expect(rankFixes(checks)[0]).toMatchObject({ findingId: 'bimi/a', points: 21, severity: 'high' });
  });

  it('gives 0 points to a fix while another finding keeps the cap', () => {
    const checks = allPass().map((c) => {
      if (c.id === 'bimi') return check('bimi', [finding('bimi/a', 'high')], 'fail');
      if (c.id === 'dane') return check('dane', [finding('dane/a', 'high')], 'fail');
      return c;
    });
    expect(rankFixes(checks).map((f) => f.points)).toEqual([0, 0]);
  });

  it('breaks ties by severity, skips findings without a fix, and lists an identical fix once', () => {
    const checks = allPass().map((c) => {
      if (c.id === 'mx') return check('mx', [finding('mx/a', 'info'), finding('mx/b', 'info', false)]);
      if (c.id === 'ptr') return check('ptr', [finding('ptr/a', 'low'), finding('ptr/a', 'low')]);
      return c;
    });
    const fixes = rankFixes(checks);
    expect(fixes.map((f) => f.findingId)).toEqual(['ptr/a', 'mx/a']);
  });
  it('ranks findings whose fixes publish the same records as one fix, worth their joint removal', () => {
    const record = { action: 'replace' as const, name: '_dmarc.example.com', type: 'TXT', value: 'v=DMARC1; p=quarantine; rua=mailto:<REPORT-MAILBOX>' };
    const composed = (id: string, severity: Severity): Finding => ({ ...finding(id, severity), fix: { summary: `fix ${id}`, records: [record] } });
    const checks = allPass().map((c) =>
      c.id === 'dmarc' ? check('dmarc', [composed('dmarc/no-reporting', 'low'), composed('dmarc/policy-none', 'high')], 'fail') : c,
    );
    const fixes = rankFixes(checks);
    // now: capped at 79 by the high finding; with both gone: 100.
    expect(fixes).toHaveLength(1);
    expect(fixes[0]).toMatchObject({
      findingId: 'dmarc/policy-none',
      resolves: ['dmarc/policy-none', 'dmarc/no-reporting'],
      severity: 'high',
      points: 21,
    });
    // The same records in another check are another change.
    const elsewhere = checks.map((c) => (c.id === 'spf' ? check('spf', [composed('spf/a', 'low')]) : c));
    expect(rankFixes(elsewhere).map((f) => f.resolves)).toEqual([['dmarc/policy-none', 'dmarc/no-reporting'], ['spf/a']]);
  });
});

describe('scoreChecks', () => {
  it('fills every check score and returns the total and the ranked fixes', () => {
    const input = allPass().map((c) => (c.id === 'dkim' ? check('dkim', [finding('dkim/a', 'low')]) : c));
    const { checks, score, fixes } = scoreChecks(input);
    expect(checks.find((c) => c.id === 'dkim')!.score).toBeCloseTo(0.9, 10);
    expect(checks.find((c) => c.id === 'mx')!.score).toBe(1);
    // (15*0.9 + 92) / 107 = 98.6 → 99.
    expect(score).toEqual({ value: 99, grade: 'A+', complete: true });
    expect(fixes).toHaveLength(1);
    expect(fixes[0]!.points).toBe(1);
  });
});
