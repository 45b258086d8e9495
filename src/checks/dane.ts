/**
 * dane: DANE for SMTP (RFC 7672, RFC 6698, RFC 7671).
 *
 * For each MX host, the TLSA records at `_25._tcp.<mx>` (RFC 7672 §2.2):
 * they count only when DNSSEC-authenticated (AD flag, RFC 7672 §2.1), and
 * they must match the certificate chain the host actually presented to the
 * shared SMTP probe (usages 2 and 3, selectors 0 and 1, matching types 0, 1
 * and 2; RFC 7672 §3.1). A mismatch means DANE-aware senders do not deliver.
 */
import { defineCheck } from './define.js';
import { getMxHosts, getMxList } from '../lookups/mx-hosts.js';
import { getSmtpProbe, hostAddresses } from '../lookups/smtp-probes.js';
import { dnssecView } from '../lookups/dnssec.js';
import { isDnsFailure, type DnsAnswer, type TlsaData } from '../dns/types.js';
import type { Finding, FixRecord, Severity } from '../report/schema.js';
import type { SmtpProbeResult } from '../net/types.js';
import { matchTlsa, tlsaText, tlsaUsable } from '../net/tlsa.js';

type AddressResult = 'match' | 'mismatch' | 'no-tls' | 'untested';

interface AddressOutcome {
  address: string;
  result: AddressResult;
  matched: string[];
  notes: string[];
  /** The presented leaf, for the fix. */
  leaf?: { subject: string; sha256: string; spkiSha256: string };
  detail?: string;
}

interface HostOutcome {
  host: string;
  tlsaName: string;
  answer: DnsAnswer<TlsaData>;
  records: TlsaData[];
  addresses: AddressOutcome[];
}

function judgeAddress(records: readonly TlsaData[], probe: SmtpProbeResult | undefined, address: string, reason: string | undefined): AddressOutcome {
  if (!probe) return { address, result: 'untested', matched: [], notes: [], detail: reason ?? 'not probed' };
  if (probe.state === 'unreachable' || probe.state === 'smtp-error') {
    return { address, result: 'untested', matched: [], notes: [], detail: probe.error?.message ?? probe.state };
  }
  const session = probe.session ?? probe.legacy?.session;
  if (!session) {
    // RFC 7672 §2.2: with usable TLSA records TLS is mandatory; without a session there is nothing to authenticate.
    return { address, result: 'no-tls', matched: [], notes: [], detail: `${probe.state}${probe.error ? `: ${probe.error.message}` : ''}` };
  }
  const leaf = session.chain[0];
  const { matched, notes } = matchTlsa(records, session);
  return {
    address,
    result: matched.length > 0 ? 'match' : 'mismatch',
    matched: matched.map(tlsaText),
    notes,
    ...(leaf ? { leaf: { subject: leaf.subject, sha256: leaf.sha256, spkiSha256: leaf.spkiSha256 } } : {}),
  };
}

