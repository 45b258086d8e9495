/**
 * The cryptography of DNSSEC validation, with node:crypto: DNSKEY public
 * keys, RRSIG signatures and DS digests for the algorithms RFC 8624 §3.1 says
 * a validator must (or should) support.
 */
import crypto from 'node:crypto';
import { nameToWire, type Dnskey, type Ds } from './rdata.js';

/** Signing algorithms validated here (IANA "DNS Security Algorithm Numbers"). Others are reported as unsupported. */
export const SUPPORTED_ALGORITHMS: ReadonlySet<number> = new Set([8, 10, 13, 14, 15, 16]);

/** DS digest types (RFC 4034 §5.1.4 SHA-1, RFC 4509 SHA-256, RFC 6605 SHA-384) and their hashes. */
const DIGESTS: Record<number, string> = { 1: 'sha1', 2: 'sha256', 4: 'sha384' };

export function digestSupported(digestType: number): boolean {
  return digestType in DIGESTS;
}

function base64url(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/** The public key of a DNSKEY, or undefined when it cannot be read for its algorithm. */
function publicKey(key: Dnskey): crypto.KeyObject | undefined {
  const bytes = key.publicKey;
  try {
    switch (key.algorithm) {
      case 8:
      case 10: {
        // RFC 3110 §2: exponent length (one octet, or zero and two octets), exponent, modulus.
        let at = 1;
        let exponentLength = bytes[0]!;
        if (exponentLength === 0) {
          exponentLength = bytes.readUInt16BE(1);
          at = 3;
        }
        const exponent = bytes.subarray(at, at + exponentLength);
        const modulus = bytes.subarray(at + exponentLength);
        if (exponent.length === 0 || modulus.length === 0) return undefined;
        return crypto.createPublicKey({ key: { kty: 'RSA', n: base64url(modulus), e: base64url(exponent) }, format: 'jwk' });
      }
      case 13:
      case 14: {
        // RFC 6605 §4: the point's x and y, 32 (P-256) or 48 (P-384) octets each.
        const size = key.algorithm === 13 ? 32 : 48;
        if (bytes.length !== size * 2) return undefined;
        return crypto.createPublicKey({
          key: { kty: 'EC', crv: key.algorithm === 13 ? 'P-256' : 'P-384', x: base64url(bytes.subarray(0, size)), y: base64url(bytes.subarray(size)) },
          format: 'jwk',
        });
      }
      case 15:
      case 16:
        // RFC 8080 §3: the raw public key, 32 (Ed25519) or 57 (Ed448) octets.
        if (bytes.length !== (key.algorithm === 15 ? 32 : 57)) return undefined;
        return crypto.createPublicKey({ key: { kty: 'OKP', crv: key.algorithm === 15 ? 'Ed25519' : 'Ed448', x: base64url(bytes) }, format: 'jwk' });
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/** Whether `signature` over `data` verifies with the DNSKEY (RFC 5702, RFC 6605, RFC 8080). */
export function verifySignature(key: Dnskey, data: Buffer, signature: Buffer): boolean {
  const object = publicKey(key);
  if (!object) return false;
  try {
    switch (key.algorithm) {
      case 8:
        return crypto.verify('sha256', data, object, signature);
      case 10:
        return crypto.verify('sha512', data, object, signature);
      case 13:
        // RFC 6605 §4: the signature is r and s, each as wide as the curve (IEEE P1363).
        return crypto.verify('sha256', data, { key: object, dsaEncoding: 'ieee-p1363' }, signature);
      case 14:
        return crypto.verify('sha384', data, { key: object, dsaEncoding: 'ieee-p1363' }, signature);
      case 15:
      case 16:
        return crypto.verify(null, data, object, signature);
      default:
        return false;
    }
  } catch {
    return false;
  }
}

/** RFC 4034 §5.1.4: digest = hash(owner name in canonical wire form | DNSKEY RDATA). */
export function dsMatches(ds: Ds, owner: string, key: Dnskey): boolean {
  const hash = DIGESTS[ds.digestType];
  if (!hash || ds.keyTag !== key.keyTag || ds.algorithm !== key.algorithm) return false;
  const digest = crypto.createHash(hash).update(nameToWire(owner)).update(key.rdata).digest();
  return digest.equals(ds.digest);
}

/** RFC 5155 §5: the NSEC3 hash of a name (SHA-1, iterated, salted). */
export function nsec3Hash(name: string, salt: Buffer, iterations: number): Buffer {
  let hash = crypto.createHash('sha1').update(nameToWire(name)).update(salt).digest();
  for (let round = 0; round < iterations; round++) hash = crypto.createHash('sha1').update(hash).update(salt).digest();
  return hash;
}
