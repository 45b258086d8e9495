/**
 * dkim: probes DKIM selectors (given ones, then those of the providers the
 * domain's MX hosts and SPF includes reveal, then a generic list), parses each
 * key record (RFC 6376 §3.6.1) and measures its key: RSA below 1024 bits is
 * insecure (RFC 8301 §3.2), below 2048 weak; ed25519 keys per RFC 8463.
 */
import type { Finding, Fix } from '../report/schema.js';
import { defineCheck } from './define.js';
import { getMxList } from '../lookups/mx-hosts.js';
import { planSelectors, spfIncludeTargets } from '../dkim/selectors.js';
import { orderProbes, probeSelectors, type SelectorProbe } from '../dkim/probe.js';
import { dkimRecordWith, type DkimKeyRecord } from '../dkim/record.js';
import { dkimSetupFix } from '../dkim/setup-steps.js';

/** RFC 8301 §3.2: signers MUST use RSA keys of at least 1024 bits. */
const MIN_RSA_BITS = 1024;
/** RFC 8301 §3.2: signers SHOULD use at least 2048 bits. */
const GOOD_RSA_BITS = 2048;

type Probed = SelectorProbe & { record: DkimKeyRecord };

const describe = (probe: SelectorProbe) =>
  `${probe.name}${probe.cnameTarget ? ` (CNAME → ${probe.cnameTarget})` : ''}`;

