/**
 * Where the audit's option values come from, in order of precedence: the
 * command line, then the config file's defaults, then the built-in defaults.
 * Per domain, the config file's `domains` settings and a `--file` line's
 * options apply on top (parsed with the same option declarations and the
 * same zod schema). Also: the output format inferred from `-o`'s extension.
 */
import { Command, CommanderError, Option } from 'commander';
import path from 'node:path';
import { UsageError } from './errors.js';
import { collect, defineAuditOptions } from './audit-options.js';
import { cachedAuditCliSchema, describeIssue, parseAuditCliOptions, toAuditOptions, type AuditCliOptions } from './options.js';
import { parseOutputSpecs } from './output-specs.js';
import type { ListedDomain } from './domain-list.js';
import * as z from 'zod';
import { configSchema, loadConfig, printable, type AuditConfig, type OptionKind } from './config-file.js';
import type { AuditOptions } from '../context.js';
import { parseDomain } from '../domain.js';
import type { FormatName } from '../report/formats.js';
import { ignoreRulesFromIds, type IgnoreRule } from '../suppress.js';

/** Where commander took each option's value from: 'cli', 'default', 'env', or undefined (not set). */
export type OptionSources = Readonly<Record<string, string | undefined>>;

/** The options a `--file` line or the config file's `domains` may set for one domain; the others apply to the whole run. */
export const PER_DOMAIN_OPTIONS: ReadonlySet<string> = new Set([
  'checks',
  'skip',
  'dkimSelector',
  'ip',
  'smtp',
  'blocklist',
  'noBlocklist',
  'bimiSelector',
  'ignore',
  'parked',
  'profile',
]);

/** Per-domain options that replace the run's value; the other list options add to it. */
const REPLACED_PER_DOMAIN: ReadonlySet<string> = new Set(['checks', 'skip']);

/** `-o` file extensions → format, when `--format` is not given on the command line. */
export const FORMAT_BY_EXTENSION: Readonly<Record<string, FormatName>> = {
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.csv': 'csv',
  '.md': 'markdown',
  '.html': 'html',
  '.sarif': 'sarif',
  '.xml': 'junit',
};

/** The format a report file's name implies, if any. */
export function formatFromFileName(file: string): FormatName | undefined {
  return FORMAT_BY_EXTENSION[path.extname(file).toLowerCase()];
}

/**
 * The audit's option declarations, plus `--parked` and `--profile` where the
 * audit does not declare them (yet): a config file or a `--file` line may
 * carry them, and they pass through to the audit's schema unchanged.
 */
export function auditOptionDeclarations(): Command {
  const command = defineAuditOptions(new Command('mailcheck'));
  if (!command.options.some((option) => option.long === '--parked')) command.addOption(new Option('--parked').hideHelp());
  if (!command.options.some((option) => option.long === '--profile')) {
    command.addOption(new Option('--profile <names>').argParser(collect).hideHelp());
  }
  return command;
}

/** Each option's attribute name and how it takes its value. */
export function optionKinds(command: Command = auditOptionDeclarations()): Map<string, OptionKind> {
  const kinds = new Map<string, OptionKind>();
  for (const option of command.options) {
    const name = option.attributeName();
    if (kinds.has(name)) continue;
    kinds.set(name, !option.required && !option.optional ? 'boolean' : option.parseArg === collect ? 'list' : 'value');
  }
  return kinds;
}

/** The JSON Schema of the config file, published as schema/config.schema.json. */
export function configJsonSchema(): unknown {
  const command = auditOptionDeclarations();
  const descriptions = new Map<string, string>();
  for (const option of command.options) {
    const name = option.attributeName();
    const flags = option.negate ? `${option.long} (${name}: false)` : option.long;
    descriptions.set(name, [descriptions.get(name), `${flags}: ${option.description}`].filter(Boolean).join('; '));
  }
  return z.toJSONSchema(configSchema(optionKinds(command), descriptions), { target: 'draft-2020-12' });
}

/** Ids of every finding in the catalogue. */
export async function catalogueIds(): Promise<Set<string>> {
  const { CHECKS } = await import('../checks/index.js');
  return new Set(CHECKS.flatMap((check) => Object.keys(check.findings)));
}

