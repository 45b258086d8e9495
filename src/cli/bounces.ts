/**
 * `mailcheck bounces <path...>` on the command line: options, inputs and
 * outputs around src/commands/bounces.ts, and `--audit`, which runs the
 * checks that examine each sender-side cause for the sending domain and IPs.
 * Loaded lazily by src/cli/program.ts.
 */
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import {
  chooseFormat,
  closeStream,
  openOutputFile,
  outputFile,
  progressCounter,
  styleFor,
  subcommandDns,
  type SubcommandOptions,
} from './subcommand.js';
import { bouncesCommand, type BouncesFormat } from '../commands/bounces.js';
import { readMessages } from '../bounces/read-input.js';
import type { SenderIssue } from '../bounces/schema.js';
import type { DnsClient } from '../dns/types.js';
import { parseDomain } from '../domain.js';
import { tool } from '../run.js';

export interface BouncesCliOptions extends SubcommandOptions {
  suppress?: string;
  audit?: boolean;
  progress?: boolean;
  /** Hidden (testing): the SMTP port the tls check probes during --audit. */
  smtpPort?: string;
}

const BOUNCES_FORMATS: readonly BouncesFormat[] = ['text', 'json', 'ndjson', 'csv'];

/** The checks of `checks` for `domain` and `ips`, run live: their findings, and the checks that could not conclude. */
export function auditSender(dns: DnsClient, extra: { smtpPort?: number } = {}) {
  return async (domain: string, ips: string[], checks: string[]): Promise<SenderIssue['audit']> => {
    const parsed = parseDomain(domain);
    if (!parsed.ok) return undefined;
    const { auditDomain } = await import('../run.js');
    const report = await auditDomain(
      { domain: parsed.domain },
      { checks, ips, ...(extra.smtpPort !== undefined ? { smtpPort: extra.smtpPort } : {}) },
      { dns },
    );
    return {
      findings: report.checks.flatMap((check) => check.findings.map((finding) => ({ ...finding, check: check.id }))),
      inconclusive: report.checks.filter((check) => check.status === 'error').map((check) => check.id),
    };
  };
}

/** Runs `mailcheck bounces`; returns the exit code. */
export async function runBounces(paths: readonly string[], options: BouncesCliOptions, io: CliIo): Promise<number> {
  const format = chooseFormat(options.format, BOUNCES_FORMATS, 'bounces');
  const output = outputFile(options.output, 'bounces');
  if (paths.filter((entry) => entry === '-').length > 1) throw new UsageError('stdin (-) can be read once. Give - one time');
  if (options.suppress !== undefined && options.suppress === output) throw new UsageError('-o and --suppress must name different files');
  const smtpPort = options.smtpPort !== undefined ? Number(options.smtpPort) : undefined;
  const out = output !== undefined ? await openOutputFile(output, 'the report') : undefined;
  const suppress = options.suppress !== undefined ? await openOutputFile(options.suppress, 'the suppression list') : undefined;
  const dns = options.audit ? await subcommandDns(options) : undefined;
  const progress = progressCounter(io.stderr, options.progress !== false && io.stderr.isTTY === true && (output !== undefined || io.stdout.isTTY !== true));
  try {
    const { exitCode } = await bouncesCommand({
      messages: readMessages(paths, process.stdin),
      format,
      style: styleFor(options, io, output !== undefined),
      out: out ?? io.stdout,
      ...(suppress ? { suppress } : {}),
      ...(dns ? { audit: auditSender(dns, smtpPort !== undefined && Number.isInteger(smtpPort) ? { smtpPort } : {}) } : {}),
      today: new Date().toISOString().slice(0, 10),
      onMessage: (count) => progress.update(`bounces: ${count} messages`),
      tool: tool(),
    });
    return exitCode;
  } finally {
    progress.done();
    await Promise.all([closeStream(out), closeStream(suppress)]);
  }
}
