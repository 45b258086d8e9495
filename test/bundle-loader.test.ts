/**
 * The CLI bundle's loader and its code cache (src/cli/bundle-loader.ts): which
 * cache a command line uses and where it lives (pure), and, on small bundles
 * written here and on the real one through the CLI, when a cache is written,
 * read, refused and replaced.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_COMMANDS, codeCacheDirectory, commandKind, loadCli } from '../src/cli/bundle-loader.js';
import type { CliIo } from '../src/cli/io.js';
import { buildProgram } from '../src/cli/program.js';
import { ROOT, runCli } from './helpers/cli.js';

describe('which cache a command line uses', () => {
  it.each([
    [['example.com'], 'audit'],
    [['--format', 'json', 'example.com', 'example.org'], 'audit'],
    [['reports', '--format', 'json', 'dmarc.xml'], 'reports'],
    [['message', 'm.eml'], 'message'],
    [['--help'], 'help'],
    [['reports', '-h'], 'help'],
    [['help', 'reports'], 'help'],
    [[], 'help'],
    [['--version', '--verbose'], 'version'],
    [['example.com', '-V'], 'version'],
  ])('%j uses the %s cache', (argv, kind) => {
    expect(commandKind(argv)).toBe(kind);
  });

  it('knows every command of the program', () => {
    const io: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, env: {} };
    const names = buildProgram(io, () => undefined).commands.map((command) => command.name());
    expect([...CLI_COMMANDS].sort()).toEqual(names.sort());
  });
});

describe('where the cache lives', () => {
  it.each([
    ['Linux', {}, 'linux', '/home/ann', '/home/ann/.cache/mailcheck'],
    ['XDG_CACHE_HOME', { XDG_CACHE_HOME: '/var/cache/ann' }, 'linux', '/home/ann', '/var/cache/ann/mailcheck'],
    ['a relative XDG_CACHE_HOME, ignored', { XDG_CACHE_HOME: 'cache' }, 'linux', '/home/ann', '/home/ann/.cache/mailcheck'],
    ['macOS', {}, 'darwin', '/Users/ann', '/Users/ann/Library/Caches/mailcheck'],
    ['MAILCHECK_CODE_CACHE', { MAILCHECK_CODE_CACHE: '/srv/mc', XDG_CACHE_HOME: '/x' }, 'linux', '/home/ann', '/srv/mc'],
    ['no home', {}, 'linux', '', undefined],
    ['MAILCHECK_DISABLE_CODE_CACHE=1', { MAILCHECK_DISABLE_CODE_CACHE: '1', MAILCHECK_CODE_CACHE: '/srv/mc' }, 'linux', '/home/ann', undefined],
    ['NODE_DISABLE_COMPILE_CACHE=1', { NODE_DISABLE_COMPILE_CACHE: '1' }, 'darwin', '/Users/ann', undefined],
  ] as const)('%s', (_name, env, platform, home, expected) => {
    expect(codeCacheDirectory(env, platform, home)).toBe(expected);
  });

  it('Windows: under LOCALAPPDATA', () => {
    const local = path.join(path.sep, 'Users', 'ann', 'AppData', 'Local');
    expect(codeCacheDirectory({ LOCALAPPDATA: local }, 'win32', '/unused')).toBe(path.join(local, 'mailcheck', 'Cache'));
  });
});

describe('the code cache, on a small bundle', () => {
  let dir: string;
  let cacheDir: string;
  let bundle: URL;
  const env = () => ({ MAILCHECK_CODE_CACHE: cacheDir });
  const cacheFiles = () => (existsSync(cacheDir) ? readdirSync(cacheDir).sort() : []);

  /**
   * Writes a bundle as the build does: a function expression under a header
   * naming its SHA-256; returns the hash. Each is new to V8, which would
   * otherwise compile a source it has seen in this process from memory,
   * without looking at the cache given.
   */
  function writeBundle(body: string, header = true): string {
    const script = `(function (require, bundleUrl, importModule, exported) {\n'use strict';\n${body}\n// ${(bundlesWritten += 1)} ${process.hrtime.bigint()}\n})`;
    const hash = createHash('sha256').update(script).digest('hex');
    writeFileSync(bundle, `${header ? `// mailcheck CLI bundle ${hash}` : '// hand-made'}\n${script}`);
    return hash;
  }
  let bundlesWritten = 0;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-loader-'));
    cacheDir = path.join(dir, 'cache');
    bundle = pathToFileURL(path.join(dir, 'cli.bundle.js'));
    writeBundle(
      [
        "const { basename } = require('node:path');",
        'exported.main = async (argv) => {',
        "  const { sep } = await importModule('node:path');",
        '  return argv.length === 0 ? 0 : Number(argv[0]) + (basename(new URL(bundleUrl).pathname) === "cli.bundle.js" && sep === "/" ? 0 : 100);',
        '};',
      ].join('\n'),
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the bundle: require, its URL and importModule reach it', async () => {
    const cli = loadCli(bundle, ['3'], env());
    expect(await cli.main(['3'])).toBe(3);
  });

  it('writes the cache after a run that ends normally, owner-only, then reads it without writing again', async () => {
    const first = loadCli(bundle, ['example.com'], env());
    await first.main([]);
    first.saveCodeCache(0);
    const files = cacheFiles();
    expect(files).toEqual([expect.stringMatching(new RegExp(`^cli-audit-${process.version.replace(/\./g, '\\.')}-${process.arch}-[0-9a-f]{16}\\.cache$`))]);
    const file = path.join(cacheDir, files[0]!);
    const written = statSync(file);
    if (process.platform !== 'win32') {
      expect(written.mode & 0o777).toBe(0o600);
      expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    }
    const second = loadCli(bundle, ['example.com'], env());
    expect(second.codeCache).toBe('accepted');
    expect(await second.main(['5'])).toBe(5);
    second.saveCodeCache(0);
    expect(statSync(file).ino).toBe(written.ino);
    expect(statSync(file).mtimeMs).toBe(written.mtimeMs);
  });

  it.each([2, 4])('writes nothing after exit code %i (a usage error, a bug)', (code) => {
    loadCli(bundle, ['example.com'], env()).saveCodeCache(code);
    expect(cacheFiles()).toEqual([]);
  });

  it('one cache per command', () => {
    loadCli(bundle, ['example.com'], env()).saveCodeCache(0);
    loadCli(bundle, ['reports', 'x.xml'], env()).saveCodeCache(1);
    loadCli(bundle, ['--help'], env()).saveCodeCache(0);
    expect(cacheFiles().map((name) => name.split('-')[1])).toEqual(['audit', 'help', 'reports']);
  });

  it('replaces a cache V8 turns down', async () => {
    const hash = writeBundle('exported.main = async () => 6;');
    const file = path.join(cacheDir, `cli-audit-${process.version}-${process.arch}-${hash.slice(0, 16)}.cache`);
    mkdirSync(cacheDir, { mode: 0o700 });
    writeFileSync(file, Buffer.alloc(4096, 7), { mode: 0o600 });
    const cli = loadCli(bundle, ['example.com'], env());
    expect(cli.codeCache).toBe('rejected');
    expect(await cli.main([])).toBe(6);
    cli.saveCodeCache(0);
    expect(readFileSync(file).equals(Buffer.alloc(4096, 7))).toBe(false);
    expect(cacheFiles()).toEqual([path.basename(file)]);
  });

  it.skipIf(process.platform === 'win32')('never reads a cache others may write: it writes its own in its place', () => {
    loadCli(bundle, ['example.com'], env()).saveCodeCache(0);
    const file = path.join(cacheDir, cacheFiles()[0]!);
    // A cache V8 would take, but writable by everyone: read, it would be kept as it is.
    chmodSync(file, 0o666);
    const before = statSync(file).ino;
    const cli = loadCli(bundle, ['example.com'], env());
    expect(cli.codeCache).toBe('none');
    cli.saveCodeCache(0);
    expect(statSync(file).ino).not.toBe(before);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it.skipIf(process.platform === 'win32')('neither reads nor writes in a directory others may write to', () => {
    const first = loadCli(bundle, ['example.com'], env());
    expect(first.codeCache).toBe('none');
    first.saveCodeCache(0);
    const file = path.join(cacheDir, cacheFiles()[0]!);
    const written = statSync(file);
    chmodSync(cacheDir, 0o777);
    const shared = loadCli(bundle, ['example.com'], env());
    expect(shared.codeCache).toBe('none');
    shared.saveCodeCache(0);
    expect(statSync(file).ino).toBe(written.ino);
    expect(statSync(file).mtimeMs).toBe(written.mtimeMs);
    chmodSync(cacheDir, 0o700);
    expect(loadCli(bundle, ['example.com'], env()).codeCache).not.toBe('none');
  });

  it('a new bundle removes the caches of earlier ones for the same command, and keeps the others', () => {
    loadCli(bundle, ['example.com'], env()).saveCodeCache(0);
    loadCli(bundle, ['--help'], env()).saveCodeCache(0);
    const [oldAudit, help] = cacheFiles();
    writeBundle('exported.main = async () => 0;');
    loadCli(bundle, ['example.com'], env()).saveCodeCache(0);
    const files = cacheFiles();
    expect(files).toHaveLength(2);
    expect(files).toContain(help);
    expect(files).not.toContain(oldAudit);
  });

  it('a bundle without the build header runs with no cache', async () => {
    writeBundle('exported.main = async () => 9;', false);
    const cli = loadCli(bundle, ['example.com'], env());
    expect(await cli.main([])).toBe(9);
    cli.saveCodeCache(0);
    expect(cacheFiles()).toEqual([]);
  });

  it('turned off, or in a directory that cannot be made, it writes nothing and the run goes on', async () => {
    loadCli(bundle, ['example.com'], { ...env(), MAILCHECK_DISABLE_CODE_CACHE: '1' }).saveCodeCache(0);
    expect(cacheFiles()).toEqual([]);
    const blocked = path.join(dir, 'a-file');
    writeFileSync(blocked, '');
    const cli = loadCli(bundle, ['example.com'], { MAILCHECK_CODE_CACHE: path.join(blocked, 'cache') });
    expect(() => cli.saveCodeCache(0)).not.toThrow();
    expect(await cli.main(['1'])).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(['a-file', 'cli.bundle.js']);
  });
});

