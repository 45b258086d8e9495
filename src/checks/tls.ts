/**
 * tls: STARTTLS on every MX host (RFC 3207), with the certificate checks a
 * sender that authenticates would make (RFC 6125 host names, RFC 5280
 * validity, a chain to a trusted root) and the protocol versions accepted
 * (RFC 8996 deprecates TLS 1.0 and 1.1).
 *
 * Every address (IPv4 and IPv6) of every MX host is probed through the shared
 * SMTP probe lookup. The states stay apart: a refused or silent connection is
 * `tls/unreachable` (untestable, never "STARTTLS missing"), a server that
 * answers without STARTTLS is `tls/starttls-missing`, a failed handshake is
 * `tls/handshake-failed`, and certificate problems have their own ids.
 */
import { defineCheck } from './define.js';
import { getSmtpProbes, type ProbedHost } from '../lookups/smtp-probes.js';
import { NO_MAIL_SKIP } from '../lookups/mx-hosts.js';
import { isDnsFailure } from '../dns/types.js';
import type { Finding } from '../report/schema.js';
import type { CertificateInfo, SmtpProbeResult, TlsSession } from '../net/types.js';
import { NET_DEFAULTS } from '../net/client.js';
import { TIME_ERRORS } from '../net/certificates.js';
import { hostFacts } from './tls-facts.js';

/** Certificates expiring within this many days are reported (RFC 5280 §4.1.2.5 notAfter). */
export const EXPIRY_WARNING_DAYS = 14;

const DAY_MS = 86_400_000;

/** Why no SMTP session may have been made, for the port actually probed. */
export function unreachableHint(port: number): string {
  return port === 25
    ? 'outbound port 25 is often blocked on home, office and cloud networks; run mailcheck from a host that may connect to port 25, or pass --no-smtp (or --skip tls) to leave this check out'
    : `port ${port} was chosen with --smtp-port: check that the MX hosts' SMTP servers listen there and that this network may connect to it, or pass --no-smtp (or --skip tls) to leave this check out`;
}

/** An ISO timestamp as `YYYY-MM-DD HH:MM UTC`. */
export function utcDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const dayCount = (days: number) => `${days} day${days === 1 ? '' : 's'}`;

/** `in 5 days`, `in less than a day`. */
export function daysLeftText(days: number): string {
  return days < 1 ? 'in less than a day' : `in ${dayCount(days)}`;
}

/** Whole days since an ISO timestamp: `3 days ago`, `less than a day ago`. */
export function daysAgoText(iso: string, now: number): string {
  const days = Math.floor((now - Date.parse(iso)) / DAY_MS);
  return days < 1 ? 'less than a day ago' : `${dayCount(days)} ago`;
}

/** One line per distinct (host, detail), in order: `host<separator>detail`, joined with "; ". */
function perHost(entries: ReadonlyArray<{ host: string; detail: string }>, separator = ' '): string {
  return [...new Set(entries.map(({ host, detail }) => `${host}${separator}${detail}`))].join('; ');
}

/** `<prefix> <host> <detail>` for one host, `<plural>: <host> <detail>; …` for several. */
function perHostMessage(entries: ReadonlyArray<{ host: string; detail: string }>, single: string, plural: string, separator = ' '): string {
  const hosts = new Set(entries.map((entry) => entry.host));
  return hosts.size === 1 ? `${single} ${perHost(entries, separator)}` : `${plural}: ${perHost(entries, separator)}`;
}

