#!/usr/bin/env node
// `npm run bench -- reports`: reading DMARC aggregate reports at scale.
// Generates N aggregate reports (default 100,000; --reports <n>), each with
// 10 records (about 1 million in all), over 10 domains and 2,000 sending IPs
// each (documentation and loopback ranges), half as .xml.gz files and half as
// one-entry .zip files, in a temporary folder. Then runs
// `mailcheck reports <folder> --no-dns --format json -o …` and records the
// wall time, the CLI's CPU time and its peak resident memory
// (targets: < 60 s and < 300 MB on 2 cores). Writes bench/reports-results.json.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const REPORTS = Number(option('--reports', '100000'));
const RECORDS = 10;
const DOMAINS = 10;
const IPS_PER_DOMAIN = 2000;
const work = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-bench-reports-'));

/** A small deterministic generator (mulberry32), so every run reads the same input. */
let seed = 42;
const random = (n) => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) % n;
};

function ip(domainIndex, n) {
  return `127.${10 + domainIndex}.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}

function report(index) {
  const d = index % DOMAINS;
  const domain = `bench${d}.test`;
  const begin = 1_793_491_200 + (index % 30) * 86_400;
  const rows = [];
  for (let r = 0; r < RECORDS; r++) {
    const n = random(IPS_PER_DOMAIN);
    const own = n < 1500;
    const dkim = own || random(10) === 0 ? 'pass' : 'fail';
    const spf = own && random(4) > 0 ? 'pass' : 'fail';
    rows.push(`<record><row><source_ip>${ip(d, n)}</source_ip><count>${1 + random(50)}</count><policy_evaluated><disposition>none</disposition><dkim>${dkim}</dkim><spf>${spf}</spf></policy_evaluated></row><identifiers><header_from>${domain}</header_from></identifiers><auth_results><dkim><domain>${own ? domain : 'sender.test'}</domain><selector>s${n % 3}</selector><result>${dkim}</result></dkim><spf><domain>${own ? domain : 'sender.test'}</domain><scope>mfrom</scope><result>${spf}</result></spf></auth_results></record>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<feedback><report_metadata><org_name>receiver${index % 7}.test</org_name><email>dmarc@receiver.test</email><report_id>bench-${index}</report_id><date_range><begin>${begin}</begin><end>${begin + 86_399}</end></date_range></report_metadata><policy_published><domain>${domain}</domain><adkim>r</adkim><aspf>r</aspf><p>none</p><pct>100</pct></policy_published>${rows.join('')}</feedback>\n`;
}

/** One stored entry, deflated (APPNOTE 6.3: local header, central directory, end record). */
function zip(name, text) {
  const data = Buffer.from(text);
  const file = Buffer.from(name);
  const body = deflateRawSync(data);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(file.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(body.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(file.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + file.length, 12);
  end.writeUInt32LE(local.length + file.length + body.length, 16);
  return Buffer.concat([local, file, body, central, file, end]);
}

const input = path.join(work, 'reports');
let bytes = 0;
const generated = performance.now();
for (let index = 0; index < REPORTS; index++) {
  const folder = path.join(input, String(Math.floor(index / 1000)));
  if (index % 1000 === 0) mkdirSync(folder, { recursive: true });
  const xml = report(index);
  const name = `receiver.test!bench${index % DOMAINS}.test!${index}`;
  const content = index % 2 === 0 ? gzipSync(xml) : zip(`${name}.xml`, xml);
  bytes += content.length;
  writeFileSync(path.join(folder, index % 2 === 0 ? `${name}.xml.gz` : `${name}.zip`), content);
}
const generateSeconds = (performance.now() - generated) / 1000;

const rssFile = path.join(work, 'rss.json');
const output = path.join(work, 'summary.json');
const started = performance.now();
const result = await new Promise((resolve) => {
  const child = spawn(
    process.execPath,
    ['--import', path.join(ROOT, 'bench', 'max-rss.mjs'), path.join(ROOT, 'bin', 'mailcheck.js'), 'reports', input, '--no-dns', '--format', 'json', '-o', output],
    { env: { ...process.env, MAILCHECK_BENCH_RSS: rssFile }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.on('exit', (code) => resolve({ code, stderr }));
});
const seconds = (performance.now() - started) / 1000;
const usage = JSON.parse(readFileSync(rssFile, 'utf8'));
const summary = JSON.parse(readFileSync(output, 'utf8'));
const records = REPORTS * RECORDS;
const results = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage: os.loadavg().map((load) => Number(load.toFixed(2))) },
  reports: REPORTS,
  records,
  inputMB: Number((bytes / 1048576).toFixed(1)),
  generateSeconds: Number(generateSeconds.toFixed(1)),
  exitCode: result.code,
  stderr: result.stderr.trim(),
  read: summary.reports.read,
  failed: summary.reports.failed,
  domains: summary.domains.length,
  sources: summary.domains.reduce((sum, domain) => sum + domain.sources.length, 0),
  seconds: Number(seconds.toFixed(1)),
  reportsPerSecond: Math.round(REPORTS / seconds),
  cpuSeconds: Number(((usage.userMs + usage.systemMs) / 1000).toFixed(1)),
  peakRssMB: Math.round(usage.maxRssBytes / 1048576),
};
console.log(`mailcheck reports benchmark · ${results.machine.cpus} × ${results.machine.cpuModel} · Node ${results.machine.node}`);
console.log(`input: ${REPORTS} reports (${records} records, half .xml.gz, half .zip), ${results.inputMB} MB, generated in ${results.generateSeconds} s`);
console.log(`read ${results.read}, failed ${results.failed}, ${results.domains} domains, ${results.sources} sources, exit ${results.exitCode}`);
console.log(`wall ${results.seconds} s (${results.reportsPerSecond} reports/s; target < 60 s) ${results.seconds < 60 ? 'ok' : 'NO'}`);
console.log(`CLI CPU ${results.cpuSeconds} s; peak memory ${results.peakRssMB} MB (target < 300 MB) ${results.peakRssMB < 300 ? 'ok' : 'NO'}`);
writeFileSync(path.join(ROOT, 'bench', 'reports-results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('wrote bench/reports-results.json');
if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
else console.log(`kept ${input}`);
