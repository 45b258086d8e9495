/**
 * The command line: `mailcheck [options] <domain...>` and `mailcheck spf <domain>`.
 *
 * Shape (so new options and formats slot in without rewriting anything):
 * - `defineAuditOptions` (src/cli/audit-options.ts) declares every option of
 *   the audit command on the commander program (flags and help only: values
 *   stay strings);
 * - src/cli/options.ts validates them with one zod schema and maps them to
 *   AuditOptions (loaded after parsing, like everything heavy, so that
 *   `--version` and `--help` start fast);
 * - src/report/formats.ts maps each `--format` name to its reporter.
 * To add an option: declare it in src/cli/audit-options.ts, add its field to the schema in
 * src/cli/options.ts, and map it in `toAuditOptions` (or use it in `runAudit`).
 *
 * Each subcommand's action loads its module on use. Every usage or input
 * error is one line on stderr, `mailcheck: <what is wrong>. <how to fix>`,
 * and exit code 2 (src/cli/main.ts); never a stack trace.
 */
import { Command, Option, type CommanderError } from 'commander';
import { EXIT } from '../exit-code.js';
import { MCP_HELP } from '../mcp/help.js';
import { packageInfo } from '../package-info.js';
import { AUDIT_EXAMPLES, defineAuditOptions } from './audit-options.js';
import { UsageError } from './errors.js';
import type { EarlyAttempts } from '../dns/transport.js';
import type { CliIo } from './io.js';

/** Reads package.json's version without loading anything else. */
function version(): string {
  return packageInfo().version;
}

/** The program's options that `mailcheck spf` uses (attribute names); the others do not apply to it. */
const SPF_PROGRAM_OPTIONS: ReadonlySet<string> = new Set(['format', 'output', 'color', 'verbose', 'resolver', 'timeout', 'retries', 'ip']);

/** A commander error raised while parsing a subcommand: its help is the one to point to. */
export type SubcommandError = CommanderError & { subcommand?: string };

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
export function buildProgram(io: CliIo, done: (code: number) => void, early?: EarlyAttempts): Command {
  const program = new Command('mailcheck')
    .description(
      "Audit a domain's mail setup: MX, SPF, DKIM, DMARC, reverse DNS, STARTTLS, MTA-STS, TLS-RPT, DNSSEC/DANE, BIMI and blocklists.",
    )
    .usage('[options] <domain...>')
    .argument('[domain...]', 'domains or e-mail addresses to audit')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', AUDIT_EXAMPLES)
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
    const { runAudit } = await import('./audit.js');
    const sources = Object.fromEntries(command.options.map((option) => [option.attributeName(), command.getOptionValueSource(option.attributeName())]));
    done(await runAudit(domains, command.opts(), io, sources, early));
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
      const { runSpf } = await import('./spf.js');
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
      const { runMessage, optionsNotForMessage } = await import('./message.js');
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
      const { runReports } = await import('./reports.js');
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