describe('the real bundle, through the CLI', () => {
  let cacheDir: string;
  beforeEach(() => {
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-code-cache-'));
  });
  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('is a script under a header that names its SHA-256, with no import() left in it', () => {
    const text = readFileSync(path.join(ROOT, 'dist', 'cli.bundle.js'), 'latin1');
    const newline = text.indexOf('\n');
    const rest = text.slice(newline + 1);
    expect(text.slice(0, newline)).toBe(`// mailcheck CLI bundle ${createHash('sha256').update(rest).digest('hex')}`);
    expect(rest.startsWith('(function (require, ')).toBe(true);
    expect(/(?:^|[^\w$.])import\s*\(/.test(rest)).toBe(false);
  });

  it('the first run writes the cache, the next runs from it and prints the same', async () => {
    const env = { MAILCHECK_CODE_CACHE: cacheDir };
    const first = await runCli(['--help'], { env });
    expect(first.code).toBe(0);
    const files = readdirSync(cacheDir);
    expect(files).toEqual([expect.stringMatching(/^cli-help-/)]);
    const written = statSync(path.join(cacheDir, files[0]!));
    const second = await runCli(['--help'], { env });
    expect(second).toEqual(first);
    expect(statSync(path.join(cacheDir, files[0]!)).mtimeMs).toBe(written.mtimeMs);
  });

  it('a cache left by another bundle with the same name is turned down by V8 and replaced', async () => {
    const env = { MAILCHECK_CODE_CACHE: cacheDir };
    await runCli(['--help'], { env });
    const [name] = readdirSync(cacheDir);
    const file = path.join(cacheDir, name!);
    // Not a cache of this bundle: a copy of some other file, owned by the user.
    copyFileSync(path.join(ROOT, 'package.json'), file);
    chmodSync(file, 0o600);
    const run = await runCli(['--help'], { env });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(readFileSync(file).equals(readFileSync(path.join(ROOT, 'package.json')))).toBe(false);
  });
});
