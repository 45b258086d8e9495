/**
 * Batches and CI runs: domain lists (`--file`), several outputs per run
 * (`--output format=file`), streaming formats written as each domain finishes,
 * a progress bar on a terminal, baselines (`--baseline`,
 * `--fail-on-regression`), zone-file previews (`--zone`, `--offline`) and DNS
 * capture/replay (`--save-dns`, `--replay`). `runBatch` is the audit command's
 * body; `createAuditDns` builds the DNS client for the CLI and the library alike.
 */
import { createWriteStream, promises as fs, type WriteStream } from 'node:fs';
import { applyBaseline, readBaseline, regressions, BaselineError, type Baseline, type FailOn } from '../baseline.js';
import { UsageError, sentence, type CliIo, type WritableLike } from './program.js';
import type { AuditCliOptions } from './options.js';
import type { AuditOptions } from '../context.js';
import { parseDomain } from '../domain.js';
import { selectShard } from './shard.js';
import { createAuditDns } from '../dns/audit-dns.js';
import type { CaptureFile, CapturingDnsClient } from '../dns/capture.js';
import type { DnsClient, QueryLogEntry } from '../dns/types.js';
import { EXIT, exitCodeFor, nothingVerified } from '../exit-code.js';
import { FORMAT_NAMES, QUIET_TEXT, getFormat, type FormatName, type ReporterOptions } from '../report/formats.js';
import type { Report } from '../schema/report.js';
import type { Zone } from '../dns/zone-file.js';

// ---------------------------------------------------------------------------
// Domain lists

/** One entry of a domain list, with where it came from (for error messages). */
export interface ListedDomain {
  value: string;
  /** `file:line`, or `argument N`. */
  source: string;
  /** Per-domain options written after the domain on its line (`example.com --dkim-selector s1`). */
  args?: string[];
}

/**
 * The entries of a domain list: one domain or address per line, optionally
 * followed by per-domain options; `#` starts a comment (whole line or after
 * the entry); blank lines are ignored.
 */
export function parseDomainList(text: string, source: string): ListedDomain[] {
  const entries: ListedDomain[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const [value, ...args] = line.replace(/#.*$/, '').trim().split(/\s+/);
    if (value === undefined || value === '') return;
    entries.push({ value, source: `${source}:${index + 1}`, ...(args.length > 0 ? { args } : {}) });
  });
  return entries;
}

/**
 * Reads the file an option names (`-` is standard input where the option
 * allows it); a file that cannot be read is a usage error naming the option.
 */
export async function readOptionFile(option: string, file: string, stdin = false): Promise<string> {
  const limit = INPUT_LIMITS[option] ?? DEFAULT_INPUT_LIMIT;
  const tooLarge = () =>
    new UsageError(`${option} "${file}" is larger than ${formatBytes(limit)}, the most mailcheck reads for ${option}. Give a smaller file`);
  let text: string;
  try {
    if (stdin && file === '-') {
      text = await readStdin(limit);
    } else {
      // Refused before reading: a huge file is never held in memory.
      if ((await fs.stat(file)).size > limit) throw tooLarge();
      text = await fs.readFile(file, 'utf8');
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error === STDIN_TOO_LARGE) throw tooLarge();
    throw new UsageError(`cannot read ${option} "${file}" (${errorCode(error)}). Check the path`);
  }
  return text;
}

/**
 * The most bytes read for each input file (the limit is named in the error):
 * generous for real use, far below what would exhaust memory.
 */
const INPUT_LIMITS: Readonly<Record<string, number>> = {
  '--file': 64 * 1024 * 1024,
  '--zone': 32 * 1024 * 1024,
  '--replay': 64 * 1024 * 1024,
  '--baseline': 128 * 1024 * 1024,
  '--ca-file': 1024 * 1024,
};
const DEFAULT_INPUT_LIMIT = 64 * 1024 * 1024;
const STDIN_TOO_LARGE = new Error('standard input is over the limit');

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}

