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
import { NO_MAIL_SKIP, getMxHosts, getMxList } from '../lookups/mx-hosts.js';
import { getSmtpProbe, hostAddresses } from '../lookups/smtp-probes.js';
import { dnssecView, recordAuthentication, type RecordAuthentication, type ZoneDnssec } from '../lookups/dnssec.js';
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
  /** Whether the TLSA RRset is DNSSEC-authenticated, known not to be, or cannot be told. */
  auth: RecordAuthentication;
  /** The DNSSEC state of the MX host's zone (the TLSA name lies at or below it). */
  zone: ZoneDnssec | undefined;
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
  record: { prefix: '', type: 'TLSA' },
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
        'TLSA records are published for an MX host, but they are not DNSSEC-authenticated: the validating resolver sets no AD flag, or the zone is known to be unsigned (no DS record at the parent, or answers read from a zone file with --offline). Senders ignore such records (RFC 7672 §2.2), so DANE gives no protection.',
    },
  },

  async run(ctx, emit) {
    // The TLSA names need only the MX host names; addresses are awaited below, for the probes.
    const mx = await getMxList(ctx);
    if (isDnsFailure(mx.answer)) return { findings: [], facts: {}, inconclusive: `MX lookup for ${ctx.domain} failed (${mx.answer.status})` };
    if (mx.nullMx) return { findings: [], facts: {}, skipped: NO_MAIL_SKIP.nullMx };
    if (mx.records.length === 0) return { findings: [], facts: {}, skipped: NO_MAIL_SKIP.noMx };

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
        const zone = view.zones.find((candidate) => candidate.name === host.exchange);
        const auth = recordAuthentication({
          ad: answer.status === 'ok' && answer.ad,
          zone,
          resolverValidates: validates,
          offline: ctx.options.offline === true,
          servers: ctx.dns.servers,
        });
        return { host: host.exchange, tlsaName, answer, records, addresses, auth, zone };
      }),
    );

    const findings: Finding[] = [];
    const reasonOf = (outcome: HostOutcome) => (outcome.auth.state === 'authenticated' ? '' : outcome.auth.reason);
    // RFC 7672 §2.2: TLSA records that are not DNSSEC-authenticated ("insecure") are not used by senders.
    // Reported whenever that is known: a validating resolver without AD, or a zone without DS at its parent
    // (RFC 4035 §5.2), or zone files read offline. Only a DS without a validating resolver stays unknown.
    const unauthenticated = outcomes.filter((outcome) => outcome.auth.state === 'unauthenticated');
    if (unauthenticated.length > 0) {
      const zones = [...new Set(unauthenticated.map((outcome) => outcome.zone?.zone).filter((zone): zone is string => !!zone))];
      const islands = unauthenticated.filter((outcome) => outcome.zone?.state === 'island').map((outcome) => outcome.zone!.zone);
      findings.push(
        emit('dane/tlsa-without-dnssec', {
          message: `TLSA records not DNSSEC-authenticated, so senders ignore them (RFC 7672 §2.2): ${unauthenticated.map((outcome) => `${outcome.tlsaName}: ${reasonOf(outcome)}`).join('; ')}`,
          evidence: unauthenticated.flatMap((outcome) =>
            outcome.records.map((record) => `${outcome.tlsaName} TLSA ${tlsaText(record)}: AD not set; ${reasonOf(outcome)}`),
          ),
          fix: {
            summary:
              islands.length > 0 && islands.length === unauthenticated.length
                ? `Publish the DS record of ${[...new Set(islands)].join(', ')} at the parent, or remove the TLSA records at ${unauthenticated.map((outcome) => outcome.tlsaName).join(', ')}`
                : `Sign ${zones.length > 0 ? `the zone${zones.length > 1 ? 's' : ''} ${zones.join(', ')}` : 'the zones holding the TLSA records'} with DNSSEC and publish the DS record at the parent, or remove the TLSA records at ${unauthenticated.map((outcome) => outcome.tlsaName).join(', ')}`,
            notes: [
              'Until the zone validates, the TLSA records have no effect; if signing is not planned, remove them.',
              ...(ctx.options.offline
                ? ['These answers come from the zone file: if the zone is signed when published, rerun against the published zone with a validating resolver (e.g. --resolver 1.1.1.1).']
                : []),
            ],
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
      const inForce = broken.some((outcome) => outcome.auth.state !== 'unauthenticated');
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
      const withResult = (result: AddressResult) =>
        broken.filter((outcome) => outcome.addresses.some((address) => address.result === result)).map((outcome) => outcome.host);
      const mismatched = withResult('mismatch');
      const withoutTls = withResult('no-tls');
      const parts = [
        ...(mismatched.length > 0 ? [`${mismatched.join(', ')} present${mismatched.length === 1 ? 's' : ''} a certificate that matches none of its usable TLSA records`] : []),
        ...(withoutTls.length > 0 ? [`${withoutTls.join(', ')} publish${withoutTls.length === 1 ? 'es' : ''} TLSA records but no TLS session could be made (${[...new Set(broken.flatMap((outcome) => outcome.addresses.filter((address) => address.result === 'no-tls').map((address) => address.detail?.split(':')[0] ?? 'no TLS')))].join(', ')})`] : []),
      ];
      findings.push(
        emit('dane/tlsa-mismatch', {
          message: `${parts.join('; ')}${inForce ? '' : ' (the records are not DNSSEC-authenticated, so senders ignore them for now)'}`,
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
          authenticated: outcome.auth.state === 'authenticated',
          dnssec: outcome.auth.state,
          ...(outcome.auth.state !== 'authenticated' ? { dnssecReason: outcome.auth.reason } : {}),
          records: outcome.records.map(tlsaText),
          usable: outcome.records.filter(tlsaUsable).map(tlsaText),
          zone: view.zones.find((zone) => zone.name === outcome.host)?.state ?? null,
          addresses: outcome.addresses,
        })),
        ...lookupFacts.filter((entry) => entry.lookup !== 'ok'),
      ],
    };

    const unknown = outcomes.filter((outcome) => outcome.auth.state === 'unknown');
    if (failed.length > 0 || unknown.length > 0) {
      const reasons = [
        ...(failed.length > 0 ? [`TLSA lookup failed for ${failed.map(({ tlsaName, answer }) => `${tlsaName} (${answer.status})`).join(', ')}`] : []),
        ...(unknown.length > 0
          ? [
              `whether the TLSA records are DNSSEC-authenticated cannot be told (${unknown.map((outcome) => `${outcome.tlsaName}: ${reasonOf(outcome)}`).join('; ')}): rerun with a validating resolver, e.g. --resolver 1.1.1.1`,
            ]
          : []),
      ];
      return { findings, facts, inconclusive: reasons.join('; ') };
    }
    return { findings, facts };
  },
});
