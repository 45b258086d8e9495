/**
 * The command line: `mailcheck [options] <domain...>` and `mailcheck spf <domain>`.
 *
 * Shape (so new options and formats slot in without rewriting anything):
 * - `defineAuditOptions` declares every option of the audit command on the
 *   commander program (flags and help only: values stay strings);
 * - src/cli/options.ts validates them with one zod schema and maps them to
 *   AuditOptions (loaded after parsing, like everything heavy, so that
 *   `--version` and `--help` start fast);
 * - src/report/formats.ts maps each `--format` name to its reporter.
 * To add an option: declare it here, add its field to the schema in
 * src/cli/options.ts, and map it in `toAuditOptions` (or use it in `runAudit`).
 *
 * Every usage or input error is one line on stderr, `mailcheck: <what is
 * wrong>. <how to fix>`, and exit code 2; never a stack trace.
 */
import { PROFILE_IDS } from '../profiles/table.js';
import { Command, CommanderError, Option } from 'commander';
import { InputError } from '../domain.js';
import { EXIT } from '../exit-code.js';
import { packageInfo } from '../package-info.js';
import { terminalText } from '../report/escape.js';
import { FORMAT_NAMES } from '../report/formats.js';
import { MCP_HELP } from '../mcp/help.js';

/** Where the CLI reads and writes; the real process by default, replaceable in tests. */
export interface CliIo {
  stdout: WritableLike;
  stderr: WritableLike;
  env: Readonly<Record<string, string | undefined>>;
}

export interface WritableLike {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
  isTTY?: boolean;
  columns?: number;
}

/** A usage or input error: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The check ids for --help (kept equal to src/checks/index.ts by a test; listed here so --help loads no check). */
export const HELP_CHECK_IDS = 'mx, spf, dkim, dmarc, ptr, tls, mta-sts, tls-rpt, dnssec, dane, blocklist, bimi';

const EXAMPLES = `
Examples:
  $ mailcheck example.com
  $ mailcheck user@example.com --format json -o report.json
  $ mailcheck example.com example.org --fail-on medium --min-score 80
  $ mailcheck example.com --resolver 192.0.2.53 --resolver [2001:db8::53]:5353 -v
  $ mailcheck example.com --checks spf,dmarc,dkim --dkim-selector s1,s2
  $ mailcheck example.com --no-smtp --skip blocklist
  $ mailcheck example.com --ip 192.0.2.10
  $ mailcheck spf example.com --ip 192.0.2.10 --sender bounce@example.com
  $ mailcheck example.com --reports ~/dmarc-reports/
  $ mailcheck reports ~/dmarc-reports/ --domain example.com
  $ mailcheck --file domains.txt --format ndjson > reports.ndjson
  $ mailcheck example.com --format sarif -o mailcheck.sarif --output html=report.html
  $ mailcheck --file domains.txt --baseline last-night.json --fail-on-regression
  $ mailcheck example.com --zone example.com.zone --offline
  $ mailcheck example.com --resolver https://dns.example/dns-query --save-dns capture.json
  $ mailcheck example.com --profile gmail-bulk,yahoo-bulk --ip 192.0.2.10
  $ mailcheck old-brand.example --parked
  $ mailcheck --file domains.txt --ignore bimi/missing,dnssec/unsigned --quiet
  $ mailcheck completion bash > ~/.local/share/bash-completion/completions/mailcheck

Check ids: ${HELP_CHECK_IDS}.

Exit codes: 0 no finding at or above --fail-on and score >= --min-score;
  1 a threshold was breached; 2 usage or input error; 3 the audit is
  incomplete (a check could not conclude) and no threshold was breached;
  4 mailcheck itself failed (please report it).
`;

/** Appends a repeatable option's value. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Reads package.json's version without loading anything else. */
function version(): string {
  return packageInfo().version;
}

/**
 * Declares every option of the audit command. Values stay strings here;
 * src/cli/options.ts validates and converts them.
 */
