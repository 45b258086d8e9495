/**
 * What `npm pack` ships, and what the package asks npm to install.
 *
 * The file list comes from `npm pack --dry-run --json` (scripts skipped: the
 * suite already built dist/, and a rebuild would race the CLI tests). The
 * assertions hold for any layout of dist/ (one file per module or a bundle):
 * prefixes, what every entry point needs, and what must never ship.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FIXTURES, DEMO_MESSAGE } from '../src/cli/demo.js';
import { ROOT } from './helpers/cli.js';

interface PackageJson {
  name: string;
  bin: Record<string, string>;
  main: string;
  types: string;
  exports: Record<string, Record<string, string>>;
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

const PACKAGE = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;

/** The demo's data files: its fixture zones, the message it audits and the MTA-STS policy it serves over HTTPS. */
const DEMO_DATA = [
  ...DEMO_FIXTURES.map((name) => `fixtures/${name}.json`),
  path.relative(ROOT, DEMO_MESSAGE).split(path.sep).join('/'),
  'fixtures/demo-mta-sts.good.example.txt',
];

let shipped: string[] = [];

beforeAll(async () => {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const { stdout } = await promisify(execFile)(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [result] = JSON.parse(stdout) as [{ files: { path: string }[] }];
  shipped = result.files.map((file) => file.path).sort();
}, 120_000);

/** Relative module specifiers a shipped JavaScript file imports (static and dynamic). */
function relativeImports(file: string): string[] {
  const source = readFileSync(path.join(ROOT, file), 'utf8');
  const specifiers = [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => match[1]!);
  return specifiers.map((specifier) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)));
}

describe('npm pack', () => {
  it('ships only bin, dist, schema, README.md, LICENSE, package.json and the demo data', () => {
    expect(shipped.length).toBeGreaterThan(5);
    const allowed = (file: string) =>
      ['bin/', 'dist/', 'schema/'].some((prefix) => file.startsWith(prefix)) ||
      ['README.md', 'LICENSE', 'package.json', ...DEMO_DATA].includes(file);
    expect(shipped.filter((file) => !allowed(file))).toEqual([]);
    expect(shipped).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json', 'schema/report.schema.json', ...DEMO_DATA]));
  });

  it('ships no source map, no TypeScript source, no test and no fixture beyond the demo', () => {
    expect(shipped.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(shipped.filter((file) => /\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file))).toEqual([]);
    expect(shipped.filter((file) => /(^|\/)(test|tests|__tests__)\//.test(file) || /\.test\.[cm]?js$/.test(file))).toEqual([]);
    expect(shipped.filter((file) => file.startsWith('fixtures/') && !DEMO_DATA.includes(file))).toEqual([]);
  });

  it('ships no private key', () => {
    expect(shipped.filter((file) => /\.(key|pem|p12|pfx)$/i.test(file))).toEqual([]);
    const withKeys = shipped.filter((file) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(readFileSync(path.join(ROOT, file), 'latin1')));
    expect(withKeys).toEqual([]);
  });

  it('ships every entry point and every file they import', () => {
    const entries = [...Object.values(PACKAGE.bin), PACKAGE.main, PACKAGE.types, ...Object.values(PACKAGE.exports['.']!)];
    const needed = new Set(entries.map((file) => path.posix.normalize(file)));
    // Follow relative imports from the entry points through the shipped JavaScript.
    const queue = [...needed].filter((file) => file.endsWith('.js'));
    while (queue.length > 0) {
      for (const imported of relativeImports(queue.pop()!)) {
        if (needed.has(imported)) continue;
        needed.add(imported);
        if (imported.endsWith('.js')) queue.push(imported);
      }
    }
    expect([...needed].filter((file) => !shipped.includes(file)).sort()).toEqual([]);
  });
});

/** Bare package names that the sources import (`node:` built-ins and the package's own name aside). */
function importedPackages(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        const source = readFileSync(full, 'utf8');
        // Runtime imports only (`import type` is erased by the compiler): static, dynamic, and createRequire's require().
        const pattern = /^\s*(?:import|export)\s+(?!type\s)[^'";]*?from\s+'([^'.][^']*)'|\b(?:import|require)\(\s*'([^'.][^']*)'\s*\)/gm;
        for (const match of source.matchAll(pattern)) {
          const specifier = match[1] ?? match[2]!;
          if (specifier.startsWith('node:')) continue;
          const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
          if (name !== PACKAGE.name) names.add(name);
        }
      }
    }
  };
  walk(path.join(ROOT, 'src'));
  return names;
}

describe('package.json', () => {
  it('depends at run time on exactly what src/ imports, each pinned to one version', () => {
    expect(Object.keys(PACKAGE.dependencies).sort()).toEqual([...importedPackages()].sort());
    for (const [name, version] of Object.entries({ ...PACKAGE.dependencies, ...PACKAGE.devDependencies })) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
    }
  });

  it('says which Node versions it supports, and ships the commands', () => {
    expect(PACKAGE.engines.node).toBe('>=20');
    expect(Object.keys(PACKAGE.bin).sort()).toEqual(['mailcheck', 'mailcheck-demo']);
  });
});
