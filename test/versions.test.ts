/**
 * `mailcheck --version --verbose` names the installed version of every
 * runtime dependency, including packages whose `exports` have no "." entry.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { installedVersion } from '../src/cli/versions.js';
import { runCli } from './helpers/cli.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

describe('mailcheck --version --verbose', () => {
  it('prints every runtime dependency with the version installed in node_modules', async () => {
    const { code, stdout } = await runCli(['--version', '--verbose']);
    expect(code).toBe(0);
    expect(stdout).not.toContain('not installed');
    for (const name of Object.keys(pkg.dependencies)) {
      const version = (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
      expect(stdout.split('\n').some((line) => line === `${name} ${version}` || line.startsWith(`${name} ${version}  — `)), name).toBe(true);
    }
  }, 60_000);

  it('names @modelcontextprotocol/sdk, whose exports have only subpaths', async () => {
    const { stdout } = await runCli(['--version', '--verbose']);
    expect(stdout).toMatch(/^@modelcontextprotocol\/sdk \d+\.\d+\.\d+/m);
  }, 60_000);
});

describe('installedVersion', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mailcheck-versions-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const install = (modules: string, name: string, manifest: string) => {
    mkdirSync(path.join(dir, modules, name), { recursive: true });
    writeFileSync(path.join(dir, modules, name, 'package.json'), manifest);
  };
  install('a/node_modules', '@scope/subpaths-only', JSON.stringify({ name: '@scope/subpaths-only', version: '1.2.3', exports: { './server.js': './server.js' } }));
  install('b/node_modules', 'broken', '{ not json');
  install('b/node_modules', 'renamed', JSON.stringify({ name: 'other', version: '9.9.9' }));
  const paths = [path.join(dir, 'a/node_modules'), path.join(dir, 'b/node_modules')];

  it('reads the package.json of a package with no "." export', () => {
    expect(installedVersion('@scope/subpaths-only', paths)).toBe('1.2.3');
  });

  it('says unknown for an unreadable or foreign package.json, and not installed when absent', () => {
    expect(installedVersion('broken', paths)).toBe('unknown');
    expect(installedVersion('renamed', paths)).toBe('unknown');
    expect(installedVersion('absent', paths)).toBe('not installed');
  });
});
