/**
 * The audit command's options: one zod schema validates what commander parsed
 * (strings) and converts it to typed values; `toAuditOptions` maps them to the
 * runner's AuditOptions. Every message is a complete sentence pair
 * "<what is wrong>. <how to fix>", printed after `mailcheck: `.
 */
import { isIp as isIP } from '../is-ip.js';
import * as z from 'zod';
import type { AuditOptions } from '../context.js';
import { parseDomain } from '../domain.js';
import { SEVERITIES } from '../severity.js';
import { FORMAT_NAMES, type FormatName } from '../report/formats.js';
import { UsageError } from './errors.js';
import { parseOutputSpecs } from './output-specs.js';
import { DEFAULT_BLOCKLISTS } from '../blocklist/lists.js';
import { PROFILE_IDS } from '../profiles/table.js';
import { parseShard } from './shard.js';
import { ignoreRulesFromIds } from '../suppress.js';

type Ctx = z.core.$RefinementCtx<string>;

function issue(ctx: Ctx, input: string, message: string): never {
  ctx.addIssue({ code: 'custom', message, input });
  return z.NEVER as never;
}

/** A whole number option within bounds. */
function wholeNumber(flag: string, min: number, max: number, what: string, example: number) {
  return z.string().transform((text, ctx) => {
    const trimmed = text.trim();
    const value = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      return issue(ctx, text, `${flag} "${text}" is not ${what} from ${min} to ${max}. Use e.g. ${flag} ${example}`);
    }
    return value;
  });
}

/** Splits repeatable, comma-separated values, dropping empty items. */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(',')).map((item) => item.trim()).filter((item) => item !== '');
}

/** A list of check ids, each known to the registry. */
function checkList(flag: string, checkIds: readonly string[]) {
  return z.array(z.string()).transform((values, ctx) => {
    const ids = splitList(values).map((id) => id.toLowerCase());
    for (const id of ids) {
      if (!checkIds.includes(id)) {
        ctx.addIssue({
          code: 'custom',
          input: id,
          message: `${flag}: unknown check "${id}". Valid checks: ${checkIds.join(', ')}`,
        });
        return z.NEVER;
      }
    }
    if (ids.length === 0) {
      ctx.addIssue({ code: 'custom', input: values, message: `${flag} needs at least one check id. Use e.g. ${flag} spf,dmarc` });
      return z.NEVER;
    }
    return [...new Set(ids)];
  });
}

/** A fully qualified domain name option (A-label out). */
function domainName(flag: string) {
  return z.string().transform((text, ctx) => {
    const parsed = parseDomain(text);
    if (!parsed.ok) return issue(ctx, text, `${flag}: ${parsed.error.replace(/\.$/, '')}`);
    return parsed.domain;
  });
}

/** RFC 6376 §3.1: a selector is one or more DNS labels; RFC 1035 §2.3.4: labels of at most 63 octets. */
const SELECTOR = /^(?!.*\.\.)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/i;

function selector(flag: string) {
  return z.string().transform((text, ctx) => {
    const value = text.trim().toLowerCase();
    if (!SELECTOR.test(value)) {
      return issue(ctx, text, `${flag} "${text}" is not a valid selector. Use DNS labels: letters, digits, hyphens, underscores, dots`);
    }
    return value;
  });
}

function ipAddress(flag: string) {
  return z.string().transform((text, ctx) => {
    const value = text.trim().replace(/^\[(.*)\]$/, '$1');
    if (!isIP(value)) return issue(ctx, text, `${flag} "${text}" is not an IPv4 or IPv6 address. Use e.g. ${flag} 192.0.2.10`);
    return value.toLowerCase();
  });
}

/** A DNS server: ip, ip:port, [v6]:port, bare v6, or an https:// URL (DNS over HTTPS). */
function resolverSpec(text: string): string | undefined {
  const value = text.trim();
  if (/^https:\/\/[^\s/]+/i.test(value)) return value;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value);
  if (bracketed) {
    if (!isIP(bracketed[1]!) || (bracketed[2] !== undefined && !validPort(bracketed[2]))) return undefined;
    return value;
  }
  if (isIP(value)) return value;
  const hostPort = /^([^:]+):(\d{1,5})$/.exec(value);
  if (hostPort && isIP(hostPort[1]!) === 4 && validPort(hostPort[2]!)) return value;
  return undefined;
}