async function readStdin(limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    total += buffer.length;
    if (total > limit) throw STDIN_TOO_LARGE;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads `--file` lists (`-` is standard input). */
export async function readDomainLists(files: readonly string[]): Promise<ListedDomain[]> {
  const all: ListedDomain[] = [];
  for (const file of files) {
    const text = await readOptionFile('--file', file, true);
    all.push(...parseDomainList(text, file === '-' ? 'stdin' : file));
  }
  return all;
}

/**
 * The domains to audit: arguments first, then list entries, each validated,
 * duplicates (after normalisation: case, trailing dot, U-label, address)
 * dropped. Returns what the user wrote for each distinct domain.
 */
export function mergeDomains(argv: readonly string[], listed: readonly ListedDomain[]): string[] {
  const seen = new Set<string>();
  const inputs: string[] = [];
  const all: ListedDomain[] = [...argv.map((value, index) => ({ value, source: `argument ${index + 1}` })), ...listed];
  for (const entry of all) {
    const parsed = parseDomain(entry.value);
    if (!parsed.ok) {
      throw new UsageError(entry.source.startsWith('argument') ? parsed.error : `${entry.source}: ${parsed.error}`);
    }
    if (seen.has(parsed.domain)) continue;
    seen.add(parsed.domain);
    inputs.push(entry.value);
  }
  if (inputs.length === 0) {
    throw new UsageError('no domain given. Usage: mailcheck [options] <domain...> or --file <list>; run "mailcheck --help" for more');
  }
  return inputs;
}

// ---------------------------------------------------------------------------
// Outputs

/** Where one rendering of the run goes. */
export interface OutputTarget {
  format: FormatName;
  /** A file, or undefined for standard output. */
  file?: string;
}

/** What `-o/--output` values mean: a plain file for the main format, or `format=file` pairs. */
export interface OutputSpecs {
  /** The file the main `--format` goes to instead of standard output. */
  file?: string;
  /** Extra renderings: `--output json=report.json`. */
  pairs: OutputTarget[];
}

/**
 * Splits `--output` values. When the text before the first `=` is letters
 * only, it names a format: `json=out.json` is a pair, and an unknown name
 * (`bogus=x.txt`) is a usage error rather than a file of that name. Anything
 * else (no `=`, or a path before it: `./a=b.txt`, `dir/x=y`) is the file for
 * the main format, given once.
 */
export function parseOutputSpecs(values: readonly string[] | undefined): OutputSpecs {
  const specs: OutputSpecs = { pairs: [] };
  for (const raw of values ?? []) {
    const value = raw.trim();
    const equals = value.indexOf('=');
    const prefix = equals > 0 ? value.slice(0, equals) : '';
    if (/^[a-z]+$/i.test(prefix)) {
      const name = prefix.toLowerCase();
      if (!(FORMAT_NAMES as string[]).includes(name)) {
        throw new UsageError(
          `--output "${raw}": "${prefix}" is not a format. Use one of: ${FORMAT_NAMES.join(', ')} (a file whose name holds "=" is given as ./${value})`,
        );
      }
      const file = value.slice(equals + 1).trim();
      if (file === '') throw new UsageError(`--output "${raw}" names no file. Use e.g. --output ${name}=report.${name}`);
      specs.pairs.push({ format: name as FormatName, file });
      continue;
    }
    if (value === '') throw new UsageError('--output needs a file name. Use e.g. -o report.json');
    if (specs.file !== undefined) {
      throw new UsageError(
        `--output is given two plain files ("${specs.file}", "${value}"). Give -o <file> once and other outputs as format=file, e.g. --output html=report.html`,
      );
    }
    specs.file = value;
  }
  const files = [specs.file, ...specs.pairs.map((pair) => pair.file)].filter((file): file is string => file !== undefined);
  const duplicate = files.find((file, index) => files.indexOf(file) !== index);
  if (duplicate !== undefined) throw new UsageError(`--output names "${duplicate}" twice. Give each output its own file`);
  return specs;
}

/** Reads and parses `--zone` files. */
export async function readZones(files: readonly string[], origin?: string): Promise<Zone[]> {
  const { parseZoneFile, ZoneFileError } = await import('../dns/zone-file.js');
  return Promise.all(
    files.map(async (file) => {
      const text = await readOptionFile('--zone', file);
      try {
        return parseZoneFile(text, { source: file, ...(origin !== undefined ? { origin } : {}) });
      } catch (error) {
        if (error instanceof ZoneFileError) throw new UsageError(`--zone ${error.message}. Fix the zone file`);
        throw error;
      }
    }),
  );
}

export async function readReplay(file: string): Promise<CaptureFile> {
  const { parseCapture, CaptureError } = await import('../dns/capture.js');
  const text = await readOptionFile('--replay', file);
  try {
    return parseCapture(text, file);
  } catch (error) {
    if (error instanceof CaptureError) throw new UsageError(`${error.message}. Give a file written by --save-dns`);
    throw error;
  }
}

async function readBaselineFile(file: string): Promise<Baseline> {
  const text = await readOptionFile('--baseline', file);
  try {
    return readBaseline(text, file);
  } catch (error) {
    if (error instanceof BaselineError) {
      throw new UsageError(`--baseline ${error.message}. Give a file written by mailcheck --format json or --format ndjson`);
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------
// Progress

export interface Progress {
  /** One more domain done. */
  tick(report: Report, failing: boolean): void;
  /** Before writing to the same terminal: erase the bar (it is redrawn on the next tick). */
  clear(): void;
  /** The final line. */
  finish(): void;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The progress line: bar, done/total, rate, ETA, failing and incomplete domains. */
export function progressLine(state: { done: number; total: number; elapsedMs: number; failing: number; incomplete: number }, width = 80): string {
  const seconds = state.elapsedMs / 1000;
  const rate = seconds > 0 ? state.done / seconds : 0;
  const eta = rate > 0 ? (state.total - state.done) / rate : Number.POSITIVE_INFINITY;
  const tail = ` ${state.done}/${state.total}  ${rate.toFixed(1)}/s  ETA ${state.done === state.total ? '0s' : duration(eta)}  ${state.failing} failing${
    state.incomplete ? `  ${state.incomplete} incomplete` : ''
  }`;
  const barWidth = Math.max(10, Math.min(40, width - tail.length - 3));
  const filled = state.total === 0 ? barWidth : Math.round((barWidth * state.done) / state.total);
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${tail}`;
}

/** A progress bar redrawn in place on stderr (a terminal), at most ten times a second. */
export function createProgress(stderr: WritableLike, total: number): Progress {
  const started = Date.now();
  let done = 0;
  let failing = 0;
  let incomplete = 0;
  let lastDraw = 0;
  let shown = false;
  const state = () => ({ done, total, elapsedMs: Date.now() - started, failing, incomplete });
  const draw = () => {
    lastDraw = Date.now();
    shown = true;
    stderr.write(`\r\x1b[2K${progressLine(state(), stderr.columns ?? 80)}`);
  };
  return {
    tick(report, isFailing) {
      done++;
      if (isFailing) failing++;
      if (!report.score.complete) incomplete++;
      if (Date.now() - lastDraw >= 100 || done === total) draw();
    },
    clear() {
      if (shown) stderr.write('\r\x1b[2K');
      shown = false;
    },
    finish() {
      const seconds = (Date.now() - started) / 1000;
      stderr.write(
        `\r\x1b[2K${progressLine(state(), stderr.columns ?? 80)}\naudited ${done} domain${done === 1 ? '' : 's'} in ${seconds.toFixed(1)}s, ${failing} failing\n`,
      );
    },
  };
}

// ---------------------------------------------------------------------------
// A resolver that does not answer

/** Counts the queries that went on the wire and how they ended. */
export interface DnsHealth {
  record(entry: QueryLogEntry): void;
  /**
   * One line for stderr when no query on the wire got an answer (every one
   * timed out or was refused) and the servers do not answer a question about
   * a name outside the audit either: the cause is the resolver or the
   * network, not the domain (whose own servers may be the ones not answering).
   */
  notice(dns: DnsClient): Promise<string | undefined>;
}

/** Asked when every query failed: any resolver answers it (NXDOMAIN, RFC 6761 §6.4), no domain's servers are involved. */
export const RESOLVER_PROBE_NAME = 'resolver-check.mailcheck.invalid';

export function trackDnsHealth(): DnsHealth {
  let wire = 0;
  let timeouts = 0;
  let refused = 0;
  return {
    record(entry) {
      // Cache hits and zone-file answers say nothing about the servers.
      if (entry.cached || entry.server === 'override') return;
      wire++;
      if (entry.status === 'timeout') timeouts++;
      else if (entry.status === 'refused') refused++;
    },
    async notice(dns) {
      if (wire === 0 || timeouts + refused < wire) return undefined;
      const probe = await dns.query(RESOLVER_PROBE_NAME, 'A');
      if (probe.status !== 'timeout' && probe.status !== 'refused') return undefined;
      const servers = dns.servers;
      const plural = servers.length > 1;
      const who = servers.length === 0 ? 'the DNS server' : `the DNS server${plural ? 's' : ''} ${servers.join(', ')}`;
      const count = (n: number) => `${n} quer${n === 1 ? 'y' : 'ies'}`;
      const what =
        refused === 0
          ? `did not answer (${count(timeouts)} timed out)`
          : timeouts === 0
            ? `refused every query (${count(refused)}): ${plural ? 'they do' : 'it does'} not resolve names for this host`
            : `did not answer (${count(timeouts)} timed out, ${refused} refused)`;
      return `mailcheck: ${who} ${what}. Check --resolver, or the network's DNS.\n`;
    },
  };
}

// ---------------------------------------------------------------------------
// The audit command

/** Exit code of one report under the run's rules (regressions replace --fail-on with a baseline). */
export function reportExitCode(report: Report, rules: { failOn: FailOn; minScore?: number; failOnRegression?: boolean }): number {
  const thresholds = { failOn: rules.failOn, ...(rules.minScore !== undefined ? { minScore: rules.minScore } : {}) };
  if (rules.failOnRegression && report.diff) {
    // With a baseline, only regressions fail the run on findings: known findings are accepted.
    // With nothing verified the score is no measure: neither its drop nor --min-score breaches (exit 3).
    const unverified = nothingVerified(report);
    const breached =
      regressions(report.diff, rules.failOn).length > 0 ||
      (rules.minScore !== undefined && report.score.value < rules.minScore && !unverified);
    if (breached) return EXIT.breached;
    return exitCodeFor([report], { failOn: 'none' });
  }
  return exitCodeFor([report], thresholds);
}

/** A domain's own options with what the run decided for every domain (a replay is offline). */
function runWide(own: AuditOptions | undefined, run: AuditOptions): AuditOptions | undefined {
  return own && run.replay ? { ...own, offline: true, replay: true } : own;
}

/** Combines per-report exit codes: breached beats incomplete beats ok. */
export function combineExitCodes(a: number, b: number): number {
  if (a === EXIT.breached || b === EXIT.breached) return EXIT.breached;
  if (a === EXIT.incomplete || b === EXIT.incomplete) return EXIT.incomplete;
  return EXIT.ok;
}

/** A streaming sink: a file stream or standard output, written in order. */
interface Sink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

function streamSink(stream: WritableLike | WriteStream, owned: boolean): Sink {
  // Hand each chunk to the stream at once (it keeps the order and buffers
  // what the file or pipe has not taken yet); wait for the last one only.
  let last: Promise<void> = Promise.resolve();
  let failed: Error | undefined;
  return {
    write(text) {
      last = new Promise<void>((resolve) => {
        stream.write(text, (error?: Error | null) => {
          if (error) failed = error;
          resolve();
        });
      });
      return Promise.resolve();
    },
    async close() {
      await last;
      if (owned) {
        const file = stream as WriteStream;
        await new Promise<void>((resolve, reject) => {
          file.once('error', reject);
          file.end(() => resolve());
        });
      }
      if (failed) throw failed;
    },
  };
}

export interface BatchHelpers {
  /** Extra CA certificates read from --ca-file. */
  extraCa?: string[];
  toAuditOptions(cli: AuditCliOptions, extraCa?: string[]): AuditOptions;
  /** The options of each domain with settings of its own (config file, --file line options); throws a UsageError. */
  optionsFor?(listed: readonly ListedDomain[]): ((domain: string) => AuditOptions | undefined) | undefined;
  reporterOptionsFor(cli: AuditCliOptions, io: CliIo, toFile: boolean): ReporterOptions;
  /** `what`: the file's content, for the message (default: the report). */
  assertWritable(file: string, what?: string): Promise<void>;
  /** `secrets`: labels to mask in the transcript (the Spamhaus DQS key). */
  renderTranscript(log: DnsClient['log'], secrets?: readonly string[]): string;
}

/** The audit command: returns the exit code. */
export async function runBatch(rawDomains: readonly string[], cli: AuditCliOptions, io: CliIo, helpers: BatchHelpers): Promise<number> {
  // Inputs first: every usage error before any query.
  const listed = cli.file && cli.file.length > 0 ? await readDomainLists(cli.file) : [];
  // --shard: this machine's stable share of the list (src/cli/shard.ts).
  const inputs = selectShard(mergeDomains(rawDomains, listed), cli.shard);
  const outputs = cli.output ?? { pairs: [] };
  if (cli.replay && (cli.zone?.length || cli.resolver?.length)) {
    throw new UsageError('--replay answers every query from its file: it cannot be combined with --zone or --resolver');
  }
  if (cli.offline && !cli.zone?.length && !cli.replay) {
    throw new UsageError('--offline answers only from zone files. Give the records with --zone <file>');
  }
  if (cli.failOnRegression && !cli.baseline) {
    throw new UsageError('--fail-on-regression compares with an earlier run. Give it with --baseline <report.json>');
  }
  for (const file of [outputs.file, ...outputs.pairs.map((pair) => pair.file)]) {
    if (file !== undefined) await helpers.assertWritable(file);
  }
  if (cli.saveDns !== undefined) await helpers.assertWritable(cli.saveDns, 'the DNS capture (--save-dns)');
  const baseline = cli.baseline ? await readBaselineFile(cli.baseline) : undefined;
  const zones = cli.zone && cli.zone.length > 0 ? await readZones(cli.zone) : undefined;
  if (zones) {
    const { zoneWarnings } = await import('../dns/zone-file.js');
    zones.forEach((zone, at) => {
      for (const warning of zoneWarnings(zone)) io.stderr.write(`mailcheck: warning: --zone ${cli.zone![at]} ${warning}\n`);
    });
  }
  const replay = cli.replay ? await readReplay(cli.replay) : undefined;
  const options = helpers.toAuditOptions(cli, helpers.extraCa);
  const optionsFor = helpers.optionsFor?.(listed);
  if (replay) {
    options.offline = true;
    options.replay = true;
  }

  let dns: DnsClient | CapturingDnsClient;
  const health = trackDnsHealth();
  try {
    dns = await createAuditDns(options, {
      onQuery: health.record,
      ...(zones ? { zones } : {}),
      ...(replay ? { replay } : {}),
      ...(cli.saveDns ? { capture: true } : {}),
      // Without --verbose nobody reads the query log: keep none, and a bounded cache.
      ...(cli.verbose ? {} : { batch: true }),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${sentence(message.replace(/\.$/, ''))} Check --resolver`);
  }

  // Renderings: the main format (stdout or -o file), then each format=file pair.
  const targets: OutputTarget[] = [{ format: cli.format, ...(outputs.file !== undefined ? { file: outputs.file } : {}) }, ...outputs.pairs];
  const streaming: Array<{ render: (report: Report, options: ReporterOptions) => string; sink: Sink; options: ReporterOptions; stdout: boolean }> = [];
  const whole: Array<{ target: OutputTarget; render: (reports: readonly Report[], options: ReporterOptions) => string; options: ReporterOptions }> = [];
  for (const target of targets) {
    // --quiet: the text report becomes one line per domain, streamed.
    const spec = cli.quiet && target.format === 'text' ? QUIET_TEXT : getFormat(target.format);
    if (!spec) throw new UsageError(`unknown format "${target.format}". Run "mailcheck --help" for the list`);
    const reporterOptions = {
      ...helpers.reporterOptionsFor(cli, io, target.file !== undefined),
      ...(cli.zone?.[0] ? { artifactUri: cli.zone[0] } : {}),
    };
    if (spec.loadStreaming) {
      const render = await spec.loadStreaming();
      const sink = target.file !== undefined ? streamSink(createWriteStream(target.file), true) : streamSink(io.stdout, false);
      streaming.push({ render, sink, options: reporterOptions, stdout: target.file === undefined });
    } else {
      whole.push({ target, render: await spec.load(), options: reporterOptions });
    }
  }

  // A reader that stops early (`| head`) closes the pipe: stop quietly, no stack trace.
  let code: number = EXIT.ok;
  const stdout = io.stdout as WritableLike & { once?: (event: string, listener: (error: Error) => void) => void };
  stdout.once?.('error', (error: Error & { code?: string }) => {
    if (error.code === 'EPIPE' && io.stdout === process.stdout) process.exit(code);
    // Any other failure (a full disk) on the real stdout is reported once by main() (src/cli/program.ts).
    if (io.stdout !== process.stdout) throw error;
  });

  const showProgress = io.stderr.isTTY === true && inputs.length > 1 && !cli.quiet;
  const progress = showProgress ? createProgress(io.stderr, inputs.length) : undefined;
  const rules = {
    failOn: cli.failOn,
    ...(cli.minScore !== undefined ? { minScore: cli.minScore } : {}),
    ...(cli.failOnRegression ? { failOnRegression: true } : {}),
  };
  const { audit } = await import('../run.js');
  const reports = await audit(inputs, options, {
    dns,
    ...(cli.concurrency !== undefined ? { concurrency: cli.concurrency } : {}),
    ...(baseline ? { baseline } : {}),
    ...(optionsFor ? { optionsFor: (domain: string) => runWide(optionsFor(domain), options) } : {}),
    keepReports: whole.length > 0,
    onReport: (report) => {
      const reportCode = reportExitCode(report, rules);
      code = combineExitCodes(code, reportCode);
      for (const output of streaming) {
        if (output.stdout && progress && io.stdout.isTTY) progress.clear();
        void output.sink.write(output.render(report, output.options));
      }
      progress?.tick(report, reportCode === EXIT.breached);
    },
  });
  progress?.finish();
  for (const output of streaming) {
    try {
      await output.sink.close();
    } catch (error) {
      throw new UsageError(`cannot write the report (${errorCode(error)}). Check the output path and its permissions`);
    }
  }

  // The DQS key is masked on stderr; --save-dns keeps the real names (a replay asks them).
  if (cli.verbose) io.stderr.write(helpers.renderTranscript(dns.log, cli.spamhausKey ? [cli.spamhausKey] : []));
  for (const { target, render, options: reporterOptions } of whole) {
    await writeReport(target.file, render(reports, reporterOptions), io);
  }
  if (cli.saveDns) await writeCapture(cli.saveDns, dns);
  // Not in the report: the report is about the domain; this is about the run. The exit code stays 3 (incomplete).
  const notice = await health.notice(dns);
  if (notice) io.stderr.write(notice);
  if (cli.resolver?.some((spec) => /^https:/i.test(spec))) (await import('../dns/doh.js')).closeDohAgents();
  return code;
}

/** Writes a whole report to `file`, or to stdout (waiting for it to take the text); a failed write is a usage error. */
export async function writeReport(file: string | undefined, text: string, io: CliIo): Promise<void> {
  if (file === undefined) {
    await new Promise<void>((resolve) => io.stdout.write(text, () => resolve()));
    return;
  }
  try {
    await fs.writeFile(file, text);
  } catch (error) {
    throw new UsageError(`cannot write the report to "${file}" (${errorCode(error)}). Check the path and its permissions`);
  }
}

/** Writes the run's DNS capture (--save-dns), when the resolver captured one. */
export async function writeCapture(file: string, dns: DnsClient | CapturingDnsClient): Promise<void> {
  if (!('capture' in dns)) return;
  const { serializeCapture } = await import('../dns/capture.js');
  try {
    await fs.writeFile(file, serializeCapture(dns.capture()));
  } catch (error) {
    throw new UsageError(`cannot write --save-dns "${file}" (${errorCode(error)}). Check the path and its permissions`);
  }
}

/** The Node error code of a failed file operation (ENOENT, EACCES …), else the message. */
export function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof (error as { code: unknown }).code === 'string') {
    return (error as { code: string }).code;
  }
  return error instanceof Error ? error.message : String(error);
}
