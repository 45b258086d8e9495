/**
 * Turns what a user typed into the domain to audit: an A-label, lower case,
 * without trailing dot. Accepts `Example.COM.`, internationalised names
 * (converted to A-labels, RFC 5890/5891 via the WHATWG domain-to-ASCII
 * algorithm) and e-mail addresses (`user@example.com` audits `example.com`).
 * Everything else is rejected with a one-line message saying what is wrong
 * and how to fix it.
 */
import { isIp as isIP } from './is-ip.js';
import { domainToASCII, domainToUnicode } from 'node:url';

export type DomainParseResult =
  | {
      ok: true;
      /** The domain to audit: A-label, lower case, no trailing dot. */
      domain: string;
      /** What the user typed, when it differs from `domain` (an address, a U-label, upper case). */
      input?: string;
    }
  | {
      ok: false;
      /** One line: what is wrong, then how to fix it. */
      error: string;
    };

/** Thrown by `normaliseDomain` (and the library's `audit`) for input that is not a domain name. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** RFC 1035 §2.3.4: a label is at most 63 octets. */
const MAX_LABEL_OCTETS = 63;
/** RFC 1035 §2.3.4 allows 255 octets on the wire, i.e. 253 characters in text form without the trailing dot. */
const MAX_NAME_OCTETS = 253;
/** RFC 5321 §4.1.2 / RFC 1123 §2.1: letters, digits and hyphens (LDH), after IDNA conversion. */
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Parses one domain argument. Never throws.
 *
 * Decisions where the RFCs leave room:
 * - A single-label name (`localhost`, `com`) is rejected: mail domains are
 *   looked up as fully qualified names, and a bare label is almost always a typo.
 * - Underscore labels are rejected: a mail domain is a host name (RFC 5321 §4.1.2),
 *   so `_dmarc.example.com` is a record name, not something to audit.
 * - IP addresses (also `[192.0.2.1]` address literals) are rejected.
 */
export function parseDomain(raw: string): DomainParseResult {
  const input = raw;
  let text = raw.trim();
  if (text === '') return fail('empty domain name', 'Give a domain such as example.com');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /^(?:mailto|http|https):/i.test(text)) {
    return fail(`"${shorten(raw)}" is a URL`, 'Give a domain name, not a URL (e.g. example.com)');
  }
  if (/\s/.test(text)) {
    return fail(`"${shorten(raw)}" contains a space`, 'Give one domain name per argument, without spaces');
  }
  if (text.includes('/')) {
    return fail(`"${shorten(raw)}" looks like a URL or a path`, 'Give a domain name, not a URL (e.g. example.com)');
  }

  // An e-mail address: audit the part after the last "@" (a quoted local part may contain "@").
  const at = text.lastIndexOf('@');
  if (at !== -1) {
    text = text.slice(at + 1);
    if (text === '') return fail(`"${shorten(raw)}" has nothing after "@"`, 'Give a domain or a full address such as user@example.com');
  }

  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIP(bare) || isIP(bare.replace(/^ipv6:/i, ''))) {
    return fail(`"${shorten(text)}" is an IP address`, 'Give the domain name whose mail setup you want to audit');
  }

  // One trailing dot marks a fully qualified name; drop it.
  if (text.endsWith('.')) text = text.slice(0, -1);
  if (text === '') return fail('"." is the DNS root, not a domain', 'Give a domain such as example.com');

  // Empty labels ("a..b", ".a") before conversion: domainToASCII would accept some of them.
  if (text.split(/[.\u3002\uff0e\uff61]/).some((label) => label === '')) {
    return fail(`"${shorten(raw)}" has an empty label (two dots in a row, or a leading dot)`, 'Remove the extra dot');
  }

  const badAscii = text.match(/[^\p{L}\p{M}\p{N}.\u3002\uff0e\uff61-]/u);
  if (badAscii) {
    return fail(
      `"${shorten(raw)}" contains the character "${badAscii[0]}", which is not allowed in a domain name`,
      'Use letters, digits, hyphens and dots only',
    );
  }

  const ascii = /^[\x00-\x7f]*$/.test(text) && !/xn--/i.test(text) ? text.toLowerCase() : domainToASCII(text);
  // An A-label must decode (RFC 5891 §5.4, RFC 3492 §6.2). Node 20 and 22 return "" for one that does not; Node 24
  // passes it through, and leaves it undecoded in domainToUnicode, so a label still "xn--" after decoding is invalid.
  if (ascii === '' || domainToUnicode(ascii).split('.').some((label) => /^xn--/i.test(label))) {
    return fail(`"${shorten(raw)}" is not a valid internationalised domain name`, 'Check the spelling of the name');
  }
  if (isIP(ascii)) {
    return fail(`"${shorten(raw)}" is an IP address`, 'Give the domain name whose mail setup you want to audit');
  }

  const labels = ascii.split('.');
  if (labels.length < 2) {
    return fail(
      `"${shorten(raw)}" is a single label, not a fully qualified domain`,
      'Give the full domain, such as example.com',
    );
  }
  for (const label of labels) {
    if (label.length > MAX_LABEL_OCTETS) {
      return fail(
        `the label "${shorten(label, 20)}" is ${label.length} octets long; a label may have at most ${MAX_LABEL_OCTETS}`,
        'Check the domain name',
      );
    }
    if (label.startsWith('-') || label.endsWith('-')) {
      return fail(`the label "${shorten(label, 40)}" starts or ends with a hyphen`, 'Check the domain name');
    }
    if (!LDH_LABEL.test(label)) {
      return fail(`the label "${shorten(label, 40)}" is not a valid host name label`, 'Use letters, digits and hyphens only');
    }
  }
  if (ascii.length > MAX_NAME_OCTETS) {
    return fail(
      `the name is ${ascii.length} octets long; a domain name may have at most ${MAX_NAME_OCTETS}`,
      'Check the domain name',
    );
  }
  // RFC 3696 §2: a top-level domain is never all-numeric.
  if (/^\d+$/.test(labels[labels.length - 1]!)) {
    return fail(`"${shorten(raw)}" ends in an all-numeric label`, 'Give a domain name such as example.com');
  }

  return ascii === input ? { ok: true, domain: ascii } : { ok: true, domain: ascii, input };
}

/** Like `parseDomain`, but throws an `InputError` for invalid input. */
export function normaliseDomain(raw: string): { domain: string; input?: string } {
  const parsed = parseDomain(raw);
  if (!parsed.ok) throw new InputError(parsed.error);
  return parsed.input === undefined ? { domain: parsed.domain } : { domain: parsed.domain, input: parsed.input };
}

function fail(what: string, how: string): DomainParseResult {
  return { ok: false, error: `${what}. ${how}.` };
}

function shorten(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
