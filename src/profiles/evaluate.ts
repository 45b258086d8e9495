/**
 * Judges the mailbox-provider profiles (./table.ts) and recognises parked
 * domains. Pure: a function of the checks' facts and findings and of
 * optional extra inputs (the sending IPs given with --ip; facts of a sample
 * message, when one is given), so that scoring can re-judge the profiles
 * with findings removed to rank fixes.
 */
import type { CheckResult, Finding, ProfileRequirementResult, ProfileResult, RequirementStatus } from '../schema/report.js';
import { PROFILES, type ProfileDefinition, type RequirementId } from './table.js';
import type { DkimFacts } from '../checks/dkim/index.js';
import type { DmarcFacts } from '../checks/dmarc/index.js';
import type { MxFacts } from '../checks/mx/index.js';
import type { PtrFacts } from '../checks/ptr/index.js';

/** What the requirement judges read of a check. */
export type CheckView = Pick<CheckResult, 'id' | 'status' | 'findings' | 'facts'>;

/**
 * A check's facts in the shape its schema declares, each field possibly
 * absent: a check that was skipped or failed before it saw anything has none.
 */
const factsOf = <Facts>(check: CheckView): Partial<Facts> => check.facts as Partial<Facts>;

/** Inputs besides the checks. */
/** A message-side status (`mailcheck message`'s `requirements`). */
export type MessageStatus = 'pass' | 'fail' | 'unknown' | 'not-applicable';

/** What a message shows of the requirements DNS cannot decide (`mailcheck message`). */
export interface MessageEvidence {
  spf: MessageStatus;
  dkim: MessageStatus;
  alignment: MessageStatus;
  oneClickUnsubscribe: MessageStatus;
  format: MessageStatus;
  tls: MessageStatus;
  reverseDns: MessageStatus;
}

export interface ProfileInputs {
  /** Sending IPs given with --ip. */
  sendingIps?: readonly string[];
  /** A sample message's statuses: they decide the requirements only a message shows. */
  message?: MessageEvidence;
  /** Profile ids chosen with --profile (or parked with --parked): their failing verdict fails the run. */
  selected?: readonly string[];
}

interface Judgement {
  status: RequirementStatus;
  summary: string;
  findings?: string[];
  needs?: string;
}

/** SPF findings that make receivers' SPF evaluation end in none or permerror (RFC 7208 §4.5, §4.6.4, §4.8). */
const SPF_BROKEN = [
  'spf/missing',
  'spf/multiple-records',
  'spf/syntax-error',
  'spf/too-many-lookups',
  'spf/void-lookups',
  'spf/loop',
  'spf/include-missing',
];
/** DMARC findings that mean no usable DMARC record (RFC 7489 §6.6.3). */
const DMARC_BROKEN = ['dmarc/missing', 'dmarc/multiple-records', 'dmarc/syntax-error'];

const MESSAGE_NEEDED = 'a sample message (mailcheck message <file.eml>)';

type AuthState = 'ok' | 'missing' | 'broken' | 'unknown' | 'inconclusive' | 'not-run';

function finder(checks: readonly CheckView[]) {
  const byId = new Map(checks.map((check) => [check.id, check]));
  const present = (check: CheckView | undefined, ids: readonly string[]) =>
    check && check.status !== 'skipped' ? check.findings.filter((finding) => ids.includes(finding.id)).map((finding) => finding.id) : [];
  return { check: (id: string) => byId.get(id), present };
}

type Finder = ReturnType<typeof finder>;

function spfState(f: Finder): { state: AuthState; findings: string[] } {
  const check = f.check('spf');
  if (!check || check.status === 'skipped') return { state: 'not-run', findings: [] };
  const broken = f.present(check, SPF_BROKEN);
  if (broken.includes('spf/missing')) return { state: 'missing', findings: broken };
  if (broken.length > 0) return { state: 'broken', findings: broken };
  if (check.status === 'error') return { state: 'inconclusive', findings: [] };
  return { state: 'ok', findings: [] };
}

function dkimState(f: Finder): { state: AuthState; findings: string[] } {
  const check = f.check('dkim');
  if (!check || check.status === 'skipped') return { state: 'not-run', findings: [] };
  if (f.present(check, ['dkim/not-found']).length > 0) return { state: 'missing', findings: ['dkim/not-found'] };
  if (f.present(check, ['dkim/selector-unknown']).length > 0) return { state: 'unknown', findings: ['dkim/selector-unknown'] };
  if (check.status === 'error') return { state: 'inconclusive', findings: [] };
  const keys = factsOf<DkimFacts>(check).keys ?? [];
  const usable = keys.some((key) => !key.revoked && key.errors.length === 0);
  const broken = f.present(check, ['dkim/invalid-record', 'dkim/revoked-key', 'dkim/insecure-key']);
  if (keys.length > 0 && !usable && broken.length > 0) return { state: 'broken', findings: broken };
  return { state: 'ok', findings: [] };
}

