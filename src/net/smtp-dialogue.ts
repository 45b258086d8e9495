/**
 * The SMTP side of a probe's dialogue (RFC 5321 §4.2): reads replies from a
 * stream, bounded (line length, lines per reply, bytes nobody asked for),
 * each read with its own timeout, and writes commands, logging both in the
 * transcript (lines cut at 512 characters).
 */
import type { Duplex } from 'node:stream';
import type { SmtpProbeResult } from './types.js';

/** One SMTP reply (RFC 5321 §4.2): a code and its text lines. */
export interface Reply {
  code: number;
  lines: string[];
}

export class ProbeError extends Error {
  constructor(
    readonly stage: NonNullable<SmtpProbeResult['error']>['stage'],
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Reads SMTP replies from a stream and writes commands, logging both. */
export interface Dialogue {
  /** Reads one reply; `waitMs` shortens the usual reply timeout. */
  read(stage: ProbeError['stage'], waitMs?: number): Promise<Reply>;
  send(line: string): void;
  /** Stops listening on the current stream (before STARTTLS hands it to TLS). */
  detach(): void;
  /** Starts listening on a new stream (the TLS socket). */
  attach(stream: Duplex): void;
}

/** Most lines one multi-line reply may have before it counts as endless (EHLO replies have a few dozen at most). */
const MAX_REPLY_LINES = 200;
/**
 * Longest reply line read: RFC 5321 §4.5.3.1.5 allows 512 octets; real
 * servers stay well under that, so eight times as much is generous.
 */
const MAX_LINE = 4096;
/** Longest line kept in the transcript (the facts): a hostile server's bytes are shown, not stored whole. */
const MAX_TRANSCRIPT_LINE = 512;

/** Error codes of the dialogue (alongside Node's own, e.g. ECONNRESET). */
export const PROBE_CODES = {
  /** A line that is not an SMTP reply (RFC 5321 §4.2: three digits, 2 to 5 first, then SP, "-" or the end). */
  malformed: 'EMALFORMED',
  /** A reply line over MAX_LINE, or a reply of more than MAX_REPLY_LINES lines. */
  tooLong: 'ETOOLONG',
  /** The server closed the connection. */
  closed: 'ECLOSED',
} as const;

const transcriptLine = (line: string) => (line.length > MAX_TRANSCRIPT_LINE ? `${line.slice(0, MAX_TRANSCRIPT_LINE)}… (${line.length} characters)` : line);

export function createDialogue(stream: Duplex, transcript: string[], prefix: string, timeoutMs: number): Dialogue {
  let buffer = '';
  let current = stream;
  let waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void } | undefined;
  let pendingLines: string[] = [];
  let closedError: Error | undefined;

  const rejectWaiting = (error: Error) => {
    const w = waiting;
    waiting = undefined;
    w?.reject(error);
  };
  const tryComplete = () => {
    if (!waiting) return;
    let index: number;
    while ((index = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, index).replace(/\r$/, '');
      buffer = buffer.slice(index + 1);
      transcript.push(`${prefix}S: ${transcriptLine(line)}`);
      if (index > MAX_LINE) {
        rejectWaiting(new ProbeError('banner', `SMTP reply line of ${index} characters (over ${MAX_LINE})`, PROBE_CODES.tooLong));
        return;
      }
      // RFC 5321 §4.2: "ddd-text" continues a multi-line reply, "ddd text" (or "ddd") ends it;
      // §4.2.1: the first digit is 2 to 5.
      const match = /^([2-5]\d\d)(?:([ -])(.*))?$/.exec(line);
      if (!match) {
        rejectWaiting(new ProbeError('banner', `malformed SMTP reply line: ${line.slice(0, 100)}`, PROBE_CODES.malformed));
        return;
      }
      pendingLines.push(match[3] ?? '');
      if (match[2] !== '-') {
        const reply = { code: Number(match[1]), lines: pendingLines };
        pendingLines = [];
        const w = waiting;
        waiting = undefined;
        w.resolve(reply);
        return;
      }
      if (pendingLines.length > MAX_REPLY_LINES) {
        rejectWaiting(new ProbeError('banner', `SMTP reply of more than ${MAX_REPLY_LINES} continuation lines`, PROBE_CODES.tooLong));
        return;
      }
    }
    if (buffer.length > MAX_LINE) {
      transcript.push(`${prefix}S: ${transcriptLine(buffer)}`);
      rejectWaiting(new ProbeError('banner', `SMTP reply line of more than ${MAX_LINE} characters`, PROBE_CODES.tooLong));
    }
  };
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    // Bytes nobody asked for (between replies) are bounded too: a flood is a reply too long.
    if (!waiting && buffer.length > MAX_LINE * MAX_REPLY_LINES) {
      closedError = new ProbeError('banner', 'the server sent more than a reply can hold', PROBE_CODES.tooLong);
      buffer = '';
      current.destroy();
      return;
    }
    tryComplete();
  };
  const onEnd = () => {
    const midReply = buffer.length > 0 || pendingLines.length > 0;
    closedError ??= new ProbeError('banner', midReply ? 'connection closed by the server in the middle of a reply' : 'connection closed by the server', PROBE_CODES.closed);
    if (waiting) rejectWaiting(closedError);
  };
  const onError = (error: Error) => {
    closedError ??= error;
    if (waiting) rejectWaiting(error);
  };
  const listen = (target: Duplex) => {
    current = target;
    target.on('data', onData);
    target.on('end', onEnd);
    target.on('close', onEnd);
    target.on('error', onError);
  };
  listen(stream);

  return {
    read(stage, waitMs) {
      return new Promise<Reply>((resolve, reject) => {
        // Each phase (greeting, EHLO, STARTTLS) gets its own timeout: a slow greeting
        // does not shorten the wait for the replies after it.
        const wait = waitMs ?? timeoutMs;
        const timer = setTimeout(() => {
          waiting = undefined;
          reject(new ProbeError(stage, `no reply within ${wait} ms`, 'ETIMEDOUT'));
        }, wait);
        const done = <T>(fn: (value: T) => void) => (value: T) => {
          clearTimeout(timer);
          fn(value);
        };
        const fail = (error: Error) =>
          reject(error instanceof ProbeError ? new ProbeError(stage, error.message, error.code) : new ProbeError(stage, error.message, (error as NodeJS.ErrnoException).code));
        waiting = { resolve: done(resolve), reject: done(fail) };
        if (closedError && buffer.indexOf('\n') < 0) {
          const error = closedError;
          waiting = undefined;
          clearTimeout(timer);
          fail(error);
          return;
        }
        tryComplete();
      });
    },
    send(line) {
      transcript.push(`${prefix}C: ${transcriptLine(line)}`);
      current.write(`${line}\r\n`);
    },
    detach() {
      current.off('data', onData);
      current.off('end', onEnd);
      current.off('close', onEnd);
      current.off('error', onError);
      buffer = '';
      closedError = undefined;
    },
    attach(next) {
      listen(next);
    },
  };
}
