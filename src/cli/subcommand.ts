/**
 * What `mailcheck list` and `mailcheck bounces` share on the command line:
 * the program options they accept (output, colour, DNS), refusing the audit's
 * other options, opening inputs and outputs as streams, and a progress line.
 */
import { createReadStream, createWriteStream, promises as fs, type WriteStream } from 'node:fs';
import type { Command } from 'commander';
import { UsageError, sentence } from './errors.js';
import type { CliIo, WritableLike } from './io.js';
import { assertWritable } from './output-files.js';
import type { DnsClient, QueryLogEntry } from '../dns/types.js';
import { createStyle, shouldColor, type Style } from '../report/style.js';

/** The program options a subcommand reads, as commander gives them. */
export interface SubcommandOptions {
  format: string;
  output?: string;
  color?: boolean;
  verbose?: boolean;
  resolver?: string[];
  timeout?: string;
  retries?: string;
}

/** Program options that list and bounces use (attribute names). */
const SHARED_PROGRAM_OPTIONS: ReadonlySet<string> = new Set(['format', 'output', 'color', 'verbose', 'resolver', 'timeout', 'retries']);

/** Refuses program options given on the command line that the subcommand would silently ignore. */
export function refuseOtherProgramOptions(program: Command, name: string, extra: readonly string[] = []): void {
  const allowed = new Set([...SHARED_PROGRAM_OPTIONS, ...extra]);
  const flags: string[] = [];
  for (const option of program.options) {
    const key = option.attributeName();
    if (allowed.has(key) || program.getOptionValueSource(key) !== 'cli') continue;
    const flag = option.long ?? option.short ?? key;
    if (!flags.includes(flag)) flags.push(flag);
  }
  if (flags.length === 0) return;
  const list = flags.length === 1 ? `${flags[0]} does` : `${flags.slice(0, -1).join(', ')} and ${flags.at(-1)} do`;
  throw new UsageError(`${list} not apply to mailcheck ${name}. Run "mailcheck ${name} --help" for its options`);
}

/** The --format value, when it is one of `formats`. */
export function chooseFormat<T extends string>(value: string, formats: readonly T[], name: string): T {
  if ((formats as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`mailcheck ${name} prints ${formats.join(', ')}, not "${value}". Use --format ${formats[0]}`);
}

/** The single -o file, refusing `format=file` pairs. */
export function outputFile(values: unknown, name: string): string | undefined {
  const list = Array.isArray(values) ? (values as string[]) : values === undefined ? [] : [String(values)];
  if (list.length > 1 || list.some((value) => /^[a-z]+=/.test(value))) {
    throw new UsageError(`mailcheck ${name} writes one output. Give -o <file> once, without a format`);
  }
  return list[0];
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} "${value}" is not a whole number. Give e.g. ${flag} 2000`);
  return Number(value);
}

/** The run's resolver from --resolver, --timeout and --retries; sends no query of its own. */
export async function subcommandDns(options: SubcommandOptions, extra: { maxInFlight?: number; keepLog?: boolean; onQuery?: (entry: QueryLogEntry) => void } = {}): Promise<DnsClient> {
  const { createResolver } = await import('../dns/resolver.js');
  const timeoutMs = positiveInteger(options.timeout, '--timeout');
  const retries = positiveInteger(options.retries, '--retries');
  try {
    return createResolver({
      ...(options.resolver && options.resolver.length > 0 ? { servers: options.resolver } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(retries !== undefined ? { retries } : {}),
      ...(extra.maxInFlight !== undefined ? { maxInFlight: extra.maxInFlight } : {}),
      ...(extra.keepLog !== undefined ? { keepLog: extra.keepLog } : {}),
      ...(extra.onQuery ? { onQuery: extra.onQuery } : {}),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${sentence(message.replace(/\.$/, ''))} Check --resolver`);
  }
}

/** Colour and style for a report going to stdout or to a file. */
export function styleFor(options: SubcommandOptions, io: CliIo, toFile: boolean): Style {
  const color = toFile
    ? options.color === true
    : shouldColor({ ...(options.color !== undefined ? { flag: options.color } : {}), env: io.env, isTTY: io.stdout.isTTY === true });
  return createStyle(color);
}

/** Reads a file (or stdin for `-`) as UTF-8 text chunks, with the file's size in bytes (undefined for stdin); a missing file is a usage error. */
export async function openTextInputSized(file: string, what: string): Promise<{ chunks: AsyncIterable<string>; size?: number }> {
  if (file === '-') {
    process.stdin.setEncoding('utf8');
    return { chunks: process.stdin as AsyncIterable<string> };
  }
  let size: number;
  try {
    const stat = await fs.stat(file);
    if (stat.isDirectory()) throw new UsageError(`${what} "${file}" is a directory. Give a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${what} "${file}" (${(error as NodeJS.ErrnoException).code ?? 'error'}). Check the path`);
  }
  return { chunks: createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 }), size };
}

/** A file to write as a stream, checked writable first. */
export async function openOutputFile(file: string, what: string): Promise<WriteStream> {
  await assertWritable(file, what);
  const stream = createWriteStream(file);
  // Write errors reach the writer through each write's callback; without a listener an 'error' event would end the process.
  stream.on('error', () => undefined);
  return stream;
}

/** Ends a file stream and waits until it is written. */
export function closeStream(stream: WriteStream | undefined): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve, reject) => {
    stream.on('error', reject);
    stream.end(() => resolve());
  });
}

/** A progress bar of `done` out of `total` (any unit), `width` characters wide. */
export function progressBar(done: number, total: number, width = 24): string {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%`;
}

/** Counts the characters that pass through (for progress over a file of known size). */
export function countingChunks(chunks: AsyncIterable<string>, onChunk: (characters: number) => void): AsyncIterable<string> {
  return (async function* () {
    for await (const chunk of chunks) {
      onChunk(chunk.length);
      yield chunk;
    }
  })();
}

/** A one-line progress counter on a terminal's stderr, redrawn at most five times a second. */
export function progressCounter(stderr: WritableLike, enabled: boolean): { update(text: string): void; done(): void } {
  let last = 0;
  let shown = false;
  return {
    update(text) {
      if (!enabled) return;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      shown = true;
      stderr.write(`\r\x1b[2K${text}`);
    },
    done() {
      if (shown) stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}
