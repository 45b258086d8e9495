/**
 * Matching TLSA records against the certificate chain an SMTP server
 * presented (RFC 6698 §2.1, RFC 7671, RFC 7672 §3.1).
 */
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import type { TlsaData } from '../dns/types.js';
import { spkiDer } from './certificates.js';
import type { TlsSession } from './types.js';

/** `3 1 1 <hex>`: the record as written in a zone file. */
export function tlsaText(record: TlsaData): string {
  return `${record.usage} ${record.selector} ${record.matchingType} ${record.data.toLowerCase()}`;
}

/**
 * RFC 7672 §3.1.3: SMTP clients use only DANE-TA(2) and DANE-EE(3); PKIX-TA(0)
 * and PKIX-EE(1) records are unusable. Selectors 0 (certificate) and 1 (SPKI),
 * matching types 0 (exact), 1 (SHA-256), 2 (SHA-512) (RFC 6698 §2.1.2–2.1.3).
 */
export function tlsaUsable(record: TlsaData): boolean {
  return (record.usage === 2 || record.usage === 3) && (record.selector === 0 || record.selector === 1) && [0, 1, 2].includes(record.matchingType);
}

/** The bytes a record's selector picks from a certificate (RFC 6698 §2.1.2). */
function selected(record: TlsaData, pem: string): Buffer {
  return record.selector === 0 ? Buffer.from(new X509Certificate(pem).raw) : spkiDer(pem);
}

/** Applies the matching type (RFC 6698 §2.1.3). */
function associated(record: TlsaData, bytes: Buffer): string {
  if (record.matchingType === 1) return createHash('sha256').update(bytes).digest('hex');
  if (record.matchingType === 2) return createHash('sha512').update(bytes).digest('hex');
  return bytes.toString('hex');
}

/** Whether `record`'s association data matches the certificate `pem`. */
export function tlsaMatchesCertificate(record: TlsaData, pem: string): boolean {
  return associated(record, selected(record, pem)) === record.data.toLowerCase();
}

/** chain[0..top] is linked by issuer names and signatures. */
function linked(chain: readonly X509Certificate[], top: number): boolean {
  for (let index = 0; index < top; index++) {
    const subject = chain[index]!;
    const issuer = chain[index + 1]!;
    if (!subject.checkIssued(issuer) || !subject.verify(issuer.publicKey)) return false;
  }
  return true;
}

/** Whether the leaf is inside its validity period at `now`. */
function leafCurrent(leaf: X509Certificate, now: number): boolean {
  return Date.parse(leaf.validFrom) <= now && now <= Date.parse(leaf.validTo);
}

export interface TlsaMatch {
  /** The usable records that authenticate the session. */
  matched: TlsaData[];
  /** Why DANE-TA records did not authenticate although a certificate matched. */
  notes: string[];
}

/**
 * Which usable records authenticate `session` for MX host `host`.
 * - DANE-EE(3): the leaf matches; names and dates are not checked (RFC 7672 §3.1.1).
 * - DANE-TA(2): a certificate above the leaf matches (or, for `2 1 0`, its key
 *   signed one), the chain up to it is linked by signatures, the leaf names
 *   the MX host and is within its validity dates (RFC 7672 §3.1.2, §3.2.2).
 */
export function matchTlsa(records: readonly TlsaData[], session: TlsSession, now: number = Date.now()): TlsaMatch {
  const chain = session.chain.map((certificate) => new X509Certificate(certificate.pem));
  const matched: TlsaData[] = [];
  const notes: string[] = [];
  const leaf = session.chain[0];
  if (!leaf) return { matched, notes: ['no certificate presented'] };
  for (const record of records.filter(tlsaUsable)) {
    if (record.usage === 3) {
      if (tlsaMatchesCertificate(record, leaf.pem)) matched.push(record);
      continue;
    }
    let anchor = -1;
    for (let index = 1; index < chain.length && anchor < 0; index++) {
      if (tlsaMatchesCertificate(record, session.chain[index]!.pem)) anchor = index;
    }
    if (anchor < 0 && record.selector === 1 && record.matchingType === 0) {
      // RFC 7672 §3.1.2: a "2 1 0" trust anchor key need not be sent; it must have signed the top certificate.
      try {
        const key = createPublicKey({ key: Buffer.from(record.data, 'hex'), format: 'der', type: 'spki' });
        const top = chain.length - 1;
        if (chain[top]!.verify(key)) anchor = top;
      } catch {
        // Not a public key: no match.
      }
    }
    if (anchor < 0) continue;
    if (!linked(chain, anchor)) notes.push(`${tlsaText(record)}: the chain is not signed up to the matching certificate`);
    else if (!session.hostnameMatch) notes.push(`${tlsaText(record)}: the trust anchor matches but the certificate does not name the MX host`);
    else if (!leafCurrent(chain[0]!, now)) notes.push(`${tlsaText(record)}: the trust anchor matches but the certificate is outside its validity dates`);
    else matched.push(record);
  }
  return { matched, notes };
}
