/**
 * The command line's entry point (bundled into dist/cli.bundle.js, run by
 * bin/mailcheck.js): parses, runs the command, and turns every error into one
 * line on stderr and an exit code, never a stack trace.
 */
import { CommanderError } from 'commander';
import { InputError } from '../domain.js';
import { EXIT } from '../exit-code.js';
import { terminalText } from '../report/escape.js';
import { UsageError, sentence } from './errors.js';
import type { EarlyAttempts } from '../dns/transport.js';
import { processIo, type CliIo, type WritableLike } from './io.js';
import { buildProgram, type SubcommandError } from './program.js';

/**
 * Runs the CLI and returns the exit code. Never throws; never prints a stack
 * trace. `early`: the questions bin/mailcheck.js sent before loading the CLI
 * (src/cli/early-round.ts), for the audit's resolver to take over.
 */
export async function main(argv: readonly string[], io: CliIo = processIo(), early?: EarlyAttempts): Promise<number> {
  const output = watchOutput(io);
  let code: number = EXIT.ok;
  try {
    // `--version --verbose`: the versions of the packages whose data mailcheck uses too (src/cli/versions.ts).
    if (argv.some((arg) => arg === '-V' || arg === '--version') && argv.some((arg) => arg === '-v' || arg === '--verbose')) {
      const { versionReport } = await import('./versions.js');
      io.stdout.write(versionReport());
      return EXIT.ok;
    }
    const program = buildProgram(
      io,
      (result) => {
        code = result;
      },
      early,
    );
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
