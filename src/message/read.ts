/**
 * Reading a message for `mailcheck message`: from a file or stdin, streamed
 * and bounded in size, then put in the shape a receiver sees on the wire
 * (RFC 5322 §2.1: lines end in CRLF). A saved file may use LF line endings or
 * start with an mbox `From ` separator line; both are undone here.
 *
 * Input that is not a message (empty, binary, no header field) is an
 * InputError: one line on stderr and exit code 2.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { InputError } from '../domain.js';

/** Largest message read (octets): a 20 MB attachment base64-encodes to about 27 MB. */
export const MAX_MESSAGE_BYTES = 48 * 1024 * 1024;

/** Largest header section read (octets); real ones are a few KB, rarely above 100 KB. */
export const MAX_HEADER_BYTES = 1024 * 1024;

/** How the raw input was laid out before normalisation. */
export interface MessageSource {
  /** The file name, or `-` for stdin. */
  name: string;
  /** Octets read (before normalisation). */
  bytes: number;
  /** Line endings found: crlf (as on the wire), lf (a Unix file), mixed, or none (a single line). */
  lineEndings: 'crlf' | 'lf' | 'mixed' | 'none';
  /** The first line was an mbox `From ` separator, removed. */
  mboxFromLine: boolean;
}

/** A message ready to be authenticated: CRLF line endings, no mbox separator. */
export interface RawMessage {
  source: MessageSource;
  /** The message with CRLF line endings. */
  data: Buffer;
}

/** Reads `name` (a path, or `-` for `stdin`) completely, refusing more than `limit` octets without reading them all. */
export async function readInput(name: string, stdin: Readable, limit = MAX_MESSAGE_BYTES): Promise<Buffer> {
  if (name === '-' && (stdin as { isTTY?: boolean }).isTTY) {
    throw new InputError('no message on stdin: it is a terminal. Pipe the message in (mailcheck message - < message.eml) or give its file name');
  }
  const stream: Readable = name === '-' ? stdin : createReadStream(name);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      total += buffer.length;
      if (total > limit) {
        throw new InputError(
          `${label(name)} is larger than ${Math.round(limit / (1024 * 1024))} MiB. mailcheck audits one message at a time; give the message, not a mailbox or archive`,
        );
      }
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') throw new InputError(`cannot read ${label(name)}: no such file. Check the path`);
    if (code === 'EISDIR') throw new InputError(`cannot read ${label(name)}: it is a directory. Give a .eml file`);
    if (code === 'EACCES') throw new InputError(`cannot read ${label(name)}: permission denied. Check its permissions`);
    throw new InputError(`cannot read ${label(name)} (${typeof code === 'string' ? code : 'read error'}). Check the path`);
  } finally {
    if (name !== '-') stream.destroy();
  }
  return Buffer.concat(chunks, total);
}

function label(name: string): string {
  return name === '-' ? 'stdin' : `"${name}"`;
}

/** Turns what was read into the message a receiver would see, or throws an InputError for input that is not one. */
export function prepareMessage(name: string, input: Buffer): RawMessage {
  if (input.length === 0) throw new InputError(`${label(name)} is empty. Give an RFC 5322 message (.eml)`);
  let data = input;
  let mboxFromLine = false;
  // An mbox file starts each message with a "From " line (RFC 4155 §2); it is not a header field.
  if (data.subarray(0, 5).toString('latin1') === 'From ') {
    const end = data.indexOf(0x0a);
    if (end < 0) throw new InputError(`${label(name)} holds only an mbox "From " line. Give an RFC 5322 message (.eml)`);
    data = data.subarray(end + 1);
    mboxFromLine = true;
  }
  const headerEnd = Math.min(data.length, MAX_HEADER_BYTES);
  // NUL never appears in a message (RFC 5322 §2.1 and RFC 6532 allow no NUL): a binary file, not a message.
  if (data.subarray(0, Math.min(headerEnd, 64 * 1024)).includes(0)) {
    throw new InputError(`${label(name)} is a binary file, not an RFC 5322 message. Give the message as saved by a mail client (.eml)`);
  }
  // RFC 5322 §2.2: a header field is a name of printable characters other than ":", then ":".
  const firstLine = data.subarray(0, Math.min(data.length, 1000)).toString('latin1').split(/\r?\n/, 1)[0] ?? '';
  if (!/^[\x21-\x39\x3b-\x7e]+[ \t]*:/.test(firstLine)) {
    throw new InputError(
      `${label(name)} is not an RFC 5322 message: it does not start with a header field. Give the full message with its headers ("show original" / .eml)`,
    );
  }
  // The header section ends at the first empty line (RFC 5322 §2.1); one without end in sight is not a message.
  const window = data.subarray(0, Math.min(data.length, MAX_HEADER_BYTES + 4));
  if (window.indexOf('\n\n') < 0 && window.indexOf('\n\r\n') < 0 && data.length > MAX_HEADER_BYTES) {
    throw new InputError(`${label(name)} has a header section larger than 1 MiB (no empty line ends it). Give a single RFC 5322 message`);
  }
  const lineEndings = detectLineEndings(data);
  if (lineEndings === 'lf' || lineEndings === 'mixed') data = toCrlf(data);
  return { source: { name, bytes: input.length, lineEndings, mboxFromLine }, data };
}

/** Which line endings the data uses. */
export function detectLineEndings(data: Buffer): MessageSource['lineEndings'] {
  let crlf = false;
  let lf = false;
  let at = data.indexOf(0x0a);
  while (at >= 0) {
    if (at > 0 && data[at - 1] === 0x0d) crlf = true;
    else lf = true;
    if (crlf && lf) return 'mixed';
    at = data.indexOf(0x0a, at + 1);
  }
  return crlf ? 'crlf' : lf ? 'lf' : 'none';
}

/** Every bare LF becomes CRLF (RFC 5322 §2.1; DKIM canonicalisation works on CRLF lines, RFC 6376 §3.4). */
export function toCrlf(data: Buffer): Buffer {
  let bare = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0x0a && (i === 0 || data[i - 1] !== 0x0d)) bare++;
  const out = Buffer.allocUnsafe(data.length + bare);
  let o = 0;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i]!;
    if (byte === 0x0a && (i === 0 || data[i - 1] !== 0x0d)) out[o++] = 0x0d;
    out[o++] = byte;
  }
  return out;
}
