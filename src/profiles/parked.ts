/**
 * `--parked`: the domain must be parked (it sends and receives no mail). Each
 * missing piece of the parked profile becomes a finding of the `parked`
 * check, with the record that supplies it (RFC 7505 null MX; M3AAWG parked
 * domains practice: `v=spf1 -all`, DMARC p=reject, a revoked wildcard DKIM key).
 * Pure: built from the other checks' facts.
 */
import { makeEmit, defineCheck } from '../checks/define.js';
import type { CheckResult, Finding } from '../schema/report.js';
import { statusFromFindings } from '../run-check.js';
import { evaluateProfile, type CheckView } from './evaluate.js';
import { PROFILES } from './table.js';

export const parkedCheck = defineCheck({
  id: 'parked',
  title: 'Parked domain (--parked)',
  description: 'With --parked: the domain declares that it sends and receives no mail (RFC 7505, M3AAWG parked domains practice).',
  record: { prefix: '', type: 'MX' },
  findings: {
    'parked/mx-not-null': {
      severity: 'high',
      title: 'Parked domain without a null MX',
      description: 'A parked domain publishes a null MX ("0 .", RFC 7505) so that nobody tries to deliver mail to it.',
    },
    'parked/spf-not-reject-all': {
      severity: 'high',
      title: 'Parked domain whose SPF is not "v=spf1 -all"',
      description: 'A parked domain authorises no host to send: its SPF record is exactly "v=spf1 -all".',
    },
    'parked/dmarc-not-reject': {
      severity: 'high',
      title: 'Parked domain without DMARC p=reject',
      description: 'A parked domain asks receivers to reject all mail using it: DMARC p=reject.',
    },
    'parked/dkim-key-active': {
      severity: 'high',
      title: 'Parked domain with an active DKIM key',
      description: 'A parked domain signs nothing: it publishes no DKIM key, or only revoked ones (an empty p=).',
    },
  },
  run() {
    return Promise.resolve({ findings: [], facts: {} });
  },
});

/** The `parked` check result for --parked: one finding per missing piece. */
export function parkedAssertion(domain: string, checks: readonly CheckView[]): CheckResult {
  const emit = makeEmit(parkedCheck);
  const profile = evaluateProfile(PROFILES.find((entry) => entry.id === 'parked')!, checks);
  const status = (id: string) => profile.requirements.find((requirement) => requirement.id === id)!;
  const findings: Finding[] = [];
  const failed = (id: string) => status(id).status === 'fail';
  if (failed('null-mx')) {
    findings.push(
      emit('parked/mx-not-null', {
        message: `${status('null-mx').summary}`,
        fix: { summary: 'Publish a null MX', records: [{ action: 'add', name: domain, type: 'MX', value: '0 .' }], notes: ['Remove every other MX record of the domain (RFC 7505 §3).'] },
      }),
    );
  }
  if (failed('spf-reject-all')) {
    findings.push(
      emit('parked/spf-not-reject-all', {
        message: status('spf-reject-all').summary,
        fix: { summary: 'Publish "v=spf1 -all"', records: [{ action: 'add', name: domain, type: 'TXT', value: 'v=spf1 -all' }], notes: ['Replace any other SPF record of the domain: only one may exist (RFC 7208 §3.2).'] },
      }),
    );
  }
  if (failed('dmarc-reject')) {
    findings.push(
      emit('parked/dmarc-not-reject', {
        message: status('dmarc-reject').summary,
        fix: { summary: 'Publish DMARC p=reject', records: [{ action: 'add', name: `_dmarc.${domain}`, type: 'TXT', value: 'v=DMARC1; p=reject; sp=reject' }] },
      }),
    );
  }
  if (failed('no-active-dkim')) {
    findings.push(
      emit('parked/dkim-key-active', {
        message: status('no-active-dkim').summary,
        fix: {
          summary: 'Revoke every DKIM key: publish an empty p= under a wildcard selector',
          records: [{ action: 'add', name: `*._domainkey.${domain}`, type: 'TXT', value: 'v=DKIM1; p=' }],
          notes: ['Remove the active key records; an empty p= means the key is revoked (RFC 6376 §3.6.1).'],
        },
      }),
    );
  }
  return { id: parkedCheck.id, title: parkedCheck.title, status: statusFromFindings(findings), score: null, findings, facts: { requirements: profile.requirements.map(({ id, status: state }) => ({ id, status: state })) }, durationMs: 0 };
}
