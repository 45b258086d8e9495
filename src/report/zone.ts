/**
 * Fix records as ready-to-paste zone-file lines (RFC 1035 §5.1 master file
 * format): `name. TTL IN TYPE value`, TXT values quoted and split into
 * character-strings of at most 255 octets (RFC 1035 §3.3.14).
 */
import type { FixRecord } from '../schema/report.js';

/** TTL printed when a fix record does not suggest one. */
export const DEFAULT_FIX_TTL = 3600;

/** RFC 1035 §3.3: a <character-string> holds at most 255 octets. */
const MAX_STRING_OCTETS = 255;

/** Types whose value ends in a domain name that must be absolute in a zone file. */
const NAME_VALUE_TYPES = new Set(['MX', 'CNAME', 'NS', 'PTR', 'SRV', 'DNAME']);

/**
 * Splits a TXT value into character-strings of at most 255 octets (UTF-8),
 * never cutting a character in two.
 */
export function splitTxt(value: string): string[] {
  const chunks: string[] = [];
  let current = '';
  let size = 0;
  for (const char of value) {
    const octets = Buffer.byteLength(char, 'utf8');
    if (size + octets > MAX_STRING_OCTETS) {
      chunks.push(current);
      current = '';
      size = 0;
    }
    current += char;
    size += octets;
  }
  chunks.push(current);
  return chunks;
}

/**
 * Quotes one character-string for a master file: `"` and `\` are escaped with
 * a backslash, other non-printable octets as `\DDD` (RFC 1035 §5.1).
 */
export function quoteCharacterString(text: string): string {
  let out = '"';
  for (const char of text) {
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f) {
      out += `\\${char.charCodeAt(0).toString().padStart(3, '0')}`;
    } else out += char;
  }
  return `${out}"`;
}

/** A TXT value as quoted character-strings separated by spaces. */
export function txtPresentation(value: string): string {
  return splitTxt(value).map(quoteCharacterString).join(' ');
}

/** `example.com` → `example.com.`; placeholders and names already absolute are kept. */
export function absoluteName(name: string): string {
  if (name === '' || name === '.') return '.';
  if (name.endsWith('.') || /^<[A-Z0-9-]+>$/.test(name)) return name;
  return `${name}.`;
}

/** The value in master-file presentation format for its type. */
export function presentValue(type: string, value: string): string {
  const upper = type.toUpperCase();
  if (upper === 'TXT' || upper === 'SPF') return txtPresentation(value);
  if (NAME_VALUE_TYPES.has(upper)) {
    const parts = value.trim().split(/\s+/);
    const last = parts.pop() ?? '';
    // The target name is the last field; a relative name would get $ORIGIN appended.
    parts.push(/^[a-z0-9_.-]+$/i.test(last) && /[a-z]/i.test(last) ? absoluteName(last) : last);
    return parts.join(' ');
  }
  return value;
}

/** One master-file line for a record with this value. */
export function zoneLine(record: Pick<FixRecord, 'name' | 'type' | 'ttl'>, value: string): string {
  return `${absoluteName(record.name)} ${record.ttl ?? DEFAULT_FIX_TTL} IN ${record.type.toUpperCase()} ${presentValue(record.type, value)}`;
}

/**
 * The lines to paste for one fix record. Additions are plain records;
 * replacements show the current record as a comment first; removals are
 * comments only, so pasting them never adds the record.
 */
export function fixRecordLines(record: FixRecord): string[] {
  switch (record.action) {
    case 'add':
      return [zoneLine(record, record.value)];
    case 'replace': {
      const lines: string[] = [];
      if (record.current !== undefined) lines.push(`; replaces: ${zoneLine(record, record.current)}`);
      lines.push(zoneLine(record, record.value));
      return lines;
    }
    case 'remove':
      return [`; remove: ${zoneLine(record, record.current ?? record.value)}`];
  }
}
