/**
 * Certificate helpers shared by the SMTP probe, the HTTPS fetch and the DANE
 * check: describing a peer chain, trusted roots, and the digests TLSA records
 * are compared with (RFC 6698 §2.1.2–2.1.3).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type tls from 'node:tls';
import type { CertificateInfo } from './types.js';

let tlsModule: typeof tls | undefined;
/**
 * node:tls, loaded on first use: on Node ≥ 22 loading it reads and parses
 * NODE_EXTRA_CA_CERTS (some 10 ms), which an audit that opens no TLS
 * connection does not need.
 */
function loadTls(): typeof tls {
  return (tlsModule ??= createRequire(import.meta.url)('node:tls') as typeof tls);
}

const DAY_MS = 86_400_000;

/** Wraps DER bytes as a PEM certificate. */
export function derToPem(der: Buffer): string {
  const base64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`;
}

/** The DER SubjectPublicKeyInfo of a certificate (TLSA selector 1). */
export function spkiDer(certificate: string | Buffer): Buffer {
  const x509 = new X509Certificate(certificate);
  return x509.publicKey.export({ type: 'spki', format: 'der' });
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Describes one DER certificate at time `now`. */
export function describeCertificate(der: Buffer, now: Date = new Date()): CertificateInfo {
  const x509 = new X509Certificate(der);
  const validTo = new Date(x509.validTo);
  const subjectAltNames = x509.subjectAltName ? x509.subjectAltName.split(/,\s*/).filter((entry) => entry !== '') : [];
  return {
    subject: x509.subject.split('\n').join(', '),
    issuer: x509.issuer.split('\n').join(', '),
    subjectAltNames,
    serialNumber: x509.serialNumber.toUpperCase(),
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: validTo.toISOString(),
    daysToExpiry: Math.floor((validTo.getTime() - now.getTime()) / DAY_MS),
    sha256: sha256Hex(der),
    spkiSha256: sha256Hex(spkiDer(der)),
    selfIssued: x509.subject === x509.issuer,
    pem: derToPem(der),
  };
}

/**
 * The peer's chain, leaf first, from `getPeerCertificate(true)`. The TLS layer
 * links each certificate to its issuer (completing the chain from the trusted
 * store where the server left the root out); the root links to itself.
 */
export function peerChain(socket: tls.TLSSocket, now: Date = new Date()): CertificateInfo[] {
  const chain: CertificateInfo[] = [];
  const seen = new Set<string>();
  let current: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate;
  while (current && current.raw && Object.keys(current).length > 0) {
    const fingerprint = current.fingerprint256;
    if (seen.has(fingerprint)) break;
    seen.add(fingerprint);
    chain.push(describeCertificate(current.raw, now));
    current = current.issuerCertificate;
  }
  return chain;
}


/** Verification errors about time only (the chain itself may be sound). */
export const TIME_ERRORS: ReadonlySet<string> = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/** Splits a PEM bundle into single certificates. */
export function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

const parsedStores = new Map<string, X509Certificate[]>();

/** Every trusted root as parsed certificates: Node's bundled roots, NODE_EXTRA_CA_CERTS and the extras. */
function rootStore(extraCa: readonly string[] | undefined): X509Certificate[] {
  const key = `${process.env.NODE_EXTRA_CA_CERTS ?? ''}\0${(extraCa ?? []).join('\0')}`;
  let store = parsedStores.get(key);
  if (!store) {
    store = [];
    for (const bundle of trustedRoots(extraCa ?? [], true) ?? []) {
      for (const pem of splitPem(bundle)) {
        try {
          store.push(new X509Certificate(pem));
        } catch {
          // An unparsable root cannot anchor anything.
        }
      }
    }
    parsedStores.set(key, store);
  }
  return store;
}

/**
 * Whether `chain` (leaf first) leads to a trusted root by signatures alone,
 * ignoring validity dates. OpenSSL reports only one verification error and a
 * time error (CERT_HAS_EXPIRED) hides an untrusted issuer, so after a time
 * error the trust question is answered here (RFC 5280 §6.1: signature and
 * issuer/subject chaining, without the date test).
 */
export function chainsToTrustedRoot(chain: readonly string[], extraCa: readonly string[] | undefined): boolean {
  const roots = rootStore(extraCa);
  const certificates = chain.map((pem) => new X509Certificate(pem));
  const anchored = (certificate: X509Certificate) =>
    roots.some(
      (root) =>
        root.fingerprint256 === certificate.fingerprint256 ||
        (certificate.checkIssued(root) && certificate.verify(root.publicKey)),
    );
  for (let index = 0; index < certificates.length; index++) {
    const certificate = certificates[index]!;
    if (anchored(certificate)) return true;
    const issuer = certificates[index + 1];
    if (!issuer || !certificate.checkIssued(issuer) || !certificate.verify(issuer.publicKey)) return false;
  }
  return false;
}

/**
 * The `ca` option for TLS connections, or undefined to keep Node's default
 * store. Passing `ca` replaces the default store, which Node builds from its
 * bundled roots plus NODE_EXTRA_CA_CERTS; so when extra roots are given the
 * whole set is rebuilt here: bundled roots + NODE_EXTRA_CA_CERTS + extras.
 */
export function trustedRoots(extraCa: readonly string[] | undefined, always = false): string[] | undefined {
  if (!always && (!extraCa || extraCa.length === 0)) return undefined;
  const roots = [...loadTls().rootCertificates];
  const extraFile = process.env.NODE_EXTRA_CA_CERTS;
  if (extraFile) {
    try {
      roots.push(readFileSync(extraFile, 'utf8'));
    } catch {
      // Node itself only warns when the file cannot be read; do the same by ignoring it.
    }
  }
  roots.push(...(extraCa ?? []));
  return roots;
}

/** Host-name check for a leaf (RFC 6125 via Node's implementation); the error message or undefined. */
export function hostnameError(host: string, socket: tls.TLSSocket): string | undefined {
  const peer = socket.getPeerCertificate(false);
  if (!peer || Object.keys(peer).length === 0) return 'no certificate presented';
  const error = loadTls().checkServerIdentity(host, peer);
  return error ? error.message : undefined;
}
