/**
 * Scoring: a pure function of the check results. One weights table for all
 * checks, one penalty per severity, grade bands, caps for critical and high
 * findings, and the points each fix wins back. The README's scoring section
 * documents exactly these tables.
 */
import type { CheckResult, Finding, Grade, RankedFix, Score, Severity } from './report/schema.js';

/** How much each check counts in the total. A check not listed counts 0. */
export const CHECK_WEIGHTS: Readonly<Record<string, number>> = {
  mx: 15,
  spf: 20,
  dmarc: 20,
  dkim: 15,
  ptr: 5,
  tls: 10,
  'mta-sts': 3,
  'tls-rpt': 2,
  dnssec: 3,
  dane: 3,
  blocklist: 10,
  bimi: 1,
};

/** What one finding takes off its check's 0–1 score. Each finding id counts once per check. */
export const SEVERITY_PENALTY: Readonly<Record<Severity, number>> = {
  critical: 1,
  high: 0.6,
  medium: 0.3,
  low: 0.1,
  info: 0,
};

/**
 * The highest total a domain can have while it has a finding of this severity:
 * a critical problem (mail rejected or spoofable) cannot grade above D however
 * good the rest is, a high one not above C.
 */
export const SEVERITY_CAP: Readonly<Partial<Record<Severity, number>>> = {
  critical: 59,
  high: 79,
};

/** Lowest total for each grade, best first. */
export const GRADE_BANDS: ReadonlyArray<readonly [Grade, number]> = [
  ['A+', 97],
  ['A', 90],
  ['B', 80],
  ['C', 65],
  ['D', 50],
  ['F', 0],
];

/** A check's 0–1 score from its findings; null when it errored or was skipped. */
export function checkScore(check: Pick<CheckResult, 'status' | 'findings'>): number | null {
  if (check.status === 'error' || check.status === 'skipped') return null;
  const worstById = new Map<string, number>();
  for (const finding of check.findings) {
    const penalty = SEVERITY_PENALTY[finding.severity];
    worstById.set(finding.id, Math.max(worstById.get(finding.id) ?? 0, penalty));
  }
  let total = 0;
  for (const penalty of worstById.values()) total += penalty;
  return Math.max(0, round(1 - total, 4));
}

export function gradeFor(value: number): Grade {
  for (const [grade, floor] of GRADE_BANDS) if (value >= floor) return grade;
  return 'F';
}

/** The 0–100 total: weighted mean of the concluded checks' scores, then the severity caps. */
export function totalScore(checks: ReadonlyArray<Pick<CheckResult, 'id' | 'status' | 'findings'>>): Score {
  let weighted = 0;
  let weights = 0;
  let complete = true;
  for (const check of checks) {
    if (check.status === 'error') complete = false;
    const score = checkScore(check);
    const weight = CHECK_WEIGHTS[check.id] ?? 0;
    if (score === null || weight === 0) continue;
    weighted += weight * score;
    weights += weight;
  }
  // Nothing concluded: with an errored check nothing was verified, which must
  // not read as a perfect score; with only skipped checks nothing was wrong.
  let value = weights === 0 ? (complete ? 100 : 0) : Math.round((100 * weighted) / weights);
  for (const check of checks) {
    if (check.status === 'error' || check.status === 'skipped') continue;
    for (const finding of check.findings) {
      const cap = SEVERITY_CAP[finding.severity];
      if (cap !== undefined) value = Math.min(value, cap);
    }
  }
  return { value, grade: gradeFor(value), complete };
}

/**
 * Every fix, ranked by the points it wins back on its own. Findings of one
 * check whose fixes publish the same records are resolved by one change (the
 * DMARC and SPF checks compose their fixes into one record), so they form one
 * entry: its points are the total with all of those findings removed, minus
 * the total now. Ties go to the more severe finding.
 */
export function rankFixes(checks: ReadonlyArray<CheckResult>): RankedFix[] {
  const now = totalScore(checks).value;
  const ranked: RankedFix[] = [];
  for (const check of checks) {
    const groups = new Map<string, Finding[]>();
    for (const finding of check.findings) {
      if (!finding.fix) continue;
      const records = finding.fix.records ?? [];
      const key = records.length > 0 ? JSON.stringify(records) : `${finding.id}\u0000${JSON.stringify(finding.fix)}`;
      const group = groups.get(key);
      if (group) group.push(finding);
      else groups.set(key, [finding]);
    }
    for (const group of groups.values()) {
      const lead = [...group].sort((a, b) => severityOrder(a.severity) - severityOrder(b.severity))[0]!;
      const resolves = [lead.id, ...new Set(group.map((finding) => finding.id).filter((id) => id !== lead.id))];
      const without = checks.map((other) =>
        other === check ? { ...other, findings: other.findings.filter((f: Finding) => !resolves.includes(f.id)) } : other,
      );
      ranked.push({
        findingId: lead.id,
        resolves,
        checkId: check.id,
        severity: lead.severity,
        points: Math.max(0, totalScore(without).value - now),
        fix: lead.fix!,
      });
    }
  }
  return ranked.sort((a, b) => b.points - a.points || severityOrder(a.severity) - severityOrder(b.severity));
}

function severityOrder(severity: Severity): number {
  return Object.keys(SEVERITY_PENALTY).indexOf(severity);
}

/** Fills each check's score and computes the total and the ranked fixes. */
export function scoreChecks(checks: ReadonlyArray<CheckResult>): {
  checks: CheckResult[];
  score: Score;
  fixes: RankedFix[];
} {
  const scored = checks.map((check) => ({ ...check, score: checkScore(check) }));
  return { checks: scored, score: totalScore(scored), fixes: rankFixes(scored) };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
