/**
 * Address syntax as mail systems accept it: the RFC 5321 §4.1.2 Mailbox
 * (Dot-string or Quoted-string local part, a domain or an address literal),
 * extended to UTF-8 by RFC 6531 §3.3, with the length limits of RFC 5321
 * §4.5.3.1. The domain goes through the same parser as the audit's (IDN
 * U-labels become A-labels, RFC 5890).
 *
 * Not accepted, on purpose: RFC 5322 obsolete forms (comments, folding white
 * space, quoted pairs in dot-atoms) that no mail system accepts in an
 * envelope address.
 */
import { parseDomain } from '../domain.js';

/** Why an address does not parse (a stable id and a short detail). */
export interface SyntaxProblem {
  /** Stable id, documented in the README. */
  id: 'empty' | 'no-at' | 'empty-local-part' | 'bad-local-part' | 'local-part-too-long' | 'bad-domain' | 'too-long';
  /** What is wrong, for people. */
  detail: string;
}

/** A parsed address. */
export interface ParsedAddress {
  /** The local part as written (quotes kept). */
  localPart: string;
  /** The domain as an A-label, lower case; for an address literal, the literal with brackets. */
  domain: string;
  /** The domain as written (U-label), when it differs from `domain`. */
  domainInput?: string;
  /** The domain is an address literal (`[192.0.2.1]`, `[IPv6:…]`, RFC 5321 §4.1.3). */
  literal: boolean;
  /** The address needs SMTPUTF8 (RFC 6531): a non-ASCII local part. */
  utf8: boolean;
  /** `localPart@domain`: the address with its domain normalised. */
  address: string;
}

export type AddressParseResult = { ok: true; value: ParsedAddress } | { ok: false; problem: SyntaxProblem };

// RFC 5321 §4.1.2 atext (RFC 5322 §3.2.3), plus UTF8-non-ascii (RFC 6531 §3.3).
const ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\u{10ffff}]+$/u;
// RFC 5321 §4.1.2 qtextSMTP (%d32-33 / %d35-91 / %d93-126) or quoted-pairSMTP ("\" %d32-126), plus UTF-8.
const QUOTED = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e\u0080-\u{10ffff}]|\\[\x20-\x7e])*"$/u;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** RFC 5321 §4.5.3.1.1: a local part of at most 64 octets. */
export const MAX_LOCAL_PART_OCTETS = 64;
/** RFC 5321 §4.5.3.1.3: a path of at most 256 octets including the angle brackets, so 254 for the address. */
export const MAX_ADDRESS_OCTETS = 254;

const octets = (text: string) => Buffer.byteLength(text, 'utf8');
const fail = (id: SyntaxProblem['id'], detail: string): AddressParseResult => ({ ok: false, problem: { id, detail } });

/** Takes `Name <addr>` or `<addr>` as the address inside the brackets; anything else as written, trimmed. */
export function unwrapAddress(raw: string): string {
  const text = raw.trim();
  const bracketed = /<([^<>]*)>\s*$/.exec(text);
  return bracketed ? bracketed[1]!.trim() : text;
}

/** Parses one address. */
export function parseAddress(raw: string): AddressParseResult {
  const text = unwrapAddress(raw);
  if (text === '') return fail('empty', 'no address');
  const at = text.lastIndexOf('@');
  if (at === -1) return fail('no-at', 'no "@"');
  const localPart = text.slice(0, at);
  const domainText = text.slice(at + 1);
  if (localPart === '') return fail('empty-local-part', 'nothing before "@"');
  if (localPart.startsWith('"')) {
    if (!QUOTED.test(localPart)) return fail('bad-local-part', 'the quoted local part is not closed or holds a character not allowed there');
  } else if (!localPart.split('.').every((atom) => ATOM.test(atom))) {
    // RFC 5321 §4.1.2 Dot-string: atoms separated by single dots, no leading, trailing or double dot.
    return fail('bad-local-part', 'the local part has a character not allowed unquoted, or a leading, trailing or double dot');
  }
  if (octets(localPart) > MAX_LOCAL_PART_OCTETS) {
    return fail('local-part-too-long', `the local part is ${octets(localPart)} octets; at most ${MAX_LOCAL_PART_OCTETS} (RFC 5321 §4.5.3.1.1)`);
  }
  const utf8 = /[^\x00-\x7f]/.test(localPart);

  if (domainText.startsWith('[') && domainText.endsWith(']')) {
    // RFC 5321 §4.1.3 address literals.
    const inner = domainText.slice(1, -1);
    const valid = IPV4.test(inner) || (/^IPv6:/i.test(inner) && /^[0-9a-f:.]+$/i.test(inner.slice(5)) && inner.includes(':', 5));
    if (!valid) return fail('bad-domain', 'the address literal is not an IPv4 or IPv6 address');
    const address = `${localPart}@${domainText}`;
    if (octets(address) > MAX_ADDRESS_OCTETS) return fail('too-long', `the address is ${octets(address)} octets; at most ${MAX_ADDRESS_OCTETS}`);
    return { ok: true, value: { localPart, domain: domainText, literal: true, utf8, address } };
  }
  if (domainText === '') return fail('bad-domain', 'nothing after "@"');
  const parsed = parseDomain(domainText);
  if (!parsed.ok || parsed.domain.endsWith('.') || domainText.endsWith('.')) {
    return fail('bad-domain', parsed.ok ? 'the domain ends with a dot' : parsed.error);
  }
  const address = `${localPart}@${parsed.domain}`;
  if (octets(address) > MAX_ADDRESS_OCTETS) {
    return fail('too-long', `the address is ${octets(address)} octets; at most ${MAX_ADDRESS_OCTETS} (RFC 5321 §4.5.3.1.3)`);
  }
  const value: ParsedAddress = { localPart, domain: parsed.domain, literal: false, utf8, address };
  if (parsed.domain !== domainText) value.domainInput = domainText;
  return { ok: true, value };
}

/** Gmail and Googlemail ignore dots in the local part; the same mailbox under both names. */
const DOT_BLIND_DOMAINS: Readonly<Record<string, string>> = { 'gmail.com': 'gmail.com', 'googlemail.com': 'gmail.com' };

/**
 * The key two rows are duplicates under. Domains are case-insensitive
 * (RFC 5321 §2.4); local parts are compared as written unless `fold`: then
 * lower-cased, a `+tag` dropped (sub-addressing, RFC 5233) and, for Gmail,
 * dots removed.
 */
export function duplicateKey(address: ParsedAddress, fold: boolean): string {
  if (!fold || address.localPart.startsWith('"')) return `${address.localPart}@${address.domain}`;
  let local = address.localPart.toLowerCase();
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  const gmail = DOT_BLIND_DOMAINS[address.domain];
  if (gmail) local = local.replace(/\./g, '');
  return `${local}@${gmail ?? address.domain}`;
}
