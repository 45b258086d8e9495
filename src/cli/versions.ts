/**
 * `mailcheck --version --verbose`: mailcheck's version, Node's, and the
 * installed version of every runtime dependency, with what mailcheck uses it
 * for. The data of some (the disposable-domain list, the common mailbox
 * domains) changes verdicts, so a result is reproducible only with them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageInfo } from '../package-info.js';

const require = createRequire(import.meta.url);

/** What each runtime dependency is for. */
const ROLES: Readonly<Record<string, string>> = {
  '@zootools/email-spell-checker': 'common mailbox domains and typo distance (list: typo)',
  mailchecker: 'disposable-address domain list (list: disposable)',
  'postal-mime': 'MIME parsing (bounces)',
  mailauth: 'DKIM, ARC and SPF cryptography and parsing',
  dns2: 'DNS packet codec',
  commander: 'command line',
  zod: 'schemas',
  chalk: 'terminal colour',
};

function installedVersion(name: string): string {
  try {
    // Walk up from the package's entry point to its package.json (some packages do not export it).
    let dir = path.dirname(require.resolve(name));
    for (;;) {
      try {
        const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name && pkg.version) return pkg.version;
      } catch {
        // no package.json here; go up
      }
      const parent = path.dirname(dir);
      if (parent === dir) return 'unknown';
      dir = parent;
    }
  } catch {
    return 'not installed';
  }
}

/** The text `--version --verbose` prints. */
export function versionReport(): string {
  const pkg = packageInfo();
  const lines = [`${pkg.name} ${pkg.version}`, `node ${process.versions.node}`];
  for (const name of Object.keys(pkg.dependencies ?? {}).sort()) {
    const role = ROLES[name];
    lines.push(`${name} ${installedVersion(name)}${role ? `  — ${role}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
