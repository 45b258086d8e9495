/**
 * The mta-sts check's judge: record, policy and MX coverage → findings, with
 * fixes that carry the TXT record and the whole policy file, built from the
 * domain's MX hosts. Pure.
 */
import type { Emit, Judgement } from '../define.js';
import type { Finding, Fix } from '../../schema/report.js';
import { stsRecordValue } from '../../mta-sts/record.js';
import { policyId, policyText, RECOMMENDED_MAX_AGE, SHORT_MAX_AGE, type StsMode } from '../../mta-sts/policy.js';
import type { MtaStsFacts } from './facts.js';
import { ADDRESS_PLACEHOLDER, httpStatusDetail, servingNote, type MTA_STS_FINDINGS, type PolicySituation } from './messages.js';

const isFailure = (status: string) => status === 'servfail' || status === 'refused' || status === 'timeout';

export function judgeMtaSts(facts: MtaStsFacts, emit: Emit<typeof MTA_STS_FINDINGS>): Judgement {
  const { recordName, policyHost, policyUrl, domain } = facts;
  if (isFailure(facts.txt.status)) return { findings: [], inconclusive: `TXT lookup for ${recordName} failed (${facts.txt.status})` };
  if (isFailure(facts.mx.status)) return { findings: [], inconclusive: `MX lookup for ${domain} failed (${facts.mx.status})` };
  if (facts.mx.nullMx) return { findings: [], skipped: 'the domain publishes a null MX: it accepts no mail' };
  if (facts.mx.hosts.length === 0) return { findings: [], skipped: 'the domain publishes no MX records' };

  const fixFor = (mode: StsMode, maxAge: number, summary: string, currentRecord: string | undefined, situation: PolicySituation): Fix => {
    const content = policyText(mode, facts.policyHosts, maxAge);
    const value = stsRecordValue(policyId(content));
    const noAddress = situation.kind === 'no-address';
    return {
      summary,
      records: [
        currentRecord === undefined
          ? { action: 'add', name: recordName, type: 'TXT', value }
          : { action: 'replace', name: recordName, type: 'TXT', value, current: currentRecord },
        // Only when the policy host was seen to have no address.
        ...(noAddress ? [{ action: 'add' as const, name: policyHost, type: 'A', value: `<${ADDRESS_PLACEHOLDER}>` }] : []),
      ],
      files: [{ url: policyUrl, content }],
      ...(noAddress ? { placeholders: { [ADDRESS_PLACEHOLDER]: `the IPv4 address of the HTTPS server that serves ${policyUrl}` } } : {}),
      notes: [
        servingNote(situation, policyUrl, policyHost),
        'Change the id in the TXT record whenever the policy file changes (RFC 8461 §3.1).',
        ...(mode === 'enforce'
          ? ['Only enforce once every MX host passes the tls check (STARTTLS, trusted certificate matching its name); otherwise senders will refuse to deliver.']
          : ['Move to mode: enforce (and a new id) once TLS-RPT reports show no failures.']),
      ],
    };
  };

  const findings: Finding[] = [];
  const candidates = facts.records;
  if (candidates.length === 0) {
    findings.push(
      emit('mta-sts/missing', {
        data: { recordName, otherRecords: facts.txt.texts.length, policyUrl, modeNone: false },
        evidence: facts.txt.texts,
        fix: fixFor('testing', RECOMMENDED_MAX_AGE, 'Publish an MTA-STS record and policy (mode testing to start)', undefined, { kind: 'setup' }),
      }),
    );
    return { findings };
  }

  // The record a policy fix replaces (with several records, the invalid-record fix removes the rest).
  const current = candidates[0]!.value;
  if (candidates.length > 1 || candidates[0]!.errors.length > 0) {
    const several = candidates.length > 1;
    const evidence = several ? candidates.map((record) => `${recordName} TXT "${record.value}"`) : [`${recordName} TXT "${current}"`, ...candidates[0]!.errors];
    // Keep a valid id of the user's where there is one; the policy decides the rest below.
    const repairedId = candidates.find((record) => record.id !== null)?.id ?? policyId(policyText('testing', facts.policyHosts, RECOMMENDED_MAX_AGE));
    findings.push(
      emit('mta-sts/invalid-record', {
        data: { recordName, records: candidates.length, errors: several ? [] : candidates[0]!.errors },
        evidence,
        fix: {
          summary: several ? `Keep a single MTA-STS record at ${recordName}` : `Correct the MTA-STS record at ${recordName}`,
          records: [
            ...(several ? candidates.map((record) => ({ action: 'remove' as const, name: recordName, type: 'TXT', value: record.value, current: record.value })) : []),
            several
              ? { action: 'add' as const, name: recordName, type: 'TXT', value: stsRecordValue(repairedId) }
              : { action: 'replace' as const, name: recordName, type: 'TXT', value: stsRecordValue(repairedId), current },
          ],
        },
      }),
    );
  }

  const policy = facts.policy;
  if (!policy || 'fetched' in policy) return { findings };
  if (policy.fetch === 'dns-error' && policy.dnsStatus && isFailure(policy.dnsStatus)) {
    return { findings, inconclusive: `address lookup for ${policyHost} failed: ${policy.error}` };
  }
  const unreachable = (detail: string, evidence: string[], situation: PolicySituation, summary: string): Judgement => {
    findings.push(
      emit('mta-sts/policy-unreachable', {
        data: { policyUrl, detail },
        evidence,
        fix: fixFor('testing', RECOMMENDED_MAX_AGE, summary, current, situation),
      }),
    );
    return { findings };
  };
  if (policy.fetch !== 'ok') {
    const detail = policy.error ?? policy.fetch;
    const evidence = [`${policy.fetch}: ${detail}`];
    switch (policy.fetch) {
      case 'dns-error':
        return unreachable(detail, evidence, { kind: 'no-address', detail }, `Publish an address for ${policyHost} and serve the MTA-STS policy at ${policyUrl}`);
      case 'connect-error':
        return unreachable(detail, evidence, { kind: 'connect', detail }, `Make the HTTPS server of ${policyHost} reachable and serve the MTA-STS policy at ${policyUrl}`);
      case 'timeout':
        return unreachable(detail, evidence, { kind: 'timeout', detail }, `Make the HTTPS server of ${policyHost} answer and serve the MTA-STS policy at ${policyUrl}`);
      case 'tls-error':
        // Only the certificate is wrong: the policy behind it may well be in force (enforce,
        // say), so the fix is the certificate alone. Never a new policy or id, which could
        // weaken what is published (RFC 8461 §3.3: the host needs a valid certificate).
        findings.push(
          emit('mta-sts/policy-unreachable', {
            data: { policyUrl, detail },
            evidence,
            fix: {
              summary: `Install a certificate valid for ${policyHost} on its HTTPS server`,
              notes: [servingNote({ kind: 'tls', detail }, policyUrl, policyHost), 'Keep the published TXT record and policy as they are: only the certificate changes.'],
            },
          }),
        );
        return { findings };
      case 'http-error':
        return unreachable(detail, evidence, { kind: 'http-error', detail }, `Serve the MTA-STS policy at ${policyUrl}`);
    }
  }
  const status = policy.httpStatus ?? 0;
  if (status !== 200) {
    const location = policy.location;
    const redirect = status >= 300 && status < 400;
    return unreachable(
      httpStatusDetail(status, location),
      [`HTTP ${status}${location ? ` Location: ${location}` : ''}`],
      { kind: 'http-status', status, ...(location ? { location } : {}) },
      redirect ? `Serve the MTA-STS policy at ${policyUrl} itself, without a redirect` : `Serve the MTA-STS policy at ${policyUrl} (it answers HTTP ${status})`,
    );
  }
  const parsed = policy.parsed;
  if (!parsed) return { findings };
  const mode: StsMode = parsed.mode ?? 'testing';
  const maxAge = parsed.maxAge !== null && parsed.maxAge >= SHORT_MAX_AGE ? parsed.maxAge : RECOMMENDED_MAX_AGE;
  if (parsed.errors.length > 0) {
    findings.push(
      emit('mta-sts/invalid-policy', {
        data: { policyUrl, errors: parsed.errors },
        evidence: [...parsed.errors, ...(policy.head ?? [])],
        fix: fixFor(mode, maxAge, `Replace the MTA-STS policy at ${policyUrl} with a valid one`, current, { kind: 'content', errors: parsed.errors }),
      }),
    );
    return { findings };
  }
  if (parsed.mode === 'none') {
    findings.push(
      emit('mta-sts/missing', {
        data: { recordName, otherRecords: 0, policyUrl, modeNone: true },
        evidence: ['mode: none'],
        fix: fixFor('testing', maxAge, 'Switch the MTA-STS policy to mode testing, then enforce', current, { kind: 'served' }),
      }),
    );
    return { findings };
  }
  // RFC 8461 §4.1: every MX host must match a pattern (a wildcard covers exactly one label).
  const uncovered = (facts.coverage ?? []).filter((entry) => entry.pattern === null).map((entry) => entry.host);
  if (uncovered.length > 0) {
    findings.push(
      emit('mta-sts/mx-not-covered', {
        data: { hosts: uncovered, mode, patterns: parsed.mx },
        evidence: uncovered.map((host) => `${host}: not matched by ${parsed.mx.map((pattern) => `"${pattern}"`).join(', ')}`),
        ...(mode === 'testing' ? { severity: 'medium' as const } : {}),
        fix: fixFor(mode, maxAge, `List every MX host in the MTA-STS policy (${uncovered.join(', ')} missing)`, current, { kind: 'served' }),
      }),
    );
  }
  if (parsed.mode === 'testing') {
    findings.push(
      emit('mta-sts/testing-mode', {
        evidence: ['mode: testing'],
        fix: fixFor('enforce', maxAge, 'Switch the MTA-STS policy to mode enforce', current, { kind: 'served' }),
      }),
    );
  }
  if (parsed.maxAge !== null && parsed.maxAge < SHORT_MAX_AGE) {
    findings.push(
      emit('mta-sts/short-max-age', {
        data: { maxAge: parsed.maxAge },
        evidence: [`max_age: ${parsed.maxAge}`],
        fix: fixFor(mode, RECOMMENDED_MAX_AGE, `Raise max_age to ${RECOMMENDED_MAX_AGE} (one week)`, current, { kind: 'served' }),
      }),
    );
  }
  return { findings };
}
