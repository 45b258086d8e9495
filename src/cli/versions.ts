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

/**
 * The version in the package's own package.json, found in the node_modules
 * folders Node would search from here. Resolving the package's entry point
 * instead fails for packages whose `exports` have no "." entry (such as
 * @modelcontextprotocol/sdk, which exports only subpaths), although installed.
 */
export function installedVersion(name: string, from: readonly string[] = require.resolve.paths(name) ?? []): string {
  for (const modules of from) {
    let text: string;
    try {
      text = readFileSync(path.join(modules, name, 'package.json'), 'utf8');
    } catch {
      continue; // not in this node_modules; look further up
    }
    try {
      const pkg = JSON.parse(text) as { name?: unknown; version?: unknown };
      return pkg.name === name && typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      return 'unknown';
    }
  }
  return 'not installed';
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
