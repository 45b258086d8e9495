/**
 * Mark certificates (VMC/CMC look-alikes) for BIMI tests, issued by the test
 * CA of test/helpers/test-ca.ts: a leaf with the BIMI extended key usage
 * (1.3.6.1.5.5.7.3.31) and the domains as DNS subjectAltNames, followed by
 * the CA certificate, as a mark verifying authority serves it.
 */
import forge from 'node-forge';
import { daysFromNow, generateKeyPair, type TestCa } from './test-ca.js';

export interface MarkCertificateRequest {
  /** DNS subjectAltNames. */
  domains: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** Extended key usage OIDs (default: the BIMI one). */
  extendedKeyUsage?: string[];
}

let serial = 0x5000;

/** A PEM file: the mark certificate, then the issuing CA. */
export function issueMarkCertificate(ca: TestCa, request: MarkCertificateRequest): string {
  const key = generateKeyPair();
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.publicKey;
  serial += 1;
  // DER INTEGERs take no leading zero byte: start with 0x10.
  cert.serialNumber = `10${serial.toString(16).padStart(6, '0')}`;
  cert.validity.notBefore = request.notBefore ?? daysFromNow(-1);
  cert.validity.notAfter = request.notAfter ?? daysFromNow(365);
  cert.setSubject([
    { name: 'commonName', value: request.domains[0] ?? 'mark' },
    { name: 'organizationName', value: 'mailcheck tests brand' },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  const eku: Record<string, unknown> = { name: 'extKeyUsage' };
  // forge takes its own names for the OIDs it knows (serverAuth, …) and dotted OIDs for the others.
  const known = forge.pki.oids as Record<string, string>;
  for (const oid of request.extendedKeyUsage ?? ['1.3.6.1.5.5.7.3.31']) eku[known[oid] ?? oid] = true;
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, critical: true },
    eku,
    { name: 'subjectAltName', altNames: request.domains.map((value) => ({ type: 2, value })) },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert) + ca.certPem;
}
