/**
 * Runs the built CLI (`node bin/mailcheck.js`, i.e. dist/) as a child
 * process, the way a user does. `npm test` builds first.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'mailcheck.js');
/** Preloaded into every spawned CLI: connections outside 127.0.0.0/8 throw. */
export const CHILD_GUARD = path.join(ROOT, 'test', 'helpers', 'child-network-guard.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI's code cache in the tests (src/cli/bundle-loader.ts): one directory
 * for the run of the suite, not the user's own cache directory.
 */
const TEST_CODE_CACHE = path.join(os.tmpdir(), `mailcheck-test-code-cache-${process.getuid?.() ?? 'user'}`);

/** Environment without colour settings, so tests choose them explicitly, and with the tests' code cache. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['FORCE_COLOR', 'NO_COLOR', 'CLICOLOR', 'CLICOLOR_FORCE', 'NODE_OPTIONS', 'MAILCHECK_DISABLE_CODE_CACHE', 'NODE_DISABLE_COMPILE_CACHE']) delete env[key];
  return { ...env, MAILCHECK_CODE_CACHE: TEST_CODE_CACHE, ...extra };
}

export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; bin?: string; input?: string; nodeArgs?: readonly string[] } = {},
): Promise<CliResult> {
  const bin = options.bin ?? BIN;
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does it) before the CLI tests');
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', pathToFileURL(CHILD_GUARD).href, bin, ...args], {
      cwd: options.cwd ?? ROOT,
      env: cleanEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
