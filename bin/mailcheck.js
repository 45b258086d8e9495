#!/usr/bin/env node
// mailcheck: runs the compiled CLI (dist/cli.js). Only commander is loaded
// before the command line is parsed; everything heavy is imported on use.
import { main } from '../dist/cli.js';

const code = await main(process.argv.slice(2));
// Open sockets (a slow DNS server, an SMTP probe cut short) must not hold the process.
process.exit(code);
