/** Where the command line reads and writes. */

/** Where the CLI reads and writes; the real process by default, replaceable in tests. */
export interface CliIo {
  stdout: WritableLike;
  stderr: WritableLike;
  env: Readonly<Record<string, string | undefined>>;
}

export interface WritableLike {
  /**
   * Writes `chunk`, as a Node stream does. When given a callback, it must call
   * it once the chunk is written (or failed): the whole-document writers wait
   * for it before the command returns, so a test double that drops it makes
   * `main()` never return.
   */
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
  isTTY?: boolean;
  columns?: number;
}

/** The real process's streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}
