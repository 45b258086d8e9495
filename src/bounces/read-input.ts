/**
 * Messages from files, folders (recursively: Maildir's cur/ and new/ are
 * folders of one-message files), mbox files and stdin, one at a time, so
 * memory stays bounded whatever the size of the input.
 *
 * mbox (RFC 4155): a message starts at a line beginning "From " at the start
 * of the file or after an empty line; that separator line is not part of the
 * message. Lines escaped as ">From " (mboxo) or ">>From " (mboxrd) lose one
 * ">". Line ends may be LF, CRLF or a lone CR; messages come out with LF.
 */
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';

/** Largest message read; a larger one is reported as an error and skipped. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** One message, or why one could not be read. */
export type InputMessage = { file: string; raw: Buffer } | { file: string; error: string };

/** Files in a Maildir or mail folder that are not messages. */
const NOT_MESSAGES = /^(?:maildirfolder|maildirsize|subscriptions|dovecot[.-].*|courierimap.*|\..*)$/;

/** Every regular file under `dir`, sorted, without following symbolic links; a folder that cannot be read is an error entry. */
async function* walk(dir: string): AsyncGenerator<{ file: string; error?: string }> {
  let entries;
  try {
    entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    yield { file: dir, error: `cannot read the folder (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile() && !NOT_MESSAGES.test(entry.name)) yield { file: full };
  }
}

/** Splits a byte stream into messages: an mbox when it starts with "From ", else one message. */
export async function* readStream(chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string>, file: string): AsyncGenerator<InputMessage> {
  let mbox: boolean | undefined;
  let carry = '';
  let skipLf = false;
  let lines: string[] = [];
  let size = 0;
  let tooBig = false;
  let previousEmpty = true;
  let index = 0;
  let started = false;

  const finish = (): InputMessage | undefined => {
    const name = mbox ? `${file}#${index}` : file;
    const message: InputMessage | undefined = tooBig
      ? { file: name, error: `message larger than ${MAX_MESSAGE_BYTES} bytes, skipped` }
      : lines.length > 0 && lines.some((line) => line !== '')
        ? { file: name, raw: Buffer.from(lines.join('\n'), 'latin1') }
        : undefined;
    lines = [];
    size = 0;
    tooBig = false;
    return message;
  };

  const take = function* (line: string): Generator<InputMessage> {
    if (mbox && line.startsWith('From ') && previousEmpty) {
      if (started) {
        // The empty line before the separator belongs to the mbox, not the message.
        if (lines.at(-1) === '') lines.pop();
        const message = finish();
        if (message) yield message;
      }
      started = true;
      index++;
      previousEmpty = false;
      return;
    }
    previousEmpty = line === '';
    const text = mbox && /^>+From /.test(line) ? line.slice(1) : line;
    if (tooBig) return;
    size += text.length + 1;
    if (size > MAX_MESSAGE_BYTES) {
      tooBig = true;
      lines = [];
      return;
    }
    lines.push(text);
  };

  for await (const chunk of chunks) {
    let text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    // The previous chunk ended in CR: an LF starting this one is the second half of that CRLF.
    if (skipLf && text.startsWith('\n')) text = text.slice(1);
    skipLf = false;
    text = carry + text;
    carry = '';
    if (mbox === undefined) {
      if (text.length < 5) {
        carry = text;
        continue;
      }
      mbox = text.startsWith('From ');
      started = !mbox;
    }
    const parts = text.split(/\r\n|\r|\n/);
    const last = parts.pop()!;
    if (text.endsWith('\r')) skipLf = true;
    else carry = last;
    for (const line of parts) yield* take(line);
  }
  if (mbox === undefined) {
    mbox = carry.startsWith('From ');
    started = !mbox;
  }
  if (carry !== '') yield* take(carry);
  const last = finish();
  if (last) yield last;
}

/** Messages from every path: files, folders, mbox files; `-` is stdin. */
export async function* readMessages(paths: readonly string[], stdin: AsyncIterable<Buffer | string>): AsyncGenerator<InputMessage> {
  for (const input of paths) {
    if (input === '-') {
      yield* readStream(stdin, 'stdin');
      continue;
    }
    let stat;
    try {
      stat = await fs.stat(input);
    } catch (error) {
      yield { file: input, error: `cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
      continue;
    }
    const files = stat.isDirectory() ? walk(input) : (async function* () { yield { file: input } as { file: string; error?: string }; })();
    for await (const { file, error } of files) {
      if (error !== undefined) {
        yield { file, error };
        continue;
      }
      try {
        yield* readStream(createReadStream(file, { highWaterMark: 256 * 1024 }), file);
      } catch (error) {
        yield { file, error: `cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
      }
    }
  }
}
