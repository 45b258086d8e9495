/**
 * `--parked`: the domain must be parked (it sends and receives no mail). Each
 * missing piece of the parked profile becomes a finding of the `parked`
 * check, with the record that supplies it (RFC 7505 null MX; M3AAWG parked
 * domains practice: `v=spf1 -all`, DMARC p=reject, a revoked wildcard DKIM key).
 * Pure: built from the other checks' facts and findings, through the parked
 * profile; it gathers nothing, so it is a catalogue, a facts schema and a
 * judge, not a registered check.
 */
import { z } from 'zod';
import { makeEmit, type Emit, type FindingSpec, type GatherJudgeCheck } from '../checks/define.js';
import type { CheckResult, Finding } from '../schema/report.js';
import { lazySchema } from '../schema/lazy-schema.js';
import { requirementStatusSchema } from '../schema/requirement-status.js';
import { statusFromFindings } from '../run-check.js';
import { evaluateProfile, type CheckView } from './evaluate.js';
import { PROFILES } from './table.js';

export const parkedFactsSchema = lazySchema(() =>
  z.object({
    requirements: z
      .array(z.object({ id: z.string().describe('Requirement id of the parked profile.'), status: requirementStatusSchema() }))
      .describe('The parked profile\'s requirements and their verdicts.'),
  }),
);

/** What the parked assertion rests on. */
export type ParkedFacts = z.infer<ReturnType<typeof parkedFactsSchema>>;

/** The verdict's summary, as the parked profile words it ("no null MX ("0 .") is published"). */
type RequirementData = { summary: string };
const requirementMessage = (data: RequirementData): string => data.summary;

export const PARKED_FINDINGS = {
  'parked/mx-not-null': {
    severity: 'high',
    title: 'Parked domain without a null MX',
    description: 'A parked domain publishes a null MX ("0 .", RFC 7505) so that nobody tries to deliver mail to it.',
    message: requirementMessage,
  },
  'parked/spf-not-reject-all': {
    severity: 'high',
    title: 'Parked domain whose SPF is not "v=spf1 -all"',
    description: 'A parked domain authorises no host to send: its SPF record is exactly "v=spf1 -all".',
    message: requirementMessage,
  },
  'parked/dmarc-not-reject': {
    severity: 'high',
    title: 'Parked domain without DMARC p=reject',
    description: 'A parked domain asks receivers to reject all mail using it: DMARC p=reject.',
    message: requirementMessage,
  },
  'parked/dkim-key-active': {
    severity: 'high',
    title: 'Parked domain with an active DKIM key',
    description: 'A parked domain signs nothing: it publishes no DKIM key, or only revoked ones (an empty p=).',
    message: requirementMessage,
  },
} satisfies Record<string, FindingSpec<RequirementData>>;

/** The `parked` entry of a report: what the JSON Schema, the README and the finding catalogue need of it. */
export const parkedCheck = {
  id: 'parked',
  title: 'Parked domain (--parked)',
  description: 'With --parked: the domain declares that it sends and receives no mail (RFC 7505, M3AAWG parked domains practice).',
  record: { prefix: '', type: 'MX' },
  findings: PARKED_FINDINGS,
  // Built when first read (the JSON Schema, tests), never during an audit.
  get facts() {
    return parkedFactsSchema();
  },
} satisfies Pick<GatherJudgeCheck<typeof PARKED_FINDINGS, ParkedFacts>, 'id' | 'title' | 'description' | 'record' | 'findings' | 'facts'>;

/** One failing requirement of the parked profile, with its verdict's summary. */
interface ParkedRequirement {
  id: string;
  status: ParkedFacts['requirements'][number]['status'];
  summary: string;
}

/** Pure: a finding per failing requirement, with the record that supplies it. */
export function judgeParked(domain: string, requirements: readonly ParkedRequirement[], emit: Emit<typeof PARKED_FINDINGS>): Finding[] {
  const failing = (id: string) => requirements.find((requirement) => requirement.id === id && requirement.status === 'fail');
  const findings: Finding[] = [];
  const nullMx = failing('null-mx');
  if (nullMx) {
    findings.push(
      emit('parked/mx-not-null', {
        data: { summary: nullMx.summary },
        fix: { summary: 'Publish a null MX', records: [{ action: 'add', name: domain, type: 'MX', value: '0 .' }], notes: ['Remove every other MX record of the domain (RFC 7505 §3).'] },
      }),
    );
  }
  const spf = failing('spf-reject-all');
  if (spf) {
    findings.push(
      emit('parked/spf-not-reject-all', {
        data: { summary: spf.summary },
        fix: { summary: 'Publish "v=spf1 -all"', records: [{ action: 'add', name: domain, type: 'TXT', value: 'v=spf1 -all' }], notes: ['Replace any other SPF record of the domain: only one may exist (RFC 7208 §3.2).'] },
      }),
    );
  }
  const dmarc = failing('dmarc-reject');
  if (dmarc) {
    findings.push(
      emit('parked/dmarc-not-reject', {
        data: { summary: dmarc.summary },
        fix: { summary: 'Publish DMARC p=reject', records: [{ action: 'add', name: `_dmarc.${domain}`, type: 'TXT', value: 'v=DMARC1; p=reject; sp=reject' }] },
      }),
    );
  }
  const dkim = failing('no-active-dkim');
  if (dkim) {
    findings.push(
      emit('parked/dkim-key-active', {
        data: { summary: dkim.summary },
        fix: {
          summary: 'Revoke every DKIM key: publish an empty p= under a wildcard selector',
          records: [{ action: 'add', name: `*._domainkey.${domain}`, type: 'TXT', value: 'v=DKIM1; p=' }],
          notes: ['Remove the active key records; an empty p= means the key is revoked (RFC 6376 §3.6.1).'],
        },
      }),
    );
  }
  return findings;
}

/** The `parked` check result for --parked: one finding per missing piece. */
export function parkedAssertion(domain: string, checks: readonly CheckView[]): CheckResult {
  const profile = evaluateProfile(PROFILES.find((entry) => entry.id === 'parked')!, checks);
  const findings = judgeParked(domain, profile.requirements, makeEmit(parkedCheck),
);
  const facts: ParkedFacts = { requirements: profile.requirements.map(({ id, status }) => ({ id, status })) };
  return { id: parkedCheck.id, title: parkedCheck.title, status: statusFromFindings(findings), score: null, findings, facts, durationMs: 0 };
}