const validPort = (text: string) => Number(text) >= 1 && Number(text) <= 65535;

/** One --resolver value. */
function resolverServer() {
  return z.string().transform((text, ctx) => {
    const spec = resolverSpec(text);
    if (spec === undefined) {
      return issue(
        ctx,
        text,
        `--resolver "${text}" is not a DNS server address. Use ip, ip:port, [ipv6]:port or an https:// URL, e.g. --resolver 192.0.2.53:5353`,
      );
    }
    return spec;
  });
}

/** The schema of the audit command's options, given the registry's check ids. */
export function auditCliSchema(checkIds: readonly string[]) {
  return z.object({
    format: z.string().transform((text, ctx) => {
      const name = text.trim().toLowerCase();
      if (!(FORMAT_NAMES as string[]).includes(name)) {
        return issue(ctx, text, `--format "${text}" is not a known format. Use one of: ${FORMAT_NAMES.join(', ')}`);
      }
      return name as FormatName;
    }),
    // A plain file for the main format, and format=file pairs (src/cli/batch.ts).
    output: z
      .array(z.string())
      .transform((values, ctx) => {
        try {
          return parseOutputSpecs(values);
        } catch (error) {
          return issue(ctx as unknown as Ctx, values.join(' '), error instanceof Error ? error.message : String(error));
        }
      })
      .optional(),
    color: z.boolean().optional(),
    verbose: z.boolean().optional(),
    resolver: z
      .array(z.string())
      .transform((values) => splitList(values))
      .pipe(z.array(resolverServer()))
      .optional(),
    timeout: wholeNumber('--timeout', 1, 120_000, 'a number of milliseconds', 3000).optional(),
    retries: wholeNumber('--retries', 0, 10, 'a whole number', 2).optional(),
    checks: checkList('--checks', checkIds).optional(),
    skip: checkList('--skip', checkIds).optional(),
    failOn: z.string().transform((text, ctx) => {
      const value = text.trim().toLowerCase();
      if (value !== 'none' && !(SEVERITIES as readonly string[]).includes(value)) {
        return issue(ctx, text, `--fail-on "${text}" is not a severity. Use one of: ${[...SEVERITIES, 'none'].join(', ')}`);
      }
      return value as (typeof SEVERITIES)[number] | 'none';
    }),
    minScore: wholeNumber('--min-score', 0, 100, 'a score', 80).optional(),
    dkimSelector: z
      .array(z.string())
      .transform((values) => splitList(values))
      .pipe(z.array(selector('--dkim-selector')))
      .optional(),
    ip: z
      .array(z.string())
      .transform((values) => splitList(values))
      .pipe(z.array(ipAddress('--ip')))
      .optional(),
    smtp: z.boolean().default(true),
    smtpPort: wholeNumber('--smtp-port', 1, 65535, 'a port', 2525).optional(),
    heloName: domainName('--helo-name').optional(),
    blocklist: z
      .array(z.string())
      .transform((values) => splitList(values))
      .pipe(z.array(domainName('--blocklist')))
      .optional(),
    // `all` drops every default list (the library's noBlocklists: ['all']); other values are checked against the defaults below.
    noBlocklist: z
      .array(z.string())
      .transform((values) => splitList(values))
      .pipe(
        z.array(
          z.string().transform((text, ctx) => {
            if (text.trim().toLowerCase() === 'all') return 'all';
            const parsed = parseDomain(text);
            if (!parsed.ok) return issue(ctx, text, `--no-blocklist: ${parsed.error.replace(/\.$/, '')}`);
            return parsed.domain;
          }),
        ),
      )
      .optional(),
    spamhausKey: z
      .string()
      .transform((text, ctx) => {
        const value = text.trim();
        if (!/^[a-z0-9]+$/i.test(value)) {
          return issue(ctx, text, '--spamhaus-key must be letters and digits only. Copy the key from your Spamhaus DQS account');
        }
        return value.toLowerCase();
      })
      .optional(),
    bimiSelector: selector('--bimi-selector').optional(),
    httpsPort: wholeNumber('--https-port', 1, 65535, 'a port', 8443).optional(),
    probeTimeout: wholeNumber('--probe-timeout', 1, 300_000, 'a number of milliseconds', 10000).optional(),
    caFile: z.array(z.string().min(1)).optional(),
    trustAnchor: z.array(z.string().min(1)).optional(),
    file: z.array(z.string().min(1)).optional(),
    concurrency: wholeNumber('--concurrency', 1, 1024, 'a whole number', 16).optional(),
    rate: wholeNumber('--rate', 0, 1_000_000, 'a number of queries per second (0: no limit)', 100).optional(),
    shard: z
      .string()
      .transform((text, ctx) => {
        try {
          return parseShard(text);
        } catch (error) {
          return issue(ctx, text, (error as Error).message);
        }
      })
      .optional(),
    baseline: z.string().min(1).optional(),
    failOnRegression: z.boolean().optional(),
    zone: z.array(z.string().min(1)).optional(),
    offline: z.boolean().optional(),
    saveDns: z.string().min(1).optional(),
    replay: z.string().min(1).optional(),
    profile: z
      .array(z.string())
      .transform((values, ctx) => {
        const ids = splitList(values).map((id) => id.toLowerCase());
        if (ids.includes('all')) return [...PROFILE_IDS];
        for (const id of ids) {
          if (!PROFILE_IDS.includes(id)) {
            ctx.addIssue({ code: 'custom', input: id, message: `--profile: unknown profile "${id}". Valid profiles: ${PROFILE_IDS.join(', ')}, all` });
            return z.NEVER;
          }
        }
        if (ids.length === 0) {
          ctx.addIssue({ code: 'custom', input: values, message: '--profile needs at least one profile id. Use e.g. --profile gmail-bulk,yahoo-bulk' });
          return z.NEVER;
        }
        return [...new Set(ids)];
      })
      .optional(),
    parked: z.boolean().optional(),
    // A file name, or false for --no-config (src/cli/config-file.ts reads it).
    config: z.union([z.string().min(1), z.literal(false)]).optional(),
    ignore: z
      .array(z.string())
      .transform((values) => splitList(values))
      .pipe(
        z.array(
          z.string().transform((text, ctx) => {
            const id = text.toLowerCase();
            if (!/^[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*$/.test(id)) {
              return issue(ctx, text, `--ignore "${text}" is not a finding id. Use <check>/<state>, e.g. --ignore bimi/missing,dnssec/unsigned`);
            }
            return id;
          }),
        ),
      )
      .optional(),
    quiet: z.boolean().optional(),
  });
}

export type AuditCliOptions = z.output<ReturnType<typeof auditCliSchema>>;

/** Built schemas by check id list: building one costs milliseconds, and a domain list may parse thousands of lines. */
const builtSchemas = new WeakMap<readonly string[], ReturnType<typeof auditCliSchema>>();

/** The schema for these check ids, built once. */
export function cachedAuditCliSchema(checkIds: readonly string[]): ReturnType<typeof auditCliSchema> {
  let schema = builtSchemas.get(checkIds);
  if (!schema) builtSchemas.set(checkIds, (schema = auditCliSchema(checkIds)));
  return schema;
}

/** Validates commander's option values; throws a UsageError naming the first problem. */
export function parseAuditCliOptions(raw: Record<string, unknown>, checkIds: readonly string[]): AuditCliOptions {
  const parsed = cachedAuditCliSchema(checkIds).safeParse(raw);
  if (!parsed.success) throw new UsageError(describeIssue(parsed.error.issues[0]));
  assertConsistent(parsed.data, checkIds);
  return parsed.data;
}

/** Options that are valid alone but contradict each other or select nothing. */
function assertConsistent(cli: AuditCliOptions, checkIds: readonly string[]): void {
  // --checks and --skip together must leave a check to run.
  const skip = new Set(cli.skip ?? []);
  if (cli.skip && (cli.checks ?? checkIds).every((id) => skip.has(id))) {
    throw new UsageError(
      cli.checks
        ? `--checks ${cli.checks.join(',')} with --skip ${cli.skip.join(',')} leaves no check to run. Drop ${cli.checks.length === 1 ? 'it' : 'them'} from --skip, or choose other checks`
        : `--skip ${cli.skip.join(',')} leaves no check to run. Skip fewer checks, or choose some with --checks`,
    );
  }
  // --no-blocklist drops a default list (or all of them); anything else would be silently ignored.
  if (cli.noBlocklist && cli.noBlocklist.length > 0) {
    const defaults = DEFAULT_BLOCKLISTS.map((list) => list.zone);
    for (const zone of cli.noBlocklist) {
      if (zone !== 'all' && !defaults.includes(zone)) {
        throw new UsageError(
          `--no-blocklist ${zone}: not a default list, so there is nothing to drop. Default lists: ${defaults.join(', ')} (or all); a list added with --blocklist is dropped by leaving it out`,
        );
      }
    }
    const both = (cli.blocklist ?? []).find((zone) => cli.noBlocklist!.includes(zone));
    if (both !== undefined) {
      throw new UsageError(`${both} is given to both --blocklist and --no-blocklist. Give it to one of them`);
    }
  }
}

/** A zod issue as one user-facing line (custom messages are written that way already). */
export function describeIssue(first: z.core.$ZodIssue | undefined): string {
  if (!first) return 'invalid options. Run "mailcheck --help" for usage';
  if (first.code === 'custom') return first.message;
  const flag = `--${String(first.path[0] ?? 'option').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return `${flag}: ${first.message}. Run "mailcheck --help" for usage`;
}

/** The runner's options from the validated CLI options (extra CA certificates are read by the caller). */
export function toAuditOptions(cli: AuditCliOptions, extraCa?: string[]): AuditOptions {
  const options: AuditOptions = { smtp: cli.smtp };
  if (cli.resolver && cli.resolver.length > 0) options.resolvers = cli.resolver;
  if (cli.timeout !== undefined) options.timeoutMs = cli.timeout;
  if (cli.retries !== undefined) options.retries = cli.retries;
  if (cli.rate !== undefined) options.rate = cli.rate;
  if (cli.checks) options.checks = cli.checks;
  if (cli.skip) options.skip = cli.skip;
  if (cli.dkimSelector && cli.dkimSelector.length > 0) options.dkimSelectors = [...new Set(cli.dkimSelector)];
  if (cli.smtpPort !== undefined) options.smtpPort = cli.smtpPort;
  if (cli.httpsPort !== undefined) options.httpsPort = cli.httpsPort;
  if (cli.heloName !== undefined) options.heloName = cli.heloName;
  if (cli.probeTimeout !== undefined) options.probeTimeoutMs = cli.probeTimeout;
  if (extraCa && extraCa.length > 0) options.extraCa = extraCa;
  if (cli.ip && cli.ip.length > 0) options.ips = [...new Set(cli.ip)];
  if (cli.blocklist && cli.blocklist.length > 0) options.blocklists = [...new Set(cli.blocklist)];
  if (cli.noBlocklist && cli.noBlocklist.length > 0) options.noBlocklists = [...new Set(cli.noBlocklist)];
  if (cli.spamhausKey !== undefined) options.spamhausKey = cli.spamhausKey;
  if (cli.bimiSelector !== undefined) options.bimiSelector = cli.bimiSelector;
  if (cli.offline) options.offline = true;
  if (cli.profile && cli.profile.length > 0) options.profiles = cli.profile;
  if (cli.parked) options.parked = true;
  if (cli.ignore && cli.ignore.length > 0) options.ignore = ignoreRulesFromIds(cli.ignore, '--ignore');
  return options;
}
