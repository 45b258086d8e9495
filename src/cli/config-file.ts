/**
 * The config file: `mailcheck.config.json` or `.mailcheckrc.json`, found in
 * the working directory or the nearest directory above it (`--config <file>`
 * names one, `--no-config` uses none). It holds defaults for the audit's
 * options (keyed as the options' camelCase names: `failOn`, `resolver`,
 * `dkimSelector` …; the command line wins), per-domain settings under
 * `domains`, and ignore rules under `ignore`. Validated with zod; every
 * problem is one line naming the file and the key.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { lazySchema } from '../schema/lazy-schema.js';
import { parseDomain } from '../domain.js';
import { findConfigFile } from './config-file-location.js';
import { UsageError, errorCode } from './errors.js';
import type { IgnoreRule } from '../suppress.js';

// Where the config file is looked for: its own module, which the CLI's early round (src/cli/early-round.ts) reads without zod.
export { CONFIG_FILE_NAMES, findConfigFile } from './config-file-location.js';

/** The largest config file read, bytes. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** How an option takes its value on the command line: a flag, one value, or a repeatable list. */
export type OptionKind = 'boolean' | 'value' | 'list';

/** Options whose values are paths: a relative path in a config file is relative to the file's directory. */
const PATH_OPTIONS: ReadonlySet<string> = new Set(['file', 'zone', 'baseline', 'caFile', 'trustAnchor', 'saveDns', 'replay', 'output']);

/** Options a config file cannot set (they choose the config file itself). */
const NOT_IN_CONFIG: ReadonlySet<string> = new Set(['config']);

/**
 * Per-domain settings of the `domains` map → the option (attribute name)
 * each one sets. `parked` and `profiles` are the `--parked` and `--profile`
 * options of the audit.
 */
export const DOMAIN_SETTING_OPTIONS = {
  dkimSelectors: 'dkimSelector',
  ips: 'ip',
  blocklists: 'blocklist',
  parked: 'parked',
  profiles: 'profile',
} as const;

/** A loaded config file, in the command line's raw form so that one schema validates both. */
export interface AuditConfig {
  /** The file, as found or given. */
  file: string;
  /** Option defaults keyed by attribute name: strings, string lists and booleans, as commander gives them. */
  defaults: Record<string, unknown>;
  /** Per-domain raw options (attribute name → value), by A-label domain; each entry remembers its key for messages. */
  domains: Map<string, { key: string; options: Record<string, unknown> }>;
  /** Ignore rules, their domains normalised. */
  ignore: IgnoreRule[];
}

