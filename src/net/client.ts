/**
 * The real NetClient: SMTP STARTTLS probes and HTTPS fetches. Host names are
 * resolved only through mailcheck's DnsClient; connections go to the address
 * with SNI and certificate checks against the host name.
 */
import { hostname } from 'node:os';
import type { AuditOptions } from '../context.js';
import type { DnsClient } from '../dns/types.js';
import { trustedRoots } from './certificates.js';
import type { NetClient, SmtpProbeResult } from './types.js';

/** Defaults for the probe options of AuditOptions. */
export const NET_DEFAULTS = {
  smtpPort: 25,
  httpsPort: 443,
  probeTimeoutMs: 10_000,
} as const;

/**
 * EHLO name when none is given: this machine's name if it is fully qualified
 * (RFC 5321 §4.1.1.1 asks for the client's FQDN), else a name in the reserved
 * .invalid TLD rather than a made-up one.
 */
export function defaultHeloName(): string {
  const name = hostname().toLowerCase();
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(name) ? name : 'mailcheck.invalid';
}

export function createNetClient(dns: DnsClient, options: Readonly<AuditOptions>): NetClient {
  const ca = trustedRoots(options.extraCa);
  const timeoutMs = options.probeTimeoutMs ?? NET_DEFAULTS.probeTimeoutMs;
  return {
    async fetchHttps(url, fetchOptions) {
      if (options.offline) return { status: 'connect-error', message: 'offline: network probes are disabled' };
      // Loaded on use, with node:tls and node:https: most audits fetch nothing.
      const { fetchHttps } = await import('./https-fetch.js');
      return fetchHttps(dns, url, { port: options.httpsPort ?? NET_DEFAULTS.httpsPort, timeoutMs, ...(ca ? { ca } : {}) }, fetchOptions);
    },
    async probeSmtp(host, address): Promise<SmtpProbeResult> {
      if (options.offline || options.smtp === false) {
        return {
          host,
          address,
          port: options.smtpPort ?? NET_DEFAULTS.smtpPort,
          state: 'unreachable',
          error: { stage: 'connect', message: options.offline ? 'offline: network probes are disabled' : 'SMTP probing is disabled (--no-smtp)' },
          starttlsOffered: false,
          transcript: [],
          durationMs: 0,
        };
      }
      const { probeSmtp } = await import('./smtp-probe.js');
      return probeSmtp(host, address, {
        port: options.smtpPort ?? NET_DEFAULTS.smtpPort,
        heloName: options.heloName ?? defaultHeloName(),
        timeoutMs,
        ...(ca ? { ca } : {}),
        ...(options.extraCa ? { extraCa: options.extraCa } : {}),
      });
    },
  };
}
