/**
 * Checks on a BIMI evidence document (a Verified Mark Certificate or Common
 * Mark Certificate, BIMI §3.5) as served at the record's `a=` URL: a PEM file,
 * leaf first. Pure apart from the clock passed in.
 *
 * What is checked: the file holds X.509 certificates that parse; the mark
 * certificate is within its validity period; its subjectAltName names the
 * domain; its extended key usage is the BIMI one; each certificate of the
 * file is issued and signed by the next one (the chain up to the mark
 * certificate's issuer, as the file carries it); the logo embedded in the
 * certificate (RFC 3709 logotype) holds its hash and is the SVG served at
 * `l=`. Whether the chain's root is a recognised mark verifying authority,
 * and revocation, are not checked.
 */
import { X509Certificate } from 'node:crypto';
import { logotypeViolations } from './logotype.js';

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
export function checkMarkCertificate(
  pem: Buffer | string,
  domains: readonly string[],
  now: Date = new Date(),
  /** The SVG served at the record's l= URL, when it was fetched: compared with the embedded logo. */
  servedLogo?: Buffer,
): CertificateCheck {
  const text = typeof pem === 'string' ? pem : pem.toString('utf8');
  const blocks = text.match(PEM_BLOCK) ?? [];
  const violations: string[] = [];
  if (blocks.length === 0) {
    violations.push('the file holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
    return { certificates: [], violations };
  }
  const certificates: MarkCertificateInfo[] = [];
  const parsed: X509Certificate[] = [];
  for (const [index, block] of blocks.entries()) {
    try {
      const certificate = new X509Certificate(block);
      parsed.push(certificate);
      certificates.push(describe(certificate));
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
  violations.push(...chainViolations(parsed, leafIndex));
  if (!leaf.ca) violations.push(...logotypeViolations(parsed[leafIndex]!.raw, servedLogo));
  return { certificates, leaf: leafIndex, violations };
}

/**
 * The file serves the chain leaf first (BIMI §3.5): each certificate from the
 * mark certificate on must be issued (names) and signed (signature) by the
 * one after it. Whether the last one is a trusted mark verifying authority is
 * not decided here.
 */
function chainViolations(chain: readonly X509Certificate[], leafIndex: number): string[] {
  if (leafIndex >= chain.length - 1) {
    return ['the file holds no issuer certificate after the mark certificate, so its signature cannot be checked'];
  }
  for (let index = leafIndex; index < chain.length - 1; index++) {
    const [subject, issuer] = [chain[index]!, chain[index + 1]!];
    const which = index === leafIndex ? 'the mark certificate' : `certificate ${index + 1}`;
    if (!subject.checkIssued(issuer)) return [`${which} is not issued by the certificate after it in the file (${issuer.subject.replace(/\n/g, ', ')})`];
    if (!subject.verify(issuer.publicKey)) return [`the signature of ${which} does not verify with its issuer's key`];
  }
  return [];
}
