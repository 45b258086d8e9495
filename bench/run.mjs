#!/usr/bin/env node
// mailcheck benchmark (`npm run bench`; builds first). Everything runs on
// 127.0.0.1: a fixture DNS server in its own process answers every query.
// Sections (name them to run only those: `npm run bench -- batch`):
//
//  audit    Full audits (SMTP probing off) of a domain with a deep SPF include
//           tree (bench/deep-spf.json) and of the demo domains, with a
//           per-query delay (default 40 ms, --delay <ms>), each through a
//           fresh resolver, --runs <n> times (default 5; the run with the
//           median ratio is reported): wall time against the critical path,
//           i.e. the longest chain of dependent queries in the query log times
//           the delay. A query depends on the earliest answer that told it
//           what to ask (a name the answer mentioned, or a name under it; an
//           address to reverse; the zone apex an SOA answer found); names
//           derived from the audited domain alone depend on nothing. Target:
//           ≤ 1.2×. Also the queries per audit, and proof that no question
//           reached the server twice. --log prints each audit's wire queries.
//           Then the CLI itself on the deep-SPF domain (blocklists off too):
//           its wall time against critical path + Node's start-up (target
//           ≤ 1.2×), and against checkdmarc when it is installed; and that
//           none of its questions reached the server twice (the early round's
//           included).
//  cpu      CPU time (user + system, from the process's own resource usage)
//           of one CLI audit of the deep-SPF domain on a resolver without
//           delay: median of --cpu-runs (default 11). Target < 120 ms. The
//           runs use the user's code cache, as every run after the first
//           does (src/cli/bundle-loader.ts); a first run, with an empty
//           cache directory of its own, is measured beside them, and, when
//           NODE_EXTRA_CA_CERTS is set, the runs without it.
//  batch    Every domain of ../shared/testdata/corpus/
//           mxmap-municipalities-spf-mx.json (MX and SPF served as
//           collected, MX hosts stubbed with loopback addresses, every other
//           name NXDOMAIN), no delay, through the CLI with --format ndjson,
//           with the default concurrency (16) and with --concurrency 1:
//           time, CPU time and peak memory (targets: < 15 s, < 300 MB, and
//           16 faster than 1). --concurrency <n> measures only that one.
//           Then the first LATENCY_DOMAINS domains again with --delay per
//           query, at 16 and at 1: with round trips to wait out, 16 must be
//           at least four times faster (target < 0.25×).
//  startup  `mailcheck --version` against `node -e 0` (target ≤ 1.3×).
//
// Prints a table and writes bench/results.json.
import { spawn, spawnSync } from 'node:child_process';
import { measure, startup, BIN } from './cli-runs.mjs';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `npm run bench -- list`, `bounces`, `reports` and `stream`: their own benchmarks (bench/list.mjs, bench/bounces.mjs, bench/reports.mjs, bench/stream.mjs).
if (process.argv[2] === 'list' || process.argv[2] === 'bounces' || process.argv[2] === 'reports' || process.argv[2] === 'stream') {
  await import(`./${process.argv[2]}.mjs`);
  process.exit(0);
}
const CORPUS = path.resolve(ROOT, '..', 'shared', 'testdata', 'corpus', 'mxmap-municipalities-spf-mx.json');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index === -1 ? fallback : args[index + 1];
};
const DELAY = Number(option('--delay', '40'));
const CONCURRENCY = option('--concurrency', undefined);
const SECTIONS = ['audit', 'cpu', 'batch', 'startup'];
const chosen = args.filter((arg) => SECTIONS.includes(arg));
const run = (section) => (chosen.length === 0 ? section !== 'batch' || !args.includes('--no-batch') : chosen.includes(section));
const CPU_RUNS = Math.max(1, Number(option('--cpu-runs', '11')));
const PRINT_LOG = args.includes('--log');
const RUNS = Math.max(1, Number(option('--runs', '5')));
/** Domains of the latency batch (the corpus's first ones, each query delayed by --delay). */
const LATENCY_DOMAINS = 48;
const work = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-bench-'));

