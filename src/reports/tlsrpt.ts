/**
 * TLS-RPT result types (RFC 8460 §4.3) and the finding of the domain audit
 * each points at: the check that would show the same fault from outside.
 */
import type { TlsRptResult } from './schema.js';
import type { TlsRptTotals } from './totals.js';

export const TLSRPT_FINDINGS: Readonly<Record<string, string>> = {
  // §4.3.1 negotiation failures: the SMTP STARTTLS probe of the tls check sees these.
  'starttls-not-supported': 'tls/starttls-missing',
  'certificate-host-mismatch': 'tls/hostname-mismatch',
  'certificate-expired': 'tls/expired-certificate',
  'certificate-not-trusted': 'tls/untrusted-certificate',
  'validation-failure': 'tls/handshake-failed',
  // §4.3.2.1 DANE failures.
  'tlsa-invalid': 'dane/tlsa-mismatch',
  'dnssec-invalid': 'dane/tlsa-without-dnssec',
  'dane-required': 'dane/tlsa-without-dnssec',
  // §4.3.2.2 MTA-STS failures.
  'sts-policy-fetch-error': 'mta-sts/policy-unreachable',
  'sts-policy-invalid': 'mta-sts/invalid-policy',
  'sts-webpki-invalid': 'mta-sts/policy-unreachable',
};

export function tlsRptResults(totals: Iterable<TlsRptTotals>): TlsRptResult[] {
  return [...totals]
    .sort((a, b) => a.domain.localeCompare(b.domain) || a.policy.localeCompare(b.policy))
    .map((entry) => ({
      domain: entry.domain,
      policy: entry.policy,
      reports: entry.reports,
      success: entry.success,
      failure: entry.failure,
      failures: [...entry.failures]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([type, count]) => ({ type, count, findingId: TLSRPT_FINDINGS[type] ?? null })),
    }));
}
