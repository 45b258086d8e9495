/**
 * The dkim check's findings: what each means, and its sentence rendered from
 * the finding's data.
 */

/** `selectors[i]`'s key has `bits[i]` bits (as text). */
type KeySizes = { limit: number; selectors: string[]; bits: string[] };
const sizes = (data: KeySizes) => data.selectors.map((selector, index) => `${selector} (${data.bits[index]} bits)`).join(', ');

export const DKIM_FINDINGS = {
  'dkim/not-found': {
    severity: 'high',
    title: 'No DKIM key found',
    description:
      'No DKIM key is published: _domainkey.<domain> does not exist (NXDOMAIN, which proves that no selector holds a key, RFC 8020), or no probed selector holds one. Info for a parked domain.',
    /** `noneBelow`: _domainkey.<domain> is NXDOMAIN; `probed`: how many selector queries were made. */
    message: (data: { domain: string; noneBelow: boolean; probed: number }) =>
      data.noneBelow
        ? `_domainkey.${data.domain} does not exist (NXDOMAIN): no DKIM key is published under any selector, so no mail from the domain is DKIM-signed with its own domain`
        : `No DKIM key at any of the ${data.probed} selectors probed; if the domain signs with another selector, pass it with --dkim-selector <selector>`,
  },
  'dkim/selector-unknown': {
    severity: 'info',
    title: 'DKIM selector not known',
    description:
      '_domainkey.<domain> exists (keys are published below it, RFC 8020) but none of the selectors tried holds one: pass the selector with --dkim-selector (it is the s= of a message\'s DKIM-Signature, or in DMARC aggregate reports).',
    message: (data: { domain: string; probed: number }) =>
      `_domainkey.${data.domain} exists, so DKIM keys are published below it, but none of the ${data.probed} selectors tried holds one; pass the selector with --dkim-selector <selector> (the s= of a message's DKIM-Signature header, or the selector in DMARC aggregate reports)`,
  },
  'dkim/insecure-key': {
    severity: 'high',
    title: 'Insecure DKIM key',
    description: 'An RSA key shorter than 1024 bits: RFC 8301 §3.2 forbids it and verifiers treat its signatures as failing; such keys can be factored.',
    message: (data: KeySizes) => `RSA key(s) below ${data.limit} bits: ${sizes(data)}`,
  },
  'dkim/weak-key': {
    severity: 'medium',
    title: 'Weak DKIM key',
    description: 'An RSA key of 1024 to 2047 bits: still accepted, but below the 2048 bits RFC 8301 §3.2 recommends.',
    message: (data: KeySizes) => `RSA key(s) below ${data.limit} bits: ${sizes(data)}`,
  },
  'dkim/invalid-record': {
    severity: 'high',
    title: 'Invalid DKIM key record',
    description: 'The key record does not parse (malformed or duplicate tags, wrong v=, unknown k=, bad base64, or a key that does not decode): signatures made with it fail.',
    /** `problems[i]`: the errors of `selectors[i]`'s record, joined with "; ". */
    message: (data: { selectors: string[]; problems: string[] }) =>
      `Unusable DKIM key record(s): ${data.selectors.map((selector, index) => `${selector}: ${data.problems[index]}`).join(' | ')}`,
  },
  'dkim/revoked-key': {
    severity: 'low',
    title: 'Revoked DKIM key',
    description: 'A selector publishes an empty p=: the key is revoked and signatures made with it fail (fine after a rotation, wrong if still in use). Info for a parked domain.',
    message: (data: { selectors: string[] }) => `Revoked key(s) (empty p=): ${data.selectors.join(', ')}`,
  },
  'dkim/testing-mode': {
    severity: 'low',
    title: 'DKIM key in test mode',
    description: 't=y marks the domain as testing DKIM: verifiers must not treat signatures differently from unsigned mail (RFC 6376 §3.6.1).',
    message: (data: { selectors: string[] }) => `Key(s) flagged t=y (testing): ${data.selectors.join(', ')}`,
  },
  'dkim/sha1-only': {
    severity: 'medium',
    title: 'DKIM key limited to SHA-1',
    description: 'h=sha1 allows only rsa-sha1 signatures, which RFC 8301 §3.1 forbids verifiers to accept.',
    message: (data: { selectors: string[] }) => `Key(s) restricted to SHA-1 (h=sha1): ${data.selectors.join(', ')}`,
  },
} as const;

/** The dkim check's catalogue. */
export type DkimCatalog = typeof DKIM_FINDINGS;
