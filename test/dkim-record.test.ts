import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { looksLikeDkimRecord, measureKey, parseDkimRecord } from '../src/dkim/record.js';
import { normalizeSelectors, planSelectors, spfIncludeTargets } from '../src/dkim/selectors.js';
import { GENERIC_DKIM_SELECTORS } from '../src/providers.js';

const rsaSpki = (bits: number) =>
  generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
const rsaPkcs1 = (bits: number) =>
  generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
/** RFC 8463 §4.2: the raw 32-byte key (the SPKI DER minus its 12-byte prefix). */
const ed25519Raw = () => generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).subarray(12).toString('base64');

describe('measureKey', () => {
  it.each([512, 1024, 2048])('measures a %i-bit RSA SubjectPublicKeyInfo', (bits) => {
    expect(measureKey('rsa', rsaSpki(bits))).toEqual({ type: 'rsa', bits, encoding: 'spki' });
  });

  it('measures a bare PKCS#1 RSAPublicKey', () => {
    expect(measureKey('rsa', rsaPkcs1(1024))).toEqual({ type: 'rsa', bits: 1024, encoding: 'pkcs1' });
  });

  it('wraps a raw ed25519 key', () => {
    expect(measureKey('ed25519', ed25519Raw())).toEqual({ type: 'ed25519', bits: 256, encoding: 'raw' });
  });

  it('rejects what does not decode', () => {
    expect(measureKey('rsa', 'AAAA')).toHaveProperty('error');
    // An ed25519 key published as SPKI instead of the raw 32 bytes.
    const spki = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(measureKey('ed25519', spki)).toHaveProperty('error');
    // An ed25519 SPKI under k=rsa.
    expect(measureKey('rsa', spki)).toEqual({ error: 'k=rsa but p= holds a key of type ed25519' });
  });
});

describe('parseDkimRecord', () => {
  it('parses v k p h s t n', () => {
    const key = rsaSpki(1024);
    const record = parseDkimRecord(`v=DKIM1; k=rsa; h=sha1:sha256; s=email; t=y:s; n=rotated 2024; p=${key.slice(0, 40)} ${key.slice(40)}`);
    expect(record).toMatchObject({
      errors: [],
      version: 'DKIM1',
      keyType: 'rsa',
      hashAlgorithms: ['sha1', 'sha256'],
      services: ['email'],
      flags: ['y', 's'],
      notes: 'rotated 2024',
      publicKey: key,
      revoked: false,
      key: { type: 'rsa', bits: 1024 },
    });
  });

  it('defaults k=rsa, s=*, no flags', () => {
    const record = parseDkimRecord(`p=${rsaSpki(2048)}`);
    expect(record).toMatchObject({ errors: [], keyType: 'rsa', services: ['*'], flags: [], key: { bits: 2048 } });
    expect(record.hashAlgorithms).toBeUndefined();
  });

  it('an empty p= is a revoked key', () => {
    expect(parseDkimRecord('v=DKIM1; k=rsa; p=')).toMatchObject({ revoked: true, errors: [] });
  });

  it.each([
    ['v=DKIM2; p=AAAA', 'v=DKIM2 is not DKIM1'],
    ['k=rsa; v=DKIM1; p=AAAA', 'v=DKIM1 is not the first tag'],
    ['v=DKIM1; k=dsa; p=AAAA', 'unknown key type k=dsa'],
    ['v=DKIM1; k=rsa', 'no p= tag (public key)'],
    ['v=DKIM1; p=A!!A', 'p= is not valid base64'],
    ['v=DKIM1; p=; p=', 'duplicate tag p'],
    ['v=DKIM1; h=md5; p=', 'h=md5 lists no known hash algorithm'],
    ['v=DKIM1; garbage; p=', 'malformed tag "garbage"'],
  ])('%s → %s', (text, error) => {
    expect(parseDkimRecord(text).errors).toContain(error);
  });

  it('tells DKIM records from other TXT data', () => {
    expect(looksLikeDkimRecord('v=DKIM1; p=')).toBe(true);
    expect(looksLikeDkimRecord('k=rsa; p=AAAA')).toBe(true);
    expect(looksLikeDkimRecord('v=spf1 -all')).toBe(false);
    expect(looksLikeDkimRecord('google-site-verification=abc')).toBe(false);
  });
});

describe('selector planning', () => {
  it('normalises --dkim-selector values', () => {
    expect(normalizeSelectors(['s2024,  Custom ', 'sel._domainkey.example.test', 'bad selector', 's2024'])).toEqual({
      selectors: ['s2024', 'custom', 'sel'],
      invalid: ['bad selector'],
    });
  });

  it('reads include and redirect targets from SPF records only', () => {
    expect(
      spfIncludeTargets(['v=spf1 include:_spf.google.com ~include:SendGrid.net redirect=_spf.example.test -all', 'include:nope.example']),
    ).toEqual(['_spf.google.com', 'sendgrid.net', '_spf.example.test']);
  });

  it('orders: given, MX providers, SPF providers, generic, other providers', () => {
    const plan = planSelectors(['mine'], ['aspmx.l.google.com'], ['sendgrid.net', '_spf.google.com']);
    expect(plan.providers).toEqual([
      { id: 'google', name: 'Google Workspace', via: ['mx', 'spf'] },
      { id: 'sendgrid', name: 'SendGrid', via: ['spf'] },
    ]);
    expect(plan.selectors.slice(0, 6)).toEqual(['mine', 'google', 's1', 's2', 'smtpapi', 'em']);
    const firstGeneric = plan.selectors.indexOf(GENERIC_DKIM_SELECTORS[0]);
    expect(plan.selectors.slice(firstGeneric, firstGeneric + 4)).toEqual(['default', 'dkim', 'mail', 'selector']);
    expect(plan.selectors).toContain('selector1'); // other providers' selectors come last
    expect(plan.selectors.indexOf('selector1')).toBeGreaterThan(firstGeneric);
    expect(new Set(plan.selectors).size).toBe(plan.selectors.length);
    expect(plan.sources).toMatchObject({ mine: 'option', google: 'provider:google', s1: 'provider:sendgrid', default: 'generic' });
  });
});
