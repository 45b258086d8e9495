/**
 * Files the options name (`--file`, `--zone`, `--replay`, `--baseline`,
 * `--ca-file`), read with a size limit: a huge file is refused before it is
 * read, never held in memory.
 */
import { promises as fs } from 'node:fs';
import { UsageError, errorCode } from './errors.js';

/**
 * Reads the file an option names (`-` is standard input where the option
 * allows it); a file that cannot be read is a usage error naming the option.
 */
export async function readOptionFile(option: string, file: string, stdin = false): Promise<string> {
  const limit = INPUT_LIMITS[option] ?? DEFAULT_INPUT_LIMIT;
  const tooLarge = () => inputTooLarge(option, file, limit);
  let text: string;
  try {
    if (stdin && file === '-') {
      text = await readStdin(limit);
    } else {
      // Refused before reading: a huge file is never held in memory.
      if ((await fs.stat(file)).size > limit) throw tooLarge();
      text = await fs.readFile(file, 'utf8');
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error === STDIN_TOO_LARGE) throw tooLarge();
    throw new UsageError(`cannot read ${option} "${file}" (${errorCode(error)}). Check the path`);
  }
  return text;
}

function inputTooLarge(option: string, file: string, limit: number): UsageError {
  return new UsageError(`${option} "${file}" is larger than ${formatBytes(limit)}, the most mailcheck reads for ${option}. Give a smaller file`);
}

/** Refuses a file over its option's limit before it is read (for files read as a stream: --zone). */
export async function assertInputSize(option: string, file: string): Promise<void> {
  const limit = INPUT_LIMITS[option] ?? DEFAULT_INPUT_LIMIT;
  let size: number;
  try {
    size = (await fs.stat(file)).size;
  } catch (error) {
    throw new UsageError(`cannot read ${option} "${file}" (${errorCode(error)}). Check the path`);
  }
  if (size > limit) throw inputTooLarge(option, file, limit);
}

/**
 * The most bytes read for each input file (the limit is named in the error):
 * generous for real use, far below what would exhaust memory.
 */
const INPUT_LIMITS: Readonly<Record<string, number>> = {
  '--file': 64 * 1024 * 1024,
  // Read as a stream and stored compactly (src/dns/zone-file.ts): a 50 MB zone stays under 300 MB.
  '--zone': 128 * 1024 * 1024,
  '--replay': 64 * 1024 * 1024,
  '--baseline': 128 * 1024 * 1024,
  '--ca-file': 1024 * 1024,
  '--trust-anchor': 1024 * 1024,
};

const DEFAULT_INPUT_LIMIT = 64 * 1024 * 1024;

const STDIN_TOO_LARGE = new Error('standard input is over the limit');

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}

async function readStdin(limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buffer.length;
    if (total > limit) throw STDIN_TOO_LARGE;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
