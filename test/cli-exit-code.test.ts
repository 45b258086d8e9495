/**
 * Exit codes by arithmetic: 0 ok, 1 threshold breached, 3 incomplete.
 * (2, usage errors, is produced by the CLI itself: see test/cli.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { EXIT, breaches, exitCodeFor } from '../src/exit-code.js';
import { SCHEMA_VERSION, severitySchema } from '../src/schema/report.js';
import { SEVERITIES, atOrAbove } from '../src/severity.js';
import type { CheckResult, Report, Severity } from '../src/schema/report.js';

function report(checks: Array<Omit<Partial<CheckResult>, 'findings'> & { findings?: Severity[] }>, score = 100): Report {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'mailcheck-cli', version: '0.0.0' },
    domain: 'example.test',
    generatedAt: '2026-01-01T00:00:00.000Z',
    score: { value: score, grade: 'A+', complete: true, verified: true },
    receiving: { value: 100, grade: 'A+', complete: true, verified: true },
    parked: false,
    profiles: [],
    checks: checks.map((c, i) => ({
      id: c.id ?? `c${i}`,
      title: 'x',
      status: c.status ?? 'pass',
      score: null,
      facts: {},
      durationMs: 0,
      findings: (c.findings ?? []).map((severity, j) => ({
        id: `c${i}/f${j}`,
        severity,
        title: 't',
        message: 'm',
        evidence: [],
      })),
    })),
    fixes: [],
    dns: { queries: 0, servers: [] },
  };
}

describe('atOrAbove', () => {
  it('uses the order the Report schema declares', () => {
    expect(severitySchema.options).toEqual([...SEVERITIES]);
  });

  it('orders critical > high > medium > low > info, none never', () => {
    expect(atOrAbove('critical', 'high')).toBe(true);
    expect(atOrAbove('high', 'high')).toBe(true);
    expect(atOrAbove('medium', 'high')).toBe(false);
    expect(atOrAbove('info', 'info')).toBe(true);
    expect(atOrAbove('critical', 'none')).toBe(false);
  });
});

describe('exitCodeFor', () => {
  const failOn = 'high' as const;

  it('is 0 when nothing reaches --fail-on and the score is enough', () => {
    expect(exitCodeFor([report([{ findings: ['medium', 'low'] }])], { failOn })).toBe(EXIT.ok);
    expect(exitCodeFor([report([{}], 80)], { failOn, minScore: 80 })).toBe(EXIT.ok);
    expect(exitCodeFor([], { failOn })).toBe(EXIT.ok);
  });

  it('is 1 for a finding at or above --fail-on', () => {
    expect(exitCodeFor([report([{ findings: ['high'] }])], { failOn })).toBe(EXIT.breached);
    expect(exitCodeFor([report([{ findings: ['medium'] }])], { failOn: 'medium' })).toBe(EXIT.breached);
    expect(exitCodeFor([report([{ findings: ['critical'] }])], { failOn: 'none' })).toBe(EXIT.ok);
  });

  it('is 1 for a score below --min-score', () => {
    expect(exitCodeFor([report([{}], 79)], { failOn, minScore: 80 })).toBe(EXIT.breached);
    expect(breaches(report([{}], 79), { failOn, minScore: 80 })).toEqual(['score 79 < 80']);
  });

  it('is 1 when any of several reports breaches', () => {
    expect(exitCodeFor([report([{}]), report([{ findings: ['high'] }])], { failOn })).toBe(EXIT.breached);
  });

  it('is 3 when a check errored and nothing was breached, 1 when something was', () => {
    expect(exitCodeFor([report([{ status: 'error' }])], { failOn })).toBe(EXIT.incomplete);
    expect(exitCodeFor([report([{ status: 'error' }, { findings: ['high'] }])], { failOn })).toBe(EXIT.breached);
    expect(exitCodeFor([report([{ status: 'error' }], 10)], { failOn, minScore: 50 })).toBe(EXIT.breached);
  });

  it('counts findings an errored check made before it stopped, ignores skipped checks', () => {
    expect(exitCodeFor([report([{ status: 'error', findings: ['high'] }])], { failOn })).toBe(EXIT.breached);
    expect(exitCodeFor([report([{ status: 'skipped', findings: ['high'] }])], { failOn })).toBe(EXIT.ok);
  });

  it('uses the documented numbers', () => {
    expect(EXIT).toEqual({ ok: 0, breached: 1, usage: 2, incomplete: 3, internal: 4 });
  });
});
