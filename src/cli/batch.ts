/**
 * The audit command's body: domain lists (`--file`), several outputs per run
 * (`--output format=file`), streaming formats written as each domain finishes,
 * a progress bar on a terminal, baselines (`--baseline`,
 * `--fail-on-regression`), zone-file previews (`--zone`, `--offline`) and DNS
 * capture/replay (`--save-dns`, `--replay`). Every usage error comes before
 * the first query.
 */
import { createWriteStream } from 'node:fs';
import { CHECK_IDS } from '../checks/index.js';
import type { AuditOptions } from '../context.js';
import { createAuditDns } from '../dns/audit-dns.js';
import type { CapturingDnsClient } from '../dns/capture.js';
import type { EarlyAttempts } from '../dns/transport.js';
import type { DnsClient } from '../dns/types.js';
import { EXIT, combineExitCodes, reportExitCode } from '../exit-code.js';
import { QUIET_TEXT, getFormat, type ReporterOptions } from '../report/formats.js';
import type { Report } from '../schema/report.js';
import { readBaselineFile, readReplay, readZones } from './audit-inputs.js';
import { auditOptionsWithConfig, perDomainOptions, type RunSettings } from './config.js';
import { trackDnsHealth } from './dns-health.js';
import { mergeDomains, readDomainLists } from './domain-list.js';
import { UsageError, errorCode, sentence } from './errors.js';
import type { CliIo, WritableLike } from './io.js';
import type { AuditCliOptions } from './options.js';
import { assertWritable, streamSink, writeCapture, writeReport, type Sink } from './output-files.js';
import type { OutputTarget } from './output-specs.js';
import { createProgress } from './progress.js';
import { documentOutput, inInputOrder, INPUT_ORDER_WINDOW, type DocumentOutput } from './document-output.js';
import { reporterOptionsFor } from './reporter-options.js';
import { selectShard } from './shard.js';
import { readTrustAnchorFiles } from './trust-anchors.js';
import { renderTranscript } from './transcript.js';

/** A domain's own options with what the run decided for every domain (a replay is offline). */
function runWide(own: AuditOptions | undefined, run: AuditOptions): AuditOptions | undefined {
  return own && run.replay ? { ...own, offline: true, replay: true } : own;
}

