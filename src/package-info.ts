/**
 * The package's own package.json. This module sits directly under src/ so
 * that `../package.json` finds the package root from src/ (tests), from
 * tsc's dist/ and from the CLI bundle in dist/ alike.
 */
import { readFileSync } from 'node:fs';

/** The fields of package.json the command line prints. */
export interface PackageInfo {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
}

/** Reads package.json (synchronously: `--version` loads nothing else). */
export function packageInfo(): PackageInfo {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as PackageInfo;
}