/** C0 and C1 control characters (ESC starts terminal escape sequences). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** `text` with control characters written as \u escapes, for a message on a terminal. */
export function printable(text: string): string {
  return text.replace(new RegExp(CONTROL.source, 'g'), (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A finding id as the catalogue writes it. */
const FINDING_ID = /^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*$/;

const scalar = lazySchema(() => z.union([z.string(), z.number()]));

const ignoreRuleSchema = lazySchema(() =>
  z.strictObject({
    id: z.string().regex(FINDING_ID, 'is not a finding id (<check>/<state>, e.g. bimi/missing)').describe('The finding id to accept (see the finding index).'),
    domain: z.string().optional().describe('Only this domain; every domain of the run when absent.'),
    reason: z
      .string()
      .trim()
      .min(1, 'must say why the finding is accepted')
      // Shown on terminals: no control characters (escape sequences) in the text report.
      .refine((text) => !CONTROL.test(text), 'must be printable text, without control characters')
      .describe('Why the finding is accepted (shown in the report).'),
    until: z
      .string()
      .refine(isCalendarDay, 'is not a day: use YYYY-MM-DD, the last day the rule holds (UTC)')
      .optional()
      .describe('The last day (YYYY-MM-DD, UTC) the rule holds; from the next day the finding counts again.'),
  }),
);

const domainSettingsSchema = lazySchema(() =>
  z.strictObject({
    dkimSelectors: z.array(z.string()).optional().describe('DKIM selectors to probe for this domain (--dkim-selector).'),
    ips: z.array(z.string()).optional().describe('Sending IPs of this domain (--ip).'),
    blocklists: z.array(z.string()).optional().describe('Blocklist zones to add for this domain (--blocklist).'),
    parked: z.boolean().optional().describe('The domain is parked and sends no mail (--parked).'),
    profiles: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/i, 'is not a profile name'))
      .optional()
      .describe("Mailbox providers' sender requirements to check (--profile)."),
  }),
);

function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** The config file schema for these options (attribute name → kind; `descriptions` for the JSON Schema). */
export function configSchema(kinds: ReadonlyMap<string, OptionKind>, descriptions: ReadonlyMap<string, string> = new Map()) {
  const shape: Record<string, z.ZodType> = {
    $schema: z.string().optional().describe('The JSON Schema of this file, for editors.'),
    domains: z.record(z.string(), domainSettingsSchema()).optional().describe('Per-domain settings, keyed by domain.'),
    ignore: z.array(ignoreRuleSchema()).optional().describe('Findings to accept: kept in the report, left out of score, thresholds and fixes.'),
  };
  for (const [name, kind] of kinds) {
    if (NOT_IN_CONFIG.has(name) || name === 'ignore') continue;
    const value = kind === 'boolean' ? z.boolean() : kind === 'value' ? scalar() : z.union([scalar(), z.array(scalar())]);
    const description = descriptions.get(name);
    shape[name] = (description ? value.describe(description) : value).optional();
  }
  return z.strictObject(shape).describe('mailcheck config file (mailcheck.config.json or .mailcheckrc.json): option defaults, per-domain settings and ignore rules.');
}

/** Where a key sits, as a user writes it: `domains["example.com"].ips[0]`. */
function keyPath(segments: readonly PropertyKey[]): string {
  if (segments.length === 1) return String(segments[0]);
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(segment))) text += `${text === '' ? '' : '.'}${String(segment)}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text || '(top level)';
}

const camel = (text: string) => text.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** Whether the JSON value has something at `segments`. */
function present(json: unknown, segments: readonly PropertyKey[]): boolean {
  let value: unknown = json;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return false;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value !== undefined;
}

/** One zod issue of a config file as a sentence naming the key. */
function describe(issue: z.core.$ZodIssue, kinds: ReadonlyMap<string, OptionKind>, json: unknown): string {
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const where = keyPath([...issue.path, key]);
    const option = camel(key.replace(/^--?/, ''));
    const hint = kinds.has(option) && option !== key ? ` Write it as "${option}"` : issue.path.length === 0 ? ' Keys are option names in camelCase (failOn, dkimSelector …), "domains" and "ignore"' : issue.path[0] === 'domains' ? ` A domain's keys are ${Object.keys(DOMAIN_SETTING_OPTIONS).join(', ')}` : ' Rules have id, domain, reason and until';
    return `unknown key "${where}".${hint}`;
  }
  const where = keyPath(issue.path);
  if (issue.code === 'invalid_type' && !present(json, issue.path)) return `"${where}" is missing`;
  if (issue.code === 'invalid_type' || issue.code === 'invalid_union') {
    const name = String(issue.path[issue.path.length - 1] ?? '');
    const kind = name === 'ignore' || name === 'domains' ? undefined : kinds.get(name);
    const expected =
      issue.path.length === 1 && kind
        ? { boolean: 'true or false', value: 'a string or a number', list: 'a string or a list of strings' }[kind]
        : issue.code === 'invalid_type'
          ? issue.expected === 'array'
            ? 'a list'
            : issue.expected === 'object'
              ? 'an object'
              : `a ${issue.expected}`
          : 'another type';
    return `"${where}" must be ${expected}`;
  }
  return `"${where}" ${issue.message}`;
}

/**
 * Parses a config file's text. `kinds` names the audit's options; `findingIds`
 * the catalogue (an ignore rule for an id that does not exist would silently
 * accept nothing). Throws a UsageError naming the file and the key.
 */
