/**
 * The dane check's judge: pure, from the facts (./facts.ts) to findings.
 */
import type { Emit } from '../define.js';
import { NO_MAIL_SKIP } from '../../lookups/mx-hosts.js';
import type { Finding, FixRecord, Severity } from '../../schema/report.js';
import type { DaneFacts, HostFacts } from './facts.js';
import type { daneCatalog } from './catalog.js';

type Published = HostFacts & Required<Pick<HostFacts, 'records' | 'usable' | 'addresses' | 'dnssec'>>;

const failedLookup = (status: string) => status === 'servfail' || status === 'refused' || status === 'timeout';

export function judgeDane(facts: DaneFacts, emit: Emit<typeof daneCatalog>) {
  if (failedLookup(facts.mx.status)) return { findings: [], inconclusive: `MX lookup for ${facts.domain} failed (${facts.mx.status})` };
  if (facts.mx.nullMx) return { findings: [], skipped: NO_MAIL_SKIP.nullMx };
  if (facts.mx.count === 0) return { findings: [], skipped: NO_MAIL_SKIP.noMx };
  const outcomes = facts.hosts.filter((host): host is Published => host.lookup === 'ok' && host.records !== undefined);
  const failed = facts.hosts.filter((host) => failedLookup(host.lookup));
  const failedText = `TLSA lookup failed for ${failed.map((host) => `${host.tlsaName} (${host.lookup})`).join(', ')}`;
  if (outcomes.length === 0) {
    if (failed.length > 0) return { findings: [], inconclusive: failedText };
    return { findings: [], skipped: 'no MX host publishes TLSA records: DANE is not in use' };
  }
  const findings: Finding[] = [];
  const reasonOf = (outcome: Published) => (outcome.dnssec === 'authenticated' ? '' : (outcome.dnssecReason ?? ''));

  // RFC 7672 §2.1.1: TLSA records that fail validation ("bogus") make DANE senders defer delivery.
  const bogus = outcomes.filter((outcome) => outcome.dnssec === 'bogus');
  if (bogus.length > 0) {
    findings.push(
      emit('dane/tlsa-bogus', {
        data: { hosts: bogus.map((outcome) => `${outcome.tlsaName}: ${reasonOf(outcome)}`) },
        evidence: bogus.flatMap((outcome) => outcome.records.map((record) => `${outcome.tlsaName} TLSA ${record}: ${reasonOf(outcome)}`)),
        fix: {
          summary: `Re-sign the zone${bogus.length > 1 ? 's' : ''} holding ${bogus.map((outcome) => outcome.tlsaName).join(', ')} so that the TLSA records validate`,
          notes: ['Until they validate, DANE-aware senders queue mail for these hosts and retry; after their retry period it bounces.'],
        },
      }),
    );
  }

  // RFC 7672 §2.2: TLSA records that are not DNSSEC-authenticated ("insecure") are not used by senders.
  // Reported whenever that is known: a validating resolver without AD, or a zone without DS at its parent
  // (RFC 4035 §5.2), or zone files read offline. Only a DS without a validating resolver stays unknown.
  const unauthenticated = outcomes.filter((outcome) => outcome.dnssec === 'unauthenticated');
  if (unauthenticated.length > 0) {
    const zones = [...new Set(unauthenticated.map((outcome) => outcome.zoneApex).filter((zone): zone is string => !!zone))];
    const islands = unauthenticated.filter((outcome) => outcome.zone === 'island').map((outcome) => outcome.zoneApex!);
    findings.push(
      emit('dane/tlsa-without-dnssec', {
        data: { hosts: unauthenticated.map((outcome) => `${outcome.tlsaName}: ${reasonOf(outcome)}`) },
        evidence: unauthenticated.flatMap((outcome) => outcome.records.map((record) => `${outcome.tlsaName} TLSA ${record}: AD not set; ${reasonOf(outcome)}`)),
        fix: {
          summary:
            islands.length > 0 && islands.length === unauthenticated.length
              ? `Publish the DS record of ${[...new Set(islands)].join(', ')} at the parent, or remove the TLSA records at ${unauthenticated.map((outcome) => outcome.tlsaName).join(', ')}`
              : `Sign ${zones.length > 0 ? `the zone${zones.length > 1 ? 's' : ''} ${zones.join(', ')}` : 'the zones holding the TLSA records'} with DNSSEC and publish the DS record at the parent, or remove the TLSA records at ${unauthenticated.map((outcome) => outcome.tlsaName).join(', ')}`,
          notes: [
            'Until the zone validates, the TLSA records have no effect; if signing is not planned, remove them.',
            ...(facts.offline
              ? ['These answers come from the zone file: if the zone is signed when published, rerun against the published zone with a validating resolver (e.g. --resolver 1.1.1.1).']
              : []),
          ],
        },
      }),
    );
  }

  const isBad = (result: string) => result === 'mismatch' || result === 'no-tls';
  const broken = outcomes.filter((outcome) => outcome.usable.length > 0 && outcome.addresses.some((address) => isBad(address.result)));
  if (broken.length > 0) {
    // Critical while the records are (or may be) in force; medium once they are known to be ignored.
    const inForce = broken.some((outcome) => outcome.dnssec !== 'unauthenticated');
    const severity: Severity = inForce ? 'critical' : 'medium';
    const records: FixRecord[] = [];
    const evidence: string[] = [];
    const noTlsHosts: string[] = [];
    for (const outcome of broken) {
      for (const address of outcome.addresses.filter((candidate) => isBad(candidate.result))) {
        evidence.push(
          address.result === 'no-tls'
            ? `${outcome.host} [${address.address}]: no TLS session (${address.detail})`
            : `${outcome.host} [${address.address}]: presented ${address.leaf?.subject ?? 'a certificate'} (SPKI SHA-256 ${address.leaf?.spkiSha256}), matching none of ${outcome.records.join(', ')}${address.notes.length > 0 ? ` (${address.notes.join('; ')})` : ''}`,
        );
      }
      const keys = [...new Set(outcome.addresses.map((address) => address.leaf?.spkiSha256).filter((key): key is string => key !== undefined))];
      if (keys.length === 0) noTlsHosts.push(outcome.host);
      const matchedAnywhere = new Set(outcome.addresses.flatMap((address) => address.matched));
      // RFC 7671 §8.1: "3 1 1" (DANE-EE, SPKI, SHA-256) survives certificate renewals that keep the key.
      for (const key of keys) {
        const value = `3 1 1 ${key}`;
        if (!outcome.records.includes(value)) records.push({ action: 'add', name: outcome.tlsaName, type: 'TLSA', value });
      }
      for (const text of outcome.records) {
        if (!matchedAnywhere.has(text) && !keys.some((key) => text === `3 1 1 ${key}`)) {
          records.push({ action: 'remove', name: outcome.tlsaName, type: 'TLSA', value: text, current: text });
        }
      }
    }
    const withResult = (result: string) => broken.filter((outcome) => outcome.addresses.some((address) => address.result === result)).map((outcome) => outcome.host);
    findings.push(
      emit('dane/tlsa-mismatch', {
        data: {
          mismatched: withResult('mismatch'),
          withoutTls: withResult('no-tls'),
          noTlsStates: [...new Set(broken.flatMap((outcome) => outcome.addresses.filter((address) => address.result === 'no-tls').map((address) => address.detail?.split(':')[0] ?? 'no TLS')))],
          inForce,
        },
        evidence,
        severity,
        fix: {
          summary:
            noTlsHosts.length > 0
              ? `Enable STARTTLS on ${noTlsHosts.join(', ')} or remove its TLSA records; publish TLSA records that match the presented certificates`
              : `Publish TLSA records matching the certificate each MX host presents (${broken.map((outcome) => outcome.host).join(', ')})`,
          records,
          notes: [
            'Add the new record first and remove the old ones only after the TLSA TTL has passed, so senders with cached records keep delivering.',
            'On each key rollover, publish the next key\'s "3 1 1" record before switching certificates.',
          ],
        },
      }),
    );
  }

  const unknown = outcomes.filter((outcome) => outcome.dnssec === 'unknown');
  if (failed.length > 0 || unknown.length > 0) {
    const reasons = [
      ...(failed.length > 0 ? [failedText] : []),
      ...(unknown.length > 0
        ? [`whether the TLSA records are DNSSEC-authenticated cannot be told (${unknown.map((outcome) => `${outcome.tlsaName}: ${reasonOf(outcome)}`).join('; ')}): rerun with a validating resolver, e.g. --resolver 1.1.1.1`]
        : []),
    ];
    return { findings, inconclusive: reasons.join('; ') };
  }
  return { findings };
}
