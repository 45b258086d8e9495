/**
 * The header section of a message (RFC 5322 §2.2, §3.6): fields in order,
 * unfolded, with what the format rules need (line lengths, lines that are
 * not fields). Works on the CRLF form prepared by read.ts.
 */
import { decodeWords } from 'postal-mime';
import { MAX_HEADER_BYTES } from './read.js';

/** One header field as it appears in the message. */
export interface HeaderField {
  /** Field name as written. */
  name: string;
  /** Lower-case name, for comparisons. */
  key: string;
  /** Unfolded value (RFC 5322 §2.2.3: CRLF before WSP removed), leading white space trimmed. */
  value: string;
}

/** The parsed header section. */
export interface HeaderSection {
  fields: HeaderField[];
  /** Octets of the header section, up to and including the empty line. */
  headerBytes: number;
  /** Longest line of the whole message, in octets without CRLF (RFC 5322 §2.1.1 limit: 998). */
  longestLine: number;
  /** 1-based number of the first line over 998 octets, if any. */
  longLineNumber: number | null;
  /** Lines of the header section that are neither a field nor a continuation. */
  malformedLines: string[];
  /** Octets of the body (after the empty line). */
  bodyBytes: number;
  /** The body holds octets above 127 (8-bit content). */
  eightBit: boolean;
}

/** RFC 5322 §2.1.1: each line MUST be no more than 998 characters, excluding the CRLF. */
export const MAX_LINE_OCTETS = 998;

/** Parses the header section of a CRLF message. */
export function parseHeaderSection(data: Buffer): HeaderSection {
  const separator = data.indexOf('\r\n\r\n');
  const headerEnd = separator < 0 ? data.length : separator + 2;
  const bodyStart = separator < 0 ? data.length : separator + 4;
  const headerText = data.subarray(0, Math.min(headerEnd, MAX_HEADER_BYTES)).toString('utf8');
  const fields: HeaderField[] = [];
  const malformedLines: string[] = [];
  for (const line of headerText.split('\r\n')) {
    if (line === '') continue;
    if (/^[ \t]/.test(line)) {
      const last = fields.at(-1);
      // RFC 5322 §2.2.3: unfolding removes the CRLF, keeping the white space.
      if (last) last.value += line;
      else malformedLines.push(line);
      continue;
    }
    const match = /^([\x21-\x39\x3b-\x7e]+)[ \t]*:(.*)$/s.exec(line);
    if (!match) {
      malformedLines.push(line);
      continue;
    }
    fields.push({ name: match[1]!, key: match[1]!.toLowerCase(), value: match[2]!.replace(/^[ \t]+/, '') });
  }
  for (const field of fields) field.value = field.value.replace(/[ \t]+$/, '');
  const { longest, lineNumber } = longestLine(data);
  let eightBit = false;
  for (let i = bodyStart; i < data.length; i++) {
    if (data[i]! > 0x7f) {
      eightBit = true;
      break;
    }
  }
  return {
    fields,
    headerBytes: headerEnd,
    longestLine: longest,
    longLineNumber: lineNumber,
    malformedLines,
    bodyBytes: data.length - bodyStart,
    eightBit,
  };
}

function longestLine(data: Buffer): { longest: number; lineNumber: number | null } {
  let longest = 0;
  let lineNumber: number | null = null;
  let start = 0;
  let line = 1;
  while (start <= data.length) {
    const end = data.indexOf('\r\n', start);
    const stop = end < 0 ? data.length : end;
    const length = stop - start;
    if (length > longest) longest = length;
    if (length > MAX_LINE_OCTETS && lineNumber === null) lineNumber = line;
    if (end < 0) break;
    start = end + 2;
    line++;
  }
  return { longest, lineNumber };
}

/** Every field with this name (case-insensitive), in order. */
export function fieldsNamed(section: Pick<HeaderSection, 'fields'>, name: string): HeaderField[] {
  const key = name.toLowerCase();
  return section.fields.filter((field) => field.key === key);
}

/** The first field's value, or undefined. */
export function firstValue(section: Pick<HeaderSection, 'fields'>, name: string): string | undefined {
  return fieldsNamed(section, name)[0]?.value;
}

/** An unstructured value with RFC 2047 encoded-words decoded (Subject). */
export function decodeUnstructured(value: string): string {
  try {
    return decodeWords(value);
  } catch {
    return value;
  }
}