const AUTH_TEXT: Record<AuthState, string> = {
  ok: 'is set up',
  missing: 'is not set up',
  broken: 'is broken',
  unknown: 'could not be found with the selectors tried',
  inconclusive: 'could not be checked (DNS failed)',
  'not-run': 'was not checked',
};

const bad = (state: AuthState) => state === 'missing' || state === 'broken';

/** " (spf/include-missing)": the findings that broke a record that exists. */
const because = (auth: { state: AuthState; findings: string[] }) => (auth.state === 'broken' && auth.findings.length > 0 ? ` (${auth.findings.join(', ')})` : '');

function undecided(name: string, state: AuthState, findings: string[]): Judgement {
  if (state === 'unknown') {
    return { status: 'needs-input', summary: `${name} ${AUTH_TEXT.unknown}`, findings, needs: '--dkim-selector <selector>' };
  }
  return { status: 'inconclusive', summary: `${name} ${AUTH_TEXT[state]}`, findings };
}

/**
 * A requirement decided by the sample message when it can tell (pass or
 * fail); undefined to fall back to what DNS shows.
 */
function fromMessage(status: MessageStatus | undefined, pass: string, fail: string): Judgement | undefined {
  if (status === 'pass') return { status: 'pass', summary: `the message: ${pass}` };
  if (status === 'fail') return { status: 'fail', summary: `the message: ${fail}` };
  return undefined;
}

