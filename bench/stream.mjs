#!/usr/bin/env node
// `npm run bench -- stream`: memory and time of the large inputs and outputs,
// each a fresh CLI process (peak RSS and CPU from bench/max-rss.mjs):
//
//  batch   `mailcheck --file <list> --format csv -o <file>` over a generated
//          list of 100,000 domains (--domains to change; --format to measure
//          another format) against a fixture DNS server in its own process on
//          127.0.0.1 (no delay): 80% of the domains publish MX, SPF and DMARC,
//          20% do not exist. SMTP probes off.
//  zone    `mailcheck <domain> --zone <file> --offline` over a generated
//          50 MB zone file (long TXT records as DKIM keys carry them: about
//          384,000 records) and a generated zone of 1,000,000 short records
//          (--zone-mb, --zone-records to change).
//
// Target: every case under 300 MB. `--bin <path>` measures another build's
// bin/mailcheck.js (a before/after comparison). Prints and writes
// bench/stream-results.json.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2).filter((arg) => arg !== 'stream');
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index === -1 ? fallback : args[index + 1];
};
const DOMAINS = Number(option('--domains', 100_000));
const FORMAT = option('--format', 'csv');
const ZONE_MB = Number(option('--zone-mb', 50));
const ZONE_RECORDS = Number(option('--zone-records', 1_000_000));
const BIN = path.resolve(option('--bin', path.join(ROOT, 'bin', 'mailcheck.js')));
const SECTIONS = ['batch', 'zone'];
const chosen = args.filter((arg) => SECTIONS.includes(arg));
const wanted = (section) => chosen.length === 0 || chosen.includes(section);
const work = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-bench-stream-'));

/** Writes lines from a generator to a file, honouring back-pressure. */
function writeLines(file, lines) {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(file);
    out.on('error', reject);
    const write = () => {
      let ok = true;
      while (ok) {
        const next = lines.next();
        if (next.done) return out.end(resolve);
        ok = out.write(`${next.value}\n`);
      }
      out.once('drain', write);
    };
    write();
  });
}

/** Runs the CLI once: wall seconds, CPU seconds, peak RSS (MB), exit code. */
function runCli(cliArgs) {
  const rssFile = path.join(work, `rss-${Math.random().toString(16).slice(2)}.json`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', path.join(ROOT, 'bench', 'max-rss.mjs'), BIN, ...cliArgs], {
      env: { ...process.env, MAILCHECK_BENCH_RSS: rssFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)));
    child.on('exit', (code) => {
      const usage = existsSync(rssFile) ? JSON.parse(readFileSync(rssFile, 'utf8')) : undefined;
      resolve({
        exitCode: code,
        seconds: Number(((Date.now() - started) / 1000).toFixed(1)),
        cpuSeconds: usage ? Number(((usage.userMs + usage.systemMs) / 1000).toFixed(1)) : null,
        maxRssMb: usage ? Math.round(usage.maxRssBytes / 1024 / 1024) : null,
        ...(code === 2 ? { stderr: stderr.trim() } : {}),
      });
    });
  });
}

const results = { bin: path.relative(ROOT, BIN) || BIN };

if (wanted('batch')) {
  const zone = {};
  for (let i = 0; i < DOMAINS; i++) {
    if (i % 5 === 4) continue;
    const name = `d${i}.batch.test`;
    zone[name] = { MX: [[10, `mx.${name}`]], TXT: ['v=spf1 mx -all'] };
    zone[`mx.${name}`] = { A: ['127.0.9.1'] };
    zone[`_dmarc.${name}`] = { TXT: ['v=DMARC1; p=reject'] };
  }
  const zonesFile = path.join(work, 'zones.json');
  writeFileSync(zonesFile, JSON.stringify([{ zone }]));
  const list = path.join(work, 'domains.txt');
  await writeLines(list, (function* () {
    for (let i = 0; i < DOMAINS; i++) yield `d${i}.batch.test`;
  })());
  const server = spawn(process.execPath, [path.join(ROOT, 'bench', 'dns-server.mjs'), zonesFile, '0'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ready = await new Promise((resolve) => readline.createInterface({ input: server.stdout }).once('line', resolve));
  const port = Number(String(ready).split(' ')[1]);
  const output = path.join(work, `out.${FORMAT}`);
  const run = await runCli([
    '--file', list, '--format', FORMAT, '-o', output, '--resolver', `127.0.0.1:${port}`, '--no-smtp', '--timeout', '5000', '--retries', '2',
  ]);
  server.stdin.end();
  results.batch = { domains: DOMAINS, format: FORMAT, ...run, outputMb: existsSync(output) ? Number((statSync(output).size / 1e6).toFixed(1)) : null };
  console.log(JSON.stringify({ batch: results.batch }));
}

/** A zone's lines: SOA and NS at the origin, then `perName(i)` lines until `done`. */
function* zoneLines(perName, done) {
  yield '$ORIGIN zone.test.';
  yield '$TTL 3600';
  yield '@ SOA ns hostmaster 1 7200 3600 1209600 3600';
  yield '@ NS ns';
  yield 'ns A 127.0.0.53';
  for (let i = 0; !done(i); i++) yield* perName(i);
}

if (wanted('zone')) {
  // Long TXT records, as DKIM keys are (two 200-octet strings), beside the short ones.
  const key = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'.padEnd(200, 'x');
  const big = path.join(work, 'big.zone');
  let bytes = 0;
  await writeLines(big, zoneLines(
    function* (i) {
      const lines = [
        `d${i} A 127.0.${(i >> 8) & 255}.${i & 255}`,
        `d${i} MX 10 mx.d${i}`,
        `d${i} TXT "v=spf1 mx -all"`,
        `s1._domainkey.d${i} TXT "v=DKIM1; k=rsa; p=${key}" "${key}"`,
      ];
      for (const line of lines) bytes += line.length + 1;
      yield* lines;
    },
    () => bytes >= ZONE_MB * 1e6,
  ));
  const small = path.join(work, 'records.zone');
  await writeLines(small, zoneLines(
    function* (i) {
      // Four records per domain: 250,000 domains for 1,000,000 records.
      yield `d${i} A 127.0.${(i >> 8) & 255}.${i & 255}`;
      yield `d${i} MX 10 mx.d${i}`;
      yield `d${i} TXT "v=spf1 mx -all"`;
      yield `_dmarc.d${i} TXT "v=DMARC1; p=none"`;
    },
    (i) => i * 4 >= ZONE_RECORDS,
  ));
  results.zone = [];
  for (const [label, file] of [[`${ZONE_MB} MB zone`, big], [`${ZONE_RECORDS} records`, small]]) {
    const run = await runCli(['d7.zone.test', '--zone', file, '--offline', '--no-smtp', '--format', 'json']);
    const entry = { zone: label, fileMb: Number((statSync(file).size / 1e6).toFixed(1)), ...run };
    results.zone.push(entry);
    console.log(JSON.stringify(entry));
  }
}

writeFileSync(path.join(ROOT, 'bench', 'stream-results.json'), `${JSON.stringify(results, null, 2)}\n`);
rmSync(work, { recursive: true, force: true });