export const daneCheck = defineCheck({
  id: 'dane',
  title: 'DANE (TLSA for the MX hosts)',
  description:
    'TLSA records at _25._tcp.<mx> are DNSSEC-authenticated (RFC 7672 §2.1) and match the certificate chain each MX host presents (RFC 7672 §3.1: DANE-TA and DANE-EE, selectors 0/1, matching types 0/1/2).',
  findings: {
    'dane/tlsa-mismatch': {
      severity: 'critical',
      title: 'TLSA records do not match the server certificate',
      description:
        'An MX host publishes TLSA records but none matches the certificate chain it presents (or it offers no TLS at all). DANE-aware senders then refuse to deliver to it (RFC 7672 §2.2). Lowered to medium while the TLSA records are known not to be DNSSEC-authenticated, since senders ignore them until they are.',
    },
    'dane/tlsa-without-dnssec': {
      severity: 'medium',
      title: 'TLSA records not DNSSEC-authenticated',
      description:
        'TLSA records are published for an MX host, but the validating resolver does not authenticate them (no AD flag): senders ignore them (RFC 7672 §2.1), so DANE gives no protection.',
    },
  },

  async run(ctx, emit) {
    // The TLSA names need only the MX host names; addresses are awaited below, for the probes.
    const mx = await getMxList(ctx);
    if (isDnsFailure(mx.answer)) return { findings: [], facts: {}, inconclusive: `MX lookup for ${ctx.domain} failed (${mx.answer.status})` };
    if (mx.nullMx) return { findings: [], facts: {}, skipped: 'the domain publishes a null MX: it accepts no mail' };
    if (mx.records.length === 0) return { findings: [], facts: {}, skipped: 'the domain publishes no MX records' };

    const exchanges = mx.records.filter((host, index, all) => all.findIndex((other) => other.exchange === host.exchange) === index);
    const answers = await Promise.all(
      exchanges.map(async (host) => {
        // RFC 7672 §2.2.1: the TLSA base domain for SMTP is the MX host name, port 25.
        const tlsaName = `_25._tcp.${host.exchange}`;
        return { host, tlsaName, answer: await ctx.dns.query(tlsaName, 'TLSA') };
      }),
    );
    const failed = answers.filter(({ answer }) => isDnsFailure(answer));
    const published = answers.filter(({ answer }) => answer.status === 'ok');
    const lookupFacts = answers.map(({ host, tlsaName, answer }) => ({ host: host.exchange, tlsaName, lookup: answer.status }));
    if (published.length === 0) {
      if (failed.length > 0) {
        return {
          findings: [],
          facts: { hosts: lookupFacts },
          inconclusive: `TLSA lookup failed for ${failed.map(({ tlsaName, answer }) => `${tlsaName} (${answer.status})`).join(', ')}`,
        };
      }
      return { findings: [], facts: { hosts: lookupFacts }, skipped: 'no MX host publishes TLSA records: DANE is not in use' };
    }

    const view = await dnssecView(ctx, [ctx.domain, ...published.map(({ host }) => host.exchange)]);
    const validates = view.resolverValidates || published.some(({ answer }) => answer.status === 'ok' && answer.ad);
    const probing = ctx.options.offline ? 'offline: SMTP probing needs the network' : ctx.options.smtp === false ? 'SMTP probing is disabled (--no-smtp)' : undefined;

    const resolved = await getMxHosts(ctx);
    const outcomes: HostOutcome[] = await Promise.all(
      published.map(async ({ host, tlsaName, answer }) => {
        const records = answer.status === 'ok' ? answer.records : [];
        const withAddresses = resolved.hosts.find((candidate) => candidate.exchange === host.exchange);
        const addresses = await Promise.all(
          (withAddresses ? hostAddresses(withAddresses) : []).map(async (address) =>
            judgeAddress(records, probing ? undefined : await getSmtpProbe(ctx, host.exchange, address), address, probing),
          ),
        );
        return { host: host.exchange, tlsaName, answer, records, addresses };
      }),
    );

    const findings: Finding[] = [];
    const unauthenticated = outcomes.filter((outcome) => outcome.answer.status === 'ok' && !outcome.answer.ad);
    if (unauthenticated.length > 0 && validates) {
      findings.push(
        emit('dane/tlsa-without-dnssec', {
          message: `TLSA records for ${unauthenticated.map((outcome) => outcome.host).join(', ')} are not DNSSEC-authenticated: senders ignore them`,
          evidence: unauthenticated.flatMap((outcome) => outcome.records.map((record) => `${outcome.tlsaName} TLSA ${tlsaText(record)} (AD not set)`)),
          fix: {
            summary: `Sign the zone(s) holding ${unauthenticated.map((outcome) => outcome.tlsaName).join(', ')} with DNSSEC and publish the DS record at the parent`,
            notes: ['Until the zone validates, the TLSA records have no effect; if signing is not planned, remove them.'],
          },
        }),
      );
    }

    const broken = outcomes.filter(
      (outcome) =>
        outcome.records.some(tlsaUsable) && outcome.addresses.some((address) => address.result === 'mismatch' || address.result === 'no-tls'),
    );
    if (broken.length > 0) {
      // Critical while the records are (or may be) in force; medium once they are known to be ignored.
      const inForce = broken.some((outcome) => outcome.answer.status === 'ok' && (outcome.answer.ad || !validates));
      const severity: Severity = inForce ? 'critical' : 'medium';
      const records: FixRecord[] = [];
      const evidence: string[] = [];
      const noTlsHosts: string[] = [];
      for (const outcome of broken) {
        const bad = outcome.addresses.filter((address) => address.result === 'mismatch' || address.result === 'no-tls');
        for (const address of bad) {
          evidence.push(
            address.result === 'no-tls'
              ? `${outcome.host} [${address.address}]: no TLS session (${address.detail})`
              : `${outcome.host} [${address.address}]: presented ${address.leaf?.subject ?? 'a certificate'} (SPKI SHA-256 ${address.leaf?.spkiSha256}), matching none of ${outcome.records.map(tlsaText).join(', ')}${address.notes.length > 0 ? ` (${address.notes.join('; ')})` : ''}`,
          );
        }
        const keys = [...new Set(outcome.addresses.map((address) => address.leaf?.spkiSha256).filter((key): key is string => key !== undefined))];
        if (keys.length === 0) noTlsHosts.push(outcome.host);
        const matchedAnywhere = new Set(outcome.addresses.flatMap((address) => address.matched));
        // RFC 7671 §8.1: "3 1 1" (DANE-EE, SPKI, SHA-256) survives certificate renewals that keep the key.
        for (const key of keys) {
          const value = `3 1 1 ${key}`;
          if (!outcome.records.some((record) => tlsaText(record) === value)) records.push({ action: 'add', name: outcome.tlsaName, type: 'TLSA', value });
        }
        for (const record of outcome.records) {
          const text = tlsaText(record);
          if (!matchedAnywhere.has(text) && !keys.some((key) => text === `3 1 1 ${key}`)) {
            records.push({ action: 'remove', name: outcome.tlsaName, type: 'TLSA', value: text, current: text });
          }
        }
      }
      const hosts = broken.map((outcome) => outcome.host).join(', ');
      findings.push(
        emit('dane/tlsa-mismatch', {
          message: `The TLSA records of ${hosts} do not match the certificate the server presents`,
          evidence,
          severity,
          fix: {
            summary:
              noTlsHosts.length > 0
                ? `Enable STARTTLS on ${noTlsHosts.join(', ')} or remove its TLSA records; publish TLSA records that match the presented certificates`
                : `Publish TLSA records matching the certificate each MX host presents (${hosts})`,
            records,
            notes: [
              'Add the new record first and remove the old ones only after the TLSA TTL has passed, so senders with cached records keep delivering.',
              'On each key rollover, publish the next key\'s "3 1 1" record before switching certificates.',
            ],
          },
        }),
      );
    }

    const facts = {
      resolverValidates: validates,
      hosts: [
        ...outcomes.map((outcome) => ({
          host: outcome.host,
          tlsaName: outcome.tlsaName,
          lookup: outcome.answer.status,
          authenticated: outcome.answer.status === 'ok' && outcome.answer.ad,
          records: outcome.records.map(tlsaText),
          usable: outcome.records.filter(tlsaUsable).map(tlsaText),
          zone: view.zones.find((zone) => zone.name === outcome.host)?.state ?? null,
          addresses: outcome.addresses,
        })),
        ...lookupFacts.filter((entry) => entry.lookup !== 'ok'),
      ],
    };

    const unknown = unauthenticated.length > 0 && !validates;
    if (failed.length > 0 || unknown) {
      const reasons = [
        ...(failed.length > 0 ? [`TLSA lookup failed for ${failed.map(({ tlsaName, answer }) => `${tlsaName} (${answer.status})`).join(', ')}`] : []),
        ...(unknown
          ? [`the resolver in use (${ctx.dns.servers.join(', ')}) does not validate DNSSEC, so whether the TLSA records are authenticated cannot be told: rerun with a validating resolver`]
          : []),
      ];
      return { findings, facts, inconclusive: reasons.join('; ') };
    }
    return { findings, facts };
  },
});
