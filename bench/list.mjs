#!/usr/bin/env node
// `npm run bench -- list`: `mailcheck list` over a generated list of
// 1,000,000 addresses on 50,000 domains (--rows, --domains to change), against
// a fixture DNS server in its own process on 127.0.0.1 (no delay): 80% of the
// domains have MX records, 5% a null MX, 5% only an address record, 10% do
// not exist. Reports wall time, peak memory and CPU time of the CLI process,
// the rows per verdict and the DNS queries sent (one lookup per domain).
// No target: the figures (time and memory) are in the README.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index === -1 ? fallback : Number(args[index + 1]);
};
const ROWS = option('--rows', 1_000_000);
const DOMAINS = option('--domains', 50_000);
const work = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-bench-list-'));

/** Domain i's kind, by its position in every 20. */
function kind(i) {
  const slot = i % 20;
  return slot < 16 ? 'mx' : slot === 16 ? 'null' : slot === 17 ? 'implicit' : 'missing';
}

const zone = {};
for (let i = 0; i < DOMAINS; i++) {
  const name = `d${i}.bench.test`;
  if (kind(i) === 'mx') zone[name] = { MX: [[10, `mx.${name}`]] };
  else if (kind(i) === 'null') zone[name] = { MX: [[0, '.']] };
  else if (kind(i) === 'implicit') zone[name] = { A: ['127.0.9.1'] };
}
const zonesFile = path.join(work, 'zones.json');
writeFileSync(zonesFile, JSON.stringify([{ zone }]));

const listFile = path.join(work, 'list.txt');
await new Promise((resolve, reject) => {
  const out = createWriteStream(listFile);
  out.on('error', reject);
  let i = 0;
  const write = () => {
    let ok = true;
    while (i < ROWS && ok) {
      // Every 25th row repeats the one before; every 50th is not an address. The domain index shifts by one
      // on each pass over the domains, so that every domain appears although those rows have none of their own.
      const domain = (n) => (n + Math.floor(n / DOMAINS)) % DOMAINS;
      const row = i % 50 === 49 ? `broken-${i}` : i % 25 === 24 ? `user${i - 1}@d${domain(i - 1)}.bench.test` : `user${i}@d${domain(i)}.bench.test`;
      ok = out.write(`${row}\n`);
      i++;
    }
    if (i < ROWS) out.once('drain', write);
    else out.end(resolve);
  };
  write();
});

const server = spawn(process.execPath, [path.join(ROOT, 'bench', 'dns-server.mjs'), zonesFile, '0'], { stdio: ['pipe', 'pipe', 'inherit'] });
const ready = await new Promise((resolve) => readline.createInterface({ input: server.stdout }).once('line', resolve));
const port = Number(String(ready).split(' ')[1]);

const rssFile = path.join(work, 'rss.json');
const output = path.join(work, 'out.ndjson');
const started = Date.now();
const code = await new Promise((resolve) => {
  const child = spawn(
    process.execPath,
    ['--import', path.join(ROOT, 'bench', 'max-rss.mjs'), path.join(ROOT, 'bin', 'mailcheck.js'), 'list', listFile, '--format', 'ndjson', '-o', output, '--resolver', `127.0.0.1:${port}`, '--timeout', '5000', '--retries', '2'],
    { env: { ...process.env, MAILCHECK_BENCH_RSS: rssFile }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  child.on('exit', resolve);
});
const seconds = (Date.now() - started) / 1000;
const usage = JSON.parse(readFileSync(rssFile, 'utf8'));
const lines = readFileSync(output, 'utf8').trimEnd().split('\n');
const summary = JSON.parse(lines.at(-1)).summary;
server.stdin.end();

const result = {
  rows: ROWS,
  domains: DOMAINS,
  exitCode: code,
  seconds: Number(seconds.toFixed(1)),
  rowsPerSecond: Math.round(ROWS / seconds),
  maxRssMb: Math.round(usage.maxRssBytes / 1024 / 1024),
  cpuSeconds: Number(((usage.userMs + usage.systemMs) / 1000).toFixed(1)),
  verdicts: summary.verdicts,
  domainsLookedUp: summary.domains,
  dnsQueries: summary.dnsQueries,
  outputRows: lines.length - 1,
};
console.log(JSON.stringify(result, null, 2));
writeFileSync(path.join(ROOT, 'bench', 'list-results.json'), `${JSON.stringify(result, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