/** One judge per requirement id (the DNS judgement; a message's evidence comes first, below). */
const DNS_JUDGES: Record<RequirementId, (f: Finder, inputs: ProfileInputs) => Judgement> = {
  'spf-or-dkim'(f) {
    const spf = spfState(f);
    const dkim = dkimState(f);
    const findings = [...spf.findings, ...dkim.findings];
    if (spf.state === 'ok' || dkim.state === 'ok') {
      return { status: 'pass', summary: spf.state === 'ok' ? (dkim.state === 'ok' ? 'SPF and DKIM are set up' : 'SPF is set up') : 'DKIM is set up' };
    }
    if (bad(spf.state) && bad(dkim.state)) {
      return {
        status: 'fail',
        summary: spf.state === 'missing' && dkim.state === 'missing' ? 'neither SPF nor DKIM is set up' : `SPF ${AUTH_TEXT[spf.state]} and DKIM ${AUTH_TEXT[dkim.state]}`,
        findings,
      };
    }
    return bad(spf.state) ? undecided('DKIM', dkim.state, findings) : undecided('SPF', spf.state, findings);
  },
  'spf-and-dkim'(f) {
    const spf = spfState(f);
    const dkim = dkimState(f);
    const findings = [...spf.findings, ...dkim.findings];
    if (spf.state === 'ok' && dkim.state === 'ok') return { status: 'pass', summary: 'SPF and DKIM are set up' };
    if (bad(spf.state) && bad(dkim.state)) {
      return {
        status: 'fail',
        summary: spf.state === 'missing' && dkim.state === 'missing' ? 'neither SPF nor DKIM is set up' : `SPF ${AUTH_TEXT[spf.state]} and DKIM ${AUTH_TEXT[dkim.state]}`,
        findings,
      };
    }
    if (bad(spf.state)) return { status: 'fail', summary: `SPF ${AUTH_TEXT[spf.state]}${because(spf)}`, findings };
    if (bad(dkim.state)) return { status: 'fail', summary: `DKIM ${AUTH_TEXT[dkim.state]}${because(dkim)}`, findings };
    return spf.state === 'ok' ? undecided('DKIM', dkim.state, findings) : undecided('SPF', spf.state, findings);
  },
  'dmarc-published'(f) {
    const check = f.check('dmarc');
    if (!check || check.status === 'skipped') return { status: 'inconclusive', summary: 'DMARC was not checked' };
    const broken = f.present(check, DMARC_BROKEN);
    if (broken.includes('dmarc/missing')) return { status: 'fail', summary: 'no DMARC record is published', findings: broken };
    if (broken.length > 0) return { status: 'fail', summary: 'the DMARC record is not usable', findings: broken };
    if (check.status === 'error') return { status: 'inconclusive', summary: 'DMARC could not be checked (DNS failed)' };
    const policy = factsOf<DmarcFacts>(check).policy;
    return { status: 'pass', summary: `a DMARC record is published${typeof policy === 'string' ? ` (p=${policy})` : ''}` };
  },
  'from-aligned'(f) {
    const spf = spfState(f);
    const dkim = dkimState(f);
    // RFC 7489 §3.1: alignment needs SPF or DKIM to authenticate this domain (or its organisational domain).
    if (bad(spf.state) && bad(dkim.state)) {
      return { status: 'fail', summary: 'neither SPF nor DKIM is set up, so the From domain cannot align', findings: [...spf.findings, ...dkim.findings] };
    }
    return { status: 'needs-input', summary: 'alignment is possible; whether the From domain aligns shows in a message', needs: MESSAGE_NEEDED };
  },
  'sending-ip-fcrdns'(f, inputs) {
    const ips = inputs.sendingIps ?? [];
    if (ips.length === 0) return { status: 'needs-input', summary: 'the sending IPs are not known', needs: '--ip <sending IP>' };
    const check = f.check('ptr');
    if (!check || check.status === 'skipped') return { status: 'inconclusive', summary: 'reverse DNS was not checked' };
    const addresses = factsOf<PtrFacts>(check).addresses ?? [];
    const sending = addresses.filter((address) => address.sending);
    const failing = f.present(check, ['ptr/missing', 'ptr/mismatch']);
    const badIps = sending.filter((address) => address.outcome === 'missing' || address.outcome === 'mismatch').map((address) => address.ip);
    if (badIps.length > 0 && failing.length > 0) {
      return { status: 'fail', summary: `no forward-confirmed reverse DNS for ${badIps.join(', ')}`, findings: failing };
    }
    if (check.status === 'error' || sending.some((address) => address.outcome === 'inconclusive')) {
      return { status: 'inconclusive', summary: 'reverse DNS of the sending IPs could not be checked (DNS failed)' };
    }
    return { status: 'pass', summary: `forward-confirmed reverse DNS for ${ips.join(', ')}` };
  },
  'tls-sending'() {
    return { status: 'needs-input', summary: 'TLS on the sending side shows only in a delivered message\'s Received lines', needs: MESSAGE_NEEDED };
  },
  'spam-rate'() {
    return { status: 'not-checkable', summary: 'only the provider sees the spam rate (keep it below 0.3 %; Gmail shows it in Postmaster Tools)' };
  },
  'message-format'() {
    return { status: 'needs-input', summary: 'RFC 5322 format is a property of each message', needs: MESSAGE_NEEDED };
  },
  'one-click-unsubscribe'() {
    return { status: 'needs-input', summary: 'one-click unsubscribe (RFC 8058 List-Unsubscribe-Post) shows in a marketing message', needs: MESSAGE_NEEDED };
  },
  'dkim-key-1024'(f) {
    const check = f.check('dkim');
    const dkim = dkimState(f);
    const insecure = f.present(check, ['dkim/insecure-key']);
    if (insecure.length > 0) return { status: 'fail', summary: 'a DKIM key is shorter than 1024 bits', findings: insecure };
    if (dkim.state === 'ok') return { status: 'pass', summary: 'every RSA key found has at least 1024 bits' };
    if (dkim.state === 'missing' || dkim.state === 'broken') return { status: 'pass', summary: 'no usable DKIM key is published, so none is too short' };
    return undecided('DKIM', dkim.state, dkim.findings);
  },
  'null-mx'(f) {
    const check = f.check('mx');
    if (!check || check.status === 'skipped') return { status: 'inconclusive', summary: 'MX was not checked' };
    const facts = factsOf<MxFacts>(check);
    if (facts.nullMx === true && facts.nullMxMixed !== true) return { status: 'pass', summary: 'a null MX says the domain accepts no mail (RFC 7505)' };
    if (check.status === 'error') return { status: 'inconclusive', summary: 'MX could not be checked (DNS failed)' };
    return { status: 'fail', summary: 'no null MX ("0 .") is published' };
  },
  'spf-reject-all'(f) {
    const check = f.check('spf');
    if (!check || check.status === 'skipped') return { status: 'inconclusive', summary: 'SPF was not checked' };
    const record = typeof check.facts.record === 'string' ? check.facts.record.trim().toLowerCase().replace(/\s+/g, ' ') : null;
    if (record === 'v=spf1 -all') return { status: 'pass', summary: 'SPF is "v=spf1 -all": no host may send' };
    if (check.status === 'error') return { status: 'inconclusive', summary: 'SPF could not be checked (DNS failed)' };
    return { status: 'fail', summary: record === null ? 'no SPF record is published' : 'the SPF record is not "v=spf1 -all"' };
  },
  'dmarc-reject'(f) {
    const check = f.check('dmarc');
    if (!check || check.status === 'skipped') return { status: 'inconclusive', summary: 'DMARC was not checked' };
    const policy = factsOf<DmarcFacts>(check).policy;
    if (policy === 'reject') return { status: 'pass', summary: 'DMARC p=reject' };
    if (check.status === 'error') return { status: 'inconclusive', summary: 'DMARC could not be checked (DNS failed)' };
    return { status: 'fail', summary: typeof policy === 'string' ? `DMARC p=${policy}, not p=reject` : 'no DMARC record is published' };
  },
  'no-active-dkim'(f) {
    const check = f.check('dkim');
    if (!check || check.status === 'skipped') return { status: 'inconclusive', summary: 'DKIM was not checked' };
    const keys = factsOf<DkimFacts>(check).keys ?? [];
    if (keys.some((key) => !key.revoked)) return { status: 'fail', summary: 'an active DKIM key is published' };
    if (f.present(check, ['dkim/selector-unknown']).length > 0) {
      return { status: 'needs-input', summary: 'keys are published under selectors not tried', findings: ['dkim/selector-unknown'], needs: '--dkim-selector <selector>' };
    }
    if (check.status === 'error') return { status: 'inconclusive', summary: 'DKIM could not be checked (DNS failed)' };
    return { status: 'pass', summary: keys.length > 0 ? 'only revoked DKIM keys are published' : 'no DKIM key is published' };
  },
};