/** The audit command: returns the exit code. */
export async function runBatch(
  rawDomains: readonly string[],
  settings: RunSettings,
  io: CliIo,
  extraCa?: string[],
  early?: EarlyAttempts,
): Promise<number> {
  const { cli } = settings;
  // Inputs first: every usage error before any query.
  // Let go of after the options are read (below): a list's entries would otherwise live as long as the run.
  let listed = cli.file && cli.file.length > 0 ? await readDomainLists(cli.file) : [];
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
    if (file !== undefined) await assertWritable(file);
  }
  if (cli.saveDns !== undefined) await assertWritable(cli.saveDns, 'the DNS capture (--save-dns)');
  const baseline = cli.baseline ? await readBaselineFile(cli.baseline) : undefined;
  const zones = cli.zone && cli.zone.length > 0 ? await readZones(cli.zone) : undefined;
  if (zones) {
    const { zoneWarnings } = await import('../dns/zone-file.js');
    zones.forEach((zone, at) => {
      for (const warning of zoneWarnings(zone)) io.stderr.write(`mailcheck: warning: --zone ${cli.zone![at]} ${warning}\n`);
    });
  }
  const replay = cli.replay ? await readReplay(cli.replay) : undefined;
  const trustAnchors = await readTrustAnchorFiles(cli.trustAnchor);
  const toOptions = (parsed: AuditCliOptions): AuditOptions => ({
    ...auditOptionsWithConfig(parsed, settings.config, extraCa),
    ...(trustAnchors ? { trustAnchors } : {}),
  });
  const options = toOptions(cli);
  const optionsFor = perDomainOptions(settings, listed, toOptions, CHECK_IDS);
  listed = [];
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
      // Questions sent before the CLI loaded (src/cli/early-round.ts): the resolver takes them over.
      ...(early ? { early } : {}),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${sentence(message.replace(/\.$/, ''))} Check --resolver`);
  }

  // Renderings: the main format (stdout or -o file), then each format=file pair.
  const targets: OutputTarget[] = [{ format: cli.format, ...(outputs.file !== undefined ? { file: outputs.file } : {}) }, ...outputs.pairs];
  const streaming: Array<{ render: (report: Report, options: ReporterOptions) => string; sink: Sink; options: ReporterOptions; stdout: boolean }> = [];
  const whole: Array<{ target: OutputTarget; render: (reports: readonly Report[], options: ReporterOptions) => string; options: ReporterOptions }> = [];
  const documents: Array<{ output: DocumentOutput; sink: Sink }> = [];
  const showProgress = io.stderr.isTTY === true && inputs.length > 1 && !cli.quiet;
  const progress = showProgress ? createProgress(io.stderr, inputs.length) : undefined;
  for (const target of targets) {
    // --quiet: the text report becomes one line per domain, streamed.
    const spec = cli.quiet && target.format === 'text' ? QUIET_TEXT : getFormat(target.format);
    if (!spec) throw new UsageError(`unknown format "${target.format}". Run "mailcheck --help" for the list`);
    const reporterOptions = {
      ...reporterOptionsFor(cli, io, target.file !== undefined),
      ...(cli.zone?.[0] ? { artifactUri: cli.zone[0] } : {}),
    };
    if (spec.loadStreaming) {
      const render = await spec.loadStreaming();
      const sink = target.file !== undefined ? streamSink(createWriteStream(target.file), true) : streamSink(io.stdout, false);
      streaming.push({ render, sink, options: reporterOptions, stdout: target.file === undefined });
    } else if (spec.loadDocument) {
      // One document, written in input order as domains finish (src/cli/document-output.ts).
      const sink = target.file !== undefined ? streamSink(createWriteStream(target.file), true) : streamSink(io.stdout, false);
      const context = { total: inputs.length, diff: baseline !== undefined };
      const stdout = target.file === undefined;
      const write = (text: string) => {
        if (stdout && progress && io.stdout.isTTY) progress.clear();
        return sink.write(text);
      };
      documents.push({ output: documentOutput(await spec.loadDocument(), reporterOptions, context, write), sink });
    } else {
      whole.push({ target, render: await spec.load(), options: reporterOptions });
    }
  }

  // A reader that stops early (`| head`) closes the pipe: stop quietly, no stack trace.
  let code: number = EXIT.ok;
  const stdout = io.stdout as WritableLike & { once?: (event: string, listener: (error: Error) => void) => void };
  stdout.once?.('error', (error: Error & { code?: string }) => {
    if (error.code === 'EPIPE' && io.stdout === process.stdout) process.exit(code);
    // Any other failure (a full disk) on the real stdout is reported once by main() (src/cli/main.ts).
    if (io.stdout !== process.stdout) throw error;
  });

  const rules = {
    failOn: cli.failOn,
    ...(cli.minScore !== undefined ? { minScore: cli.minScore } : {}),
    ...(cli.failOnRegression ? { failOnRegression: true } : {}),
  };
  const toDocuments = inInputOrder((report) => {
    for (const document of documents) document.output.add(report);
  });
  const { audit } = await import('../run.js');
  const reports = await audit(inputs, options, {
    dns,
    ...(cli.concurrency !== undefined ? { concurrency: cli.concurrency } : {}),
    ...(baseline ? { baseline } : {}),
    ...(optionsFor ? { optionsFor: (domain: string) => runWide(optionsFor(domain), options) } : {}),
    keepReports: whole.length > 0,
    ...(documents.length > 0 ? { maxAhead: INPUT_ORDER_WINDOW } : {}),
    onReport: (report, index) => {
      toDocuments(report, index);
      const reportCode = reportExitCode(report, rules);
      code = combineExitCodes(code, reportCode);
      for (const output of streaming) {
        if (output.stdout && progress && io.stdout.isTTY) progress.clear();
        void output.sink.write(output.render(report, output.options));
      }
      progress?.tick(report, reportCode === EXIT.breached);
      // An output that lags behind holds the run back, so unwritten text stays bounded.
      const behind = [...streaming, ...documents].map((output) => output.sink.backPressure()).filter((wait) => wait !== undefined);
      return behind.length > 0 ? Promise.all(behind).then(() => undefined) : undefined;
    },
  });
  progress?.finish();
  for (const output of [...streaming, ...documents]) {
    try {
      if ('output' in output) await output.output.finish();
      await output.sink.close();
    } catch (error) {
      throw new UsageError(`cannot write the report (${errorCode(error)}). Check the output path and its permissions`);
    }
  }

  // The DQS key is masked on stderr; --save-dns keeps the real names (a replay asks them).
  if (cli.verbose) io.stderr.write(renderTranscript(dns.log, cli.spamhausKey ? [cli.spamhausKey] : []));
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
