#!/usr/bin/env node
// `npm run demo`: audits the bundled example domains against a fixture DNS
// server started in-process (offline). Arguments are passed to mailcheck.
import { runDemo } from '../dist/cli/demo.js';

const code = await runDemo(process.argv.slice(2));
process.exit(code);