/** What a sample message decides, per requirement (the providers judge each message: "must pass"). */
const MESSAGE_JUDGES: Partial<Record<RequirementId, (message: MessageEvidence) => Judgement | undefined>> = {
  'spf-or-dkim': (m) =>
    m.spf === 'pass' || m.dkim === 'pass'
      ? { status: 'pass', summary: `the message: ${m.spf === 'pass' ? 'SPF' : 'DKIM'} passes` }
      : m.spf === 'fail' && m.dkim === 'fail'
        ? { status: 'fail', summary: 'the message: neither SPF nor DKIM passes' }
        : undefined,
  'spf-and-dkim': (m) =>
    m.spf === 'pass' && m.dkim === 'pass'
      ? { status: 'pass', summary: 'the message: SPF and DKIM pass' }
      : m.spf === 'fail' || m.dkim === 'fail'
        ? { status: 'fail', summary: `the message: ${m.spf === 'fail' && m.dkim === 'fail' ? 'SPF and DKIM fail' : m.spf === 'fail' ? 'SPF does not pass' : 'DKIM does not pass'}` }
        : undefined,
  'from-aligned': (m) => fromMessage(m.alignment, 'the From domain aligns with a passing SPF or DKIM', 'the From domain aligns with no passing SPF or DKIM (RFC 7489 §3.1)'),
  'sending-ip-fcrdns': (m) => fromMessage(m.reverseDns, 'the sending IP has forward-confirmed reverse DNS', 'the sending IP has no forward-confirmed reverse DNS'),
  'tls-sending': (m) => fromMessage(m.tls, 'the receiver recorded TLS', 'the receiver recorded no TLS'),
  'message-format': (m) => fromMessage(m.format, 'RFC 5322 format holds', 'breaks RFC 5322 format'),
  'one-click-unsubscribe': (m) =>
    fromMessage(m.oneClickUnsubscribe, 'one-click unsubscribe (RFC 8058) is present and signed', 'no signed one-click unsubscribe (RFC 8058)'),
};

const JUDGES: Record<RequirementId, (f: Finder, inputs: ProfileInputs) => Judgement> = Object.fromEntries(
  (Object.keys(DNS_JUDGES) as RequirementId[]).map((id) => [
    id,
    (f: Finder, inputs: ProfileInputs) => (inputs.message && MESSAGE_JUDGES[id]?.(inputs.message)) || DNS_JUDGES[id](f, inputs),
  ]),
) as Record<RequirementId, (f: Finder, inputs: ProfileInputs) => Judgement>;

