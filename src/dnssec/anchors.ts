/**
 * Trust anchors: where DNSSEC validation starts (RFC 4033 §2, RFC 4035 §4.4).
 *
 * Built in: the root zone's key-signing keys as IANA publishes them in
 * https://data.iana.org/root-anchors/root-anchors.xml (KSK-2017, key tag
 * 20326, and KSK-2024, key tag 38696; algorithm 8, SHA-256 digests).
 * `--trust-anchor <file>` adds anchors from a file of DS or DNSKEY records in
 * zone-file form (RFC 1035 §5.1), as Unbound's `trust-anchor-file` reads it:
 * private roots, islands of trust, tests.
 */
import type { DnskeyData, DsData } from '../dns/types.js';

/** One trust anchor: a DS or a DNSKEY record for a zone apex. */
export interface TrustAnchor {
  /** The zone apex, lower case, no trailing dot ('' for the root). */
  owner: string;
  ds?: DsData;
  dnskey?: DnskeyData;
  /** Where it comes from: `built-in` or `<file>:<line>`. */
  source: string;
}

/** IANA's root KSKs (root-anchors.xml, as published). */
export const ROOT_ANCHORS: readonly TrustAnchor[] = [
  { owner: '', ds: { keyTag: 20326, algorithm: 8, digestType: 2, digest: 'e06d44b80b8f1d39a95c0b0d7c65d08458e880409bbc683457104237c7f8ec8d' }, source: 'built-in' },
  { owner: '', ds: { keyTag: 38696, algorithm: 8, digestType: 2, digest: '683d2d0acb8c9b712a1948b27f741219298d0a450d612c483af444a4c0fb2b16' }, source: 'built-in' },
];

/** An anchor as one line (`. DS 20326 8 2 e06d…`), for facts and reports. */
export function anchorText(anchor: TrustAnchor): string {
  const owner = anchor.owner === '' ? '.' : `${anchor.owner}.`;
  if (anchor.ds) return `${owner} DS ${anchor.ds.keyTag} ${anchor.ds.algorithm} ${anchor.ds.digestType} ${anchor.ds.digest}`;
  const key = anchor.dnskey!;
  return `${owner} DNSKEY ${key.flags} ${key.protocol} ${key.algorithm} ${key.publicKey}`;
}

/** A file that cannot be read as trust anchors: the message names the line. */
export class TrustAnchorError extends Error {}

/** Joins the parenthesised continuation lines of a zone file and drops comments (RFC 1035 §5.1). */
function logicalLines(text: string): Array<{ line: number; text: string }> {
  const lines: Array<{ line: number; text: string }> = [];
  let open: { line: number; text: string } | undefined;
  let depth = 0;
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const withoutComment = raw.replace(/;.*$/, '');
      for (const char of withoutComment) {
        if (char === '(') depth++;
        if (char === ')') depth--;
      }
      const cleaned = withoutComment.replace(/[()]/g, ' ');
      if (open) open.text += ` ${cleaned}`;
      else open = { line: index + 1, text: cleaned };
      if (depth <= 0) {
        depth = 0;
        if (open.text.trim() !== '') lines.push(open);
        open = undefined;
      }
    });
  if (open && open.text.trim() !== '') throw new TrustAnchorError(`line ${open.line}: unclosed parenthesis`);
  return lines;
}

function absolute(name: string, origin: string): string {
  if (name === '@') return origin;
  if (name === '.') return '';
  if (name.endsWith('.')) return name.slice(0, -1).toLowerCase();
  return (origin === '' ? name : `${name}.${origin}`).toLowerCase();
}

function number(text: string | undefined, max: number, what: string): number {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) > max) throw new Error(`${what} must be a number from 0 to ${max}, not "${text ?? ''}"`);
  return Number(text);
}

/** Reads DS and DNSKEY records in zone-file form. `file` names them in sources and errors. */
export function parseTrustAnchors(text: string, file: string): TrustAnchor[] {
  const anchors: TrustAnchor[] = [];
  let origin = '';
  for (const { line, text: content } of logicalLines(text)) {
    const fields = content.trim().split(/\s+/);
    try {
      if (fields[0] === '$ORIGIN') {
        origin = absolute(fields[1] ?? '.', '');
        continue;
      }
      if (fields[0] === '$TTL') continue;
      if (fields[0]!.startsWith('$')) throw new Error(`${fields[0]} is not supported`);
      // owner [ttl] [class] type rdata, ttl and class in either order (RFC 1035 §5.1).
      const owner = absolute(fields.shift()!, origin);
      while (fields.length > 0 && (/^\d+$/.test(fields[0]!) || /^(IN|CH|HS)$/i.test(fields[0]!))) {
        if (/^(CH|HS)$/i.test(fields[0]!)) throw new Error(`class ${fields[0]} is not IN`);
        fields.shift();
      }
      const type = (fields.shift() ?? '').toUpperCase();
      if (type === 'DS') {
        const digest = fields.slice(3).join('').toLowerCase();
        if (!/^([0-9a-f]{2})+$/.test(digest)) throw new Error('the DS digest must be hexadecimal');
        anchors.push({
          owner,
          ds: { keyTag: number(fields[0], 65535, 'key tag'), algorithm: number(fields[1], 255, 'algorithm'), digestType: number(fields[2], 255, 'digest type'), digest },
          source: `${file}:${line}`,
        });
      } else if (type === 'DNSKEY') {
        const publicKey = fields.slice(3).join('');
        if (publicKey === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(publicKey)) throw new Error('the DNSKEY public key must be base64');
        anchors.push({
          owner,
          dnskey: { flags: number(fields[0], 65535, 'flags'), protocol: number(fields[1], 255, 'protocol'), algorithm: number(fields[2], 255, 'algorithm'), publicKey },
          source: `${file}:${line}`,
        });
      } else {
        throw new Error(`${type === '' ? 'no record type' : `type ${type}`}: a trust anchor is a DS or DNSKEY record`);
      }
    } catch (error) {
      throw new TrustAnchorError(`line ${line}: ${(error as Error).message}`);
    }
  }
  if (anchors.length === 0) throw new TrustAnchorError('no DS or DNSKEY record');
  return anchors;
}