export function defineAuditOptions(command: Command): Command {
  // `--no-blocklist <zone>` takes a value: it is its own option (noBlocklist), not the negation of --blocklist.
  const noBlocklist = new Option('--no-blocklist <zone>', 'drop zones from the default blocklists, or all (comma-separated, repeatable)').argParser(
    collect,
  );
  noBlocklist.negate = false;
  return (
    command
      .optionsGroup('Output:')
      .option('--format <name>', `output format: ${FORMAT_NAMES.join(', ')}; when not given, -o's extension chooses it`, 'text')
      .option(
        '-o, --output <[format=]file>',
        'write the report to <file> instead of stdout (.json .ndjson .csv .md .html .sarif .xml choose the format); format=file writes that format to file as well (repeatable)',
        collect,
      )
      .option('-q, --quiet', 'print only one summary line per domain, and errors')
      .option('--color', 'colour the text report even when stdout is not a terminal')
      .option('--no-color', 'never colour (also: NO_COLOR=1)')
      .option('-v, --verbose', 'show evidence and facts, and the DNS transcript on stderr')
      .optionsGroup('DNS:')
      .option(
        '--resolver <ip[:port]|url>',
        'DNS servers to ask (comma-separated, repeatable); IPv6 as [::1]:5353; https://… for DNS over HTTPS (default: the system resolvers)',
        collect,
      )
      .option('--timeout <ms>', 'timeout of one DNS query, ms (default: 2000)')
      .option('--retries <n>', 'retries of a DNS query after a timeout (default: 1)')
      .option('--rate <qps>', 'queries per second to each DNS server, backing off when it refuses; 0: no limit (default: 200, none for 127.0.0.1/::1)')
      .optionsGroup('Checks and thresholds:')
      .option('--checks <ids>', 'run only these checks (comma-separated, repeatable)', collect)
      .option('--skip <ids>', 'do not run these checks (comma-separated, repeatable)', collect)
      .option('--fail-on <severity>', 'exit 1 on a finding at or above: critical, high, medium, low, info, none', 'high')
      .option('--min-score <0-100>', 'exit 1 when a score is below this')
      .optionsGroup('Check settings:')
      .option('--dkim-selector <s>', 'DKIM selector to probe besides the built-in list (comma-separated, repeatable)', collect)
      .option('--ip <addr>', 'sending IPs to evaluate for SPF, reverse DNS and blocklists (comma-separated, repeatable)', collect)
      .option('--reports <path>', 'DMARC reports (files or folders): probe the DKIM selectors they name, evaluate their sending IPs (repeatable)', collect)
      .option('--no-smtp', 'do not connect to port 25 (for networks that block it)')
      .option('--smtp-port <port>', 'port of the SMTP probe (default: 25)')
      .option('--helo-name <name>', 'name to send in EHLO (default: this host\'s name if fully qualified, else mailcheck.invalid)')
      .option('--blocklist <zone>', 'add blocklist zones to the default set (comma-separated, repeatable)', collect)
      .addOption(noBlocklist)
      .option('--spamhaus-key <key>', 'Spamhaus DQS key, to query Spamhaus through a public resolver')
      .option('--bimi-selector <s>', 'BIMI selector (default: default)')
      .optionsGroup('Batches and CI:')
      .option('--file <path>', 'read domains or addresses from <path>, one per line, # comments; - reads stdin (repeatable)', collect)
      .option('--concurrency <n>', 'domains audited at the same time (default: 16)')
      .option('--shard <i/n>', 'audit only the i-th of n stable shares of the domains (by a hash of each domain), e.g. 1/4')
      .option('--baseline <report.json>', 'compare with an earlier --format json or ndjson run: new, resolved, unchanged findings')
      .option('--fail-on-regression', 'with --baseline: exit 1 only on new findings at or above --fail-on or a lower score')
      .optionsGroup('Zone previews and DNS captures:')
      .option('--zone <file>', 'answer the names this zone file (RFC 1035) defines from it, not from DNS (repeatable)', collect)
      .option('--offline', 'with --zone: answer only from the zone files (other names are unknown), network probes are skipped')
      .option('--save-dns <file>', 'write every DNS answer of the run to <file>')
      .option('--replay <file>', 'answer DNS from a --save-dns file, without any network')
      .optionsGroup('Mailbox providers:')
      .option('--profile <ids>', `judge these mailbox-provider profiles and exit 1 when one fails: ${PROFILE_IDS.join(', ')} or all (comma-separated, repeatable)`, collect)
      .option('--parked', 'the domain must be parked (sends and receives no mail): exit 1 with a finding for each missing piece')
      .optionsGroup('Configuration:')
      .option('--config <file>', 'read defaults, per-domain settings and ignore rules from <file> (default: mailcheck.config.json or .mailcheckrc.json here or above)')
      .option('--no-config', 'read no config file')
      .option('--ignore <ids>', 'accept these finding ids: kept in the report, left out of score, thresholds and fixes (comma-separated, repeatable)', collect)
      // Testing: hidden from --help.
      .optionsGroup('Testing:')
      .addOption(new Option('--https-port <port>', 'port for MTA-STS and BIMI HTTPS fetches (testing)').hideHelp())
      .addOption(new Option('--probe-timeout <ms>', 'timeout of SMTP and HTTPS connections (testing)').hideHelp())
      .addOption(new Option('--ca-file <file>', 'extra trusted CA certificates, PEM (testing; repeatable)').argParser(collect).hideHelp())
  );
}