/** Judges one profile. */
export function evaluateProfile(profile: ProfileDefinition, checks: readonly CheckView[], inputs: ProfileInputs = {}): ProfileResult {
  return judgeProfile(profile, finder(checks), inputs, new Map());
}

/** Judges the profiles of `ids`, in table order; a requirement shared by several profiles is judged once. */
export function evaluateProfiles(ids: readonly string[], checks: readonly CheckView[], inputs: ProfileInputs = {}): ProfileResult[] {
  const f = finder(checks);
  const judged = new Map<RequirementId, Judgement>();
  return PROFILES.filter((profile) => ids.includes(profile.id)).map((profile) => judgeProfile(profile, f, inputs, judged));
}

/**
 * Only what scoring needs, without building the results: `profile:requirement`
 * of every failing required requirement, and whether a provider would reject
 * (a failing one it enforces by rejection). Ranking fixes asks this many times.
 */
export function failingRequirements(ids: readonly string[], checks: readonly CheckView[], inputs: ProfileInputs = {}): { failing: Set<string>; rejected: boolean } {
  const f = finder(checks);
  const judged = new Map<RequirementId, RequirementStatus>();
  const failing = new Set<string>();
  let rejected = false;
  for (const profile of PROFILES) {
    if (!ids.includes(profile.id)) continue;
    for (const requirement of profile.requirements) {
      if (requirement.level !== 'required') continue;
      let status = judged.get(requirement.id);
      if (status === undefined) {
        status = JUDGES[requirement.id](f, inputs).status;
        judged.set(requirement.id, status);
      }
      if (status !== 'fail') continue;
      failing.add(`${profile.id}:${requirement.id}`);
      if (requirement.rejects) rejected = true;
    }
  }
  return { failing, rejected };
}

function judgeProfile(profile: ProfileDefinition, f: Finder, inputs: ProfileInputs, judged: Map<RequirementId, Judgement>): ProfileResult {
  const requirements: ProfileRequirementResult[] = profile.requirements.map((requirement) => {
    let judgement = judged.get(requirement.id);
    if (!judgement) {
      judgement = JUDGES[requirement.id](f, inputs);
      judged.set(requirement.id, judgement);
    }
    return {
      id: requirement.id,
      status: judgement.status,
      level: requirement.level,
      rejects: requirement.rejects,
      summary: judgement.summary,
      source: requirement.source.url,
      sourceRead: requirement.source.read,
      ...(judgement.needs !== undefined ? { needs: judgement.needs } : {}),
      findings: [...new Set(judgement.findings ?? [])],
    };
  });
  const required = requirements.filter((requirement) => requirement.level === 'required');
  const verdict = required.some((requirement) => requirement.status === 'fail')
    ? 'fail'
    : required.some((requirement) => requirement.status === 'needs-input' || requirement.status === 'inconclusive')
      ? 'incomplete'
      : 'pass';
  return { id: profile.id, title: profile.title, verdict, selected: inputs.selected?.includes(profile.id) ?? false, requirements };
}

/** A domain is parked when every requirement of the parked profile passes (M3AAWG parked-domain practice, RFC 7505). */
export function isParked(checks: readonly CheckView[]): boolean {
  const parked = PROFILES.find((profile) => profile.id === 'parked')!;
  return evaluateProfile(parked, checks).requirements.every((requirement) => requirement.status === 'pass');
}

/**
 * Findings that are what a parked domain should show: the null MX it
 * publishes on purpose and the DKIM keys it does not publish (or has
 * revoked). For a parked domain they are lowered to info: the catalogue of
 * each says so.
 */
export const PARKED_EXPECTED = ['mx/null-mx', 'dkim/not-found', 'dkim/revoked-key', 'dkim/selector-unknown'];

/** The checks of a parked domain with its expected findings lowered to info. */
export function lowerParkedFindings<T extends CheckView>(checks: readonly T[]): T[] {
  return checks.map((check) => ({
    ...check,
    // Lowered findings lose their fix: a parked domain is right to have them.
    findings: check.findings.map((finding: Finding) => {
      if (!PARKED_EXPECTED.includes(finding.id)) return finding;
      const { fix: _fix, ...rest } = finding;
      return { ...rest, severity: 'info' as const };
    }),
  }));
}

/** The profiles a report shows: those chosen, else the bulk ones (or parked for a parked domain). */
export function shownProfiles(selected: readonly string[], parked: boolean): string[] {
  if (selected.length > 0) return [...selected];
  return parked ? ['parked'] : PROFILES.filter((profile) => profile.byDefault).map((profile) => profile.id);
}
