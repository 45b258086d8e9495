/**
 * A certificate authority made in the test setup (node-forge): certificates
 * for the local SMTP and HTTPS servers, valid, expired, expiring soon, for the
 * wrong host or self-signed. Nothing here is trusted outside the test that
 * passes `ca.certPem` as an extra root.
 */
import forge from 'node-forge';

export interface KeyPair {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  /** PEM private key. */
  keyPem: string;
}

export interface IssuedCertificate {
  /** Leaf certificate, PEM. */
  certPem: string;
  /** Leaf followed by the issuing CA (what a server should present). */
  chainPem: string;
  keyPem: string;
}

export interface CertificateRequest {
  commonName: string;
  /** DNS subjectAltNames (default: the common name). */
  altNames?: string[];
  /** Validity start (default: one day ago). */
  notBefore?: Date;
  /** Validity end (default: 90 days from now). */
  notAfter?: Date;
  /** Use a fresh key instead of the CA's shared leaf key. */
  freshKey?: boolean;
}

export interface TestCa {
  certPem: string;
  keyPem: string;
  /** A certificate signed by this CA. */
  issue(request: CertificateRequest): IssuedCertificate;
  /** A self-signed certificate (not signed by this CA). */
  selfSigned(request: CertificateRequest): IssuedCertificate;
}

const DAY = 86_400_000;

/** Days from now as a Date (negative for the past). */
export function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * DAY);
}

export function generateKeyPair(): KeyPair {
  // forge uses Node's native generator when it is available, so this is quick.
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  return { privateKey: keys.privateKey, publicKey: keys.publicKey, keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

let serial = 1;
function nextSerial(): string {
  serial += 1;
  return `${Date.now().toString(16)}${serial.toString(16).padStart(4, '0')}`;
}

function buildCertificate(
  request: CertificateRequest,
  subjectKey: KeyPair,
  issuer: { key: KeyPair; subject: forge.pki.CertificateField[] } | undefined,
  isCa: boolean,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = subjectKey.publicKey;
  cert.serialNumber = nextSerial();
  cert.validity.notBefore = request.notBefore ?? daysFromNow(-1);
  cert.validity.notAfter = request.notAfter ?? daysFromNow(90);
  const subject: forge.pki.CertificateField[] = [
    { name: 'commonName', value: request.commonName },
    { name: 'organizationName', value: 'mailcheck tests' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.subject : subject);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: isCa, critical: isCa },
    isCa
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (!isCa) {
    extensions.push({ name: 'extKeyUsage', serverAuth: true });
    extensions.push({ name: 'subjectAltName', altNames: (request.altNames ?? [request.commonName]).map((value) => ({ type: 2, value })) });
  }
  cert.setExtensions(extensions);
  cert.sign((issuer ?? { key: subjectKey }).key.privateKey, forge.md.sha256.create());
  return cert;
}

/** Creates a CA (valid from yesterday for ten years). */
export function createTestCa(commonName = 'mailcheck test CA'): TestCa {
  const caKey = generateKeyPair();
  const leafKey = generateKeyPair();
  const caCert = buildCertificate({ commonName, notAfter: daysFromNow(3650) }, caKey, undefined, true);
  const caPem = forge.pki.certificateToPem(caCert);
  const issuer = { key: caKey, subject: caCert.subject.attributes as forge.pki.CertificateField[] };
  return {
    certPem: caPem,
    keyPem: caKey.keyPem,
    issue(request) {
      const key = request.freshKey ? generateKeyPair() : leafKey;
      const certPem = forge.pki.certificateToPem(buildCertificate(request, key, issuer, false));
      return { certPem, chainPem: certPem + caPem, keyPem: key.keyPem };
    },
    selfSigned(request) {
      const key = request.freshKey ? generateKeyPair() : leafKey;
      const certPem = forge.pki.certificateToPem(buildCertificate(request, key, undefined, false));
      return { certPem, chainPem: certPem, keyPem: key.keyPem };
    },
  };
}