export function parseConfig(text: string, file: string, kinds: ReadonlyMap<string, OptionKind>, findingIds: ReadonlySet<string>): AuditConfig {
  const fail = (what: string): never => {
    throw new UsageError(printable(`${file}: ${what.replace(/\.$/, '')}. Fix the config file, or run with --no-config`));
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(`not valid JSON (${(error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ')})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('must hold one JSON object');
  const parsed = configSchema(kinds).safeParse(json);
  if (!parsed.success) fail(describe(parsed.error.issues[0]!, kinds, json));
  const data = parsed.data as Record<string, unknown> & {
    domains?: Record<string, z.infer<ReturnType<typeof domainSettingsSchema>>>;
    ignore?: Array<z.infer<ReturnType<typeof ignoreRuleSchema>>>;
  };
  const directory = path.dirname(file);

  const defaults: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) {
    const kind = kinds.get(name);
    if (!kind || value === undefined || NOT_IN_CONFIG.has(name) || name === 'ignore') continue;
    defaults[name] = rawValue(kind, value, PATH_OPTIONS.has(name) ? (item) => relativeTo(directory, name, item) : undefined);
  }

  const domains: AuditConfig['domains'] = new Map();
  for (const [key, settings] of Object.entries(data.domains ?? {})) {
    const parsedDomain = parseDomain(key);
    if (!parsedDomain.ok) fail(`"domains" key "${key}": ${parsedDomain.error}`);
    const domain = (parsedDomain as { domain: string }).domain;
    if (domains.has(domain)) fail(`"domains" names ${domain} twice ("${domains.get(domain)!.key}", "${key}")`);
    const options: Record<string, unknown> = {};
    for (const [setting, value] of Object.entries(settings)) {
      if (value === undefined) continue;
      options[DOMAIN_SETTING_OPTIONS[setting as keyof typeof DOMAIN_SETTING_OPTIONS]] = value;
    }
    domains.set(domain, { key, options });
  }

  const ignore: IgnoreRule[] = [];
  for (const [index, rule] of (data.ignore ?? []).entries()) {
    if (!findingIds.has(rule.id)) fail(`"ignore[${index}].id" "${rule.id}" is not a finding id of any check. See the finding index in the README`);
    let domain: string | undefined;
    if (rule.domain !== undefined) {
      const parsedDomain = parseDomain(rule.domain);
      if (!parsedDomain.ok) fail(`"ignore[${index}].domain": ${parsedDomain.error}`);
      domain = (parsedDomain as { domain: string }).domain;
    }
    ignore.push({
      id: rule.id,
      ...(domain !== undefined ? { domain } : {}),
      reason: rule.reason,
      ...(rule.until !== undefined ? { until: rule.until } : {}),
      source: file,
    });
  }
  return { file, defaults, domains, ignore };
}

/** A config value in commander's raw form: a list option gets a list of strings, a value option a string. */
function rawValue(kind: OptionKind, value: unknown, mapPath?: (item: string) => string): unknown {
  if (kind === 'boolean') return value;
  const map = mapPath ?? ((item: string) => item);
  if (kind === 'value') return map(String(value));
  return (Array.isArray(value) ? value : [value]).map((item) => map(String(item)));
}

/** A path option's value relative to the config file's directory (`-` and `format=` prefixes kept). */
function relativeTo(directory: string, option: string, value: string): string {
  if (value === '-' && option === 'file') return value;
  const pair = option === 'output' ? /^([a-z]+)=(.*)$/i.exec(value) : null;
  if (pair) return `${pair[1]}=${path.resolve(directory, pair[2]!)}`;
  return path.resolve(directory, value);
}


/** Finds, reads and parses the run's config file; undefined when there is none. */
export async function loadConfig(
  given: string | false | undefined,
  cwd: string,
  kinds: ReadonlyMap<string, OptionKind>,
  findingIds: ReadonlySet<string>,
): Promise<AuditConfig | undefined> {
  const file = await findConfigFile(given, cwd);
  if (file === undefined) return undefined;
  let text: string;
  try {
    // A config file is a few kilobytes: refuse a huge or endless one (a device, a mistaken path) before reading it.
    const stat = await fs.stat(file);
    if (!stat.isFile() || stat.size > MAX_CONFIG_BYTES) {
      throw new UsageError(
        printable(`the config file "${file}" is ${stat.isFile() ? `${stat.size} bytes, over the limit of ${MAX_CONFIG_BYTES}` : 'not a regular file'}. Give a mailcheck config file`),
      );
    }
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(printable(`cannot read the config file "${file}" (${errorCode(error)}). Check the path given to --config`));
  }
  return parseConfig(text, file, kinds, findingIds);
}
