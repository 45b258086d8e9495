/**
 * The tls check's judge: the facts of every probed address → findings.
 * Pure: expiry is judged against the facts' `now`.
 */
import type { Emit, Judgement } from '../define.js';
import type { Finding } from '../../schema/report.js';
import { TIME_ERRORS } from '../../net/certificates.js';
import type { AddressFacts, SessionFacts, TlsFacts } from './facts.js';
import { daysAgoText, daysLeftText, EXPIRY_WARNING_DAYS, hostDetails, unreachableHint, utcDate, type TLS_FINDINGS } from './messages.js';

/** Why a session's certificate is not trusted, from what the probe saw. */
function untrustedReason(session: SessionFacts): string {
  const error = session.verifyError;
  const leaf = session.certificate;
  if (!session.chainTrusted) {
    // A time error (CERT_HAS_EXPIRED) hides the trust failure: name what fails instead.
    const what = !leaf
      ? 'no certificate presented'
      : leaf.selfIssued
        ? `self-signed certificate "${leaf.subject}"`
        : `issued by "${leaf.issuer}", which leads to no trusted root`;
    return error && !TIME_ERRORS.has(error) ? `${what} (${error})` : what;
  }
  // Chain sound, dates not: not valid yet (expiry has its own finding).
  if (error === 'CERT_NOT_YET_VALID') return `not valid before ${leaf ? utcDate(leaf.validFrom) : 'its notBefore date'} (${error})`;
  return error ?? 'chain does not verify';
}

type Entry = { host: string; detail: string };

/** What one kind of problem collected: evidence lines, per-host details, hosts. */
function collector() {
  const evidence: string[] = [];
  const entries: Entry[] = [];
  const hosts = new Set<string>();
  return {
    evidence,
    entries,
    hosts,
    add(host: string, line: string, detail?: string) {
      evidence.push(line);
      hosts.add(host);
      if (detail !== undefined) entries.push({ host, detail });
    },
    data(separator = ' ') {
      return { hosts: [...hosts], details: hostDetails(entries, separator) };
    },
  };
}

/** The dialogue ended on a protocol problem of the server's (a state of its own, never "unreachable"). */
const PROTOCOL_STATES = {
  'session-refused': 'tls/session-refused',
  'malformed-reply': 'tls/malformed-reply',
  'reply-too-long': 'tls/reply-too-long',
  'connection-closed': 'tls/connection-closed',
} as const;

const where = (host: string, probe: AddressFacts) => `${host} [${probe.address}]`;