/** The program's options that `mailcheck spf` uses (attribute names); the others do not apply to it. */
const SPF_PROGRAM_OPTIONS: ReadonlySet<string> = new Set(['format', 'output', 'color', 'verbose', 'resolver', 'timeout', 'retries', 'ip']);

/** A commander error raised while parsing a subcommand: its help is the one to point to. */
type SubcommandError = CommanderError & { subcommand?: string };

/**
 * The flags given on the command line (not defaults) among the program's
 * options that `mailcheck spf` does not use: they would be silently ignored.
 */
export function optionsNotForSpf(program: Command): string[] {
  const flags: string[] = [];
  for (const option of program.options) {
    const key = option.attributeName();
    if (SPF_PROGRAM_OPTIONS.has(key) || program.getOptionValueSource(key) !== 'cli') continue;
    const flag = option.long ?? option.short ?? key;
    if (!flags.includes(flag)) flags.push(flag);
  }
  return flags;
}

/** Builds the commander program. `done` receives the exit code of the command that ran. */
export function buildProgram(io: CliIo, done: (code: number) => void): Command {
  const program = new Command('mailcheck')
    .description(
      "Audit a domain's mail setup: MX, SPF, DKIM, DMARC, reverse DNS, STARTTLS, MTA-STS, TLS-RPT, DNSSEC/DANE, BIMI and blocklists.",
    )
    .usage('[options] <domain...>')
    .argument('[domain...]', 'domains or e-mail addresses to audit')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Errors are printed by `main`, as one line.
      outputError: () => undefined,
    });
  defineAuditOptions(program);
  program.action(async (domains: string[], _options: unknown, command: Command) => {
    const { runAudit } = await import('./run.js');
    const sources = Object.fromEntries(command.options.map((option) => [option.attributeName(), command.getOptionValueSource(option.attributeName())]));
    done(await runAudit(domains, command.opts(), io, sources));
  });

  program
    .command('spf')
    .description('show the SPF include tree of <domain>, or evaluate check_host() for --ip (RFC 7208)')
    .argument('<domain>', 'domain or e-mail address')
    // --ip, --resolver, --timeout, --retries, --format, --color, -v and -o are the program's options, usable here too.
    .option('--sender <mailbox>', 'MAIL FROM address for the evaluation (default: the address given as <domain>, else postmaster@<domain>)')
    .option('--helo <name>', 'HELO/EHLO name for the evaluation')
    .addHelpText(
      'after',
      `
Also: --ip <addr> (evaluate check_host() for this client IP), --resolver, --timeout,
--retries, --format text|json, -o <file>, --color/--no-color, -v.

The other options of mailcheck (--checks, --fail-on, --dkim-selector …) do not
apply here and are refused.

Examples:
  $ mailcheck spf example.com
  $ mailcheck spf example.com --ip 192.0.2.10 --sender bounce@example.com
  $ mailcheck example.com --reports ~/dmarc-reports/
  $ mailcheck reports ~/dmarc-reports/ --domain example.com --helo mail.example.com
  $ mailcheck spf bounce@example.com --ip 192.0.2.10

Exit codes: with --ip: 0 pass, 1 any other result, 3 temperror.
  The tree (no --ip): 0 no high or critical SPF finding, 1 a high or
  critical finding, 3 DNS did not answer. Both: 2 usage error (with --ip a
  malformed domain, sender or HELO is evaluated: "none", RFC 7208 §4.3).
`,
    )
    .exitOverride((error: SubcommandError) => {
      error.subcommand = 'spf';
      throw error;
    })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => undefined,
    })
    .action(async (domain: string, _options: unknown, command: Command) => {
      const ignored = optionsNotForSpf(program);
      if (ignored.length > 0) {
        const list = ignored.length === 1 ? `${ignored[0]} does` : `${ignored.slice(0, -1).join(', ')} and ${ignored.at(-1)} do`;
        throw new UsageError(`${list} not apply to mailcheck spf. Run "mailcheck spf --help" for its options`);
      }
      const { runSpf } = await import('./run.js');
      done(await runSpf(domain, command.optsWithGlobals(), io));
    });

  program
    .command('message')
    .description('audit one message (.eml) as a receiver sees it: SPF, DKIM, DMARC, ARC, unsubscribe and format rules, joined with the DNS checks')
    .argument('<file>', 'the message (RFC 5322, CRLF or LF, mbox From line allowed); - reads stdin')
    // --ip, --resolver, --timeout, --retries, --format, -o, --fail-on, --min-score, --zone, --offline,
    // --save-dns, --replay, --color and -v are the program's options, usable here too.
    .option('--mail-from <address>', 'envelope sender (MAIL FROM) for SPF; "<>" for the null sender (default: Return-Path)')
    .option('--helo <name>', 'HELO/EHLO name of the sending server (default: from the receiver\'s Received field)')
    .addHelpText(
      'after',
      `
Also: --ip <addr> (the connecting IP; default: from the receiver's Received field),
--resolver, --timeout, --retries, --format (text, json, ndjson, markdown, sarif, junit, html,
csv), -o <file>, --fail-on, --min-score, --profile <ids|all>, --zone/--offline, --save-dns/--replay, --color/--no-color, -v.

Examples:
  $ mailcheck message message.eml
  $ mailcheck message - --ip 192.0.2.10 --mail-from bounce@example.com < message.eml
  $ mailcheck message message.eml --format json --fail-on medium

Exit codes: 0 no message finding at or above --fail-on (default high); 1 one is;
  2 usage error or not a message; 3 a DNS lookup failed and nothing breached.
`,
    )
    .exitOverride((error: SubcommandError) => {
      error.subcommand = 'message';
      throw error;
    })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => undefined,
    })
    .action(async (file: string, _options: unknown, command: Command) => {
      const { runMessage, optionsNotForMessage } = await import('../message/cli.js');
      const ignored = optionsNotForMessage(program);
      if (ignored.length > 0) {
        throw new UsageError(`${ignored.join(', ')} ${ignored.length === 1 ? 'does' : 'do'} not apply to mailcheck message. Run "mailcheck message --help" for its options`);
      }
      done(await runMessage(file, command.optsWithGlobals(), io));
    });
  // mailcheck list / mailcheck bounces: src/cli/list.ts and src/cli/bounces.ts; options shared with the program in src/cli/subcommand.ts.
  const subcommandOutput = {
    writeOut: (text: string) => io.stdout.write(text),
    writeErr: (text: string) => io.stderr.write(text),
    outputError: () => undefined,
  };
  program
    .command('list')
    .description('judge every address of a list with DNS only: syntax, domain, mail acceptance, disposable, role, typo, duplicate')
    .argument('<file>', 'addresses one per line, or a CSV with --column; - reads stdin')
    .option('--column <name>', 'the input is CSV (RFC 4180) with a header; this column (name or 1-based number) holds the address')
    .option('--fold', 'count Gmail dots and +tags as the same mailbox when finding duplicates')
    .option('--valid <file>', 'also write the rows judged ok to <file>, in the input\'s shape')
    .option('--invalid <file>', 'also write the rows judged invalid to <file>, in the input\'s shape')
    .option('--no-progress', 'no progress line on a terminal')
    .addHelpText(
      'after',
      `
Also: --format text|csv|json|ndjson, -o <file>, --resolver, --timeout, --retries,
--color/--no-color. Never connects to a mail server.

Examples:
  $ mailcheck list addresses.txt
  $ mailcheck list contacts.csv --column email --format csv -o checked.csv
  $ mailcheck list contacts.csv --column email --valid clean.csv --invalid removed.csv --fold

Exit codes: 0 every address judged; 2 usage or input error; 3 DNS did not
  answer for some domains (their rows are risky, dns-error).
`,
    )
    .exitOverride((error: SubcommandError) => {
      error.subcommand = 'list';
      throw error;
    })
    .configureOutput(subcommandOutput)
    .action(async (file: string, _options: unknown, command: Command) => {
      const { refuseOtherProgramOptions } = await import('./subcommand.js');
      refuseOtherProgramOptions(program, 'list');
      const { runList } = await import('./list.js');
      done(await runList(file, command.optsWithGlobals(), io));
    });
  program
    .command('bounces')
    .description('explain bounces (RFC 3464 and the common non-standard formats): reason per recipient, what to suppress, what the sender must fix')
    .argument('<path...>', 'bounce files, folders (recursive, Maildir), mbox files; - reads stdin')
    .option('--suppress <file.csv>', 'write the hard-bounced addresses (address, reason, status, date, file) to <file.csv>')
    .option('--audit', 'run the checks that examine each sender-side cause, live, for the sending domain and IPs')
    .option('--no-progress', 'no progress line on a terminal')
    .addOption(new Option('--smtp-port <port>', 'SMTP port the tls check probes during --audit (testing)').hideHelp())
    .addHelpText(
      'after',
      `
Also: --format text|json|ndjson|csv, -o <file>, and with --audit --resolver,
--timeout, --retries. --color/--no-color.

Examples:
  $ mailcheck bounces ~/Maildir/.Bounces
  $ mailcheck bounces bounces.mbox --suppress suppress.csv --format json -o bounces.json
  $ mailcheck bounces bounces.mbox --audit

Exit codes: 0 read; 1 sender-side problems found (authentication, reverse DNS,
  blocklisting, TLS, rate); 2 usage error; 3 some files could not be read.
`,
    )
    .exitOverride((error: SubcommandError) => {
      error.subcommand = 'bounces';
      throw error;
    })
    .configureOutput(subcommandOutput)
    .action(async (paths: string[], _options: unknown, command: Command) => {
      const { refuseOtherProgramOptions } = await import('./subcommand.js');
      refuseOtherProgramOptions(program, 'bounces');
      const { runBounces } = await import('./bounces.js');
      done(await runBounces(paths, command.optsWithGlobals(), io));
    });
  // mailcheck reports <path...>: DMARC aggregate, DMARC failure and TLS-RPT reports (src/reports/).
  program
    .command('reports')
    .description('read DMARC aggregate and failure reports and TLS-RPT reports: pass rates, sources, enforcement readiness')
    .argument('[path...]', 'report files or folders: .xml, .xml.gz, .zip, .json, .eml, mbox, Maildir')
    .option('--domain <d>', 'keep only this domain (and its subdomains)')
    .option('--since <date>', 'keep reports whose period ends on or after this date (YYYY-MM-DD or ISO 8601)')
    .option('--until <date>', 'keep reports whose period starts on or before this date (YYYY-MM-DD: the whole day)')
    .option('--no-dns', 'no DNS at all: no reverse DNS of sources, no current DMARC or SPF records')
    .addHelpText(
      'after',
      `
Also: --format text|json|csv|html|markdown, -o <file>, --resolver, --timeout,
--retries, --color/--no-color, -v. The other options of mailcheck are refused.

Examples:
  $ mailcheck reports ~/Maildir/.dmarc --domain example.com --since 2026-11-01
  $ mailcheck reports reports/ --format json -o summary.json
  $ mailcheck reports google.com!example.com!1764547200!1764633599.zip

Exit codes: 0 every input was read; 3 some inputs could not be read;
  2 none could (or a usage error).
`,
    )
    .exitOverride((error: SubcommandError) => {
      error.subcommand = 'reports';
      throw error;
    })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => undefined,
    })
    .action(async (paths: string[], _options: unknown, command: Command) => {
      const allowed = new Set(['format', 'output', 'color', 'verbose', 'resolver', 'timeout', 'retries']);
      const ignored = program.options
        .filter((option) => !allowed.has(option.attributeName()) && program.getOptionValueSource(option.attributeName()) === 'cli')
        .map((option) => option.long ?? option.attributeName());
      if (ignored.length > 0) {
        throw new UsageError(`${[...new Set(ignored)].join(', ')} ${ignored.length === 1 ? 'does' : 'do'} not apply to mailcheck reports. Run "mailcheck reports --help" for its options`);
      }
      const { runReports } = await import('../reports/cli.js');
      done(await runReports(paths, command.optsWithGlobals(), io));
    });

  // `mailcheck mcp`: the commands as Model Context Protocol tools over stdio (src/commands/mcp.ts, tools in src/mcp/tools.ts).
  program
    .command('mcp')
    .description('serve the audit, spf and message as Model Context Protocol tools over stdin/stdout, until stdin closes')
    .addHelpText('after', MCP_HELP)
    .exitOverride((error: SubcommandError) => {
      error.subcommand = 'mcp';
      throw error;
    })
    .configureOutput(subcommandOutput)
    .action(async (_options: unknown, command: Command) => {
      const { runMcp } = await import('../commands/mcp.js');
      done(await runMcp(program, command.optsWithGlobals(), io));
    });

  program
    .command('completion')
    .description('print a shell completion script: bash, zsh or fish')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      `
Install:
  bash: mailcheck completion bash > ~/.local/share/bash-completion/completions/mailcheck
  zsh:  mailcheck completion zsh > "\${fpath[1]}/_mailcheck"
  fish: mailcheck completion fish > ~/.config/fish/completions/mailcheck.fish
`,
    )
    .exitOverride((error: SubcommandError) => {
      error.subcommand = 'completion';
      throw error;
    })
    .action(async (shell: string) => {
      const { completionScript } = await import('../commands/completion.js');
      io.stdout.write(completionScript(shell, program));
      done(EXIT.ok);
    });
  program.helpCommand('help [command]', 'show help for mailcheck or one of its commands');
  return program;
}

