/**
 * Network probes other than DNS. Checks reach SMTP and HTTPS only through a
 * NetClient from the context; host names are resolved with mailcheck's own
 * resolver, never the system's.
 */
import type { DnsStatus } from '../dns/types.js';

/** Result of fetching a URL over HTTPS. */
export type HttpsResult =
  | {
      status: 'ok';
      /** HTTP status code (redirects are not followed: 3xx is returned as is). */
      httpStatus: number;
      headers: Record<string, string>;
      body: Buffer;
      /** The body exceeded maxBytes and was cut. */
      truncated: boolean;
      /** The address connected to. */
      address: string;
      /** PEM certificates presented by the server, leaf first. */
      peerCertificates: string[];
    }
  /**
   * Name did not resolve. `dnsStatus` is the worst outcome of the A/AAAA
   * queries: nxdomain/nodata mean the name has no address, servfail/refused/
   * timeout mean the lookup itself failed (inconclusive, not absent).
   */
  | { status: 'dns-error'; message: string; dnsStatus: DnsStatus }
  /** TCP connect refused / unreachable / timed out. */
  | { status: 'connect-error'; message: string; code?: string }
  /** TLS handshake or certificate validation failed (message from the TLS layer, e.g. CERT_HAS_EXPIRED). */
  | { status: 'tls-error'; message: string; code?: string }
  | { status: 'timeout'; message: string }
  | { status: 'http-error'; message: string };

export interface HttpsFetchOptions {
  /** Body size cap in bytes. */
  maxBytes?: number;
  timeoutMs?: number;
}

/** One certificate of a chain, as the SMTP probe saw it. */
export interface CertificateInfo {
  /** Subject as `CN=…, O=…` (RFC 4514 order is not guaranteed; for display). */
  subject: string;
  /** Issuer, same form as subject. */
  issuer: string;
  /** dNSName and iPAddress subjectAltName entries, e.g. `DNS:mx1.example.com`. */
  subjectAltNames: string[];
  /** Serial number, upper-case hex. */
  serialNumber: string;
  /** notBefore, ISO 8601. */
  validFrom: string;
  /** notAfter, ISO 8601. */
  validTo: string;
  /** Whole days from the probe until notAfter (negative once expired). */
  daysToExpiry: number;
  /** SHA-256 of the DER certificate, lower-case hex. */
  sha256: string;
  /** SHA-256 of the DER SubjectPublicKeyInfo, lower-case hex (the `3 1 1` TLSA value). */
  spkiSha256: string;
  /** Issuer and subject are the same (self-issued). */
  selfIssued: boolean;
  /** The certificate, PEM. */
  pem: string;
}

/** A completed TLS handshake. */
export interface TlsSession {
  /** Negotiated protocol, e.g. `TLSv1.3`. */
  protocol: string;
  /** Negotiated cipher suite (IANA/standard name where known). */
  cipher: string;
  /** The peer's chain as reported by the TLS layer, leaf first. */
  chain: CertificateInfo[];
  /** The chain verified against the trusted roots (system store, NODE_EXTRA_CA_CERTS, --ca). */
  authorized: boolean;
  /** OpenSSL's verification error code when not authorized (e.g. CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT). */
  authorizationError?: string;
  /**
   * The chain leads to a trusted root by signatures, validity dates aside
   * (OpenSSL reports one error only: an expired self-signed certificate shows
   * as CERT_HAS_EXPIRED, and this tells the trust part apart).
   */
  chainTrusted: boolean;
  /** The leaf matches the MX host name (RFC 6125 rules, as `tls.checkServerIdentity`). */
  hostnameMatch: boolean;
  /** Why the host name did not match. */
  hostnameError?: string;
}

/**
 * Where an SMTP probe ended:
 * - `tls`: STARTTLS and the handshake succeeded;
 * - `unreachable`: no TCP connection (refused, timed out, no route) or no banner in time;
 * - `smtp-error`: the server greeted but then stopped answering before STARTTLS (a reply timed out);
 * - `session-refused`: the greeting or the EHLO reply was a 4xx/5xx refusal (RFC 5321 §3.1, §4.2.5);
 * - `malformed-reply`: the server answered with something that is not an SMTP reply (RFC 5321 §4.2);
 * - `reply-too-long`: a reply line over the length limit, or a reply of endless continuation lines (RFC 5321 §4.5.3.1.5);
 * - `connection-closed`: the server closed (or reset) the connection before or in the middle of a reply;
 * - `starttls-missing`: EHLO succeeded and did not offer STARTTLS;
 * - `starttls-rejected`: STARTTLS was offered but the command was refused;
 * - `handshake-failed`: STARTTLS was accepted but no TLS session (TLS 1.2+) could be negotiated.
 */
export const SMTP_PROBE_STATES = [
  'tls',
  'unreachable',
  'smtp-error',
  'session-refused',
  'malformed-reply',
  'reply-too-long',
  'connection-closed',
  'starttls-missing',
  'starttls-rejected',
  'handshake-failed',
] as const;
export type SmtpProbeState = (typeof SMTP_PROBE_STATES)[number];

/**
 * The states in which the dialogue ended before EHLO could say anything about
 * STARTTLS: nothing is known about the server's TLS.
 */
export const PRE_STARTTLS_STATES: ReadonlySet<SmtpProbeState> = new Set([
  'unreachable',
  'smtp-error',
  'session-refused',
  'malformed-reply',
  'reply-too-long',
  'connection-closed',
]);

/** The probe for TLS 1.0/1.1 acceptance (a second connection). */
export interface LegacyTlsProbe {
  /** accepted: a TLS 1.0/1.1 session was negotiated; refused: the handshake failed; untested: the dialogue did not reach STARTTLS. */
  result: 'accepted' | 'refused' | 'untested';
  /** The outdated protocol that was negotiated. */
  protocol?: string;
  /** The session, when accepted. */
  session?: TlsSession;
  /** Why it was refused or untested. */
  error?: string;
}

/** Result of probing one address of one MX host. */
export interface SmtpProbeResult {
  host: string;
  address: string;
  port: number;
  state: SmtpProbeState;
  /** Where and why the probe stopped short of `tls` (or failed after it). */
  error?: { stage: 'connect' | 'banner' | 'ehlo' | 'starttls' | 'handshake'; code?: string; message: string };
  /** The greeting, all lines joined with a newline. */
  banner?: string;
  /** EHLO response lines (after the code), first line is the server's name. */
  ehlo?: string[];
  starttlsOffered: boolean;
  /** The TLS 1.2+ session (state `tls`). */
  session?: TlsSession;
  /** TLS 1.0/1.1 acceptance; absent when SMTP probing did not get that far. */
  legacy?: LegacyTlsProbe;
  /** The SMTP dialogue, `C: …` / `S: …` lines (the legacy probe's follows, prefixed `legacy `). */
  transcript: string[];
  durationMs: number;
}

export interface NetClient {
  /** GET an https:// URL, resolving the host with mailcheck's resolver and validating its certificate. */
  fetchHttps(url: string, options?: HttpsFetchOptions): Promise<HttpsResult>;
  /**
   * Probe `address` (an IP of MX `host`) on the SMTP port: banner, EHLO,
   * STARTTLS with SNI = host, certificate chain, then a second connection for
   * TLS 1.0/1.1. Never sends a message; never throws.
   */
  probeSmtp(host: string, address: string): Promise<SmtpProbeResult>;
}
