/**
 * Mark certificates (VMC/CMC look-alikes) for BIMI tests, issued by the test
 * CA of test/helpers/test-ca.ts: a leaf with the BIMI extended key usage
 * (1.3.6.1.5.5.7.3.31) and the domains as DNS subjectAltNames, followed by
 * the CA certificate, as a mark verifying authority serves it.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import forge from 'node-forge';
import { VALID_SVG } from './bimi-svgs.js';
import { daysFromNow, generateKeyPair, type TestCa } from './test-ca.js';

export interface MarkCertificateRequest {
  /** DNS subjectAltNames. */
  domains: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** Extended key usage OIDs (default: the BIMI one). */
  extendedKeyUsage?: string[];
  /**
   * The logotype extension (RFC 3709): the SVG embedded (gzip, base64 data:
   * URI) with its SHA-256 hash; default VALID_SVG; null for no extension.
   * `hash` overrides the declared hash (hex).
   */
  logotype?: { svg: string | Buffer; hash?: string } | null;
  /** Sign with this CA but put another CA's certificate after the leaf (a broken chain). */
  servedIssuerPem?: string;
}

/** DER of a LogotypeExtn with one direct subject logo (RFC 3709 §4.1). */
function logotypeDer(svg: string | Buffer, hashOverride?: string): string {
  const a = forge.asn1;
  const gz = gzipSync(Buffer.from(svg));
  const uri = `data:image/svg+xml;base64,${gz.toString('base64')}`;
  const hash = hashOverride ?? createHash('sha256').update(gz).digest('hex');
  const seq = (value: forge.asn1.Asn1[]) => a.create(a.Class.UNIVERSAL, a.Type.SEQUENCE, true, value);
  const ia5 = (text: string) => a.create(a.Class.UNIVERSAL, a.Type.IA5STRING, false, text);
  const details = seq([
    ia5('image/svg+xml'),
    seq([seq([seq([a.create(a.Class.UNIVERSAL, a.Type.OID, false, a.oidToDer('2.16.840.1.101.3.4.2.1').getBytes())]), a.create(a.Class.UNIVERSAL, a.Type.OCTETSTRING, false, forge.util.hexToBytes(hash))])]),
    seq([ia5(uri)]),
  ]);
  const logotypeData = a.create(a.Class.CONTEXT_SPECIFIC, 0, true, [seq([seq([details])])]);
  const extension = seq([a.create(a.Class.CONTEXT_SPECIFIC, 2, true, [logotypeData])]);
  return a.toDer(extension).getBytes();
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
    ...(request.logotype === null
      ? []
      : [{ id: '1.3.6.1.5.5.7.1.12', value: logotypeDer(request.logotype?.svg ?? VALID_SVG, request.logotype?.hash) }]),
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert) + (request.servedIssuerPem ?? ca.certPem);
}
