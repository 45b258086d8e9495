/**
 * The dkim check's judgement (pure): whether any key is published (RFC 8020
 * for `_domainkey`), and each key record's validity (RFC 6376 §3.6.1), size
 * (RFC 8301 §3.2), flags and hash algorithms (RFC 8301 §3.1).
 */
import type { Finding, Fix } from '../../schema/report.js';
import type { Emit, Judgement } from '../define.js';
import { dkimRecordWith, parseDkimRecord, type DkimKeyRecord } from '../../dkim/record.js';
import { dkimSetupFix } from '../../dkim/setup-steps.js';
import type { DkimCatalog } from './findings.js';
import type { DkimFacts, DkimKeyFact } from './facts.js';

/** RFC 8301 §3.2: signers MUST use RSA keys of at least 1024 bits. */
const MIN_RSA_BITS = 1024;
/** RFC 8301 §3.2: signers SHOULD use at least 2048 bits. */
const GOOD_RSA_BITS = 2048;

const FAILED = new Set(['servfail', 'refused', 'timeout']);

const describe = (key: DkimKeyFact) => `${key.name}${key.cnameTarget ? ` (CNAME → ${key.cnameTarget})` : ''}`;

function rotateFix(domain: string, keys: readonly DkimKeyFact[]): Fix {
  const notes = [
    'Generate a new key pair: openssl genrsa -out dkim.key 2048; the public key for p= is: openssl rsa -in dkim.key -pubout -outform DER | base64 -w0',
    'Switch signing to the new selector; once mail signed with the old key has been delivered (a few days), revoke the old key by publishing an empty p= at its selector.',
    `Old selector(s): ${keys.map((key) => key.name).join(', ')}`,
  ];
  if (keys.some((key) => key.cnameTarget)) {
    notes.push('Keys reached through a CNAME are hosted by a provider: rotate them in the provider\'s console instead.');
  }
  return {
    summary: 'Rotate to a 2048-bit RSA key under a new selector',
    records: [{ action: 'add', name: `<NEW-SELECTOR>._domainkey.${domain}`, type: 'TXT', value: 'v=DKIM1; k=rsa; p=<PUBLIC-KEY-BASE64>' }],
    placeholders: {
      'NEW-SELECTOR': 'A selector not used before (for example one naming the year and month, s202601).',
      'PUBLIC-KEY-BASE64': 'The new 2048-bit RSA public key: base64 of its DER SubjectPublicKeyInfo, on one line.',
    },
    notes,
  };
}

function replaceFix(summary: string, keys: readonly DkimKeyFact[], value: (record: DkimKeyRecord) => string): Fix {
  const delegated = keys.filter((key) => key.cnameTarget);
  return {
    summary,
    records: keys.map((key) => ({
      action: 'replace' as const,
      // A delegated key lives at the CNAME target.
      name: key.cnameTarget ?? key.name,
      type: 'TXT',
      // The record is data: parsing it again gives the tags to rewrite.
      value: value(parseDkimRecord(key.record)),
      current: key.record,
    })),
    ...(delegated.length > 0
      ? { notes: [`Records reached through a CNAME (${delegated.map((key) => key.name).join(', ')}) are changed at the provider hosting them.`] }
      : {}),
  };
}