/** Runs the CLI and returns the exit code. Never throws; never prints a stack trace. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const output = watchOutput(io);
  let code: number = EXIT.ok;
  try {
    // `--version --verbose`: the versions of the packages whose data mailcheck uses too (src/cli/versions.ts).
    if (argv.some((arg) => arg === '-V' || arg === '--version') && argv.some((arg) => arg === '-v' || arg === '--verbose')) {
      const { versionReport } = await import('./versions.js');
      io.stdout.write(versionReport());
      return EXIT.ok;
    }
    const program = buildProgram(io, (result) => {
      code = result;
    });
    // `help <name>` for a command that does not exist would print the general help and exit 0.
    const names = [...program.commands.map((command) => command.name()), 'help'];
    if (argv[0] === 'help' && argv[1] !== undefined && !names.includes(argv[1])) {
      throw new UsageError(`no command ${JSON.stringify(argv[1])}. Commands: ${names.join(', ')}; "mailcheck help" for the audit's options`);
    }
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    code = reportError(error, io, argv.includes('-v') || argv.includes('--verbose'));
  }
  return output.finish(code);
}

/**
 * Watches standard output for a failed write (a full disk: ENOSPC, a closed
 * file). Such a run cannot deliver its report: one line on stderr and exit 4,
 * never a stack trace, never an exit code CI would read as a verdict. A reader
 * that stops early (EPIPE, `| head`) is not a failure.
 */
