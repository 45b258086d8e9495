/**
 * Writing what a run produces: reports (whole, or streamed as each domain
 * finishes) and DNS captures; output files are checked before the run starts.
 */
import { constants as fsConstants, promises as fs, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { CapturingDnsClient } from '../dns/capture.js';
import type { DnsClient } from '../dns/types.js';
import { UsageError, errorCode } from './errors.js';
import type { CliIo, WritableLike } from './io.js';

/**
 * Fails early, before the audit, when an output file cannot be written.
 * `what` names the file's content in the message (the report, the DNS capture).
 */
export async function assertWritable(file: string, what = 'the report'): Promise<void> {
  const target = path.resolve(file);
  try {
    const stat = await fs.stat(target);
    if (stat.isDirectory()) throw new UsageError(`cannot write ${what} to "${file}": it is a directory. Give a file name`);
    await fs.access(target, fsConstants.W_OK);
    return;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (errorCode(error) !== 'ENOENT') {
      throw new UsageError(`cannot write ${what} to "${file}" (${errorCode(error)}). Check the path and its permissions`);
    }
  }
  const directory = path.dirname(target);
  try {
    const stat = await fs.stat(directory);
    if (!stat.isDirectory()) throw new Error('ENOTDIR');
    await fs.access(directory, fsConstants.W_OK);
  } catch (error) {
    const code = error instanceof Error && error.message === 'ENOTDIR' ? 'ENOTDIR' : errorCode(error);
    const hint = code === 'ENOENT' ? 'Create the directory first' : 'Check the path and its permissions';
    throw new UsageError(`cannot write ${what} to "${file}": directory "${path.dirname(file)}" is not writable (${code}). ${hint}`);
  }
}

/** A streaming sink: a file stream or standard output, written in order. */
export interface Sink {
  /** Resolves once the stream has taken the text (callers that need no back-pressure do not wait). */
  write(text: string): Promise<void>;
  /**
   * Undefined while the stream keeps up; otherwise a promise that resolves
   * once it has taken everything written so far. A run that is faster than
   * its output (a slow pipe, a busy disk, answers from a zone file) waits
   * here instead of holding every unwritten report in memory.
   */
  backPressure(): Promise<void> | undefined;
  close(): Promise<void>;
}

/** Text handed to a sink but not yet taken by its stream, beyond which the run waits (bytes, as UTF-16 code units). */
export const SINK_HIGH_WATER = 1 << 20;

/** A sink over a stream; `owned`: a file stream mailcheck opened and ends on close. */
export function streamSink(stream: WritableLike | WriteStream, owned: boolean): Sink {
  // Hand each chunk to the stream at once (it keeps the order and buffers
  // what the file or pipe has not taken yet); wait for the last one only.
  let last: Promise<void> = Promise.resolve();
  let failed: Error | undefined;
  let unwritten = 0;
  return {
    write(text) {
      unwritten += text.length;
      last = new Promise<void>((resolve) => {
        stream.write(text, (error?: Error | null) => {
          unwritten -= text.length;
          if (error) failed = error;
          resolve();
        });
      });
      return last;
    },
    backPressure() {
      return unwritten > SINK_HIGH_WATER ? last : undefined;
    },
    async close() {
      await last;
      if (owned) {
        const file = stream as WriteStream;
        await new Promise<void>((resolve, reject) => {
          file.once('error', reject);
          file.end(() => resolve());
        });
      }
      if (failed) throw failed;
    },
  };
}

/** Writes a whole report to `file`, or to stdout (waiting for it to take the text); a failed write is a usage error. */
export async function writeReport(file: string | undefined, text: string, io: CliIo): Promise<void> {
  if (file === undefined) {
    await new Promise<void>((resolve) => io.stdout.write(text, () => resolve()));
    return;
  }
  try {
    await fs.writeFile(file, text);
  } catch (error) {
    throw new UsageError(`cannot write the report to "${file}" (${errorCode(error)}). Check the path and its permissions`);
  }
}

/** Writes the run's DNS capture (--save-dns), when the resolver captured one. */
export async function writeCapture(file: string, dns: DnsClient | CapturingDnsClient): Promise<void> {
  if (!('capture' in dns)) return;
  const { serializeCapture } = await import('../dns/capture.js');
  try {
    await fs.writeFile(file, serializeCapture(dns.capture()));
  } catch (error) {
    throw new UsageError(`cannot write --save-dns "${file}" (${errorCode(error)}). Check the path and its permissions`);
  }
}
