/**
 * Scoring, by arithmetic: the two scores (deliverability, receiving
 * security) and their weights, severity penalties, caps, the F of a domain
 * the providers would reject, grade bands, errored and skipped checks, parked
 * domains, and fixes ranked in sequence.
 */
import { describe, expect, it } from 'vitest';
import {
  CHECK_WEIGHTS,
  GRADE_BANDS,
  REJECTED_CAP,
  SCORE_TABLE,
  SEVERITY_CAP,
  SEVERITY_PENALTY,
  areaScore,
  checkScore,
  gradeFor,
  rankFixes,
  scoreChecks,
} from '../src/score.js';
import { CHECK_IDS } from '../src/checks/index.js';
import { breaches } from '../src/exit-code.js';
import { SCHEMA_VERSION, type Report } from '../src/schema/report.js';

const fakeReport = (): Report => ({
  schemaVersion: SCHEMA_VERSION,
  tool: { name: 'mailcheck-cli', version: '0.0.0' },
  domain: 'refused.example',
  generatedAt: '2026-12-06T00:00:00.000Z',
  score: { value: 100, grade: 'A+', complete: true, verified: true },
  receiving: { value: 100, grade: 'A+', complete: true, verified: true },
  parked: false,
  profiles: [],
  checks: [],
  fixes: [],
  dns: { queries: 0, servers: [] },
});
import type { CheckResult, Finding, Severity } from '../src/schema/report.js';

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


const sending = (checks: CheckResult[]) => areaScore(checks, 'sending');
const receiving = (checks: CheckResult[]) => areaScore(checks, 'receiving');
const replace = (id: string, replacement: CheckResult) => allPass().map((c) => (c.id === id ? replacement : c));