function rotateFix(domain: string, probes: readonly Probed[]): Fix {
  const notes = [
    'Generate a new key pair: openssl genrsa -out dkim.key 2048; the public key for p= is: openssl rsa -in dkim.key -pubout -outform DER | base64 -w0',
    'Switch signing to the new selector; once mail signed with the old key has been delivered (a few days), revoke the old key by publishing an empty p= at its selector.',
    `Old selector(s): ${probes.map((probe) => probe.name).join(', ')}`,
  ];
  if (probes.some((probe) => probe.cnameTarget)) {
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

function replaceFix(summary: string, probes: readonly Probed[], value: (record: DkimKeyRecord) => string): Fix {
  const delegated = probes.filter((probe) => probe.cnameTarget);
  return {
    summary,
    records: probes.map((probe) => ({
      action: 'replace' as const,
      // A delegated key lives at the CNAME target.
      name: probe.cnameTarget ?? probe.name,
      type: 'TXT',
      value: value(probe.record),
      current: probe.record.raw,
    })),
    ...(delegated.length > 0
      ? { notes: [`Records reached through a CNAME (${delegated.map((probe) => probe.name).join(', ')}) are changed at the provider hosting them.`] }
      : {}),
  };
}

export const dkimCheck = defineCheck({
  id: 'dkim',
  title: 'DKIM',
  record: { prefix: '_domainkey.', type: 'TXT' },
  description:
    'Probes DKIM selectors (--dkim-selector, then those of recognised providers, then common ones), parses each key record (RFC 6376 §3.6.1) ' +
    'and measures its key (RFC 8301 §3.2 RSA sizes, RFC 8463 ed25519).',
  findings: {
    'dkim/not-found': {
      severity: 'high',
      title: 'No DKIM key found',
      description:
        'No DKIM key is published: _domainkey.<domain> does not exist (NXDOMAIN, which proves that no selector holds a key, RFC 8020), or no probed selector holds one. Info for a parked domain.',
    },
    'dkim/selector-unknown': {
      severity: 'info',
      title: 'DKIM selector not known',
      description:
        '_domainkey.<domain> exists (keys are published below it, RFC 8020) but none of the selectors tried holds one: pass the selector with --dkim-selector (it is the s= of a message\'s DKIM-Signature, or in DMARC aggregate reports).',
    },
    'dkim/insecure-key': {
      severity: 'high',
      title: 'Insecure DKIM key',
      description: 'An RSA key shorter than 1024 bits: RFC 8301 §3.2 forbids it and verifiers treat its signatures as failing; such keys can be factored.',
    },
    'dkim/weak-key': {
      severity: 'medium',
      title: 'Weak DKIM key',
      description: 'An RSA key of 1024 to 2047 bits: still accepted, but below the 2048 bits RFC 8301 §3.2 recommends.',
    },
    'dkim/invalid-record': {
      severity: 'high',
      title: 'Invalid DKIM key record',
      description: 'The key record does not parse (malformed or duplicate tags, wrong v=, unknown k=, bad base64, or a key that does not decode): signatures made with it fail.',
    },
    'dkim/revoked-key': {
      severity: 'low',
      title: 'Revoked DKIM key',
      description: 'A selector publishes an empty p=: the key is revoked and signatures made with it fail (fine after a rotation, wrong if still in use). Info for a parked domain.',
    },
    'dkim/testing-mode': {
      severity: 'low',
      title: 'DKIM key in test mode',
      description: 't=y marks the domain as testing DKIM: verifiers must not treat signatures differently from unsigned mail (RFC 6376 §3.6.1).',
    },
    'dkim/sha1-only': {
      severity: 'medium',
      title: 'DKIM key limited to SHA-1',
      description: 'h=sha1 allows only rsa-sha1 signatures, which RFC 8301 §3.1 forbids verifiers to accept.',
    },
  },
  async run(ctx, emit) {
    const domain = ctx.domain;
    // RFC 8020 §2: an NXDOMAIN for _domainkey.<domain> proves that no name
    // exists below it, so no selector can hold a key and probing is pointless;
    // NODATA (an empty non-terminal) proves that names exist below it.
    // The MX hosts and SPF includes only order the selectors and name the
    // providers; which selectors are probed does not depend on them, so the
    // probes go out as soon as _domainkey has answered, alongside the MX and TXT queries.
    const given = (plan: { selectors: string[]; sources: Record<string, string> }) =>
      plan.selectors.filter((selector) => plan.sources[selector] === 'option');
    const parentQuery = ctx.dns.query(`_domainkey.${domain}`, 'TXT');
    const early = parentQuery.then((answer) => {
      const all = planSelectors(ctx.options.dkimSelectors, [], [], ctx.options.dkimSelectorsOnly);
      // Selectors given with --dkim-selector are still asked: a selector that answers wins (some servers get RFC 8020 wrong).
      return probeSelectors(ctx.dns, domain, answer.status === 'nxdomain' ? given(all) : all.selectors);
    });
    const [parent, mx, txt, earlyProbes] = await Promise.all([parentQuery, getMxList(ctx), ctx.dns.query(domain, 'TXT'), early]);
    const mxHosts = mx.records.map((record) => record.exchange);
    const spfIncludes = txt.status === 'ok' ? spfIncludeTargets(txt.records.map((strings) => strings.join(''))) : [];
    const plan = planSelectors(ctx.options.dkimSelectors, mxHosts, spfIncludes, ctx.options.dkimSelectorsOnly);
    const noneBelow = parent.status === 'nxdomain';
    const toProbe = noneBelow ? given(plan) : plan.selectors;
    const probes = await orderProbes(ctx.dns, domain, toProbe, earlyProbes);

    const found = probes.filter((probe): probe is Probed => probe.found && probe.record !== undefined);
    const failed = probes.filter((probe) => probe.status === 'servfail' || probe.status === 'refused' || probe.status === 'timeout');
    const facts: Record<string, unknown> = {
      domainkey: parent.status,
      selectorsProbed: toProbe,
      selectorSources: plan.sources,
      providers: plan.providers,
      mxHosts,
      spfIncludes,
      invalidSelectors: plan.invalid,
      results: Object.fromEntries(probes.map((probe) => [probe.selector, probe.found ? 'found' : probe.status])),
      keys: found.map((probe) => ({
        selector: probe.selector,
        name: probe.name,
        cnames: probe.cnames,
        cnameTarget: probe.cnameTarget ?? null,
        record: probe.record.raw,
        recordCount: probe.recordCount,
        version: probe.record.version ?? null,
        keyType: probe.record.key?.type ?? probe.record.keyType,
        bits: probe.record.key?.bits ?? null,
        keyEncoding: probe.record.key?.encoding ?? null,
        hashAlgorithms: probe.record.hashAlgorithms ?? null,
        services: probe.record.services,
        flags: probe.record.flags,
        testing: probe.record.flags.includes('y'),
        revoked: probe.record.revoked,
        errors: probe.record.errors,
      })),
      failed: failed.map((probe) => ({ selector: probe.selector, name: probe.name, status: probe.status })),
    };
    const findings: Finding[] = [];

    if (found.length === 0) {
      if (failed.length > 0) {
        return {
          findings,
          facts,
          inconclusive: `no DKIM key found, but ${failed.length} of ${probes.length} selector queries failed (${failed
            .slice(0, 5)
            .map((probe) => `${probe.name}: ${probe.status}`)
            .join(', ')}${failed.length > 5 ? ', …' : ''})`,
        };
      }
      // A wildcard (*._domainkey or *.<domain>) makes every name exist and answers every
      // selector alike (RFC 4592): then the existence of _domainkey proves nothing.
      const synthesized = probes.length > 0 && probes.every((probe) => probe.status === 'ok');
      // With dkimSelectorsOnly the selectors were chosen on purpose (a message's s=): a missing key there is not-found.
      if ((parent.status === 'nodata' || parent.status === 'ok') && !synthesized && !ctx.options.dkimSelectorsOnly) {
        findings.push(
          emit('dkim/selector-unknown', {
            message: `_domainkey.${domain} exists, so DKIM keys are published below it, but none of the ${probes.length} selectors tried holds one; pass the selector with --dkim-selector <selector> (the s= of a message's DKIM-Signature header, or the selector in DMARC aggregate reports)`,
            evidence: [`TXT _domainkey.${domain}: ${parent.status.toUpperCase()}`, `selectors probed: ${toProbe.join(', ')}`],
          }),
        );
        return { findings, facts };
      }
      findings.push(
        emit('dkim/not-found', {
          message: noneBelow
            ? `_domainkey.${domain} does not exist (NXDOMAIN): no DKIM key is published under any selector, so no mail from the domain is DKIM-signed with its own domain`
            : `No DKIM key at any of the ${probes.length} selectors probed; if the domain signs with another selector, pass it with --dkim-selector <selector>`,
          evidence: [
            `TXT _domainkey.${domain}: ${parent.status.toUpperCase()}`,
            ...(toProbe.length > 0 ? [`selectors probed: ${toProbe.join(', ')}`] : []),
          ],
          fix: dkimSetupFix(plan.providers),
        }),
      );
      return { findings, facts };
    }

    const invalid = found.filter((probe) => probe.record.errors.length > 0);
    if (invalid.length > 0) {
      findings.push(
        emit('dkim/invalid-record', {
          message: `Unusable DKIM key record(s): ${invalid.map((probe) => `${probe.selector}: ${probe.record.errors.join('; ')}`).join(' | ')}`,
          evidence: invalid.map((probe) => `${describe(probe)} TXT "${probe.record.raw}"`),
        }),
      );
    }

    const rsa = found.filter((probe) => probe.record.key?.type === 'rsa');
    const insecure = rsa.filter((probe) => (probe.record.key?.bits ?? 0) < MIN_RSA_BITS);
    if (insecure.length > 0) {
      findings.push(
        emit('dkim/insecure-key', {
          message: `RSA key(s) below ${MIN_RSA_BITS} bits: ${insecure.map((probe) => `${probe.selector} (${probe.record.key?.bits} bits)`).join(', ')}`,
          evidence: insecure.map((probe) => `${describe(probe)}: RSA ${probe.record.key?.bits} bits`),
          fix: rotateFix(domain, insecure),
        }),
      );
    }
    const weak = rsa.filter((probe) => {
      const bits = probe.record.key?.bits ?? 0;
      return bits >= MIN_RSA_BITS && bits < GOOD_RSA_BITS;
    });
    if (weak.length > 0) {
      findings.push(
        emit('dkim/weak-key', {
          message: `RSA key(s) below ${GOOD_RSA_BITS} bits: ${weak.map((probe) => `${probe.selector} (${probe.record.key?.bits} bits)`).join(', ')}`,
          evidence: weak.map((probe) => `${describe(probe)}: RSA ${probe.record.key?.bits} bits`),
          fix: rotateFix(domain, weak),
        }),
      );
    }

    const revoked = found.filter((probe) => probe.record.revoked);
    if (revoked.length > 0) {
      findings.push(
        emit('dkim/revoked-key', {
          message: `Revoked key(s) (empty p=): ${revoked.map((probe) => probe.selector).join(', ')}`,
          evidence: revoked.map((probe) => `${describe(probe)} TXT "${probe.record.raw}"`),
        }),
      );
    }

    const testing = found.filter((probe) => probe.record.flags.includes('y'));
    if (testing.length > 0) {
      findings.push(
        emit('dkim/testing-mode', {
          message: `Key(s) flagged t=y (testing): ${testing.map((probe) => probe.selector).join(', ')}`,
          evidence: testing.map((probe) => `${describe(probe)} TXT "${probe.record.raw}"`),
          fix: replaceFix('Remove the y flag from t=', testing, (record) => {
            const flags = record.flags.filter((flag) => flag !== 'y');
            return dkimRecordWith(record, 't', flags.length > 0 ? flags.join(':') : null);
          }),
        }),
      );
    }

    const sha1Only = found.filter((probe) => {
      const hashes = probe.record.hashAlgorithms;
      return hashes !== undefined && hashes.includes('sha1') && !hashes.includes('sha256');
    });
    if (sha1Only.length > 0) {
      findings.push(
        emit('dkim/sha1-only', {
          message: `Key(s) restricted to SHA-1 (h=sha1): ${sha1Only.map((probe) => probe.selector).join(', ')}`,
          evidence: sha1Only.map((probe) => `${describe(probe)} TXT "${probe.record.raw}"`),
          fix: replaceFix('Allow sha256: remove h=sha1 and sign with rsa-sha256', sha1Only, (record) => dkimRecordWith(record, 'h', null)),
        }),
      );
    }

    return { findings, facts };
  },
});
