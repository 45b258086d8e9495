/**
 * DKIM key records (RFC 6376 §3.6.1) and their public keys (RFC 6376 §3.6.1,
 * RFC 8301 §3.2, RFC 8463 §4.2): parsing and measurement, pure.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { isTagName, splitTagList } from '../tag-list.js';

/** A parsed DKIM key record. */
export interface DkimKeyRecord {
  /** Record text (character-strings joined). */
  raw: string;
  /** Every tag as written (name lower case, value trimmed), in order. */
  tags: { name: string; value: string }[];
  /** Problems that make the record unusable (empty when it is valid). */
  errors: string[];
  /** `v`, when present. */
  version?: string;
  /** Key type (`k`), default rsa. */
  keyType: string;
  /** `h`: acceptable hash algorithms; undefined means all. */
  hashAlgorithms?: string[];
  /** `s`: service types, default ["*"]. */
  services: string[];
  /** `t`: flags (y = testing, s = strict identity). */
  flags: string[];
  /** `n`: notes. */
  notes?: string;
  /** `p` with whitespace removed; '' means revoked. Undefined when the tag is absent. */
  publicKey?: string;
  /** p= is empty: the key is revoked (RFC 6376 §3.6.1). */
  revoked: boolean;
  /** Measured key, when it decodes. */
  key?: DkimKeyInfo;
}

/** A decoded public key. */
export interface DkimKeyInfo {
  /** Key algorithm as decoded. */
  type: 'rsa' | 'ed25519';
  /** RSA modulus length, or 256 for ed25519. */
  bits: number;
  /** How the key data was encoded: SubjectPublicKeyInfo, PKCS#1 RSAPublicKey, or a raw ed25519 key. */
  encoding: 'spki' | 'pkcs1' | 'raw';
}