export function judgeDkim(facts: DkimFacts, emit: Emit<DkimCatalog>): Judgement {
  const { domain, probes, keys: found } = facts;
  const findings: Finding[] = [];

  if (found.length === 0) {
    const failed = probes.filter((probe) => FAILED.has(probe.status));
    if (failed.length > 0) {
      return {
        findings,
        inconclusive: `no DKIM key found, but ${failed.length} of ${probes.length} selector queries failed (${failed
          .slice(0, 5)
          .map((probe) => `${probe.name}: ${probe.status}`)
          .join(', ')}${failed.length > 5 ? ', …' : ''})`,
      };
    }
    const parent = `TXT _domainkey.${domain}: ${facts.domainkey.toUpperCase()}`;
    // A wildcard (*._domainkey or *.<domain>) makes every name exist and answers every
    // selector alike (RFC 4592): then the existence of _domainkey proves nothing.
    const synthesized = probes.length > 0 && probes.every((probe) => probe.status === 'ok');
    // With selectorsOnly the selectors were chosen on purpose (a message's s=): a missing key there is not-found.
    if ((facts.domainkey === 'nodata' || facts.domainkey === 'ok') && !synthesized && !facts.selectorsOnly) {
      findings.push(
        emit('dkim/selector-unknown', {
          data: { domain, probed: probes.length },
          evidence: [parent, `selectors probed: ${facts.selectorsProbed.join(', ')}`],
        }),
      );
      return { findings };
    }
    findings.push(
      emit('dkim/not-found', {
        data: { domain, noneBelow: facts.domainkey === 'nxdomain', probed: probes.length },
        evidence: [parent, ...(facts.selectorsProbed.length > 0 ? [`selectors probed: ${facts.selectorsProbed.join(', ')}`] : [])],
        fix: dkimSetupFix(facts.providers),
      }),
    );
    return { findings };
  }

  const invalid = found.filter((key) => key.errors.length > 0);
  if (invalid.length > 0) {
    findings.push(
      emit('dkim/invalid-record', {
        data: { selectors: invalid.map((key) => key.selector), problems: invalid.map((key) => key.errors.join('; ')) },
        evidence: invalid.map((key) => `${describe(key)} TXT "${key.record}"`),
      }),
    );
  }

  // A key that decodes as RSA (bits known); a k=rsa record whose key does not decode is invalid, not small.
  const rsa = found.filter((key) => key.keyType === 'rsa' && key.bits !== null);
  const sized = (limit: number, keys: readonly DkimKeyFact[]) => ({
    data: { limit, selectors: keys.map((key) => key.selector), bits: keys.map((key) => String(key.bits)) },
    evidence: keys.map((key) => `${describe(key)}: RSA ${key.bits} bits`),
    fix: rotateFix(domain, keys),
  });
  const insecure = rsa.filter((key) => key.bits! < MIN_RSA_BITS);
  if (insecure.length > 0) findings.push(emit('dkim/insecure-key', sized(MIN_RSA_BITS, insecure)));
  const weak = rsa.filter((key) => key.bits! >= MIN_RSA_BITS && key.bits! < GOOD_RSA_BITS);
  if (weak.length > 0) findings.push(emit('dkim/weak-key', sized(GOOD_RSA_BITS, weak)));

  const revoked = found.filter((key) => key.revoked);
  if (revoked.length > 0) {
    findings.push(
      emit('dkim/revoked-key', {
        data: { selectors: revoked.map((key) => key.selector) },
        evidence: revoked.map((key) => `${describe(key)} TXT "${key.record}"`),
      }),
    );
  }

  const testing = found.filter((key) => key.flags.includes('y'));
  if (testing.length > 0) {
    findings.push(
      emit('dkim/testing-mode', {
        data: { selectors: testing.map((key) => key.selector) },
        evidence: testing.map((key) => `${describe(key)} TXT "${key.record}"`),
        fix: replaceFix('Remove the y flag from t=', testing, (record) => {
          const flags = record.flags.filter((flag) => flag !== 'y');
          return dkimRecordWith(record, 't', flags.length > 0 ? flags.join(':') : null);
        }),
      }),
    );
  }

  const sha1Only = found.filter((key) => key.hashAlgorithms !== null && key.hashAlgorithms.includes('sha1') && !key.hashAlgorithms.includes('sha256'));
  if (sha1Only.length > 0) {
    findings.push(
      emit('dkim/sha1-only', {
        data: { selectors: sha1Only.map((key) => key.selector) },
        evidence: sha1Only.map((key) => `${describe(key)} TXT "${key.record}"`),
        fix: replaceFix('Allow sha256: remove h=sha1 and sign with rsa-sha256', sha1Only, (record) => dkimRecordWith(record, 'h', null)),
      }),
    );
  }

  return { findings };
}