/** Throws when a raw value fails its option's schema; `where` names the key. */
function validateRaw(raw: Record<string, unknown>, checkIds: readonly string[], where: (key: string) => string): void {
  const shape = cachedAuditCliSchema(checkIds).shape as Record<string, { safeParse(value: unknown): { success: boolean; error?: { issues: unknown[] } } }>;
  for (const [key, value] of Object.entries(raw)) {
    const schema = shape[key];
    if (!schema) continue;
    const result = schema.safeParse(value);
    if (!result.success) throw new UsageError(printable(`${where(key)}: ${describeIssue(result.error!.issues[0] as never)}`));
  }
}

/** The run's settings: the options after the config file, and what applies per domain. */
export interface RunSettings {
  cli: AuditCliOptions;
  /** The merged raw options (command line over config defaults), for per-domain parsing. */
  raw: Record<string, unknown>;
  config?: AuditConfig;
  /** Every finding id of the catalogue (ignore rules must name one). */
  findingIds: ReadonlySet<string>;
}

/**
 * Loads the config file (unless --no-config), fills the options the command
 * line did not give from it, infers the format from `-o`, and validates.
 */
export async function resolveSettings(
  rawOptions: Record<string, unknown>,
  sources: OptionSources,
  checkIds: readonly string[],
  cwd = process.cwd(),
): Promise<RunSettings> {
  const findingIds = await catalogueIds();
  const given = rawOptions.config as string | false | undefined;
  const config = await loadConfig(given, cwd, optionKinds(), findingIds);
  const raw: Record<string, unknown> = { ...rawOptions };
  if (config) {
    validateRaw(config.defaults, checkIds, (key) => `${config.file}: "${key}"`);
    for (const [key, value] of Object.entries(config.defaults)) if (sources[key] !== 'cli') raw[key] = value;
    // -q or -v on the command line overrides the other one set in the file.
    if (raw.quiet === true && raw.verbose === true) {
      if (sources.verbose === 'cli' && sources.quiet !== 'cli') delete raw.quiet;
      if (sources.quiet === 'cli' && sources.verbose !== 'cli') delete raw.verbose;
    }
    for (const { key, options } of config.domains.values()) {
      validateRaw(options, checkIds, (option) => `${config.file}: "domains[${JSON.stringify(key)}]" (${option})`);
    }
  }
  if (sources.format !== 'cli' && Array.isArray(raw.output)) {
    let file: string | undefined;
    try {
      file = parseOutputSpecs(raw.output as string[]).file;
    } catch {
      // The schema reports a bad --output value.
    }
    const inferred = file !== undefined ? formatFromFileName(file) : undefined;
    if (inferred) raw.format = inferred;
  }
  const cli = parseAuditCliOptions(raw, checkIds);
  for (const id of cli.ignore ?? []) {
    if (!findingIds.has(id)) throw new UsageError(`--ignore ${id}: not a finding id of any check. See the finding index in the README`);
  }
  if (cli.quiet && cli.verbose) throw new UsageError('--quiet and --verbose contradict each other. Give one of them');
  return { cli, raw, findingIds, ...(config ? { config } : {}) };
}

/** One parser for every line: commander restores its state before each parse, and declaring the options costs a millisecond. */
let lineParser: Command | undefined;

/** Options parsed from one `--file` line (raw, as commander gives them); throws a UsageError naming `source`. */
export function parseLineOptions(args: readonly string[], source: string): Record<string, unknown> {
  lineParser ??= auditOptionDeclarations()
    .helpOption(false)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined });
  const command = lineParser;
  try {
    command.parse([...args], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      const what = error.message.replace(/^error:\s*/i, '').replace(/\s+/g, ' ').trim().replace(/\.$/, '');
      throw new UsageError(printable(`${source}: ${what}. A line is a domain followed by per-domain options`));
    }
    throw error;
  }
  const raw: Record<string, unknown> = {};
  for (const option of command.options) {
    const key = option.attributeName();
    if (command.getOptionValueSource(key) !== 'cli' || key in raw) continue;
    if (!PER_DOMAIN_OPTIONS.has(key)) {
      const allowed = command.options.filter((other) => PER_DOMAIN_OPTIONS.has(other.attributeName())).map((other) => other.long);
      throw new UsageError(
        `${source}: ${option.long ?? key} applies to the whole run, not to one domain. Give it on the command line or in the config file; a line may carry ${allowed.join(', ')}`,
      );
    }
    raw[key] = command.getOptionValue(key);
  }
  return raw;
}