describe('weights table', () => {
  it('gives every registered check an area and a positive weight, and nothing else', () => {
    expect(Object.keys(SCORE_TABLE).sort()).toEqual([...CHECK_IDS].sort());
    for (const { weight } of Object.values(SCORE_TABLE)) expect(weight).toBeGreaterThan(0);
    expect(CHECK_WEIGHTS.spf).toBe(SCORE_TABLE.spf!.weight);
  });

  it('weighs each area to 100 (the README table lists these figures)', () => {
    for (const area of ['sending', 'receiving'] as const) {
      const total = Object.values(SCORE_TABLE)
        .filter((entry) => entry.area === area)
        .reduce((sum, entry) => sum + entry.weight, 0);
      expect(total, area).toBe(100);
    }
  });

  it('counts SPF, DKIM, DMARC, PTR, blocklists and BIMI in deliverability; MX, STARTTLS, MTA-STS, TLS-RPT, DNSSEC, DANE in receiving security', () => {
    const byArea = (area: string) => Object.keys(SCORE_TABLE).filter((id) => SCORE_TABLE[id]!.area === area).sort();
    expect(byArea('sending')).toEqual(['bimi', 'blocklist', 'dkim', 'dmarc', 'ptr', 'spf']);
    expect(byArea('receiving')).toEqual(['dane', 'dnssec', 'mta-sts', 'mx', 'tls', 'tls-rpt']);
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

describe('areaScore', () => {
  it('is 100 (A+, complete, verified) in both areas when every check passes', () => {
    expect(sending(allPass())).toEqual({ value: 100, grade: 'A+', complete: true, verified: true });
    expect(receiving(allPass())).toEqual({ value: 100, grade: 'A+', complete: true, verified: true });
  });

  it('is the weighted mean of the area\'s check scores', () => {
    // spf (25) at 0.7, the rest of the sending area (75) at 1: 92.5 → 93.
    expect(sending(replace('spf', check('spf', [finding('spf/a', 'medium')]))).value).toBe(93);
    // dnssec (15) at 0.9: (13.5 + 85) = 98.5 → 99 in receiving.
    expect(receiving(replace('dnssec', check('dnssec', [finding('dnssec/a', 'low')]))).value).toBe(99);
  });

  it('keeps the areas apart: a receiving finding does not cost deliverability, nor the reverse', () => {
    const checks = replace('mta-sts', check('mta-sts', [finding('mta-sts/a', 'high')], 'fail'));
    expect(sending(checks).value).toBe(100);
    expect(receiving(checks).value).toBe(SEVERITY_CAP.high);
    const other = replace('bimi', check('bimi', [finding('bimi/a', 'high')], 'fail'));
    expect(receiving(other).value).toBe(100);
  });

  it('caps an area at 79 (C) with a high finding and at 59 (D) with a critical one', () => {
    expect(sending(replace('bimi', check('bimi', [finding('bimi/a', 'high')], 'fail')))).toMatchObject({ value: 79, grade: 'C' });
    expect(sending(replace('bimi', check('bimi', [finding('bimi/a', 'critical')], 'fail')))).toMatchObject({ value: 59, grade: 'D' });
  });

  it('a cap never raises a lower total', () => {
    const checks = allPass().map((c) => (['spf', 'dkim', 'dmarc'].includes(c.id) ? check(c.id, [finding(`${c.id}/a`, 'critical')], 'fail') : c));
    // 25 / 100 left, below the critical cap.
    expect(sending(checks).value).toBe(25);
  });

  it('leaves errored checks out of the mean and marks the area incomplete', () => {
    const checks = replace('dmarc', check('dmarc', [], 'error'));
    expect(sending(checks)).toEqual({ value: 100, grade: 'A+', complete: false, verified: true });
    expect(receiving(checks).complete).toBe(true);
  });

  it('does not apply caps for findings of errored checks', () => {
    expect(sending(replace('dmarc', check('dmarc', [finding('dmarc/a', 'critical')], 'error'))).value).toBe(100);
  });

  it('is unverified (shown as "—") when every counted check errored or was skipped', () => {
    expect(sending([check('spf', [], 'error')])).toEqual({ value: 0, grade: 'F', complete: false, verified: false });
    expect(receiving([check('mx', [], 'skipped')])).toEqual({ value: 100, grade: 'A+', complete: true, verified: false });
  });

  it('is 0 F, verified, for a domain that does not exist', () => {
    const checks = [check('domain', [finding('domain/not-found', 'critical', false)], 'fail'), ...CHECK_IDS.map((id) => check(id, [], 'skipped'))];
    expect(sending(checks)).toEqual({ value: 0, grade: 'F', complete: true, verified: true });
    expect(receiving(checks).verified).toBe(false);
  });
});

describe('an MX that refuses every connection', () => {
  it('is never A: the high finding holds receiving security at C, and fails the run at the default --fail-on', () => {
    const checks = replace('tls', check('tls', [finding('tls/connection-refused', 'high')], 'fail'));
    const result = scoreChecks(checks);
    expect(result.receiving).toMatchObject({ value: 79, grade: 'C' });
    const report = { ...fakeReport(), ...result, checks: result.checks };
    expect(breaches(report, { failOn: 'high' })).toEqual(['tls/connection-refused']);
  });

  it('timeouts make the STARTTLS check inconclusive: receiving security is incomplete, not failed', () => {
    const result = scoreChecks(replace('tls', check('tls', [finding('tls/unreachable', 'info', false)], 'error')));
    expect(result.receiving).toMatchObject({ value: 100, complete: false, verified: true });
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

/** A domain with no SPF, no DKIM and no DMARC, everything else fine. */
function bareDomain(): CheckResult[] {
  return allPass().map((c) => {
    if (c.id === 'spf') return check('spf', [finding('spf/missing', 'high')], 'fail');
    if (c.id === 'dkim') return check('dkim', [finding('dkim/not-found', 'high')], 'fail');
    if (c.id === 'dmarc') return check('dmarc', [finding('dmarc/missing', 'critical')], 'fail');
    return c;
  });
}

describe('deliverability: the providers\' verdicts', () => {
  it('is an F when the big providers would reject the domain\'s mail (no SPF, no DKIM, no DMARC)', () => {
    const { score } = scoreChecks(bareDomain());
    // SPF and DKIM at 0.4 (a high finding each), DMARC at 0: 10 + 10 + 0 + 25 = 45, below both caps.
    expect(score).toMatchObject({ value: 45, grade: 'F' });
  });

  it('is an F with SPF and DKIM but no DMARC: the bulk-sender profiles reject', () => {
    const checks = replace('dmarc', check('dmarc', [finding('dmarc/missing', 'medium')], 'warn'));
    expect(sending(checks).value).toBeGreaterThan(REJECTED_CAP);
    expect(scoreChecks(checks).score).toMatchObject({ value: REJECTED_CAP, grade: 'F' });
  });

  it('is at least an A for a domain that meets the bulk profiles with nothing else wrong', () => {
    const { score, profiles } = scoreChecks(allPass());
    expect(score.value).toBeGreaterThanOrEqual(90);
    expect(profiles.map((p) => p.verdict)).not.toContain('fail');
  });
});

describe('rankFixes: in sequence', () => {
  it('ranks the best fix first, then the best given it, with the score after each step', () => {
    const fixes = rankFixes(bareDomain());
    expect(fixes.map((f) => f.findingId)).toEqual(['spf/missing', 'dmarc/missing', 'dkim/not-found']);
    // 45 → SPF (60, capped at 49) → DMARC (75, still rejected without DKIM: 49) → DKIM (100).
    expect(fixes.map((f) => f.scoreAfter)).toEqual([49, 49, 100]);
    expect(fixes.map((f) => f.points)).toEqual([4, 0, 51]);
    // Each fix names the score it counts in and the grade after it, so reporters need no scoring code.
    expect(fixes.map((f) => [f.area, f.gradeAfter])).toEqual([
      ['sending', 'F'],
      ['sending', 'F'],
      ['sending', 'A+'],
    ]);
  });

  it('names the profiles whose requirement a fix makes pass, so no required fix reads as +0 without a reason', () => {
    const fixes = rankFixes(bareDomain());
    const dmarc = fixes.find((f) => f.findingId === 'dmarc/missing')!;
    expect(dmarc.points).toBe(0);
    expect(dmarc.requiredBy).toEqual(['gmail-bulk', 'yahoo-bulk', 'outlook-bulk', 'apple-bulk']);
    expect(fixes.find((f) => f.findingId === 'spf/missing')!.requiredBy).toContain('gmail');
  });

  it('credits a fix with what it wins once the fixes before it are applied (two caps: +0 then +21)', () => {
    const checks = allPass().map((c) => {
      if (c.id === 'bimi') return check('bimi', [finding('bimi/a', 'high')], 'fail');
      if (c.id === 'blocklist') return check('blocklist', [finding('blocklist/a', 'high')], 'fail');
      return c;
    });
    const fixes = rankFixes(checks);
    expect(fixes.map((f) => [f.points, f.scoreAfter])).toEqual([
      [0, 79],
      [21, 100],
    ]);
  });

  it('ranks deliverability fixes before receiving-security fixes, each with points in its own score', () => {
    const checks = allPass().map((c) => {
      if (c.id === 'mx') return check('mx', [finding('mx/a', 'high')], 'fail');
      if (c.id === 'ptr') return check('ptr', [finding('ptr/a', 'medium')]);
      return c;
    });
    const fixes = rankFixes(checks);
    expect(fixes.map((f) => [f.findingId, f.points, f.scoreAfter])).toEqual([
      ['ptr/a', 3, 100],
      ['mx/a', 21, 100],
    ]);
  });

  it('breaks ties by severity, skips findings without a fix, and lists an identical fix once', () => {
    const checks = allPass().map((c) => {
      if (c.id === 'bimi') return check('bimi', [finding('bimi/a', 'info'), finding('bimi/b', 'info', false)]);
      if (c.id === 'ptr') return check('ptr', [finding('ptr/a', 'low'), finding('ptr/a', 'low')]);
      return c;
    });
    expect(rankFixes(checks).map((f) => f.findingId)).toEqual(['ptr/a', 'bimi/a']);
  });

  it('ranks findings whose fixes publish the same records as one fix, worth their joint removal', () => {
    const record = { action: 'replace' as const, name: '_dmarc.example.com', type: 'TXT', value: 'v=DMARC1; p=quarantine; rua=mailto:<REPORT-MAILBOX>' };
    const composed = (id: string, severity: Severity): Finding => ({ ...finding(id, severity), fix: { summary: `fix ${id}`, records: [record] } });
    const checks = replace('dmarc', check('dmarc', [composed('dmarc/no-reporting', 'low'), composed('dmarc/policy-none', 'high')], 'fail'));
    const fixes = rankFixes(checks);
    expect(fixes).toHaveLength(1);
    expect(fixes[0]).toMatchObject({ findingId: 'dmarc/policy-none', resolves: ['dmarc/policy-none', 'dmarc/no-reporting'], severity: 'high', points: 21 });
    const elsewhere = checks.map((c) => (c.id === 'spf' ? check('spf', [composed('spf/a', 'low')]) : c));
    expect(rankFixes(elsewhere).map((f) => f.resolves)).toEqual([['dmarc/policy-none', 'dmarc/no-reporting'], ['spf/a']]);
  });
});

describe('scoreChecks', () => {
  it('fills every check score and returns both scores, the profiles and the ranked fixes', () => {
    const input = replace('dkim', check('dkim', [finding('dkim/a', 'low')]));
    const result = scoreChecks(input);
    expect(result.checks.find((c) => c.id === 'dkim')!.score).toBeCloseTo(0.9, 10);
    // (25*0.9 + 75) = 97.5 → 98.
    expect(result.score).toEqual({ value: 98, grade: 'A+', complete: true, verified: true });
    expect(result.receiving.value).toBe(100);
    expect(result.profiles.map((p) => p.id)).toEqual(['gmail-bulk', 'yahoo-bulk', 'outlook-bulk', 'apple-bulk']);
    expect(result.fixes).toHaveLength(1);
    expect(result.fixes[0]).toMatchObject({ points: 2, scoreAfter: 100, requiredBy: [] });
  });

  it('recognises a parked domain: null MX and absent DKIM lowered to info without a fix, A or better', () => {
    const parked = allPass().map((c) => {
      if (c.id === 'mx') return { ...check('mx', [finding('mx/null-mx', 'high')], 'fail'), facts: { nullMx: true, nullMxMixed: false } };
      if (c.id === 'spf') return { ...c, facts: { record: 'v=spf1 -all' } };
      if (c.id === 'dmarc') return { ...c, facts: { policy: 'reject' } };
      if (c.id === 'dkim') return check('dkim', [finding('dkim/not-found', 'high')], 'fail');
      return c;
    });
    const result = scoreChecks(parked);
    expect(result.parked).toBe(true);
    const lowered = result.checks.flatMap((c) => c.findings).filter((f) => ['mx/null-mx', 'dkim/not-found'].includes(f.id));
    expect(lowered.map((f) => [f.severity, f.fix])).toEqual([
      ['info', undefined],
      ['info', undefined],
    ]);
    expect(result.checks.find((c) => c.id === 'mx')!.status).toBe('pass');
    expect(result.score.value).toBeGreaterThanOrEqual(90);
    expect(result.profiles.map((p) => [p.id, p.verdict])).toEqual([['parked', 'pass']]);
    // Without DMARC p=reject it is not parked: the null MX stays high.
    const notParked = scoreChecks(parked.map((c) => (c.id === 'dmarc' ? { ...c, facts: { policy: 'none' } } : c)));
    expect(notParked.parked).toBe(false);
    expect(notParked.checks.find((c) => c.id === 'mx')!.findings[0]!.severity).toBe('high');
  });

  it('shows the profiles chosen, marked selected', () => {
    const result = scoreChecks(bareDomain(), { selected: ['gmail', 'yahoo'] });
    expect(result.profiles.map((p) => [p.id, p.verdict, p.selected])).toEqual([
      ['gmail', 'fail', true],
      ['yahoo', 'fail', true],
    ]);
  });

  it('judges no profile for a domain that does not exist', () => {
    const checks = [check('domain', [finding('domain/not-found', 'critical', false)], 'fail'), ...CHECK_IDS.map((id) => check(id, [], 'skipped'))];
    expect(scoreChecks(checks).profiles).toEqual([]);
  });
});
