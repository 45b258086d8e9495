/**
 * The SMTP envelope of a saved message: the connecting IP, the HELO name and
 * the MAIL FROM address, as given on the command line or as the receiving
 * server recorded them (the topmost `Received:` field with a public client
 * address, RFC 5321 §4.4, and `Return-Path:`, RFC 5322 §3.6.7), and whether
 * that hop used TLS (RFC 3848 ESMTPS protocol names, or a TLS comment).
 */
import { notQueriedReason } from '../blocklist/addresses.js';
import { formatIp, parseIp, unmapIpv4, withText } from '../ip.js';
import type { HeaderField } from './headers.js';

/** Where a value came from. */
export type ValueSource = 'option' | 'received' | 'return-path' | 'unknown';

/** What the receiver's Received field says about one hop. */
export interface ReceivedHop {
  /** 1-based position among the Received fields, topmost first. */
  index: number;
  /** The name the client gave in HELO/EHLO (`from` clause). */
  helo: string | null;
  /** The client's address from the `from` clause's comment (`[192.0.2.1]`). */
  ip: string | null;
  /** The receiving host (`by` clause). */
  by: string | null;
  /** The protocol (`with` clause, e.g. ESMTPS). */
  protocol: string | null;
  /** TLS was used: an RFC 3848 protocol ending in S/SA, or a TLS version comment. */
  tls: boolean;
  /** The TLS version when recorded (`version=TLS1_3`, `TLSv1.3`). */
  tlsVersion: string | null;
  /** `envelope-from <…>` when the receiver recorded it. */
  envelopeFrom: string | null;
}

/** The envelope the audit uses, each value with its source. */
export interface Envelope {
  ip: string | null;
  ipSource: ValueSource;
  helo: string | null;
  heloSource: ValueSource;
  /** MAIL FROM address; '' for the null reverse-path `<>`. */
  mailFrom: string | null;
  mailFromSource: ValueSource;
  /** The Received hop the values were read from (the receiver's), if any. */
  hop: ReceivedHop | null;
}

/** Parses one Received field value (RFC 5321 §4.4 Time-stamp-line). */
export function parseReceived(value: string, index: number): ReceivedHop {
  const text = value.replace(/\s+/g, ' ');
  const clause = (word: string) => new RegExp(`(?:^|[\\s)])${word}\\s+([^\\s;()]+)`, 'i').exec(text)?.[1] ?? null;
  const fromMatch = /(?:^|\s)from\s+([^\s;()]+)\s*(\(([^()]*(?:\([^()]*\)[^()]*)*)\))?/i.exec(text);
  const comment = fromMatch?.[3] ?? '';
  let ip: string | null = null;
  const literal = /\[(?:IPv6:)?([0-9a-fA-F:.]+)\]/i.exec(comment) ?? /^\[(?:IPv6:)?([0-9a-fA-F:.]+)\]$/i.exec(fromMatch?.[1] ?? '');
  if (literal) {
    const parsed = parseIp(literal[1]!);
    if (parsed) ip = formatIp(unmapIpv4(parsed));
  }
  const protocol = clause('with');
  const tlsComment = /\b(?:version=)?(TLS(?:v?1[._]?[0-3])|TLS1_[0-3]|SSLv3)\b/i.exec(text);
  // RFC 3848 §1-§4: ESMTPS, ESMTPSA, UTF8SMTPS, LMTPS … name a TLS-protected session.
  const tlsProtocol = protocol !== null && /^(?:E|UTF8)?(?:SMTP|LMTP)S(?:A)?$/i.test(protocol);
  const envelope = /envelope-from\s*<([^<>]*)>/i.exec(text);
  return {
    index,
    helo: fromMatch?.[1] && !fromMatch[1].startsWith('[') ? fromMatch[1] : null,
    ip,
    by: clause('by'),
    protocol,
    tls: tlsProtocol || tlsComment !== null,
    tlsVersion: tlsComment ? tlsComment[1]! : null,
    envelopeFrom: envelope ? envelope[1]! : null,
  };
}

/**
 * The receiver's hop: the topmost Received field whose client address is a
 * public one (hops inside the receiver's own network use private addresses
 * or carry no `from` clause).
 */
export function receiverHop(fields: readonly HeaderField[]): ReceivedHop | null {
  const received = fields.filter((field) => field.key === 'received');
  for (const [i, field] of received.entries()) {
    const hop = parseReceived(field.value, i + 1);
    if (hop.ip === null) continue;
    const parsed = parseIp(hop.ip);
    if (parsed && notQueriedReason(withText(parsed)) === null) return hop;
  }
  return null;
}

/** The address inside a Return-Path value (`<bounce@example.com>`, `<>`). */
export function returnPathAddress(value: string): string | null {
  const match = /<([^<>]*)>/.exec(value);
  const address = (match ? match[1]! : value).trim();
  if (address === '') return '';
  return /^[^@\s]+@[^@\s]+$/.test(address) ? address : null;
}

/** Combines the options and the message into the envelope to evaluate. */
export function resolveEnvelope(
  fields: readonly HeaderField[],
  given: { ip?: string; helo?: string; mailFrom?: string },
): Envelope {
  const hop = receiverHop(fields);
  const returnPath = fields.find((field) => field.key === 'return-path');
  const fromReturnPath = returnPath ? returnPathAddress(returnPath.value) : null;
  let mailFrom: string | null = null;
  let mailFromSource: ValueSource = 'unknown';
  if (given.mailFrom !== undefined) {
    mailFrom = given.mailFrom;
    mailFromSource = 'option';
  } else if (fromReturnPath !== null) {
    // RFC 5321 §4.4: the delivering server records the MAIL FROM in Return-Path.
    mailFrom = fromReturnPath;
    mailFromSource = 'return-path';
  } else if (hop?.envelopeFrom !== null && hop?.envelopeFrom !== undefined) {
    mailFrom = hop.envelopeFrom;
    mailFromSource = 'received';
  }
  return {
    ip: given.ip ?? hop?.ip ?? null,
    ipSource: given.ip !== undefined ? 'option' : hop?.ip ? 'received' : 'unknown',
    helo: given.helo ?? hop?.helo ?? null,
    heloSource: given.helo !== undefined ? 'option' : hop?.helo ? 'received' : 'unknown',
    mailFrom,
    mailFromSource,
    hop,
  };
}