/** `extra` over `base`: list values add to the run's, except those that choose (checks, skip), which replace. */
function mergeRaw(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const before = merged[key];
    merged[key] = Array.isArray(value) && Array.isArray(before) && !REPLACED_PER_DOMAIN.has(key) ? [...before, ...value] : value;
  }
  return merged;
}

/**
 * The runner's options from parsed CLI options, with the extra CA
 * certificates read from --ca-file and the config file's ignore rules first.
 */
export function auditOptionsWithConfig(cli: AuditCliOptions, config: AuditConfig | undefined, extraCa?: string[]): AuditOptions {
  const options = toAuditOptions(cli, extraCa);
  const ignore = [...(config?.ignore ?? []), ...(options.ignore ?? [])];
  return ignore.length > 0 ? { ...options, ignore } : options;
}

/**
 * The options of each domain that has settings of its own (config `domains`,
 * or options on its `--file` line), computed up front so that every usage
 * error comes before the first query. Returns undefined when no domain has any.
 */
export function perDomainOptions(
  settings: RunSettings,
  listed: readonly ListedDomain[],
  toOptions: (cli: AuditCliOptions) => AuditOptions,
  checkIds: readonly string[],
): ((domain: string) => AuditOptions | undefined) | undefined {
  const own = new Map<string, { raw: Record<string, unknown>; sources: string[]; ignore: IgnoreRule[] }>();
  const entry = (domain: string) => {
    let value = own.get(domain);
    if (!value) own.set(domain, (value = { raw: {}, sources: [], ignore: [] }));
    return value;
  };
  const config = settings.config;
  for (const [domain, { key, options }] of config?.domains ?? []) {
    const item = entry(domain);
    item.raw = mergeRaw(item.raw, options);
    item.sources.push(`${config!.file}: "domains[${JSON.stringify(key)}]"`);
  }
  const seen = new Set<string>();
  for (const line of listed) {
    const parsed = parseDomain(line.value);
    // An invalid entry is reported by mergeDomains; a repeated one keeps the first entry's options.
    if (!parsed.ok || seen.has(parsed.domain)) continue;
    seen.add(parsed.domain);
    if (!line.args || line.args.length === 0) continue;
    const { ignore, ...lineRaw } = parseLineOptionsOnce(line.args, line.source);
    const item = entry(parsed.domain);
    item.raw = mergeRaw(item.raw, lineRaw);
    item.sources.push(line.source);
    item.ignore.push(...ignoreRulesFromIds(splitIds(ignore), line.source, parsed.domain));
  }
  if (own.size === 0) return undefined;
  const options = new Map<string, AuditOptions>();
  const parsedSets = new Map<string, AuditOptions>();
  for (const [domain, item] of own) {
    const source = item.sources.join(', ');
    for (const rule of item.ignore) {
      if (!settings.findingIds.has(rule.id)) {
        throw new UsageError(`${source}: --ignore ${rule.id}: not a finding id of any check. See the finding index in the README`);
      }
    }
    // Lines of a long list mostly repeat a few option sets: each distinct set is parsed once.
    const key = JSON.stringify(item.raw);
    let domainOptions = parsedSets.get(key);
    if (!domainOptions) {
      let cli: AuditCliOptions;
      try {
        cli = parseAuditCliOptions(mergeRaw(settings.raw, item.raw), checkIds);
      } catch (error) {
        if (error instanceof UsageError) throw new UsageError(printable(`${source}: ${error.message}`));
        throw error;
      }
      parsedSets.set(key, (domainOptions = toOptions(cli)));
    }
    const ignore = [...(domainOptions.ignore ?? []), ...item.ignore];
    options.set(domain, { ...domainOptions, ...(ignore.length > 0 ? { ignore } : {}) });
  }
  return (domain) => options.get(domain);
}

/** parseLineOptions, remembering the last few distinct argument lists (errors are not remembered: each names its line). */
const parsedLines = new Map<string, Record<string, unknown>>();
function parseLineOptionsOnce(args: readonly string[], source: string): Record<string, unknown> {
  const key = args.join('\u0000');
  const known = parsedLines.get(key);
  if (known) return known;
  const raw = parseLineOptions(args, source);
  if (parsedLines.size >= 256) parsedLines.delete(parsedLines.keys().next().value!);
  parsedLines.set(key, raw);
  return raw;
}

function splitIds(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => String(item).split(',')).map((item) => item.trim()).filter(Boolean);
}
