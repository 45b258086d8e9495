/**
 * Domain lists: `--file` lists (one domain or address per line, with
 * per-domain options and # comments) merged with the arguments.
 */
import { parseDomain } from '../domain.js';
import { UsageError } from './errors.js';
import { readOptionFile } from './input-files.js';

/** One entry of a domain list, with where it came from (for error messages). */
export interface ListedDomain {
  value: string;
  /** `file:line`, or `argument N`. */
  source: string;
  /** Per-domain options written after the domain on its line (`example.com --dkim-selector s1`). */
  args?: string[];
}

/**
 * The entries of a domain list: one domain or address per line, optionally
 * followed by per-domain options; `#` starts a comment (whole line or after
 * the entry); blank lines are ignored.
 */
export function parseDomainList(text: string, source: string): ListedDomain[] {
  const entries: ListedDomain[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const [value, ...args] = line.replace(/#.*$/, '').trim().split(/\s+/);
    if (value === undefined || value === '') return;
    entries.push({ value, source: `${source}:${index + 1}`, ...(args.length > 0 ? { args } : {}) });
  });
  return entries;
}

/** Reads `--file` lists (`-` is standard input). */
export async function readDomainLists(files: readonly string[]): Promise<ListedDomain[]> {
  const all: ListedDomain[] = [];
  for (const file of files) {
    const text = await readOptionFile('--file', file, true);
    all.push(...parseDomainList(text, file === '-' ? 'stdin' : file));
  }
  return all;
}

/**
 * The domains to audit: arguments first, then list entries, each validated,
 * duplicates (after normalisation: case, trailing dot, U-label, address)
 * dropped. Returns what the user wrote for each distinct domain.
 */
export function mergeDomains(argv: readonly string[], listed: readonly ListedDomain[]): string[] {
  const seen = new Set<string>();
  const inputs: string[] = [];
  const all: ListedDomain[] = [...argv.map((value, index) => ({ value, source: `argument ${index + 1}` })), ...listed];
  for (const entry of all) {
    const parsed = parseDomain(entry.value);
    if (!parsed.ok) {
      throw new UsageError(entry.source.startsWith('argument') ? parsed.error : `${entry.source}: ${parsed.error}`);
    }
    if (seen.has(parsed.domain)) continue;
    seen.add(parsed.domain);
    inputs.push(entry.value);
  }
  if (inputs.length === 0) {
    throw new UsageError('no domain given. Usage: mailcheck [options] <domain...> or --file <list>; run "mailcheck --help" for more');
  }
  return inputs;
}