function watchOutput(io: CliIo): { finish(code: number): Promise<number> } {
  let failure: string | undefined;
  const stream = io.stdout as WritableLike & { on?: (event: 'error', listener: (error: NodeJS.ErrnoException) => void) => unknown };
  stream.on?.('error', (error) => {
    if (error.code !== 'EPIPE') failure ??= error.code ?? error.message;
  });
  return {
    async finish(code) {
      // A failed write reports its error after the write's callback: let it arrive.
      await new Promise((resolve) => setImmediate(resolve));
      if (failure === undefined) return code;
      io.stderr.write(`mailcheck: cannot write to standard output (${terminalText(failure)}): the output is incomplete. Check the disk or the file it goes to.\n`);
      return EXIT.internal;
    },
  };
}

/** Turns any error into one line on stderr and an exit code. */
export function reportError(error: unknown, io: CliIo, verbose = false): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return EXIT.ok;
    }
    const subcommand = (error as SubcommandError).subcommand;
    const help = subcommand ? `mailcheck ${subcommand} --help` : 'mailcheck --help';
    let what = error.message.replace(/^error:\s*/i, '').replace(/\s+/g, ' ').trim();
    if (subcommand === 'spf' && error.code === 'commander.missingArgument') {
      what = 'no domain given. Usage: mailcheck spf <domain> [--ip <addr> [--sender <mailbox>] [--helo <name>]]';
    }
    io.stderr.write(`mailcheck: ${sentence(terminalText(what))} Run "${help}" for usage.\n`);
    return EXIT.usage;
  }
  if (error instanceof UsageError || error instanceof InputError) {
    // Messages quote input (file lines, arguments): shown, never obeyed by the terminal.
    io.stderr.write(`mailcheck: ${sentence(terminalText(error.message.replace(/\s+/g, ' ').trim()))}\n`);
    return EXIT.usage;
  }
  const message = terminalText(error instanceof Error ? error.message : String(error));
  io.stderr.write(
    `mailcheck: internal error: ${sentence(message.replace(/\s+/g, ' ').trim())} Please report it with the command you ran.\n`,
  );
  if (verbose && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return EXIT.internal;
}

/** Ends a message with a period. */
export function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}
