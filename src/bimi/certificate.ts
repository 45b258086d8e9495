/**
 * Checks on a BIMI evidence document (a Verified Mark Certificate or Common
 * Mark Certificate, BIMI §3.5) as served at the record's `a=` URL: a PEM file,
 * leaf first. Pure apart from the clock passed in.
 *
 * What is checked: the file holds X.509 certificates that parse; the mark
 * certificate is within its validity period; its subjectAltName names the
 * domain; its extended key usage is the BIMI one. Chain validation to a mark
 * verifying authority's root and the logo embedded in the certificate
 * (RFC 3709 logotype) are not checked.
 */
import { X509Certificate } from 'node:crypto';

/** id-kp-BrandIndicatorforMessageIdentification: the extended key usage of mark certificates. */
export const BIMI_EKU = '1.3.6.1.5.5.7.3.31';

export interface MarkCertificateInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  /** notBefore, ISO 8601. */
  validFrom: string;
  /** notAfter, ISO 8601. */
  validTo: string;
  /** DNS names of the subjectAltName. */
  dnsNames: string[];
  /** Extended key usage OIDs (empty when the extension is absent). */
  extendedKeyUsage: string[];
  /** A CA certificate (an intermediate or root included in the file). */
  ca: boolean;
  /** SHA-256 fingerprint, colon-separated hex as Node prints it. */
  sha256: string;
}

export interface CertificateCheck {
  /** Every certificate in the file, in order. */
  certificates: MarkCertificateInfo[];
  /** Index of the mark certificate (the first non-CA certificate). */
  leaf?: number;
  /** Problems that make the evidence unusable, one line each. */
  violations: string[];
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function describe(certificate: X509Certificate): MarkCertificateInfo {
  const dnsNames = (certificate.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4).toLowerCase().replace(/\.$/, ''));
  return {
    subject: certificate.subject.replace(/\n/g, ', '),
    issuer: certificate.issuer.replace(/\n/g, ', '),
    serialNumber: certificate.serialNumber,
    validFrom: new Date(certificate.validFrom).toISOString(),
    validTo: new Date(certificate.validTo).toISOString(),
    dnsNames,
    extendedKeyUsage: certificate.keyUsage ?? [],
    ca: certificate.ca,
    sha256: certificate.fingerprint256,
  };
}

/**
 * Checks the PEM evidence for `domains` (the audited domain and, when the
 * record was found there, its Organizational Domain): the mark certificate
 * must name one of them.
 */
export function checkMarkCertificate(pem: Buffer | string, domains: readonly string[], now: Date = new Date()): CertificateCheck {
  const text = typeof pem === 'string' ? pem : pem.toString('utf8');
  const blocks = text.match(PEM_BLOCK) ?? [];
  const violations: string[] = [];
  if (blocks.length === 0) {
    violations.push('the file holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
    return { certificates: [], violations };
  }
  const certificates: MarkCertificateInfo[] = [];
  for (const [index, block] of blocks.entries()) {
    try {
      certificates.push(describe(new X509Certificate(block)));
    } catch (error) {
      violations.push(`certificate ${index + 1} does not parse: ${error instanceof Error ? error.message : String(error)}`);
      return { certificates, violations };
    }
  }
  const leafIndex = Math.max(0, certificates.findIndex((certificate) => !certificate.ca));
  const leaf = certificates[leafIndex]!;
  if (leaf.ca) violations.push('the file holds only CA certificates, no mark certificate');
  if (now < new Date(leaf.validFrom)) violations.push(`the mark certificate is not valid before ${leaf.validFrom}`);
  if (now > new Date(leaf.validTo)) violations.push(`the mark certificate expired on ${leaf.validTo}`);
  const wanted = domains.map((domain) => domain.toLowerCase());
  if (!leaf.dnsNames.some((name) => wanted.includes(name))) {
    violations.push(
      leaf.dnsNames.length === 0
        ? `the mark certificate names no domain (no DNS subjectAltName); expected ${wanted.join(' or ')}`
        : `the mark certificate names ${leaf.dnsNames.join(', ')}, not ${wanted.join(' or ')}`,
    );
  }
  if (!leaf.extendedKeyUsage.includes(BIMI_EKU)) {
    violations.push(
      `the certificate is not a mark certificate: its extended key usage lacks ${BIMI_EKU} (BIMI)` +
        (leaf.extendedKeyUsage.length > 0 ? `; it has ${leaf.extendedKeyUsage.join(', ')}` : ''),
    );
  }
  return { certificates, leaf: leafIndex, violations };
}
