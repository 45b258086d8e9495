/**
 * How every format words the scores and the mailbox-provider verdicts, from
 * the Report alone (pure): a score is "—" wherever nothing it counts could be
 * verified, and a provider verdict is one line ("would reject — neither SPF
 * nor DKIM is set up").
 */
import type { ProfileResult, RankedFix, Report, Score } from '../schema/report.js';

/** "42/100 F", or "—" when nothing the score counts could be verified. */
export function scoreText(score: Score): string {
  return score.verified ? `${score.value}/100 ${score.grade}` : '—';
}

/** The number alone ("42" or "—"). */
export function scoreValue(score: Score): string {
  return score.verified ? String(score.value) : '—';
}

/** The grade alone ("F" or "—"). */
export function scoreGrade(score: Score): string {
  return score.verified ? score.grade : '—';
}

/** A profile's verdict in words: what the provider would do. */
export function verdictWords(profile: ProfileResult): string {
  let failing = profile.requirements.filter((requirement) => requirement.status === 'fail' && requirement.level === 'required');
  // Alignment fails only because SPF and DKIM do: saying so twice adds nothing.
  if (failing.some((requirement) => requirement.id === 'spf-and-dkim' || requirement.id === 'spf-or-dkim')) {
    failing = failing.filter((requirement) => requirement.id !== 'from-aligned');
  }
  if (failing.length > 0) {
    const verb = profile.id === 'parked' ? 'not parked' : failing.some((requirement) => requirement.rejects) ? 'would reject' : 'does not meet the requirements';
    return `${verb} — ${unique(failing.map((requirement) => requirement.summary)).join('; ')}`;
  }
  const inconclusive = profile.requirements.filter((requirement) => requirement.status === 'inconclusive');
  if (inconclusive.length > 0) return `could not be judged — ${unique(inconclusive.map((requirement) => requirement.summary)).join('; ')}`;
  // Options first (--ip, --dkim-selector), then a sample message.
  const needs = unique(profile.requirements.flatMap((requirement) => (requirement.status === 'needs-input' && requirement.needs ? [requirement.needs] : []))).sort(
    (a, b) => Number(!a.startsWith('--')) - Number(!b.startsWith('--')),
  );
  if (profile.id === 'parked') return needs.length > 0 ? `parked as far as DNS shows; to be sure, give ${needs.join(', ')}` : 'parked: sends and receives no mail';
  if (needs.length > 0) return `no rejection seen in DNS; to check the rest, give ${needs.join(', ')}`;
  return 'meets every requirement mailcheck can check';
}

/** `Gmail (bulk senders, 5,000+ a day): would reject — …`. */
export function profileLine(profile: ProfileResult): string {
  return `${profile.title}: ${verdictWords(profile)}`;
}

/** One character per requirement status, for compact lists. */
export const REQUIREMENT_MARK: Readonly<Record<string, string>> = {
  pass: '✓',
  fail: '✗',
  'needs-input': '?',
  'not-checkable': '·',
  inconclusive: '!',
};

/** The points of a ranked fix as shown: "+7", or "required" for a fix a provider requires that wins no points by itself. */
export function pointsText(fix: RankedFix): string {
  return fix.points === 0 && fix.requiredBy.length > 0 ? 'required' : `+${fix.points}`;
}

/**
 * "1–3 together: 42 → 97 A+": the deliverability fixes that win points,
 * applied in order, and the score after them (undefined when fewer than two).
 */
export function togetherLine(report: Report): string | undefined {
  if (!report.score.verified) return undefined;
  const sending = report.fixes.filter((fix) => fix.area === 'sending');
  let last = -1;
  sending.forEach((fix, index) => {
    if (fix.points > 0 || fix.requiredBy.length > 0) last = index;
  });
  if (last < 1) return undefined;
  const { scoreAfter, gradeAfter } = sending[last]!;
  return `1–${last + 1} together: ${report.score.value} → ${scoreAfter} ${gradeAfter}`;
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
