/** The dane check's findings and their sentences (rendered from each finding's data). */
export const daneCatalog = {
  'dane/tlsa-mismatch': {
    severity: 'critical' as const,
    title: 'TLSA records do not match the server certificate',
    description:
      'An MX host publishes TLSA records but none matches the certificate chain it presents (or it offers no TLS at all). DANE-aware senders then refuse to deliver to it (RFC 7672 §2.2). Lowered to medium while the TLSA records are known not to be DNSSEC-authenticated, since senders ignore them until they are.',
    message: (data: { mismatched: string[]; withoutTls: string[]; noTlsStates: string[]; inForce: boolean }) =>
      `${[
        ...(data.mismatched.length > 0 ? [`${data.mismatched.join(', ')} present${data.mismatched.length === 1 ? 's' : ''} a certificate that matches none of its usable TLSA records`] : []),
        ...(data.withoutTls.length > 0 ? [`${data.withoutTls.join(', ')} publish${data.withoutTls.length === 1 ? 'es' : ''} TLSA records but no TLS session could be made (${data.noTlsStates.join(', ')})`] : []),
      ].join('; ')}${data.inForce ? '' : ' (the records are not DNSSEC-authenticated, so senders ignore them for now)'}`,
  },
  'dane/tlsa-without-dnssec': {
    severity: 'medium' as const,
    title: 'TLSA records not DNSSEC-authenticated',
    description:
      'TLSA records are published for an MX host, but they are not DNSSEC-authenticated: mailcheck\'s validation finds the zone an insecure delegation, the validating resolver sets no AD flag, or the zone is known to be unsigned (no DS record at the parent, or answers read from a zone file with --offline). Senders ignore such records (RFC 7672 §2.2), so DANE gives no protection.',
    message: (data: { hosts: string[] }) => `TLSA records not DNSSEC-authenticated, so senders ignore them (RFC 7672 §2.2): ${data.hosts.join('; ')}`,
  },
  'dane/tlsa-bogus': {
    severity: 'critical' as const,
    title: 'TLSA records fail DNSSEC validation',
    description:
      'The TLSA RRset of an MX host does not validate (a bad or expired signature, or a broken chain of trust): DANE-aware senders treat the host as unusable and defer mail to it (RFC 7672 §2.1.1) until it validates, then bounce it.',
    message: (data: { hosts: string[] }) => `TLSA records fail DNSSEC validation, so DANE senders defer mail (RFC 7672 §2.1.1): ${data.hosts.join('; ')}`,
  },
};
