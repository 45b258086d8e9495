/**
 * Test messages: built here, signed with mailauth's signer using keys made
 * for the test run, their public keys served by the fixture DNS server.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import type { FixtureZone } from '../../src/testing/fixture-server.js';

export interface TestKey {
  privateKey: string;
  /** The DKIM key record value (v=DKIM1; k=…; p=…). */
  record: string;
}

function recordOf(type: 'rsa' | 'ed25519', publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  // RFC 8463 §4.2: an ed25519 p= is the raw 32-octet key, the last 32 octets of its SPKI.
  const p = type === 'rsa' ? der.toString('base64') : der.subarray(der.length - 32).toString('base64');
  return `v=DKIM1; k=${type}; p=${p}`;
}

export function rsaKey(bits = 2048): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), record: recordOf('rsa', publicKey) };
}

export function ed25519Key(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), record: recordOf('ed25519', publicKey) };
}

/** A TXT record as character-strings of at most 255 octets (RFC 1035 §3.3.14). */
export function txt(value: string): string[] {
  const strings: string[] = [];
  for (let i = 0; i < value.length; i += 255) strings.push(value.slice(i, i + 255));
  return strings;
}

export interface MessageParts {
  headers?: Array<[string, string]>;
  body?: string;
}

/** Default headers of a well-formed message from news@example.test, received by mx.receiver.test from 192.0.2.10. */
export function baseHeaders(overrides: Record<string, string | null> = {}): Array<[string, string]> {
  const defaults: Record<string, string> = {
    Received: 'from mail.example.test (mail.example.test [192.0.2.10]) by mx.receiver.test with ESMTPS id abc123 (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384); Sun, 6 Dec 2026 10:00:00 +0000',
    'Return-Path': '<bounce@example.test>',
    From: 'News <news@example.test>',
    To: 'reader@receiver.test',
    Subject: 'Weekly news',
    Date: 'Sun, 6 Dec 2026 09:59:00 +0000',
    'Message-ID': '<m1.20261206@example.test>',
    'List-Unsubscribe': '<https://example.test/unsubscribe?u=1>, <mailto:unsub@example.test>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=utf-8',
  };
  const merged = { ...defaults, ...overrides };
  return Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== null);
}

export const DEFAULT_BODY = 'Hello,\r\n\r\nThis week: news.\r\n\r\nUnsubscribe: https://example.test/unsubscribe?u=1\r\n';

/** The message with CRLF line endings. */
export function buildMessage(parts: MessageParts = {}): string {
  const headers = parts.headers ?? baseHeaders();
  return `${headers.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n${parts.body ?? DEFAULT_BODY}`;
}

/** Header fields signed by default: mailauth's own default list leaves out List-Unsubscribe-Post. */
export const SIGNED_HEADERS = ['from', 'to', 'subject', 'date', 'message-id', 'mime-version', 'content-type', 'list-unsubscribe', 'list-unsubscribe-post'];

export interface SignOptions {
  domain: string;
  selector: string;
  key: TestKey;
  algorithm?: 'rsa-sha256' | 'ed25519-sha256';
  headerList?: string[];
  maxBodyLength?: number;
  signTime?: Date;
  expires?: Date;
}

/** Signs and returns the message with its DKIM-Signature field on top. */
export async function sign(message: string, options: SignOptions): Promise<string> {
  const result = await dkimSign(message, {
    canonicalization: 'relaxed/relaxed',
    ...(options.signTime ? { signTime: options.signTime } : {}),
    ...(options.expires ? { expires: options.expires } : {}),
    // mailauth reads headerList as a colon-separated string.
    headerList: (options.headerList ?? SIGNED_HEADERS).join(':'),
    signatureData: [
      {
        signingDomain: options.domain,
        selector: options.selector,
        privateKey: options.key.privateKey,
        algorithm: options.algorithm ?? 'rsa-sha256',
        ...(options.maxBodyLength !== undefined ? { maxBodyLength: options.maxBodyLength } : {}),
      },
    ],
  } as never);
  const errors = (result as { errors?: unknown[] }).errors ?? [];
  if (errors.length > 0) throw new Error(`signing failed: ${JSON.stringify(errors)}`);
  return `${result.signatures}${message}`;
}

/** Adds an ARC set (RFC 8617) as a forwarder at forwarder.test would, and returns the sealed message. */
export async function seal(message: string, key: TestKey, cv: 'none' | 'pass' = 'none'): Promise<string> {
  const { sealMessage } = await import('mailauth/lib/arc/index.js');
  const headers = await sealMessage(message, {
    signingDomain: 'forwarder.test',
    selector: 'arc',
    privateKey: key.privateKey,
    authResults: 'mx.forwarder.test; dkim=pass header.d=example.test; spf=pass smtp.mailfrom=example.test',
    cv,
  } as never);
  return `${headers.toString()}${message}`;
}

/** Keys made once per test file. */
export interface TestKeys {
  main: TestKey;
  rotatedPublished: TestKey;
  ed: TestKey;
}

export function makeKeys(): TestKeys {
  return { main: rsaKey(), rotatedPublished: rsaKey(), ed: ed25519Key() };
}

/** The zone of the message tests. */
export function messageZone(keys: TestKeys): FixtureZone {
  return {
    description: 'Message audit: sender domains, keys and policies',
    zone: {
      'example.test': { TXT: ['v=spf1 ip4:192.0.2.10 -all'], MX: [[10, 'mx.example.test']] },
      'mx.example.test': { A: ['192.0.2.20'] },
      '_dmarc.example.test': { TXT: ['v=DMARC1; p=reject; rua=mailto:dmarc@example.test'] },
      's1._domainkey.example.test': { TXT: [txt(keys.main.record)] },
      // The selector "rot" publishes another key than the one the sender signs with.
      'rot._domainkey.example.test': { TXT: [txt(keys.rotatedPublished.record)] },
      'ed._domainkey.example.test': { TXT: [txt(keys.ed.record)] },
      'soft.test': { TXT: ['v=spf1 ip4:192.0.2.10 ~all'] },
      '_dmarc.soft.test': { TXT: ['v=DMARC1; p=none'] },
      'other.test': { TXT: ['v=spf1 -all'] },
      's1._domainkey.other.test': { TXT: [txt(keys.main.record)] },
      'strict.test': { TXT: ['v=spf1 -all'] },
      '_dmarc.strict.test': { TXT: ['v=DMARC1; p=quarantine; adkim=s; aspf=s'] },
      's1._domainkey.strict.test': { TXT: [txt(keys.main.record)] },
      'mail.strict.test': { TXT: ['v=spf1 -all'] },
      'relaxed.test': { TXT: ['v=spf1 -all'] },
      '_dmarc.relaxed.test': { TXT: ['v=DMARC1; p=reject'] },
      's1._domainkey.relaxed.test': { TXT: [txt(keys.main.record)] },
      'mail.relaxed.test': { TXT: ['v=spf1 -all'] },
      'arc._domainkey.forwarder.test': { TXT: [txt(keys.main.record)] },
      // The key of selector "down" cannot be fetched: SERVFAIL.
      'down._domainkey.example.test': 'SERVFAIL',
      'nodmarc.test': { TXT: ['v=spf1 ip4:192.0.2.10 -all'] },
      '10.2.0.192.in-addr.arpa': { PTR: ['mail.example.test'] },
      'mail.example.test': { A: ['192.0.2.10'] },
    },
  };
}
