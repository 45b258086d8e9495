#!/usr/bin/env node
// A fixture DNS server in its own process, for the benchmark: serves the zones
// of a JSON file (an array of FixtureZone) on 127.0.0.1 with a per-query delay.
// Prints `ready <port>` on stdout; `count` on stdin prints the queries received
// as JSON lines; closes when stdin ends.
import { readFileSync } from 'node:fs';
import readline from 'node:readline';
import { startFixtureDnsServer } from '../dist/testing/fixture-server.js';

const [zonesFile, delay = '0'] = process.argv.slice(2);
const zones = JSON.parse(readFileSync(zonesFile, 'utf8'));
const server = await startFixtureDnsServer(zones, { delayMs: Number(delay) });
process.stdout.write(`ready ${server.port}\n`);
const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line.trim() === 'queries') process.stdout.write(`${JSON.stringify(server.queries())}\n`);
  if (line.trim() === 'reset') process.stdout.write('ok\n');
});
input.on('close', async () => {
  await server.close();
  process.exit(0);
});