/** True for TXT data that is plausibly meant as a DKIM key record (not, say, an SPF record met through a wildcard). */
export function looksLikeDkimRecord(text: string): boolean {
  const trimmed = text.trim();
  if (/^v\s*=\s*DKIM/i.test(trimmed)) return true;
  return /(?:^|;)\s*p\s*=/.test(trimmed) && !/^v\s*=\s*(?:spf1|DMARC1|STSv1|TLSRPTv1|BIMI1)\b/i.test(trimmed);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Parses a DKIM key record and decodes its key. */
export function parseDkimRecord(raw: string): DkimKeyRecord {
  const record: DkimKeyRecord = { raw, tags: [], errors: [], keyType: 'rsa', services: ['*'], flags: [], revoked: false };
  const seen = new Set<string>();
  for (const field of splitTagList(raw)) {
    if (field.kind === 'empty') continue;
    // RFC 6376 §3.2: tag-spec = tag-name "=" tag-value; tag-name = ALPHA *ALNUMPUNC
    if (field.kind === 'malformed' || !isTagName(field.name)) {
      record.errors.push(`malformed tag "${field.text}"`);
      continue;
    }
    const tag = { name: field.name.toLowerCase(), value: field.value };
    record.tags.push(tag);
    // RFC 6376 §3.2: a tag name occurring more than once makes the entire tag-list invalid.
    if (seen.has(tag.name)) {
      record.errors.push(`duplicate tag ${tag.name}`);
      continue;
    }
    seen.add(tag.name);
    applyTag(record, tag, record.tags.length - 1);
  }
  // RFC 6376 §3.6.1 h=: with none of the hash algorithms a verifier knows (RFC 8301 §3.1), no signature verifies.
  if (record.hashAlgorithms && !record.hashAlgorithms.some((alg) => alg === 'sha256' || alg === 'sha1')) {
    record.errors.push(`h=${record.hashAlgorithms.join(':')} lists no known hash algorithm`);
  }
  // RFC 6376 §3.6.1: p= is REQUIRED.
  if (record.publicKey === undefined) record.errors.push('no p= tag (public key)');
  else if (record.publicKey === '') record.revoked = true; // RFC 6376 §3.6.1: an empty p= means revoked
  else if (record.errors.length === 0) {
    const measured = measureKey(record.keyType, record.publicKey);
    if ('error' in measured) record.errors.push(measured.error);
    else record.key = measured;
  }
  return record;
}

const list = (value: string) =>
  value
    .split(':')
    .map((item) => item.trim().toLowerCase())
    .filter(Boolean);

function applyTag(record: DkimKeyRecord, tag: { name: string; value: string }, index: number): void {
  switch (tag.name) {
    case 'v':
      record.version = tag.value;
      // RFC 6376 §3.6.1: v=, if given, MUST be "DKIM1" and MUST be the first tag.
      if (tag.value !== 'DKIM1') record.errors.push(`v=${tag.value} is not DKIM1`);
      else if (index !== 0) record.errors.push('v=DKIM1 is not the first tag');
      return;
    case 'k': {
      record.keyType = tag.value.toLowerCase();
      // RFC 6376 §3.6.1 (rsa), RFC 8463 §4 (ed25519): other key types cannot be verified.
      if (record.keyType !== 'rsa' && record.keyType !== 'ed25519') record.errors.push(`unknown key type k=${tag.value}`);
      return;
    }
    case 'h':
      record.hashAlgorithms = list(tag.value);
      return;
    case 's':
      record.services = list(tag.value);
      return;
    case 't':
      record.flags = list(tag.value);
      return;
    case 'n':
      record.notes = tag.value;
      return;
    case 'p': {
      // RFC 6376 §3.6.1: base64 with FWS allowed inside.
      const key = tag.value.replace(/\s+/g, '');
      record.publicKey = key;
      if (!BASE64.test(key) || key.length % 4 === 1) record.errors.push('p= is not valid base64');
      return;
    }
  }
}

/** SubjectPublicKeyInfo prefix for an Ed25519 key (RFC 8410 §4): SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (32 bytes) }. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Decodes `p=` for key type `k` and measures it with node:crypto. */
export function measureKey(keyType: string, base64: string): DkimKeyInfo | { error: string } {
  const der = Buffer.from(base64, 'base64');
  if (der.length === 0) return { error: 'p= decodes to nothing' };
  if (keyType === 'ed25519') {
    // RFC 8463 §4.2: p= holds the raw 32-byte Ed25519 public key, not a SubjectPublicKeyInfo.
    if (der.length !== 32) return { error: `ed25519 key is ${der.length} bytes; RFC 8463 requires the raw 32-byte key` };
    const key = tryKey(() => createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, der]), format: 'der', type: 'spki' }));
    if (!key || key.asymmetricKeyType !== 'ed25519') return { error: 'p= is not a valid ed25519 key' };
    return { type: 'ed25519', bits: 256, encoding: 'raw' };
  }
  // RFC 6376 §3.6.1 / §3.3.1: an RSA key as DER SubjectPublicKeyInfo; a bare PKCS#1
  // RSAPublicKey is also met in practice and accepted by common verifiers.
  const spki = tryKey(() => createPublicKey({ key: der, format: 'der', type: 'spki' }));
  if (spki) {
    if (spki.asymmetricKeyType !== 'rsa') return { error: `k=rsa but p= holds a key of type ${spki.asymmetricKeyType}` };
    return { type: 'rsa', bits: spki.asymmetricKeyDetails?.modulusLength ?? 0, encoding: 'spki' };
  }
  const pkcs1 = tryKey(() => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }));
  if (pkcs1 && pkcs1.asymmetricKeyType === 'rsa') {
    return { type: 'rsa', bits: pkcs1.asymmetricKeyDetails?.modulusLength ?? 0, encoding: 'pkcs1' };
  }
  return { error: 'p= does not decode as an RSA public key' };
}

function tryKey(make: () => KeyObject): KeyObject | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

/** The record's tags as text with tag `name` set to `value` (or dropped when value is null). */
export function dkimRecordWith(record: DkimKeyRecord, name: string, value: string | null): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const tag of record.tags) {
    if (seen.has(tag.name)) continue;
    seen.add(tag.name);
    if (tag.name === name) {
      if (value !== null) out.push(`${name}=${value}`);
    } else out.push(`${tag.name}=${tag.value}`);
  }
  return out.join('; ');
}
