/**
 * Loads the CLI bundle (dist/cli.bundle.js, built by scripts/build-cli.mjs)
 * through node:vm, with a V8 code cache of mailcheck's own.
 *
 * Why not Node's compile cache (`module.enableCompileCache()`): Node makes
 * that cache when it compiles a file, before the file runs, so it holds only
 * the functions V8 compiles at once (the top level). Every other function an
 * audit runs was compiled again by every run: a quarter to a third of one
 * audit's CPU.
 * A cache made after a run (`vm.Script#createCachedData`, as browsers do since
 * V8 6.6) holds every function that run compiled, and Node 20, which has no
 * compile cache, gets one too.
 *
 * The cache is one file per command (`audit`, `help`, `reports` …), Node
 * version, architecture and bundle (its SHA-256, written by the build on the
 * bundle's first line), in the user's cache directory (`codeCacheDirectory`).
 * It is written once, after the first run of that command that ends normally
 * (exit code 0, 1 or 3), and again only when V8 turns it down (another V8
 * build or flags). A file that is not the user's own, or that others may
 * write, or one in a directory others may write, is never read: the cache is
 * code that runs.
 *
 * Kept free of imports that load anything: bin/mailcheck.js loads this module
 * on every run.
 */
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EarlyAttempts } from '../dns/transport.js';
import type { CliIo } from './io.js';

// Node's modules through require(): an ESM import reads every export of a
// Node module, and node:fs's stream getters load modules no run needs here.
const require = module.createRequire(import.meta.url);
const fs = require('node:fs') as typeof import('node:fs');
const vm = require('node:vm') as typeof import('node:vm');
const os = require('node:os') as typeof import('node:os');

/** The commands of src/cli/program.ts: each has a code cache of its own (test/bundle-loader.test.ts keeps the list in step). */
export const CLI_COMMANDS = ['spf', 'message', 'list', 'bounces', 'reports', 'mcp', 'completion'] as const;

/** What the bundle hands back: the CLI's entry point (src/cli/main.ts). */
export type CliMain = (argv: readonly string[], io?: CliIo, early?: EarlyAttempts) => Promise<number>;

export interface LoadedCli {
  main: CliMain;
  /** What became of the code cache: none read (none there, or none trustworthy), taken by V8, or turned down by it. */
  codeCache: 'none' | 'accepted' | 'rejected';
  /** Writes the code cache if this run had none V8 took and ended normally; never throws. */
  saveCodeCache(exitCode: number): void;
}

/** The bundle's first line: `// mailcheck CLI bundle <sha256 of the rest>`. */
const HEADER = /^\/\/ mailcheck CLI bundle ([0-9a-f]{64})$/;
/** Exit codes of a run that did its job (src/exit-code.ts: ok, breached, incomplete); a usage error or a bug runs too little to cache. */
const NORMAL_EXITS = new Set([0, 1, 3]);
/** A code cache is about 1 MB; anything far larger is not one. */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Which code cache a command line uses: the subcommand's name, `help` for a
 * help request, `version` for `--version`, `audit` for everything else. Each
 * command runs different code, and a cache holds the code of the run that
 * made it: a first `--version --verbose` must not leave the audits a cache
 * with none of their code in it.
 */
export function commandKind(argv: readonly string[]): string {
  if (argv.length === 0 || argv.some((arg) => arg === '--help' || arg === '-h')) return 'help';
  if (argv.some((arg) => arg === '--version' || arg === '-V')) return 'version';
  const first = argv.find((arg) => !arg.startsWith('-'));
  if (first === 'help') return 'help';
  return (CLI_COMMANDS as readonly string[]).includes(first ?? '') ? first! : 'audit';
}

/**
 * Where the code cache lives, or undefined when it is turned off:
 * `MAILCHECK_CODE_CACHE` (a directory), else the platform's per-user cache
 * directory: `$XDG_CACHE_HOME/mailcheck` or `~/.cache/mailcheck` (Linux and
 * other Unix systems, XDG Base Directory Specification),
 * `~/Library/Caches/mailcheck` (macOS), `%LOCALAPPDATA%\mailcheck\Cache`
 * (Windows). `MAILCHECK_DISABLE_CODE_CACHE=1` turns it off, and so does
 * Node's own `NODE_DISABLE_COMPILE_CACHE=1`. Never a shared directory such as
 * /tmp: another user could leave a cache there, and a cache is code.
 */
