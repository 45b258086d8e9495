/**
 * The tls check's facts: what each probed address of each MX host showed
 * (state, banner, STARTTLS, the TLS session and certificate, the legacy
 * protocol probe, the transcript), given also when the check fails.
 */
import type { ProbedHost } from '../lookups/smtp-probes.js';
import type { SmtpProbeResult, TlsSession } from '../net/types.js';

/** The facts of one MX host: what each address showed. */
export function hostFacts(host: ProbedHost): Record<string, unknown> {
  return {
    host: host.host,
    preference: host.preference,
    ...(host.dnsProblem ? { dnsProblem: host.dnsProblem } : {}),
    addresses: host.probes.map(probeFacts),
  };
}

function sessionFacts(session: TlsSession): Record<string, unknown> {
  const leaf = session.chain[0];
  return {
    protocol: session.protocol,
    cipher: session.cipher,
    trusted: session.authorized,
    chainTrusted: session.chainTrusted,
    ...(session.authorizationError ? { verifyError: session.authorizationError } : {}),
    hostnameMatch: session.hostnameMatch,
    ...(session.hostnameError ? { hostnameError: session.hostnameError } : {}),
    ...(leaf
      ? {
          certificate: {
            subject: leaf.subject,
            issuer: leaf.issuer,
            subjectAltNames: leaf.subjectAltNames,
            serialNumber: leaf.serialNumber,
            validFrom: leaf.validFrom,
            validTo: leaf.validTo,
            daysToExpiry: leaf.daysToExpiry,
            sha256: leaf.sha256,
            spkiSha256: leaf.spkiSha256,
          },
        }
      : {}),
    chain: session.chain.map((certificate) => ({ subject: certificate.subject, issuer: certificate.issuer, validTo: certificate.validTo })),
  };
}

export function probeFacts(probe: SmtpProbeResult): Record<string, unknown> {
  return {
    address: probe.address,
    state: probe.state,
    ...(probe.error ? { error: probe.error } : {}),
    ...(probe.banner !== undefined ? { banner: probe.banner.split('\n')[0] } : {}),
    starttls: probe.starttlsOffered,
    ...(probe.session ? { tls: sessionFacts(probe.session) } : {}),
    ...(probe.legacy
      ? {
          legacyTls: {
            result: probe.legacy.result,
            ...(probe.legacy.protocol ? { protocol: probe.legacy.protocol } : {}),
            ...(probe.legacy.error ? { error: probe.legacy.error } : {}),
          },
        }
      : {}),
    ...(!probe.session && probe.legacy?.session ? { legacySession: sessionFacts(probe.legacy.session) } : {}),
    durationMs: probe.durationMs,
    transcript: probe.transcript,
  };
}
