/**
 * Scoring: pure functions of the check results. Two scores, from one table of
 * weights:
 * - deliverability (`score`): will mail from this domain be delivered — the
 *   sending-side checks (SPF, DKIM, DMARC, reverse DNS and blocklists of the
 *   sending IPs, BIMI), capped at F when the big mailbox providers would
 *   reject the domain's mail (./profiles);
 * - receiving security (`receiving`): is mail sent to this domain delivered
 *   safely — MX, STARTTLS, MTA-STS, TLS-RPT, DNSSEC, DANE.
 * Each is a weighted mean of the check scores, then the severity caps. Fixes
 * are ranked in sequence: the best first, then the best once it is applied.
 * The README's scoring section documents exactly these tables.
 */
import type { CheckResult, Finding, Grade, ProfileResult, RankedFix, Score, Severity } from './schema/report.js';
import { evaluateProfiles, failingRequirements, isParked, lowerParkedFindings, shownProfiles, type ProfileInputs } from './profiles/evaluate.js';
import { PROVIDER_PROFILE_IDS } from './profiles/table.js';
import { statusFromFindings } from './run-check.js';
import { CHECKS } from './checks/index.js';
import type { ScoreArea } from './checks/define.js';

export type { ScoreArea };

/**
 * The one weights table: each registered check's score and weight in it,
 * read from the check's own definition (`score`). A check not listed counts
 * in neither.
 */
export const SCORE_TABLE: Readonly<Record<string, { area: ScoreArea; weight: number }>> = Object.fromEntries(
  CHECKS.flatMap((check) => (check.score ? [[check.id, check.score]] : [])),
);

/** Each check's weight (from SCORE_TABLE). A check not listed counts 0. */
export const CHECK_WEIGHTS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(SCORE_TABLE).map(([id, { weight }]) => [id, weight]),
);

/** The score a check's findings count in: its SCORE_TABLE area; checks not listed (domain, parked) count in deliverability. */
export function areaOf(checkId: string): ScoreArea {
  return SCORE_TABLE[checkId]?.area ?? 'sending';
}

/** What one finding takes off its check's 0–1 score. Each finding id counts once per check. */
export const SEVERITY_PENALTY: Readonly<Record<Severity, number>> = {
  critical: 1,
  high: 0.6,
  medium: 0.3,
  low: 0.1,
  info: 0,
};

/**
 * The highest score a domain can have while it has a finding of this severity
 * in that score's checks: a critical problem cannot grade above D however good
 * the rest is, a high one not above C.
 */
export const SEVERITY_CAP: Readonly<Partial<Record<Severity, number>>> = {
  critical: 59,
  high: 79,
};

/**
 * The highest deliverability score while a mailbox provider would reject the
 * domain's mail (a failing requirement of a provider profile that the
 * provider enforces by rejection): an F.
 */
export const REJECTED_CAP = 49;

/** Findings after which nothing else is judged: the deliverability score is 0. */
export const FATAL_FINDINGS: readonly string[] = ['domain/not-found'];

/** Lowest total for each grade, best first. */
export const GRADE_BANDS: ReadonlyArray<readonly [Grade, number]> = [
  ['A+', 97],
  ['A', 90],
  ['B', 80],
  ['C', 65],
  ['D', 50],
  ['F', 0],
];

type Scored = Pick<CheckResult, 'id' | 'status' | 'findings'>;

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

/** What one check brings to its area's score (see {@link areaScore}). */
interface AreaPart {
  area: ScoreArea;
  /** It errored: the score is not complete. */
  errored: boolean;
  /** Its 0–1 score and weight, when it concluded and counts. */
  score: number | null;
  weight: number;
  /** The lowest severity cap among its findings (Infinity: none), when it concluded. */
  cap: number;
  /** It holds a finding after which nothing else is judged. */
  fatal: boolean;
}

function areaPart(check: Scored): AreaPart {
  let cap = Infinity;
  if (check.status !== 'error' && check.status !== 'skipped') {
    for (const finding of check.findings) cap = Math.min(cap, SEVERITY_CAP[finding.severity] ?? Infinity);
  }
  return {
    area: areaOf(check.id),
    errored: check.status === 'error',
    score: checkScore(check),
    weight: CHECK_WEIGHTS[check.id] ?? 0,
    cap,
    fatal: check.findings.some((finding) => FATAL_FINDINGS.includes(finding.id)),
  };
}

/**
 * One area's 0–100 score: the weighted mean of its concluded checks' scores,
 * then the severity caps of its checks' findings. `complete` is false when
 * one of its checks errored; `verified` is false when none that counts concluded.
 */
export function areaScore(checks: readonly Scored[], area: ScoreArea): Score {
  return combineParts(checks.map(areaPart), area);
}

