#!/usr/bin/env node
// mailcheck: runs the bundled CLI (dist/cli.bundle.js, built by `npm run build`).
// Only commander and the option declarations load before the command line is
// parsed; everything heavy is imported on use.
import module from 'node:module';

// Node ≥ 22.1 keeps compiled code between runs (a no-op where it is missing, as on Node 20).
module.enableCompileCache?.();
const { main } = await import('../dist/cli.bundle.js');

const code = await main(process.argv.slice(2));
// Open sockets (a slow DNS server, an SMTP probe cut short) must not hold the process.
process.exit(code);