export function judgeTls(facts: TlsFacts, emit: Emit<typeof TLS_FINDINGS>): Judgement {
  if (facts.probing === 'offline') return { findings: [], skipped: 'offline: SMTP probing needs the network' };
  if (facts.probing === 'disabled') return { findings: [], skipped: 'SMTP probing is disabled (--no-smtp)' };
  const { port } = facts;
  const mx = facts.mx;
  if (mx && (mx.status === 'servfail' || mx.status === 'refused' || mx.status === 'timeout')) {
    return { findings: [], inconclusive: `MX lookup for ${facts.domain} failed (${mx.status})` };
  }
  if (mx?.nullMx) return { findings: [], skipped: 'the domain publishes a null MX: it accepts no mail' };
  if (facts.hosts.length === 0) return { findings: [], skipped: 'the domain publishes no MX records' };

  const now = Date.parse(facts.now);
  const unreachable: string[] = [];
  const starttlsMissing = collector();
  const starttlsRefused = collector();
  const handshake = collector();
  const expired = collector();
  const expiring = collector();
  const untrusted = collector();
  const mismatch = collector();
  const outdated = collector();
  const protocol = {
    'session-refused': collector(),
    'malformed-reply': collector(),
    'reply-too-long': collector(),
    'connection-closed': collector(),
  };
  let legacyOnly = false;
  let testable = 0;
  let answered = 0;

  for (const { host, addresses } of facts.hosts) {
    for (const probe of addresses) {
      const at = where(host, probe);
      if (probe.state === 'unreachable' || probe.state === 'smtp-error') {
        unreachable.push(`${at}: ${probe.error?.message ?? probe.state}`);
        continue;
      }
      if (probe.state in PROTOCOL_STATES) {
        answered += 1;
        const message = probe.error?.message ?? probe.state;
        protocol[probe.state as keyof typeof PROTOCOL_STATES].add(host, `${at}: ${message}`, message);
        continue;
      }
      testable += 1;
      if (probe.state === 'starttls-missing') {
        starttlsMissing.add(host, `${at}: EHLO offered ${(probe.ehlo ?? []).join(', ') || 'no extensions'}`);
        continue;
      }
      if (probe.state === 'starttls-rejected') {
        // RFC 3207 §4: 454 "TLS not available due to temporary reason", 501 syntax error.
        starttlsRefused.add(host, `${at}: ${probe.error?.message ?? 'STARTTLS refused'}`, `refused the STARTTLS command it offers (${probe.error?.message ?? 'refused'})`);
        continue;
      }
      let session = probe.tls;
      if (probe.state === 'handshake-failed') {
        if (probe.legacyTls?.result === 'accepted' && probe.legacySession) {
          // Only an outdated protocol works: that is the outdated-protocol finding, raised to high.
          legacyOnly = true;
          outdated.add(
            host,
            `${at}: only ${probe.legacyTls.protocol} could be negotiated (TLS 1.2+ failed: ${probe.error?.message ?? 'handshake failed'})`,
            `negotiates only ${probe.legacyTls.protocol}, no TLS 1.2 or newer`,
          );
          session = probe.legacySession;
        } else {
          handshake.add(
            host,
            `${at}: ${probe.error?.message ?? 'handshake failed'}`,
            `accepted STARTTLS but no TLS handshake succeeded${probe.legacyTls?.result === 'refused' ? ', not even with TLS 1.0/1.1' : ''} (${probe.error?.code ?? probe.error?.message ?? 'handshake failed'})`,
          );
          continue;
        }
      } else if (probe.legacyTls?.result === 'accepted') {
        outdated.add(host, `${at}: accepts ${probe.legacyTls.protocol} (negotiates ${session?.protocol} by default)`, `accepts ${probe.legacyTls.protocol}`);
      }
      if (!session) continue;
      const leaf = session.certificate;
      if (leaf) {
        // The leaf's notAfter, or (CERT_HAS_EXPIRED) an expired certificate further up the verified chain.
        const expiredCertificate =
          Date.parse(leaf.validTo) < now
            ? { subject: leaf.subject, validTo: leaf.validTo, inChain: false }
            : session.verifyError === 'CERT_HAS_EXPIRED'
              ? (() => {
                  const index = session.chain.findIndex((certificate) => Date.parse(certificate.validTo) < now);
                  const found = index > 0 ? session.chain[index]! : undefined;
                  return found ? { subject: found.subject, validTo: found.validTo, inChain: true } : { subject: leaf.subject, validTo: leaf.validTo, inChain: false };
                })()
              : undefined;
        if (expiredCertificate) {
          const ago = daysAgoText(expiredCertificate.validTo, now);
          const which = expiredCertificate.inChain ? ` (${expiredCertificate.subject}, in its chain)` : '';
          expired.add(host, `${at}: ${expiredCertificate.subject} expired ${expiredCertificate.validTo} (${ago})`, `expired on ${utcDate(expiredCertificate.validTo)} (${ago})${which}`);
        } else if (leaf.daysToExpiry < EXPIRY_WARNING_DAYS) {
          const left = daysLeftText(leaf.daysToExpiry);
          expiring.add(host, `${at}: ${leaf.subject} expires ${leaf.validTo} (${left})`, `on ${utcDate(leaf.validTo)} (${left})`);
        }
      }
      // A certificate that is not valid yet fails verification without being expired.
      if (!session.chainTrusted || session.verifyError === 'CERT_NOT_YET_VALID') {
        const reason = untrustedReason(session);
        untrusted.add(host, `${at}: ${reason}${leaf ? ` (subject ${leaf.subject}, issuer ${leaf.issuer})` : ''}`, reason);
      }
      if (!session.hostnameMatch) {
        const names = leaf ? leaf.subjectAltNames.join(', ') || leaf.subject : 'no certificate';
        mismatch.add(host, `${at}: certificate names ${names}`, `names ${names}`);
      }
    }
  }

  const findings: Finding[] = [];
  const hostList = (hosts: Set<string>) => [...hosts].join(', ');
  if (starttlsMissing.evidence.length > 0) {
    findings.push(
      emit('tls/starttls-missing', {
        data: { hosts: [...starttlsMissing.hosts] },
        evidence: starttlsMissing.evidence,
        fix: {
          summary: `Enable STARTTLS on ${hostList(starttlsMissing.hosts)} with a certificate for the MX host name`,
          notes: ['Use a certificate from a public CA whose subjectAltName lists the MX host name (e.g. from ACME/Let\'s Encrypt).'],
        },
      }),
    );
  }
  if (starttlsRefused.evidence.length > 0) {
    findings.push(
      emit('tls/starttls-refused', {
        data: starttlsRefused.data(),
        evidence: starttlsRefused.evidence,
        fix: {
          summary: `Make ${hostList(starttlsRefused.hosts)} accept the STARTTLS command it announces, or stop announcing it`,
          notes: ['A 454 reply usually means the server has no certificate or key loaded for STARTTLS (RFC 3207 §4): check its TLS configuration and logs.'],
        },
      }),
    );
  }
  if (handshake.evidence.length > 0) {
    findings.push(
      emit('tls/handshake-failed', {
        data: handshake.data(),
        evidence: handshake.evidence,
        fix: {
          summary: `Repair the TLS configuration of ${hostList(handshake.hosts)} so that STARTTLS completes with TLS 1.2 or 1.3`,
          notes: ['Check that the server has a certificate and key configured for STARTTLS and that TLS 1.2/1.3 with current cipher suites is enabled.'],
        },
      }),
    );
  }
  if (expired.evidence.length > 0) {
    findings.push(
      emit('tls/expired-certificate', {
        data: expired.data(),
        evidence: expired.evidence,
        fix: { summary: `Renew the certificate on ${hostList(expired.hosts)}`, notes: ['Automate renewal (ACME) and reload the mail server after each renewal.'] },
      }),
    );
  }
  if (expiring.evidence.length > 0) {
    findings.push(
      emit('tls/expiring-certificate', {
        data: expiring.data(' expires '),
        evidence: expiring.evidence,
        fix: { summary: `Renew the certificate on ${hostList(expiring.hosts)} before it expires`, notes: ['Automate renewal (ACME) and reload the mail server after each renewal.'] },
      }),
    );
  }
  if (untrusted.evidence.length > 0) {
    findings.push(
      emit('tls/untrusted-certificate', {
        data: untrusted.data(': '),
        evidence: untrusted.evidence,
        fix: {
          summary: `Install a certificate from a publicly trusted CA on ${hostList(untrusted.hosts)}, with its full intermediate chain`,
          notes: ['A private CA can be checked with --ca-file <file> (or NODE_EXTRA_CA_CERTS); senders on the internet will still not trust it.'],
        },
      }),
    );
  }
  if (mismatch.evidence.length > 0) {
    findings.push(
      emit('tls/hostname-mismatch', {
        data: mismatch.data(),
        evidence: mismatch.evidence,
        fix: { summary: `Install a certificate whose subjectAltName lists ${hostList(mismatch.hosts)}` },
      }),
    );
  }
  if (outdated.evidence.length > 0) {
    findings.push(
      emit('tls/outdated-protocol', {
        data: { ...outdated.data(), legacyOnly },
        evidence: outdated.evidence,
        ...(legacyOnly ? { severity: 'high' as const } : {}),
        fix: {
          summary: legacyOnly
            ? `Enable TLS 1.2 and 1.3 on ${hostList(outdated.hosts)} and disable TLS 1.0/1.1`
            : `Disable TLS 1.0 and 1.1 on ${hostList(outdated.hosts)}`,
          notes: ['RFC 8996 deprecates TLS 1.0 and 1.1; e.g. Postfix: smtpd_tls_protocols = >=TLSv1.2.'],
        },
      }),
    );
  }
  for (const [state, id] of Object.entries(PROTOCOL_STATES) as Array<[keyof typeof PROTOCOL_STATES, (typeof PROTOCOL_STATES)[keyof typeof PROTOCOL_STATES]]>) {
    const seen = protocol[state];
    if (seen.evidence.length === 0) continue;
    findings.push(
      emit(id, {
        data: seen.data(': '),
        evidence: seen.evidence,
        fix: {
          summary: `Make the SMTP server of ${hostList(seen.hosts)} greet with 220 and answer EHLO and STARTTLS as RFC 5321 and RFC 3207 describe`,
          notes: ['The transcript of each session is in the facts (--json, or --verbose).'],
        },
      }),
    );
  }
  if (unreachable.length > 0) {
    findings.push(emit('tls/unreachable', { data: { addresses: unreachable.length, port }, evidence: unreachable }));
  }

  if (testable > 0 || answered > 0) {
    const dnsProblems = facts.hosts.filter((host) => host.dnsProblem && host.addresses.length === 0);
    if (dnsProblems.length > 0) {
      return { findings, inconclusive: `address lookup failed for ${dnsProblems.map((host) => `${host.host} (${host.dnsProblem})`).join(', ')}` };
    }
    return { findings };
  }
  const probes = facts.hosts.flatMap((host) => host.addresses.map((probe) => ({ host: host.host, probe })));
  const refused = probes.filter(({ probe }) => probe.error?.stage === 'connect' && probe.error.code === 'ECONNREFUSED');
  if (probes.length > 0 && refused.length === probes.length) {
    return {
      findings: [
        ...findings.filter((finding) => finding.id !== 'tls/unreachable'),
        emit('tls/connection-refused', {
          data: { port, addresses: probes.length, domain: facts.domain },
          evidence: refused.map(({ host, probe }) => `${where(host, probe)}: ${probe.error?.message ?? 'connection refused'}`),
          fix: {
            summary: `Run an SMTP server on port ${port} of every MX host, or point the MX records at hosts that accept mail`,
            notes: ['If the domain receives no mail on purpose, publish a null MX ("0 .", RFC 7505) instead.'],
          },
        }),
      ],
    };
  }
  // A timeout is no answer: outbound port 25 is often blocked where mailcheck runs.
  const timedOut = probes.filter(({ probe }) => probe.error?.code === 'ETIMEDOUT');
  if (timedOut.length > 0) {
    return {
      findings,
      inconclusive: `no MX host could be reached on port ${port} (${timedOut.length} of ${probes.length} address(es) timed out): ${unreachableHint(port)}`,
    };
  }
  return {
    findings,
    skipped:
      unreachable.length === 0
        ? 'no MX host has an address to probe'
        : `no MX host could be reached on port ${port} (${unreachable.length} address(es) refused, timed out or closed the session): ${unreachableHint(port)}`,
  };
}