export function codeCacheDirectory(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string | undefined {
  if (env['MAILCHECK_DISABLE_CODE_CACHE'] === '1' || env['NODE_DISABLE_COMPILE_CACHE'] === '1') return undefined;
  const chosen = env['MAILCHECK_CODE_CACHE'];
  if (chosen) return path.resolve(chosen);
  if (platform === 'win32') {
    const local = env['LOCALAPPDATA'];
    return local ? path.join(local, 'mailcheck', 'Cache') : home ? path.join(home, 'AppData', 'Local', 'mailcheck', 'Cache') : undefined;
  }
  if (!home) return undefined;
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'mailcheck');
  // The specification ignores a relative XDG_CACHE_HOME.
  const xdg = env['XDG_CACHE_HOME'];
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.cache'), 'mailcheck');
}

/** True for a file or directory others cannot have written: the user's own, not writable by group or others (POSIX). */
function ownedByUser(stat: import('node:fs').Stats): boolean {
  if (typeof process.getuid !== 'function') return true;
  return stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
}

/** True for an existing directory that is the user's own and that others cannot write to. */
function trustedDirectory(directory: string): boolean {
  try {
    const stat = fs.statSync(directory);
    return stat.isDirectory() && ownedByUser(stat);
  } catch {
    return false;
  }
}

/** The cache's bytes, if a trustworthy cache file is there. */
function readCache(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    // The checks look at the file opened, so it cannot be swapped in between.
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || !ownedByUser(stat) || stat.size > MAX_CACHE_BYTES) return undefined;
    return fs.readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes `data()` to `file` through a new file renamed into place, so that a reader sees a whole cache or none. */
function writeCache(directory: string, file: string, data: () => Buffer, stalePrefix: string): void {
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  if (!trustedDirectory(directory)) return;
  const temporary = `${file}.${process.pid}.tmp`;
  // 'wx' before the cache is made: a directory that cannot be written costs no serialisation.
  const fd = fs.openSync(temporary, 'wx', 0o600);
  try {
    try {
      fs.writeFileSync(fd, data());
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  // Caches of earlier bundles for the same command and Node: they would never be read again.
  for (const name of fs.readdirSync(directory)) {
    if (name.startsWith(stalePrefix) && name.endsWith('.cache') && path.join(directory, name) !== file) fs.rmSync(path.join(directory, name), { force: true });
  }
}

/** The user's home directory, or '' when the system has none to give (os.homedir() throws then). */
function homeDirectory(): string {
  try {
    return os.homedir();
  } catch {
    return '';
  }
}

/** Imports a module the bundle loads on use, resolved from here (dist/cli/), as from the bundle: the bundle is a script, and a script has no import(). */
function importModule(specifier: string): Promise<unknown> {
  return import(specifier);
}

/**
 * Compiles and runs the bundle at `bundleUrl` for `argv` (which picks the
 * cache), with the code cache when there is a trustworthy one.
 */
export function loadCli(bundleUrl: URL, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): LoadedCli {
  const bundlePath = fileURLToPath(bundleUrl);
  // The bundle is ASCII (the build checks it): latin1 is the cheapest exact decoding.
  const source = fs.readFileSync(bundlePath, 'latin1');
  const hash = HEADER.exec(source.slice(0, source.indexOf('\n')))?.[1];
  const directory = hash ? codeCacheDirectory(env, process.platform, homeDirectory()) : undefined;
  const stalePrefix = `cli-${commandKind(argv)}-${process.version}-${process.arch}-`;
  const file = directory ? path.join(directory, `${stalePrefix}${hash!.slice(0, 16)}.cache`) : undefined;
  // Only from a directory no one else can add to: in one they could, a
  // symbolic link under the cache's name could hand over another file of the user's.
  const cachedData = file && trustedDirectory(directory!) ? readCache(file) : undefined;
  const script = new vm.Script(source, { filename: bundlePath, ...(cachedData ? { cachedData } : {}) });
  const exported: { main?: CliMain } = {};
  const run = script.runInThisContext() as (require: NodeJS.Require, bundleUrl: string, importModule: (specifier: string) => Promise<unknown>, exported: object) => void;
  run(module.createRequire(bundleUrl), bundleUrl.href, importModule, exported);
  if (!exported.main) throw new Error(`${bundlePath} did not define the CLI: run \`npm run build\``);
  const codeCache = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted';
  return {
    main: exported.main,
    codeCache,
    saveCodeCache(exitCode) {
      if (!directory || !file || codeCache === 'accepted' || !NORMAL_EXITS.has(exitCode)) return;
      try {
        writeCache(directory, file, () => script.createCachedData(), stalePrefix);
      } catch {
        // A cache that cannot be written (a read-only home, a full disk) only costs speed.
      }
    },
  };
}