function combineParts(parts: readonly AreaPart[], area: ScoreArea): Score {
  let weighted = 0;
  let weights = 0;
  let complete = true;
  let cap = Infinity;
  let fatal = false;
  for (const part of parts) {
    if (part.area !== area) continue;
    if (part.errored) complete = false;
    if (part.fatal) fatal = true;
    cap = Math.min(cap, part.cap);
    if (part.score === null || part.weight === 0) continue;
    weighted += part.weight * part.score;
    weights += part.weight;
  }
  // Nothing concluded: with an errored check nothing was verified, which must
  // not read as a perfect score; with only skipped checks nothing was wrong.
  let value = weights === 0 ? (complete ? 100 : 0) : Math.round((100 * weighted) / weights);
  value = Math.min(value, cap);
  if (fatal) value = 0;
  return { value, grade: gradeFor(value), complete, verified: weights > 0 || fatal };
}

/** True when a provider profile has a failing required requirement that the provider enforces by rejecting mail. */
export function wouldReject(profile: ProfileResult): boolean {
  return profile.requirements.some((requirement) => requirement.status === 'fail' && requirement.level === 'required' && requirement.rejects);
}

/** The deliverability score: the sending area, capped at F when a provider would reject the domain's mail. */
export function deliverabilityScore(checks: readonly Scored[], providerProfiles: readonly ProfileResult[]): Score {
  return capRejected(areaScore(checks, 'sending'), providerProfiles.some(wouldReject));
}

/** The state scoring judges: checks plus what the profiles need. */
interface Judged {
  sending: Score;
  receiving: Score;
  /** `profile:requirement` of every failing required requirement. */
  failing: Set<string>;
  /** A provider would reject the domain's mail. */
  rejected: boolean;
}

/** The checks whose findings the provider requirements read (src/profiles/evaluate.ts). */
const PROFILE_CHECKS: ReadonlySet<string> = new Set(['spf', 'dkim', 'dmarc', 'ptr']);

/**
 * What ranking fixes computes once and reuses: each check's part of its area
 * score (by check object: a check a fix does not touch keeps its object), and
 * the profiles' verdict for each state of PROFILE_CHECKS' findings.
 */
interface JudgeMemo {
  parts: WeakMap<Scored, AreaPart>;
  failing: Map<string, Pick<Judged, 'failing' | 'rejected'>>;
}

const newJudgeMemo = (): JudgeMemo => ({ parts: new WeakMap(), failing: new Map() });

/**
 * Judges checks. With `previous` (the state before `changed` lost findings),
 * what `changed` cannot affect is taken from it: the profiles read only
 * PROFILE_CHECKS, and each score only its own area. Ranking fixes judges the
 * checks once per candidate and step, so this (and `memo`) keeps it cheap.
 */
function judge(checks: readonly CheckResult[], inputs: ProfileInputs, parked: boolean, memo: JudgeMemo, previous?: Judged, changed?: string): Judged {
  let failing: Set<string>;
  let rejected: boolean;
  if (previous && changed !== undefined && !PROFILE_CHECKS.has(changed)) {
    ({ failing, rejected } = previous);
  } else if (parked) {
    ({ failing, rejected } = { failing: new Set<string>(), rejected: false });
  } else {
    const key = checks
      .filter((check) => PROFILE_CHECKS.has(check.id))
      .map((check) => `${check.id} ${check.status} ${check.findings.map((finding) => finding.id).join(' ')}`)
      .join('\n');
    let verdict = memo.failing.get(key);
    if (!verdict) memo.failing.set(key, (verdict = failingRequirements(PROVIDER_PROFILE_IDS, checks, inputs)));
    ({ failing, rejected } = verdict);
  }
  const area = changed !== undefined ? areaOf(changed) : undefined;
  let known: AreaPart[] | undefined;
  const parts = (): AreaPart[] =>
    (known ??= checks.map((check) => {
      let part = memo.parts.get(check);
      if (!part) memo.parts.set(check, (part = areaPart(check)));
      return part;
    }));
  const sending = previous && area === 'receiving' ? previous.sending : capRejected(combineParts(parts(), 'sending'), rejected);
  const receiving = previous && area === 'sending' ? previous.receiving : combineParts(parts(), 'receiving');
  return { sending, receiving, failing, rejected };
}

function capRejected(score: Score, rejected: boolean): Score {
  if (!rejected) return score;
  const value = Math.min(score.value, REJECTED_CAP);
  return { ...score, value, grade: gradeFor(value) };
}

interface Candidate {
  check: CheckResult;
  lead: Finding;
  resolves: string[];
}

/** Fix candidates: findings of one check whose fixes publish the same records are one change (one entry). */
function candidates(checks: readonly CheckResult[]): Candidate[] {
  const list: Candidate[] = [];
  for (const check of checks) {
    if (check.status === 'skipped') continue;
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
      list.push({ check, lead, resolves });
    }
  }
  return list;
}

