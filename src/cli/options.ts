/**
 * The audit command's options: one zod schema validates what commander parsed
 * (strings) and converts it to typed values; `toAuditOptions` maps them to the
 * runner's AuditOptions. Every message is a complete sentence pair
 * "<what is wrong>. <how to fix>", printed after `mailcheck: `.
 */
import * as z from 'zod';
import type { AuditOptions } from '../context.js';
import { parseDomain } from '../domain.js';
import { UsageError } from './errors.js';
import { DEFAULT_BLOCKLISTS } from '../blocklist/lists.js';
import { PROFILE_IDS } from '../profiles/table.js';
import { parseShard } from './shard.js';
import { ignoreRulesFromIds } from '../suppress.js';
import { splitList } from './option-values.js';
import { commonOptionSchemas, issue, readCommonOptions } from './common-options.js';

export { splitList };

/** The schema of the audit command's options, given the registry's check ids. */
export function auditCliSchema(checkIds: readonly string[]) {
  return z.object({
    // Declared with their quick readers in ./common-options.ts.
    ...commonOptionSchemas(checkIds),
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
  // A common, valid command line is read without building the schema (the
  // same readers, the same result); anything else, and every error, goes
  // through the schema.
  const quick = readCommonOptions(raw, checkIds) as AuditCliOptions | undefined;
  if (quick) {
    assertConsistent(quick, checkIds);
    return quick;
  }
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
