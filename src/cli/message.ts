/**
 * The command line of `mailcheck message`: validates the options (the
 * audit's own schema for the shared ones), reads the message, builds the DNS
 * client (resolver, --zone/--offline, --replay, --save-dns), audits, renders
 * and returns the exit code. Loaded lazily by src/cli/program.ts.
 */
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import { CHECK_IDS } from '../checks/index.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { parseAuditCliOptions, toAuditOptions } from './options.js';
import { renderTranscript } from './transcript.js';
import { reporterOptionsFor } from './reporter-options.js';
import { readReplay, readZones } from './audit-inputs.js';
import { trackDnsHealth } from './dns-health.js';
import { assertWritable, writeCapture, writeReport } from './output-files.js';
import { createAuditDns } from '../dns/audit-dns.js';
import { messageExitCode } from '../exit-code.js';
import { parseIp } from '../ip.js';
import { formatIp, unmapIpv4 } from '../ip.js';
import { prepareMessage, readInput } from '../message/read.js';
import { formatMessageText } from '../message/text.js';
import type { MessageResult } from '../message/schema.js';
import { getFormat, type FormatName, type ReporterOptions } from '../report/formats.js';

/** The program options `mailcheck message` uses (attribute names); giving any other is a usage error. */
export const MESSAGE_PROGRAM_OPTIONS: ReadonlySet<string> = new Set([
  'format',
  'output',
  'color',
  'verbose',
  'resolver',
  'timeout',
  'retries',
  'ip',
  'failOn',
  'minScore',
  'zone',
  'offline',
  'saveDns',
  'replay',
  'blocklist',
  'noBlocklist',
  'spamhausKey',
  'profile',
]);

/**
 * Text and JSON are the message's own; ndjson is its JSON on one line; the
 * other formats go through the shared reporters (as-report.ts).
 */
async function render(result: MessageResult, format: FormatName, options: ReporterOptions): Promise<string> {
  if (format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  if (format === 'ndjson') return `${JSON.stringify(result)}\n`;
  if (format === 'text') return formatMessageText(result, { color: options.color, verbose: options.verbose });
  const { messageAsReport } = await import('../message/as-report.js');
  const reporter = await getFormat(format)!.load();
  return reporter([messageAsReport(result)], options);
}

/** The flags given on the command line among the program's options that `mailcheck message` does not use. */
export function optionsNotForMessage(program: Command): string[] {
  const flags: string[] = [];
  for (const option of program.options) {
    const key = option.attributeName();
    if (MESSAGE_PROGRAM_OPTIONS.has(key) || program.getOptionValueSource(key) !== 'cli') continue;
    const flag = option.long ?? option.short ?? key;
    if (!flags.includes(flag)) flags.push(flag);
  }
  return flags;
}

/** `mailcheck message <file|->`: returns the exit code. */
export async function runMessage(file: string, rawOptions: Record<string, unknown>, io: CliIo, stdin: Readable = process.stdin): Promise<number> {
  const cli = parseAuditCliOptions(rawOptions, CHECK_IDS);
  if (cli.ip && cli.ip.length > 1) throw new UsageError('mailcheck message evaluates one connecting IP. Give --ip once');
  if (cli.output && cli.output.pairs.length > 0) throw new UsageError('mailcheck message writes one output. Give -o <file> without a format');
  if (cli.replay && (cli.zone?.length || cli.resolver?.length)) {
    throw new UsageError('--replay answers every query from its file: it cannot be combined with --zone or --resolver');
  }
  if (cli.offline && !cli.zone?.length && !cli.replay) {
    throw new UsageError('--offline answers only from zone files. Give the records with --zone <file>');
  }
  const mailFrom = typeof rawOptions.mailFrom === 'string' ? rawOptions.mailFrom.trim().replace(/^<(.*)>$/, '$1') : undefined;
  if (mailFrom !== undefined && mailFrom !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(mailFrom)) {
    throw new UsageError(`--mail-from "${mailFrom}" is not an address. Use e.g. --mail-from bounce@example.com, or --mail-from "<>" for the null sender`);
  }
  const helo = typeof rawOptions.helo === 'string' ? rawOptions.helo.trim() : undefined;
  if (helo !== undefined && helo === '') throw new UsageError('--helo needs a host name. Use e.g. --helo mail.example.com');
  const ipText = cli.ip?.[0];
  const parsedIp = ipText !== undefined ? parseIp(ipText.trim()) : undefined;
  if (ipText !== undefined && !parsedIp) throw new UsageError(`--ip "${ipText}" is not an IPv4 or IPv6 address. Use e.g. --ip 192.0.2.10`);
  const output = cli.output?.file;
  if (output !== undefined) await assertWritable(output);
  if (cli.saveDns !== undefined) await assertWritable(cli.saveDns, 'the DNS capture (--save-dns)');
  const zones = cli.zone && cli.zone.length > 0 ? await readZones(cli.zone) : undefined;
  const replay = cli.replay ? await readReplay(cli.replay) : undefined;

  // The message: every input error before any query.
  const raw = prepareMessage(file, await readInput(file, stdin));

  const options = toAuditOptions({ ...cli, ip: undefined }, undefined);
  if (replay) {
    options.offline = true;
    options.replay = true;
  }
  const health = trackDnsHealth();
  const dns = await createAuditDns(options, {
    onQuery: health.record,
    ...(zones ? { zones } : {}),
    ...(replay ? { replay } : {}),
    ...(cli.saveDns ? { capture: true } : {}),
  });
  const { auditMessage } = await import('../commands/message.js');
  const result = await auditMessage(
    raw,
    {
      ...(parsedIp ? { ip: formatIp(unmapIpv4(parsedIp)) } : {}),
      ...(helo !== undefined ? { helo } : {}),
      ...(mailFrom !== undefined ? { mailFrom } : {}),
    },
    options,
    dns,
  );
  const reporter = reporterOptionsFor(cli, io, output !== undefined);
  const text = await render(result, cli.format, reporter);
  if (cli.verbose) io.stderr.write(renderTranscript(dns.log));
  await writeReport(output, text, io);
  if (cli.saveDns) await writeCapture(cli.saveDns, dns);
  const notice = await health.notice(dns);
  if (notice) io.stderr.write(notice);
  return messageExitCode(result, { failOn: cli.failOn, ...(cli.minScore !== undefined ? { minScore: cli.minScore } : {}) });
}