/** `checks` with the findings `fix` resolves gone from its check (the other checks keep their objects). */
function withFix(checks: readonly CheckResult[], fix: Candidate): CheckResult[] {
  const resolved = new Set(fix.resolves);
  return checks.map((check) =>
    check.id === fix.check.id ? { ...check, findings: check.findings.filter((finding) => !resolved.has(finding.id)) } : check,
  );
}

/**
 * Every fix, ranked in sequence: first the deliverability fixes, the one that
 * wins most first, then the one that wins most once that one is applied, and
 * so on (ties go to the fix that makes more provider requirements pass, then
 * to the more severe finding); then the receiving-security fixes the same way.
 * Each fix's `points` are what it wins in its own score given those before it,
 * `scoreAfter` that score once it is applied.
 */
export function rankFixes(checks: readonly CheckResult[], inputs: ProfileInputs = {}, parked = false): RankedFix[] {
  const memo = newJudgeMemo();
  return rankFrom(checks, inputs, parked, memo, judge(checks, inputs, parked, memo));
}

/** rankFixes from `start`, the checks as judged already with `memo`. */
function rankFrom(checks: readonly CheckResult[], inputs: ProfileInputs, parked: boolean, memo: JudgeMemo, start: Judged): RankedFix[] {
  const ranked: RankedFix[] = [];
  const all = candidates(checks);
  /** The checks with the findings of the fixes ranked so far gone. */
  let current: readonly CheckResult[] = checks;
  let now = start;
  for (const area of ['sending', 'receiving'] as const) {
    let remaining = all.filter((candidate) => areaOf(candidate.check.id) === area);
    while (remaining.length > 0) {
      let best: { candidate: Candidate; state: CheckResult[]; after: Judged } | undefined;
      for (const candidate of remaining) {
        const state = withFix(current, candidate);
        const after = judge(state, inputs, parked, memo, now, candidate.check.id);
        if (!best || better(area, candidate, after, best.candidate, best.after)) best = { candidate, state, after };
      }
      const { candidate, state, after } = best!;
      const before = area === 'sending' ? now.sending.value : now.receiving.value;
      const value = area === 'sending' ? after.sending.value : after.receiving.value;
      const requiredBy = [...new Set([...now.failing].filter((key) => !after.failing.has(key)).map((key) => key.split(':')[0]!))];
      ranked.push({
        findingId: candidate.lead.id,
        resolves: candidate.resolves,
        checkId: candidate.check.id,
        severity: candidate.lead.severity,
        points: Math.max(0, value - before),
        scoreAfter: value,
        area,
        gradeAfter: gradeFor(value),
        requiredBy,
        fix: candidate.lead.fix!,
      });
      current = state;
      now = after;
      remaining = remaining.filter((entry) => entry !== candidate);
    }
  }
  return ranked;
}

function better(area: ScoreArea, candidate: Candidate, after: Judged, best: Candidate, bestAfter: Judged): boolean {
  const value = area === 'sending' ? after.sending.value : after.receiving.value;
  const bestValue = area === 'sending' ? bestAfter.sending.value : bestAfter.receiving.value;
  if (value !== bestValue) return value > bestValue;
  if (after.failing.size !== bestAfter.failing.size) return after.failing.size < bestAfter.failing.size;
  return severityOrder(candidate.lead.severity) < severityOrder(best.lead.severity);
}

function severityOrder(severity: Severity): number {
  return Object.keys(SEVERITY_PENALTY).indexOf(severity);
}

/** What scoring adds to a report. */
export interface ScoredChecks {
  checks: CheckResult[];
  score: Score;
  receiving: Score;
  parked: boolean;
  profiles: ProfileResult[];
  fixes: RankedFix[];
}

/**
 * Recognises a parked domain (its expected findings lowered to info), fills
 * each check's score, computes both scores, judges the profiles shown and
 * ranks the fixes.
 */
export function scoreChecks(checks: ReadonlyArray<CheckResult>, inputs: ProfileInputs = {}): ScoredChecks {
  const parked = isParked(checks);
  const judged = parked
    ? lowerParkedFindings(checks).map((check) =>
        check.status === 'error' || check.status === 'skipped' ? check : { ...check, status: statusFromFindings(check.findings) },
      )
    : [...checks];
  const scored = judged.map((check) => ({ ...check, score: checkScore(check) }));
  // One memo for the scores and the ranking: the ranking starts from this judgement.
  const memo = newJudgeMemo();
  const state = judge(scored, inputs, parked, memo);
  // A name that does not exist has no mail setup for a provider to judge.
  const fatal = scored.some((check) => check.findings.some((finding) => FATAL_FINDINGS.includes(finding.id)));
  return {
    checks: scored,
    score: state.sending,
    receiving: state.receiving,
    parked,
    profiles: fatal ? [] : evaluateProfiles(shownProfiles(inputs.selected ?? [], parked), scored, inputs),
    fixes: rankFrom(scored, inputs, parked, memo, state),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
