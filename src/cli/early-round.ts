/**
 * The CLI's early round: for `mailcheck <domain>` the first questions of the
 * audit's longest chains leave as soon as the process starts, and the answers
 * travel while the CLI loads (about 40 ms of parsing, compiling and setting
 * up before the audit's own first question).
 *
 * Bundled on its own (dist/cli.early.js, scripts/build-cli.mjs) and run by
 * bin/mailcheck.js before it loads the CLI. The questions are the domain's
 * TXT (the SPF record, whose includes are most often the longest chain) when
 * the spf check runs, and its MX (the MX hosts' addresses, PTR and DNSSEC
 * chains) when the mx check runs: each check asks them first thing, whatever
 * the answers. They go to the server the resolver asks first, as its first
 * attempt would (src/dns/transport.ts, sendFirstAttempt); the resolver takes
 * each over as its own first attempt (EarlyAttempts), so a question still
 * goes on the wire once and is logged, timed out, retried and paced as usual.
 *
 * Every usage error comes before the first question: nothing leaves early
 * unless the whole command line is one domain and options from EARLY_VALUES
 * and EARLY_FLAGS, every value valid (the readers the options' schema uses),
 * and no config file applies. Anything else (a subcommand, another option, a
 * config file, DNS over HTTPS) runs as before. Never throws and never prints.
 */
import { parseDomain } from '../domain.js';
import { DEFAULT_TIMEOUT_MS } from '../dns/defaults.js';
import { parseServerSpec, systemServers } from '../dns/server-spec.js';
import { sendFirstAttempt, type EarlyAttempts } from '../dns/transport.js';
import { createUdpChannels } from '../dns/udp-channels.js';
import { canonicalName, type WireMessage } from '../dns/wire.js';
import { CHECK_ID_LIST } from './check-ids.js';
import { findConfigFile } from './config-file-location.js';
import { isProblem, readCheckList, readFailOn, readFormat, readResolver, readWholeNumber, type Problem } from './option-values.js';

/** The wire type numbers of the early questions (RFC 1035 §3.2.2). */
const TXT = 16;
const MX = 15;

/** Options with a value the early round reads (`--name value` or `--name=value`), and how. */
const EARLY_VALUES: Record<string, (text: string) => unknown> = {
  '--resolver': readResolver,
  '--format': readFormat,
  '--timeout': readWholeNumber('timeout'),
  '--retries': readWholeNumber('retries'),
  '--fail-on': readFailOn,
  '--min-score': readWholeNumber('minScore'),
  '--checks': (text) => readCheckList('--checks', CHECK_ID_LIST)([text]),
  '--skip': (text) => readCheckList('--skip', CHECK_ID_LIST)([text]),
};
/** Repeatable options among them (lists); any other given twice leaves the run to the CLI. */
const REPEATABLE = new Set(['--checks', '--skip']);
/** Flags the early round accepts: they change nothing it asks. */
const EARLY_FLAGS = new Set(['--no-smtp', '--color', '--no-color']);

/** The command line's domain and the option values the early round needs; undefined when it stays out. */
function readCommandLine(argv: readonly string[]): { domain: string; values: Map<string, unknown[]> } | undefined {
  const positional: string[] = [];
  const values = new Map<string, unknown[]>();
  for (let at = 0; at < argv.length; at++) {
    const token = argv[at]!;
    if (!token.startsWith('-')) {
      positional.push(token);
      continue;
    }
    if (EARLY_FLAGS.has(token)) continue;
    const equals = token.indexOf('=');
    const name = equals === -1 ? token : token.slice(0, equals);
    const read = Object.hasOwn(EARLY_VALUES, name) ? EARLY_VALUES[name] : undefined;
    if (!read) return undefined;
    const text = equals === -1 ? argv[++at] : token.slice(equals + 1);
    // A missing value, or one that looks like an option: the CLI words the error.
    if (text === undefined || (equals === -1 && text.startsWith('-'))) return undefined;
    const value = read(text);
    if (isProblem(value as Problem | undefined)) return undefined;
    const seen = values.get(name) ?? [];
    if (seen.length > 0 && !REPEATABLE.has(name)) return undefined;
    values.set(name, [...seen, value]);
  }
  if (positional.length !== 1) return undefined;
  // A subcommand's name (`mcp`, `reports` …) is a single label, which is never a domain to audit.
  const parsed = parseDomain(positional[0]!);
  return parsed.ok ? { domain: parsed.domain, values } : undefined;
}

/** The checks that run (the runner's selection, src/run.ts), or undefined when the CLI must decide. */
function selectedChecks(values: Map<string, unknown[]>): Set<string> | undefined {
  const checks = (values.get('--checks') as string[][] | undefined)?.flat();
  const skip = (values.get('--skip') as string[][] | undefined)?.flat();
  if (checks && skip) return undefined;
  const selected = new Set<string>(checks ?? CHECK_ID_LIST);
  for (const id of skip ?? []) selected.delete(id);
  return selected.size > 0 ? selected : undefined;
}

/**
 * Sends the early round for `argv` (the arguments after the program name)
 * and returns what the resolver takes over; undefined when nothing was sent.
 * Settles once the questions have left.
 */
export async function sendEarlyRound(argv: readonly string[], cwd: string = process.cwd()): Promise<EarlyAttempts | undefined> {
  try {
    const line = readCommandLine(argv);
    if (!line) return undefined;
    const checks = selectedChecks(line.values);
    if (!checks) return undefined;
    const types = [...(checks.has('spf') ? [TXT] : []), ...(checks.has('mx') ? [MX] : [])];
    if (types.length === 0) return undefined;
    // A config file may set the resolver, the checks or anything else (src/cli/config.ts).
    if ((await findConfigFile(undefined, cwd)) !== undefined) return undefined;
    const resolvers = (line.values.get('--resolver') as string[] | undefined) ?? systemServers();
    const first = resolvers[0];
    if (first === undefined || /^https:/i.test(first)) return undefined;
    const server = parseServerSpec(first);
    const timeoutMs = (line.values.get('--timeout')?.[0] as number | undefined) ?? DEFAULT_TIMEOUT_MS;
    const channels = createUdpChannels(server, { socketsPerServer: 1, queriesPerSocket: types.length, idleMs: timeoutMs });
    const qname = canonicalName(line.domain);
    const sent = new Map<string, Promise<WireMessage | undefined>>();
    for (const type of types) {
      // The resolver sets the DO bit on every question (RFC 3225; src/dns/resolver.ts).
      const attempt = sendFirstAttempt(channels, line.domain, type, { timeoutMs, dnssecOk: true });
      // A socket that cannot be set up fails the resolver's attempt as it would its own; unclaimed, it is no unhandled rejection.
      attempt.catch(() => undefined);
      sent.set(`${server.label} ${qname} ${type} true`, attempt);
    }
    await channels.sent();
    return {
      take(serverLabel, name, type, dnssecOk) {
        const key = `${serverLabel} ${name} ${type} ${dnssecOk}`;
        const reply = sent.get(key);
        sent.delete(key);
        return reply;
      },
    };
  } catch {
    // The CLI meets whatever went wrong, and reports it.
    return undefined;
  }
}
