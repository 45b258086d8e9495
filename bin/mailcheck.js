#!/usr/bin/env node
// mailcheck: runs the bundled CLI (dist/cli.bundle.js, built by `npm run build`,
// loaded with a code cache by src/cli/bundle-loader.ts), after the early round
// (dist/cli.early.js) has sent a one-domain audit's first questions. In the CLI
// only commander and the option declarations load before the command line is
// parsed; everything heavy is imported on use.
import module from 'node:module';

// node:fs through require(): an ESM import of it would read every export,
// and its stream getters load Node's stream modules before anything needs them.
const { readFileSync, writeSync } = module.createRequire(import.meta.url)('node:fs');

const argv = process.argv.slice(2);

// `mailcheck --version` alone prints package.json's version, as the program
// does, without loading it (start-up close to `node -e 0`). A write that fails
// goes the long way, which reports it.
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  try {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    writeSync(1, `${version}\n`);
    process.exit(0);
  } catch {
    // fall through to the program
  }
}

// Node ≥ 22.1 keeps compiled code between runs (a no-op where it is missing, as
// on Node 20) for the modules Node loads itself: the early round, the loader,
// and the packages the CLI imports on use. The CLI bundle has its own cache.
module.enableCompileCache?.();
// `mailcheck <domain>`: the audit's first questions leave now, and travel
// while the CLI loads (src/cli/early-round.ts); the audit takes them over.
// A command line without a domain (`--help`, no argument) does not load it.
const early = argv.some((arg) => !arg.startsWith('-')) ? await (await import('../dist/cli.early.js')).sendEarlyRound(argv) : undefined;
const { loadCli } = await import('../dist/cli/bundle-loader.js');
const cli = loadCli(new URL('../dist/cli.bundle.js', import.meta.url), argv);

const code = await cli.main(argv, undefined, early);
cli.saveCodeCache(code);
// Open sockets (a slow DNS server, an SMTP probe cut short) must not hold the process.
process.exit(code);
