/**
 * Network probes other than DNS. Checks reach SMTP and HTTPS only through a
 * NetClient from the context; host names are resolved with mailcheck's own
 * resolver, never the system's.
 */

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
  /** Name did not resolve (with the DNS status that caused it). */
  | { status: 'dns-error'; message: string }
  /** TCP connect refused / unreachable / timed out. */
  | { status: 'connect-error'; message: string }
  /** TLS handshake or certificate validation failed (message from the TLS layer, e.g. CERT_HAS_EXPIRED). */
  | { status: 'tls-error'; message: string; code?: string }
  | { status: 'timeout'; message: string }
  | { status: 'http-error'; message: string };

export interface HttpsFetchOptions {
  /** Body size cap in bytes. */
  maxBytes?: number;
  timeoutMs?: number;
}

export interface NetClient {
  /** GET an https:// URL, resolving the host with mailcheck's resolver and validating its certificate. */
  fetchHttps(url: string, options?: HttpsFetchOptions): Promise<HttpsResult>;
  /** SMTP/STARTTLS probing; defined by the tls check's probe module. */
  probeSmtp(host: string, address: string): Promise<unknown>;
}