/** Why a session's certificate is not trusted, from what the probe saw. */
function untrustedReason(session: TlsSession, leaf: CertificateInfo | undefined): string {
  const error = session.authorizationError;
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

export const tlsCheck = defineCheck({
  id: 'tls',
  title: 'STARTTLS on the MX hosts',
  record: { prefix: '', type: 'MX' },
  description:
    'Every address of every MX host offers STARTTLS (RFC 3207) with TLS 1.2 or newer (RFC 8996), and presents an unexpired certificate that chains to a trusted root and matches the MX host name (RFC 6125, RFC 7817).',
  findings: {
    'tls/starttls-missing': {
      severity: 'high',
      title: 'STARTTLS not offered',
      description:
        'The MX host answered SMTP but its EHLO response did not offer STARTTLS (RFC 3207 §4), so mail to it travels unencrypted and mailbox providers that require TLS will not deliver.',
    },
    'tls/handshake-failed': {
      severity: 'high',
      title: 'TLS handshake failed',
      description:
        'The MX host offered STARTTLS but refused the command or no TLS session could be negotiated, even with TLS 1.0/1.1. Senders fall back to plain text or fail to deliver.',
    },
    'tls/expired-certificate': {
      severity: 'high',
      title: 'Certificate expired',
      description:
        'The certificate the MX host presents is past its notAfter date (RFC 5280 §4.1.2.5). Senders that authenticate (MTA-STS, DANE-TA) refuse to deliver.',
    },
    'tls/expiring-certificate': {
      severity: 'medium',
      title: 'Certificate expires within 14 days',
      description: 'The MX host\'s certificate expires in under 14 days; once it does, authenticating senders stop delivering.',
    },
    'tls/untrusted-certificate': {
      severity: 'medium',
      title: 'Certificate not trusted',
      description:
        'The certificate chain does not verify against the trusted roots (self-signed, unknown issuer, missing intermediate). MTA-STS senders in enforce mode refuse to deliver (RFC 8461 §4.2).',
    },
    'tls/hostname-mismatch': {
      severity: 'medium',
      title: 'Certificate does not match the MX host name',
      description:
        'No subjectAltName of the certificate matches the MX host name (RFC 6125 §6, RFC 7817 §3); MTA-STS senders in enforce mode refuse to deliver (RFC 8461 §4.2).',
    },
    'tls/outdated-protocol': {
      severity: 'medium',
      title: 'Accepts TLS 1.0 or 1.1',
      description:
        'The MX host still negotiates TLS 1.0 or 1.1, deprecated by RFC 8996. Raised to high when it cannot negotiate TLS 1.2 or newer at all: senders that require TLS 1.2 cannot use encryption with it.',
    },
    'tls/connection-refused': {
      severity: 'high',
      title: 'Every MX host refuses connections',
      description:
        'Every address of every MX host actively refused the SMTP connection (TCP reset, "connection refused"): no server listens, so mail to the domain cannot be delivered and bounces (RFC 5321 §5.1). A refusal is an answer, unlike a timeout, which a blocked outbound port also causes.',
    },
    'tls/unreachable': {
      severity: 'info',
      title: 'MX host not reachable for testing',
      description:
        'No SMTP session could be made (connection refused, timed out, no route, or the server closed or refused the session before EHLO). This says nothing about STARTTLS; often outbound port 25 is blocked on the network running the audit.',
    },
  },

  async run(ctx, emit) {
    if (ctx.options.offline) return { findings: [], facts: {}, skipped: 'offline: SMTP probing needs the network' };
    if (ctx.options.smtp === false) {
      return { findings: [], facts: {}, skipped: 'SMTP probing is disabled (--no-smtp)' };
    }
    const port = ctx.options.smtpPort ?? NET_DEFAULTS.smtpPort;
    const { mx, hosts } = await getSmtpProbes(ctx);
    if (isDnsFailure(mx.answer)) {
      return { findings: [], facts: { port }, inconclusive: `MX lookup for ${ctx.domain} failed (${mx.answer.status})` };
    }
    if (mx.nullMx) return { findings: [], facts: { port, nullMx: true }, skipped: NO_MAIL_SKIP.nullMx };
    if (hosts.length === 0) return { findings: [], facts: { port }, skipped: NO_MAIL_SKIP.noMx };

    const now = Date.now();
    const facts = { port, hosts: hosts.map(hostFacts) };
    const lists = {
      unreachable: [] as string[],
      starttlsMissing: [] as string[],
      handshakeFailed: [] as string[],
      expired: [] as string[],
      expiring: [] as string[],
      untrusted: [] as string[],
      mismatch: [] as string[],
      outdated: [] as string[],
      modernFails: false,
    };
    const where = (probe: SmtpProbeResult) => `${probe.host} [${probe.address}]`;
    /** Per-host details for the messages: the observed values behind each finding. */
    const seen = { handshake: [] as Array<{ host: string; detail: string }>, expired: [] as Array<{ host: string; detail: string }>, expiring: [] as Array<{ host: string; detail: string }>, untrusted: [] as Array<{ host: string; detail: string }>, mismatch: [] as Array<{ host: string; detail: string }>, outdated: [] as Array<{ host: string; detail: string }> };
    const affected = { starttlsMissing: new Set<string>(), handshake: new Set<string>(), expired: new Set<string>(), expiring: new Set<string>(), untrusted: new Set<string>(), mismatch: new Set<string>(), outdated: new Set<string>() };

    let testable = 0;
    for (const probe of hosts.flatMap((host) => host.probes)) {
      if (probe.state === 'unreachable' || probe.state === 'smtp-error') {
        lists.unreachable.push(`${where(probe)}: ${probe.error?.message ?? probe.state}`);
        continue;
      }
      testable += 1;
      if (probe.state === 'starttls-missing') {
        lists.starttlsMissing.push(`${where(probe)}: EHLO offered ${(probe.ehlo ?? []).slice(1).join(', ') || 'no extensions'}`);
        affected.starttlsMissing.add(probe.host);
        continue;
      }
      if (probe.state === 'starttls-rejected') {
        lists.handshakeFailed.push(`${where(probe)}: ${probe.error?.message ?? 'STARTTLS refused'}`);
        affected.handshake.add(probe.host);
        seen.handshake.push({ host: probe.host, detail: `refused the STARTTLS command it offers (${probe.error?.message ?? 'refused'})` });
        continue;
      }
      let session: TlsSession | undefined = probe.session;
      if (probe.state === 'handshake-failed') {
        if (probe.legacy?.result === 'accepted' && probe.legacy.session) {
          // Only an outdated protocol works: that is the outdated-protocol finding, raised to high.
          lists.modernFails = true;
          lists.outdated.push(`${where(probe)}: only ${probe.legacy.protocol} could be negotiated (TLS 1.2+ failed: ${probe.error?.message ?? 'handshake failed'})`);
          affected.outdated.add(probe.host);
          seen.outdated.push({ host: probe.host, detail: `negotiates only ${probe.legacy.protocol}, no TLS 1.2 or newer` });
          session = probe.legacy.session;
        } else {
          lists.handshakeFailed.push(`${where(probe)}: ${probe.error?.message ?? 'handshake failed'}`);
          affected.handshake.add(probe.host);
          seen.handshake.push({
            host: probe.host,
            detail: `accepted STARTTLS but no TLS handshake succeeded${probe.legacy?.result === 'refused' ? ', not even with TLS 1.0/1.1' : ''} (${probe.error?.code ?? probe.error?.message ?? 'handshake failed'})`,
          });
          continue;
        }
      } else if (probe.legacy?.result === 'accepted') {
        lists.outdated.push(`${where(probe)}: accepts ${probe.legacy.protocol} (negotiates ${session?.protocol} by default)`);
        affected.outdated.add(probe.host);
        seen.outdated.push({ host: probe.host, detail: `accepts ${probe.legacy.protocol}` });
      }
      if (!session) continue;
      const leaf = session.chain[0];
      if (leaf) {
        // The leaf's notAfter, or (CERT_HAS_EXPIRED) an expired certificate further up the verified chain.
        const expiredCertificate =
          Date.parse(leaf.validTo) < now
            ? leaf
            : session.authorizationError === 'CERT_HAS_EXPIRED'
              ? (session.chain.find((certificate) => Date.parse(certificate.validTo) < now) ?? leaf)
              : undefined;
        if (expiredCertificate) {
          const ago = daysAgoText(expiredCertificate.validTo, now);
          const which = expiredCertificate === leaf ? '' : ` (${expiredCertificate.subject}, in its chain)`;
          lists.expired.push(`${where(probe)}: ${expiredCertificate.subject} expired ${expiredCertificate.validTo} (${ago})`);
          affected.expired.add(probe.host);
          seen.expired.push({ host: probe.host, detail: `expired on ${utcDate(expiredCertificate.validTo)} (${ago})${which}` });
        } else if (leaf.daysToExpiry < EXPIRY_WARNING_DAYS) {
          const left = daysLeftText(leaf.daysToExpiry);
          lists.expiring.push(`${where(probe)}: ${leaf.subject} expires ${leaf.validTo} (${left})`);
          affected.expiring.add(probe.host);
          seen.expiring.push({ host: probe.host, detail: `on ${utcDate(leaf.validTo)} (${left})` });
        }
      }
      // A certificate that is not valid yet fails verification without being expired.
      if (!session.chainTrusted || session.authorizationError === 'CERT_NOT_YET_VALID') {
        const reason = untrustedReason(session, leaf);
        lists.untrusted.push(`${where(probe)}: ${reason}${leaf ? ` (subject ${leaf.subject}, issuer ${leaf.issuer})` : ''}`);
        affected.untrusted.add(probe.host);
        seen.untrusted.push({ host: probe.host, detail: reason });
      }
      if (!session.hostnameMatch) {
        const names = leaf ? leaf.subjectAltNames.join(', ') || leaf.subject : 'no certificate';
        lists.mismatch.push(`${where(probe)}: certificate names ${names}`);
        affected.mismatch.add(probe.host);
        seen.mismatch.push({ host: probe.host, detail: `names ${names}` });
      }
    }

    const findings: Finding[] = [];
    const hostList = (set: Set<string>) => [...set].join(', ');
    if (lists.starttlsMissing.length > 0) {
      findings.push(
        emit('tls/starttls-missing', {
          message: `${hostList(affected.starttlsMissing)} answered SMTP without offering STARTTLS`,
          evidence: lists.starttlsMissing,
          fix: {
            summary: `Enable STARTTLS on ${hostList(affected.starttlsMissing)} with a certificate for the MX host name`,
            notes: ['Use a certificate from a public CA whose subjectAltName lists the MX host name (e.g. from ACME/Let\'s Encrypt).'],
          },
        }),
      );
    }
    if (lists.handshakeFailed.length > 0) {
      findings.push(
        emit('tls/handshake-failed', {
          message: perHost(seen.handshake),
          evidence: lists.handshakeFailed,
          fix: {
            summary: `Repair the TLS configuration of ${hostList(affected.handshake)} so that STARTTLS completes with TLS 1.2 or 1.3`,
            notes: ['Check that the server has a certificate and key configured for STARTTLS and that TLS 1.2/1.3 with current cipher suites is enabled.'],
          },
        }),
      );
    }
    if (lists.expired.length > 0) {
      findings.push(
        emit('tls/expired-certificate', {
          message: perHostMessage(seen.expired, 'The certificate of', 'Expired certificates'),
          evidence: lists.expired,
          fix: { summary: `Renew the certificate on ${hostList(affected.expired)}`, notes: ['Automate renewal (ACME) and reload the mail server after each renewal.'] },
        }),
      );
    }
    if (lists.expiring.length > 0) {
      findings.push(
        emit('tls/expiring-certificate', {
          message: perHostMessage(seen.expiring, 'The certificate of', 'Certificates expiring', ' expires '),
          evidence: lists.expiring,
          fix: { summary: `Renew the certificate on ${hostList(affected.expiring)} before it expires`, notes: ['Automate renewal (ACME) and reload the mail server after each renewal.'] },
        }),
      );
    }
    if (lists.untrusted.length > 0) {
      findings.push(
        emit('tls/untrusted-certificate', {
          message: perHostMessage(seen.untrusted, 'Untrusted certificate on', 'Untrusted certificates', ': '),
          evidence: lists.untrusted,
          fix: {
            summary: `Install a certificate from a publicly trusted CA on ${hostList(affected.untrusted)}, with its full intermediate chain`,
            notes: ['A private CA can be checked with --ca-file <file> (or NODE_EXTRA_CA_CERTS); senders on the internet will still not trust it.'],
          },
        }),
      );
    }
    if (lists.mismatch.length > 0) {
      findings.push(
        emit('tls/hostname-mismatch', {
          message: perHostMessage(seen.mismatch, 'The certificate of', 'Certificates not matching the MX host name', ' ') + (affected.mismatch.size === 1 ? ', not the MX host name' : ''),
          evidence: lists.mismatch,
          fix: { summary: `Install a certificate whose subjectAltName lists ${hostList(affected.mismatch)}` },
        }),
      );
    }
    if (lists.outdated.length > 0) {
      findings.push(
        emit('tls/outdated-protocol', {
          message: lists.modernFails
            ? `${perHost(seen.outdated)} (TLS 1.0/1.1 are deprecated by RFC 8996)`
            : `${perHost(seen.outdated)}, deprecated by RFC 8996`,
          evidence: lists.outdated,
          ...(lists.modernFails ? { severity: 'high' as const } : {}),
          fix: {
            summary: lists.modernFails
              ? `Enable TLS 1.2 and 1.3 on ${hostList(affected.outdated)} and disable TLS 1.0/1.1`
              : `Disable TLS 1.0 and 1.1 on ${hostList(affected.outdated)}`,
            notes: ['RFC 8996 deprecates TLS 1.0 and 1.1; e.g. Postfix: smtpd_tls_protocols = >=TLSv1.2.'],
          },
        }),
      );
    }
    if (lists.unreachable.length > 0) {
      findings.push(
        emit('tls/unreachable', {
          message: `${lists.unreachable.length} MX address(es) could not be tested (no SMTP session on port ${port}); ${unreachableHint(port)}`,
          evidence: lists.unreachable,
        }),
      );
    }

    if (testable === 0) {
      const probes = hosts.flatMap((host) => host.probes);
      const refused = probes.filter((probe) => probe.error?.stage === 'connect' && probe.error.code === 'ECONNREFUSED');
      if (probes.length > 0 && refused.length === probes.length) {
        findings.push(
          emit('tls/connection-refused', {
            message: `Every MX address refused the connection on port ${port} (${probes.length} address(es)): mail to ${ctx.domain} cannot be delivered`,
            evidence: refused.map((probe) => `${where(probe)}: ${probe.error?.message ?? 'connection refused'}`),
            fix: {
              summary: `Run an SMTP server on port ${port} of every MX host, or point the MX records at hosts that accept mail`,
              notes: ['If the domain receives no mail on purpose, publish a null MX ("0 .", RFC 7505) instead.'],
            },
          }),
        );
        return { findings: findings.filter((finding) => finding.id !== 'tls/unreachable'), facts };
      }
      // A timeout is no answer: outbound port 25 is often blocked where mailcheck runs.
      const timedOut = probes.filter((probe) => probe.error?.code === 'ETIMEDOUT');
      if (timedOut.length > 0) {
        return {
          findings,
          facts,
          inconclusive: `no MX host could be reached on port ${port} (${timedOut.length} of ${probes.length} address(es) timed out): ${unreachableHint(port)}`,
        };
      }
      const probed = lists.unreachable.length;
      return {
        findings,
        facts,
        skipped:
          probed === 0
            ? 'no MX host has an address to probe'
            : `no MX host could be reached on port ${port} (${probed} address(es) refused, timed out or closed the session): ${unreachableHint(port)}`,
      };
    }
    const dnsProblems = hosts.filter((host) => host.dnsProblem && host.probes.length === 0);
    if (dnsProblems.length > 0) {
      return {
        findings,
        facts,
        inconclusive: `address lookup failed for ${dnsProblems.map((host) => `${host.host} (${host.dnsProblem})`).join(', ')}`,
      };
    }
    return { findings, facts };
  },
});
