/**
 * Where a run's config file is: the names looked for, and the directories
 * searched. Apart from src/cli/config-file.ts (which reads and validates the
 * file with zod) so that the CLI's early round (src/cli/early-round.ts) can
 * tell whether a config file applies without loading zod.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';

/** The names looked for in each directory, in this order. */
export const CONFIG_FILE_NAMES = ['mailcheck.config.json', '.mailcheckrc.json'] as const;

/**
 * The config file for a run: `given` (`--config`), none (`--no-config`,
 * given as false), else the first of CONFIG_FILE_NAMES in `cwd` or the
 * nearest directory above it. Two names in one directory are an error: which
 * one applies would be a guess.
 */
export async function findConfigFile(given: string | false | undefined, cwd: string): Promise<string | undefined> {
  if (given === false) return undefined;
  if (typeof given === 'string') return given;
  let directory = path.resolve(cwd);
  for (;;) {
    const present: string[] = [];
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(directory, name);
      if (await isFile(candidate)) present.push(candidate);
    }
    if (present.length > 1) {
      throw new UsageError(`two config files in ${directory}: ${present.map((file) => path.basename(file)).join(' and ')}. Keep one`);
    }
    if (present.length === 1) return present[0];
    const parent = path.dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    // Every run asks a few directories for both names, most of which do not
    // exist: a rejected fs.promises.stat builds an error each time, which cost
    // several milliseconds of a one-domain audit.
    return statSync(file, { throwIfNoEntry: false })?.isFile() === true;
  } catch {
    return false;
  }
}
