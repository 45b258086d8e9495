/**
 * The tls check's facts: what each probed address of each MX host showed
 * (state, banner, STARTTLS, the TLS session and certificate, the legacy
 * protocol probe, the transcript), given also when the check cannot conclude.
 */
import { z } from 'zod';
import { lazySchema } from '../../schema/lazy-schema.js';
import type { ProbedHost } from '../../lookups/smtp-probes.js';
import { SMTP_PROBE_STATES, type SmtpProbeResult, type TlsSession } from '../../net/types.js';

/** The leaf certificate of a session. */
const certificateFacts = lazySchema(() =>
  z.object({
    subject: z.string(),
    issuer: z.string(),
    /** `DNS:…` and `IP Address:…` entries. */
    subjectAltNames: z.array(z.string()),
    serialNumber: z.string(),
    /** notBefore, ISO 8601. */
    validFrom: z.string(),
    /** notAfter, ISO 8601. */
    validTo: z.string(),
    /** Whole days from the probe until notAfter (negative once expired). */
    daysToExpiry: z.number(),
    sha256: z.string(),
    spkiSha256: z.string(),
    /** Issuer and subject are the same. */
    selfIssued: z.boolean(),
  }),
);

/** A TLS session as the probe saw it. */
export const sessionFacts = lazySchema(() =>
  z.object({
    protocol: z.string(),
    cipher: z.string(),
    /** The chain verified against the trusted roots, dates included. */
    trusted: z.boolean(),
    /** The chain leads to a trusted root by signatures, dates aside. */
    chainTrusted: z.boolean(),
    /** OpenSSL's verification error (e.g. CERT_HAS_EXPIRED). */
    verifyError: z.string().optional(),
    hostnameMatch: z.boolean(),
    hostnameError: z.string().optional(),
    certificate: certificateFacts().optional(),
    /** The chain presented, leaf first. */
    chain: z.array(z.object({ subject: z.string(), issuer: z.string(), validTo: z.string() })),
  }),
);
export type SessionFacts = z.infer<ReturnType<typeof sessionFacts>>;

/** One probed address. */
export const addressFacts = lazySchema(() =>
  z.object({
    address: z.string(),
    /** Where the probe ended (src/net/types.ts SmtpProbeState). */
    state: z.enum(SMTP_PROBE_STATES),
    /** Where and why the probe stopped short of a TLS session. */
    error: z
      .object({ stage: z.enum(['connect', 'banner', 'ehlo', 'starttls', 'handshake']), code: z.string().optional(), message: z.string() })
      .optional(),
    /** The first line of the greeting. */
    banner: z.string().optional(),
    /** The EHLO keywords offered (the reply lines after the first). */
    ehlo: z.array(z.string()).optional(),
    starttls: z.boolean(),
    /** The TLS 1.2+ session. */
    tls: sessionFacts().optional(),
    /** Whether TLS 1.0/1.1 was accepted on a second connection. */
    legacyTls: z
      .object({ result: z.enum(['accepted', 'refused', 'untested']), protocol: z.string().optional(), error: z.string().optional() })
      .optional(),
    /** The TLS 1.0/1.1 session, when it is the only one. */
    legacySession: sessionFacts().optional(),
    durationMs: z.number(),
    /** The SMTP dialogue, `C: …` / `S: …` lines. */
    transcript: z.array(z.string()),
  }),
);
export type AddressFacts = z.infer<ReturnType<typeof addressFacts>>;

/** One MX host and its probed addresses. */
const hostFacts = lazySchema(() =>
  z.object({
    host: z.string(),
    preference: z.number(),
    /** An address lookup failed: the host may have addresses that were not probed. */
    dnsProblem: z.string().optional(),
    addresses: z.array(addressFacts()),
  }),
);
export type HostFacts = z.infer<ReturnType<typeof hostFacts>>;

/** What the tls check saw. */
export const tlsFacts = lazySchema(() =>
  z.object({
    /** The domain audited. */
    domain: z.string(),
    /** The SMTP port probed (25, or --smtp-port). */
    port: z.number(),
    /** Whether probing ran: off with --offline or --no-smtp. */
    probing: z.enum(['on', 'offline', 'disabled']),
    /** The MX lookup's outcome (a DNS status) and whether it is a null MX (RFC 7505). */
    mx: z.object({ status: z.enum(['ok', 'nxdomain', 'nodata', 'servfail', 'refused', 'timeout']), nullMx: z.boolean() }).optional(),
    /** When the probes ran, ISO 8601: expiry is judged against it. */
    now: z.string(),
    hosts: z.array(hostFacts()),
  }),
);
export type TlsFacts = z.infer<ReturnType<typeof tlsFacts>>;

function sessionOf(session: TlsSession): SessionFacts {
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
            selfIssued: leaf.selfIssued,
          },
        }
      : {}),
    chain: session.chain.map((certificate) => ({ subject: certificate.subject, issuer: certificate.issuer, validTo: certificate.validTo })),
  };
}

/** The facts of one probe. */
export function probeFacts(probe: SmtpProbeResult): AddressFacts {
  return {
    address: probe.address,
    state: probe.state,
    ...(probe.error ? { error: probe.error } : {}),
    ...(probe.banner !== undefined ? { banner: probe.banner.split('\n')[0]! } : {}),
    ...(probe.ehlo ? { ehlo: probe.ehlo.slice(1) } : {}),
    starttls: probe.starttlsOffered,
    ...(probe.session ? { tls: sessionOf(probe.session) } : {}),
    ...(probe.legacy
      ? {
          legacyTls: {
            result: probe.legacy.result,
            ...(probe.legacy.protocol ? { protocol: probe.legacy.protocol } : {}),
            ...(probe.legacy.error ? { error: probe.legacy.error } : {}),
          },
        }
      : {}),
    ...(!probe.session && probe.legacy?.session ? { legacySession: sessionOf(probe.legacy.session) } : {}),
    durationMs: probe.durationMs,
    transcript: probe.transcript,
  };
}

/** The facts of one MX host: what each address showed. */
export function hostFactsOf(host: ProbedHost): HostFacts {
  return {
    host: host.host,
    preference: host.preference,
    ...(host.dnsProblem ? { dnsProblem: host.dnsProblem } : {}),
    addresses: host.probes.map(probeFacts),
  };
}