const { loadFixture } = await import(path.join(ROOT, 'dist', 'testing', 'fixture-server.js'));
const { createResolver } = await import(path.join(ROOT, 'dist', 'dns', 'resolver.js'));
const { captureDns } = await import(path.join(ROOT, 'dist', 'dns', 'capture.js'));
const { audit } = await import(path.join(ROOT, 'dist', 'run.js'));

/** Starts bench/dns-server.mjs in its own process. */
async function startServer(zones, delayMs) {
  const file = path.join(work, `zones-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(zones));
  const child = spawn(process.execPath, [path.join(ROOT, 'bench', 'dns-server.mjs'), file, String(delayMs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const ready = await next();
  const port = Number(ready.split(' ')[1]);
  return {
    server: `127.0.0.1:${port}`,
    async queries() {
      child.stdin.write('queries\n');
      return JSON.parse(await next());
    },
    close: () =>
      new Promise((resolve) => {
        child.on('exit', resolve);
        child.stdin.end();
      }),
  };
}

// ---------------------------------------------------------------------------
// 1. Critical path of one audit

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Reverse-lookup forms of an address (as used by PTR and DNS blocklist queries). */
function reversed(ip) {
  if (IPV4.test(ip)) return [ip.split('.').reverse().join('.')];
  if (ip.includes(':')) {
    const [head, tail = ''] = ip.split('::');
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
    return [groups.map((group) => group.padStart(4, '0')).join('').split('').reverse().join('.')];
  }
  return [];
}

/**
 * Names and reversed addresses an answer mentions: what a later query can
 * depend on. The audited domain and its ancestors are left out: they are
 * known before any answer arrives, so an answer that happens to mention them
 * (a DMARC rua address, say) enables nothing.
 */
function mentions(answer, known, addresses) {
  const names = new Set();
  const reverse = new Set();
  const addText = (text) => {
    for (const token of text.toLowerCase().match(/[a-z0-9_-]+(?:\.[a-z0-9_-]+)+/g) ?? []) {
      const name = token.replace(/\.$/, '');
      if (!known.has(name)) names.add(name);
      if (addresses) for (const form of reversed(token)) reverse.add(form);
    }
    if (addresses) for (const token of text.toLowerCase().match(/[0-9a-f:]*:[0-9a-f:]+/g) ?? []) for (const form of reversed(token)) reverse.add(form);
  };
  if (answer.status === 'ok') {
    for (const record of answer.records) {
      if (typeof record === 'string') addText(record);
      else if (Array.isArray(record)) addText(record.join(''));
      else if (record && typeof record === 'object') addText(Object.values(record).join(' '));
    }
  }
  for (const name of answer.cnames ?? []) if (!known.has(name)) names.add(name);
  return { names, reverse };
}

const under = (name, ancestor) => name === ancestor || name.endsWith(`.${ancestor}`);

/**
 * Whether the answer to `earlier` gave what `later` needed before it could be
 * asked. Only information counts, never the order the code happened to use:
 * a name derivable from the audited domain alone (the domain's MX, TXT,
 * _dmarc, DKIM selectors, domain blocklists, every level of the DMARC tree
 * walk, its SOA, the root DNSKEY) depends on nothing.
 */
function enables(earlier, later, told, known) {
  if (earlier.startedAt + earlier.ms > later.startedAt + 1) return false;
  const name = later.name;
  // DNSSEC: a zone's DNSKEY and DS are asked once an SOA answer for the zone
  // or a name inside it has shown where the zone starts (src/lookups/dnssec.ts).
  if (later.type === 'DNSKEY' || later.type === 'DS') return earlier.type === 'SOA' && name !== '' && under(earlier.name, name);
  if (known.has(name)) return false;
  // RFC 5782 §2.1: a DNSBL's TXT reason is asked when the A query found a listing.
  if (later.type === 'TXT' && earlier.type === 'A' && earlier.name === name) return true;
  for (const mentioned of told.names) {
    // The name itself, a name under it (TLSA base, DNSBL key, SPF macro target)…
    if (under(name, mentioned)) return true;
    // …and, for the zone-apex walk, SOA of a name above it.
    if (later.type === 'SOA' && mentioned.endsWith(`.${name}`)) return true;
  }
  // An address's reverse name (PTR) and its DNSBL keys (A).
  if (later.type === 'PTR' || later.type === 'A') for (const form of told.reverse) if (name.startsWith(`${form}.`)) return true;
  // RFC 8461 §3.3: the MTA-STS policy host is looked up once the TXT record announces a policy.
  if (earlier.name.startsWith('_mta-sts.') && name === `mta-sts.${earlier.name.slice(9)}`) return true;
  return false;
}

/**
 * Longest chain of truly dependent wire queries, in round trips (a TCP retry
 * is a second round trip). A query's chain is its own cost plus the SHORTEST
 * chain among the answers that enabled it: the earliest moment it could have
 * been asked. (Taking the longest would credit needless waiting: a name
 * mentioned again by a later answer was still known from the first one.)
 */
function criticalPath(log, answers, domain) {
  const known = new Set();
  for (let labels = domain.split('.'); labels.length > 0; labels = labels.slice(1)) known.add(labels.join('.'));
  const wire = log.filter((entry) => !entry.cached && entry.server !== 'override').sort((a, b) => a.startedAt - b.startedAt);
  const chain = new Array(wire.length).fill(0);
  const via = new Array(wire.length).fill(-1);
  // Reverse (PTR) and DNSBL queries are asked for the addresses of mail hosts:
  // an address found in an A/AAAA answer, not one an SPF record or the
  // domain's own A record happens to share (unless the domain has no MX and
  // its A/AAAA records are the implicit MX, RFC 5321 §5.1).
  const implicitMx = answers.get(`${domain} MX`)?.status === 'nodata';
  const hostAddresses = (entry) => (entry.type === 'A' || entry.type === 'AAAA') && (entry.name !== domain || implicitMx);
  const told = wire.map((entry) => mentions(answers.get(`${entry.name} ${entry.type}`) ?? { status: 'nodata' }, known, hostAddresses(entry)));
  for (let i = 0; i < wire.length; i++) {
    let best = 0;
    for (let j = 0; j < i; j++) {
      if (enables(wire[j], wire[i], told[j], known) && (via[i] === -1 || chain[j] < best)) {
        best = chain[j];
        via[i] = j;
      }
    }
    chain[i] = best + (wire[i].tcp ? 2 : 1);
  }
  let end = chain.indexOf(Math.max(0, ...chain));
  const path = [];
  while (end !== -1) {
    path.unshift(`${wire[end].name || '.'} ${wire[end].type}`);
    end = via[end];
  }
  const transcript = wire.map(
    (entry, index) =>
      `${String(entry.startedAt).padStart(4)} ms +${String(entry.ms).padStart(3)} ms  depth ${chain[index]}  ${entry.name || '.'} ${entry.type} ${entry.status}${entry.tcp ? ' (tcp)' : ''}`,
  );
  return { roundTrips: Math.max(0, ...chain), path, wire, transcript };
}

/** One measured audit through a fresh resolver (empty cache). */
async function measureAudit(server, domain) {
  const before = (await server.queries()).length;
  const resolver = createResolver({ servers: [server.server], timeoutMs: 2000, retries: 0 });
  const dns = captureDns(resolver);
  const started = performance.now();
  const [report] = await audit(domain, { smtp: false }, { dns });
  const wallMs = performance.now() - started;
  const answers = new Map(dns.capture().answers.map((entry) => [`${entry.name} ${entry.type}`, entry.answer]));
  const { roundTrips, path: chain, wire, transcript } = criticalPath(resolver.log, answers, domain);
  const received = (await server.queries()).slice(before);
  const counts = new Map();
  for (const question of received) counts.set(question.toLowerCase(), (counts.get(question.toLowerCase()) ?? 0) + 1);
  // A truncated UDP reply legitimately brings the same question once more over TCP.
  const tcp = new Set(wire.filter((entry) => entry.tcp).map((entry) => `${entry.name} ${entry.type}`.toLowerCase()));
  const duplicates = [...counts].filter(([question, count]) => count > (tcp.has(question) ? 2 : 1)).map(([question]) => question);
  const criticalMs = roundTrips * DELAY;
  return {
    domain,
    score: report.score.value,
    wallMs: Math.round(wallMs),
    criticalPathRoundTrips: roundTrips,
    criticalPathMs: criticalMs,
    ratio: Number((wallMs / criticalMs).toFixed(3)),
    queries: wire.length,
    questionsAtServer: received.length,
    duplicates,
    chain,
    // Every wire query: sent at (ms after the resolver was created), duration, chain depth.
    transcript,
  };
}

/**
 * RUNS audits of `domain` after a warm-up: the run with the median ratio is
 * reported (with its chain and transcript), every run's figures are kept, and
 * a question sent twice in any run counts.
 */
async function singleAudit(zone, domain) {
  const server = await startServer([zone], DELAY);
  try {
    // Warm up module loading with a throw-away resolver (its queries are not counted).
    await audit(domain, { smtp: false }, { dns: createResolver({ servers: [server.server], timeoutMs: 2000, retries: 0 }) });
    const runs = [];
    for (let run = 0; run < RUNS; run++) runs.push(await measureAudit(server, domain));
    const median = [...runs].sort((a, b) => a.ratio - b.ratio)[Math.floor(runs.length / 2)];
    return {
      ...median,
      duplicates: [...new Set(runs.flatMap((run) => run.duplicates))],
      runs: runs.map((run) => ({ wallMs: run.wallMs, criticalPathMs: run.criticalPathMs, ratio: run.ratio, queries: run.queries })),
    };
  } finally {
    await server.close();
  }
}

// ---------------------------------------------------------------------------
// 2. The corpus batch

/** One TXT record as character-strings of at most 255 octets. */
function splitTxt(text) {
  const parts = [];
  let rest = Buffer.from(text, 'utf8');
  while (rest.length > 255) {
    let cut = 255;
    while (cut > 0 && (rest[cut] & 0xc0) === 0x80) cut--;
    parts.push(rest.subarray(0, cut).toString('utf8'));
    rest = rest.subarray(cut);
  }
  parts.push(rest.toString('utf8'));
  return parts;
}

function loopbackFor(host) {
  const digest = createHash('sha256').update(host).digest();
  return `127.${digest[0]}.${digest[1]}.${(digest[2] % 254) + 1}`;
}

function corpusZone() {
  const data = JSON.parse(readFileSync(CORPUS, 'utf8'));
  const zone = {};
  const node = (name) => (zone[name] ??= {});
  for (const entry of data.domains) {
    const domain = String(entry.domain ?? '').trim().toLowerCase().replace(/\.$/, '');
    if (domain === '') continue;
    const hosts = (entry.mx ?? []).map((host) => String(host).trim().toLowerCase().replace(/\.$/, '')).filter(Boolean);
    if (hosts.length > 0) node(domain).MX = hosts.map((host, index) => [10 * (index + 1), host]);
    if (entry.spf) node(domain).TXT = [splitTxt(entry.spf)];
    for (const host of hosts) if (!IPV4.test(host) && !node(host).A) node(host).A = [loopbackFor(host)];
  }
  return { domains: data.domains.map((entry) => String(entry.domain ?? '')), zone };
}

/** The corpus batch through the CLI: all domains without delay, or the `first` ones with `delayMs` per query. */
async function corpusBatch(concurrency, { delayMs = 0, first } = {}) {
  const corpus = corpusZone();
  const domains = first === undefined ? corpus.domains : corpus.domains.slice(0, first);
  const zone = corpus.zone;
  const list = path.join(work, 'corpus-domains.txt');
  writeFileSync(list, `${domains.join('\n')}\n`);
  const server = await startServer([{ description: 'corpus', zone }], delayMs);
  const rssFile = path.join(work, 'rss.txt');
  const output = path.join(work, 'corpus.ndjson');
  try {
    const cli = [
      '--import',
      path.join(ROOT, 'bench', 'max-rss.mjs'),
      path.join(ROOT, 'bin', 'mailcheck.js'),
      '--file',
      list,
      '--format',
      'ndjson',
      '-o',
      output,
      '--resolver',
      server.server,
      '--timeout',
      '2000',
      '--retries',
      '1',
      '--no-smtp',
      ...(concurrency ? ['--concurrency', String(concurrency)] : []),
    ];
    const started = performance.now();
    const result = await new Promise((resolve) => {
      const child = spawn(process.execPath, cli, { env: { ...process.env, MAILCHECK_BENCH_RSS: rssFile }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    const seconds = (performance.now() - started) / 1000;
    const usage = existsSync(rssFile) ? JSON.parse(readFileSync(rssFile, 'utf8')) : null;
    const reports = readFileSync(output, 'utf8').split('\n').filter(Boolean);
    const questions = (await server.queries()).length;
    const distinct = new Set(domains.map((domain) => domain.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean)).size;
    const incomplete = reports.filter((line) => JSON.parse(line).score.complete === false).length;
    return {
      entries: domains.length,
      distinctDomains: distinct,
      reports: reports.length,
      incompleteReports: incomplete,
      exitCode: result.code,
      stderr: result.stderr.trim(),
      seconds: Number(seconds.toFixed(1)),
      domainsPerSecond: Number((reports.length / seconds).toFixed(1)),
      peakRssMB: usage ? Math.round(usage.maxRssBytes / 1048576) : null,
      // CPU time of the CLI process: unlike the wall time, hardly affected by other load on the machine.
      cpuSeconds: usage ? Number(((usage.userMs + usage.systemMs) / 1000).toFixed(1)) : null,
      questionsAtServer: questions,
      concurrency: concurrency ?? 'default (16)',
      delayMs,
    };
  } finally {
    await server.close();
  }
}

// ---------------------------------------------------------------------------

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGB: Math.round(os.totalmem() / 1073741824),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
};

const results = {
  date: new Date().toISOString(),
  machine,
  // Other work on the machine while this ran (1, 5, 15 minute load averages).
  loadAverage: os.loadavg().map((value) => Number(value.toFixed(1))),
  delayMs: DELAY,
  audits: [],
  cli: null,
  cpu: null,
  batch: [],
  latencyBatch: [],
  startup: null,
};
const DEEP = JSON.parse(readFileSync(path.join(ROOT, 'bench', 'deep-spf.json'), 'utf8'));
const zoneOf = (fixture) => (typeof fixture === 'string' ? loadFixture(fixture) : fixture);

if (run('audit')) {
  for (const [fixture, domain] of [
    [DEEP, 'deep.example'],
    ['demo-good', 'good.example'],
    ['demo-broken', 'broken.example'],
  ]) {
    results.audits.push(await singleAudit(zoneOf(fixture), domain));
  }
  // The CLI on the deep-SPF domain, SMTP probing and blocklists off (as for checkdmarc).
  const deep = results.audits[0];
  const server = await startServer([DEEP], DELAY);
  try {
    const cli = await measure([BIN, 'deep.example', '--resolver', server.server, '--no-smtp', '--skip', 'blocklist', '--format', 'json'], RUNS);
    // measure() runs the CLI RUNS + 1 times (one warm-up): each question must reach the server that many times, no more
    // (the early round's questions among them, src/cli/early-round.ts).
    const perQuestion = new Map();
    for (const query of await server.queries()) perQuestion.set(query, (perQuestion.get(query) ?? 0) + 1);
    const cliTwice = [...perQuestion].filter(([, count]) => count > RUNS + 1).map(([query]) => query);
    const node = await measure(['-e', '0'], RUNS);
    const floorMs = deep.criticalPathMs + node.wallMs;
    const checkdmarc = spawnSync('checkdmarc', ['--version'], { stdio: 'ignore' }).status === 0;
    results.cli = {
      domain: 'deep.example',
      wallMs: cli.wallMs,
      cpuMs: cli.cpuMs,
      nodeStartMs: node.wallMs,
      criticalPathMs: deep.criticalPathMs,
      ratio: Number((cli.wallMs / floorMs).toFixed(3)),
      queries: [...perQuestion.values()].reduce((sum, count) => sum + count, 0) / (RUNS + 1),
      duplicates: cliTwice,
      checkdmarc: checkdmarc ? 'installed: run it against the same server by hand (it takes no resolver port)' : 'not installed',
      runs: cli.runs,
    };
  } finally {
    await server.close();
  }
}
if (run('cpu')) {
  const server = await startServer([DEEP], 0);
  try {
    const args = [BIN, 'deep.example', '--resolver', server.server, '--no-smtp', '--format', 'json'];
    const cli = await measure(args, CPU_RUNS);
    // A first run: the cache directory is empty, and the run writes the cache.
    const emptyCaches = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-bench-first-run-'));
    let firstRun;
    try {
      firstRun = await measure(args, CPU_RUNS, (run) => ({ MAILCHECK_CODE_CACHE: path.join(emptyCaches, String(run)) }));
    } finally {
      rmSync(emptyCaches, { recursive: true, force: true });
    }
    const node = await measure(['-e', '0'], CPU_RUNS);
    results.cpu = { domain: 'deep.example', ...cli, nodeCpuMs: node.cpuMs, firstRunCpuMs: firstRun.cpuMs };
    // NODE_EXTRA_CA_CERTS makes Node 20 read and parse the certificates at
    // start-up, before any of mailcheck runs (Node 22 and 24 wait for the
    // first TLS use): the same runs without it (empty is unset to Node).
    if (process.env.NODE_EXTRA_CA_CERTS) {
      const withoutCli = await measure(args, CPU_RUNS, () => ({ NODE_EXTRA_CA_CERTS: '' }));
      const withoutNode = await measure(['-e', '0'], CPU_RUNS, () => ({ NODE_EXTRA_CA_CERTS: '' }));
      results.cpu.withoutExtraCaCerts = { cpuMs: withoutCli.cpuMs, nodeCpuMs: withoutNode.cpuMs };
    }
  } finally {
    await server.close();
  }
}
if (run('batch')) {
  if (!existsSync(CORPUS)) console.error(`corpus not found at ${CORPUS}: batch skipped`);
  else if (CONCURRENCY) results.batch.push(await corpusBatch(Number(CONCURRENCY)));
  else {
    for (const concurrency of [undefined, 1]) results.batch.push(await corpusBatch(concurrency));
    // The same audits against a resolver with round trips to wait out: what concurrency is for.
    for (const concurrency of [undefined, 1]) results.latencyBatch.push(await corpusBatch(concurrency, { delayMs: DELAY, first: LATENCY_DOMAINS }));
  }
}
if (run('startup')) results.startup = await startup(15);

const rows = [];
for (const audit of results.audits) {
  rows.push([`audit ${audit.domain}: wall / critical path (median of ${audit.runs.length})`, `${audit.wallMs} ms / ${audit.criticalPathMs} ms (${audit.criticalPathRoundTrips} round trips)`, `${audit.ratio}×`, '≤ 1.2×', audit.ratio <= 1.2]);
  rows.push([`audit ${audit.domain}: queries, sent twice`, `${audit.queries} queries, ${audit.duplicates.length} twice`, '', '0 twice', audit.duplicates.length === 0]);
}
if (results.cli) {
  const cli = results.cli;
  rows.push([`CLI ${cli.domain}: wall / (critical path + node start)`, `${cli.wallMs} ms / (${cli.criticalPathMs} + ${cli.nodeStartMs}) ms`, `${cli.ratio}×`, '≤ 1.2×', cli.ratio <= 1.2]);
  rows.push([`CLI ${cli.domain}: queries, sent twice`, `${cli.queries} queries, ${cli.duplicates.length} twice`, '', '0 twice', cli.duplicates.length === 0]);
}
if (results.cpu) {
  rows.push([`CLI ${results.cpu.domain}: CPU, local resolver (median of ${results.cpu.runs.length})`, `${results.cpu.cpuMs} ms (user ${results.cpu.userMs}, sys ${results.cpu.systemMs}; node -e 0: ${results.cpu.nodeCpuMs} ms)`, '', '< 120 ms', results.cpu.cpuMs < 120]);
  rows.push([`CLI ${results.cpu.domain}: CPU of a first run (writes the code cache)`, `${results.cpu.firstRunCpuMs} ms`, '', '', null]);
  const without = results.cpu.withoutExtraCaCerts;
  if (without) rows.push([`CLI ${results.cpu.domain}: CPU without NODE_EXTRA_CA_CERTS`, `${without.cpuMs} ms (node -e 0: ${without.nodeCpuMs} ms)`, '', '', null]);
}
for (const batch of results.batch) {
  rows.push([`corpus batch: ${batch.reports} domains, concurrency ${batch.concurrency}`, `${batch.seconds} s (${batch.domainsPerSecond}/s), CLI CPU ${batch.cpuSeconds} s`, '', '< 15 s', batch.seconds < 15 && batch.reports === batch.distinctDomains]);
  rows.push([`corpus batch: peak memory, concurrency ${batch.concurrency}`, `${batch.peakRssMB} MB`, '', '< 300 MB', batch.peakRssMB !== null && batch.peakRssMB < 300]);
}
if (results.batch.length === 2) {
  const [many, one] = results.batch;
  rows.push(['corpus batch: concurrency 16 / 1', `${many.seconds} s / ${one.seconds} s`, `${(many.seconds / one.seconds).toFixed(2)}×`, '< 1×', many.seconds < one.seconds]);
}
if (results.latencyBatch.length === 2) {
  const [many, one] = results.latencyBatch;
  rows.push([
    `latency batch: first ${many.reports} domains, ${DELAY} ms a query: concurrency 16 / 1`,
    `${many.seconds} s / ${one.seconds} s`,
    `${(many.seconds / one.seconds).toFixed(2)}×`,
    '< 0.25×',
    many.seconds < 0.25 * one.seconds && many.reports === one.reports,
  ]);
}
if (results.startup) {
  const start = results.startup;
  rows.push(['start-up: --version / node -e 0 (wall)', `${start.version.wallMs} ms / ${start.node.wallMs} ms`, `${start.wallRatio}×`, '≤ 1.3×', start.wallRatio <= 1.3]);
  rows.push(['start-up: --version / node -e 0 (CPU)', `${start.version.cpuMs} ms / ${start.node.cpuMs} ms`, `${start.cpuRatio}×`, '≤ 1.3×', start.cpuRatio <= 1.3]);
}

const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => String(row[column]).length), ['measure', 'value', 'ratio', 'target'][column].length));
const line = (cells) => cells.map((cell, index) => String(cell).padEnd(widths[index])).join('  ');
console.log(`mailcheck benchmark · ${machine.cpus} × ${machine.cpuModel} · ${machine.memoryGB} GB · Node ${machine.node} · load ${results.loadAverage.join(' ')} · delay ${DELAY} ms`);
console.log(line(['measure', 'value', 'ratio', 'target']) + '  ok');
console.log(widths.map((width) => '-'.repeat(width)).join('  ') + '  --');
// A row with no target (null) is a figure to read, not a test.
for (const row of rows) console.log(`${line(row.slice(0, 4))}  ${row[4] === null ? '' : row[4] ? 'yes' : 'NO'}`);
for (const audit of results.audits) {
  console.log(`critical path of ${audit.domain}: ${audit.chain.join(' → ')}`);
  console.log(`  runs of ${audit.domain}: ${audit.runs.map((one) => `${one.wallMs} ms (${one.ratio}×)`).join(', ')}`);
  if (PRINT_LOG) for (const entry of audit.transcript) console.log(`  ${entry}`);
}
for (const batch of [...results.batch, ...results.latencyBatch]) if (batch.stderr) console.log(`batch stderr (concurrency ${batch.concurrency}, delay ${batch.delayMs} ms): ${batch.stderr}`);

writeFileSync(path.join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('wrote bench/results.json');
rmSync(work, { recursive: true, force: true });
process.exit(0);
