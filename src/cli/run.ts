/**
 * What the CLI does once commander has parsed the command line: validate the
 * options, normalise the domains, audit, render, write, and compute the exit
 * code. Loaded lazily by src/cli/program.ts, so `--help` and `--version` never pay
 * for zod, the checks or the resolver.
 */
import { X509Certificate } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import { CHECK_IDS } from '../checks/index.js';
import { UsageError, sentence, type CliIo, type WritableLike } from './program.js';
import { parseAuditCliOptions, toAuditOptions, type AuditCliOptions } from './options.js';
import { perDomainOptions, resolveSettings, type OptionSources } from './config.js';
import type { AuditOptions } from '../context.js';
import { errorCode, readOptionFile, runBatch, trackDnsHealth } from './batch.js';
import { parseDomain } from '../domain.js';
import type { DnsClient, QueryLogEntry } from '../dns/types.js';
import type { ReporterOptions } from '../report/formats.js';
import { shouldColor } from '../report/style.js';

/**
 * `mailcheck [options] <domain...>`: returns the exit code. Batches, several
 * outputs, baselines, zone previews and DNS captures are src/cli/batch.ts.
 */
export async function runAudit(
  rawDomains: readonly string[],
  rawOptions: Record<string, unknown>,
  io: CliIo,
  sources: OptionSources = {},
): Promise<number> {
  if (Array.isArray(rawOptions.reports)) {
    // --reports: the selectors and sending IPs the reports name join --dkim-selector and --ip (src/reports/feed.ts).
    const { feedOptions } = await import('../reports/feed-cli.js');
    rawOptions = await feedOptions(rawDomains, rawOptions, io);
  }
  // Command line over the config file's defaults over the built-in ones (src/cli/config.ts).
  const settings = await resolveSettings(rawOptions, sources, CHECK_IDS);
  const { cli, config } = settings;
  const extraCa = await readCaFiles(cli.caFile);
  const withConfig = (parsed: AuditCliOptions): AuditOptions => {
    const options = toAuditOptions(parsed, extraCa);
    const ignore = [...(config?.ignore ?? []), ...(options.ignore ?? [])];
    return ignore.length > 0 ? { ...options, ignore } : options;
  };
  return runBatch(rawDomains, cli, io, {
    ...(extraCa ? { extraCa } : {}),
    toAuditOptions: withConfig,
    optionsFor: (listed) => perDomainOptions(settings, listed, withConfig, CHECK_IDS),
    reporterOptionsFor,
    assertWritable,
    renderTranscript,
  });
}

/** `mailcheck spf <domain>`: returns the exit code from the SPF command. */
export async function runSpf(rawDomain: string, rawOptions: Record<string, unknown>, io: CliIo): Promise<number> {
  const cli = parseAuditCliOptions(rawOptions, CHECK_IDS);
  if (cli.format !== 'text' && cli.format !== 'json') {
    throw new UsageError(`mailcheck spf prints text or json, not ${cli.format}. Use --format text or --format json`);
  }
  if (cli.ip && cli.ip.length > 1) throw new UsageError('mailcheck spf evaluates one client IP at a time. Give --ip once');
  if (cli.output && cli.output.pairs.length > 0) throw new UsageError('mailcheck spf writes one output. Give -o <file> without a format');
  const output = cli.output?.file;
  const evaluating = cli.ip?.[0] !== undefined;
  const parsed = parseDomain(rawDomain);
  // RFC 7208 §4.3: a receiver evaluates the identity the client sent; a malformed
  // domain (a label over 63 octets, an empty label, a single label, a domain
  // literal) makes check_host() return "none". Only the tree needs a real domain.
  const unparsable = !parsed.ok && evaluating && rawDomain.trim() !== '';
  if (!parsed.ok && !unparsable) throw new UsageError(parsed.error);
  const domain = parsed.ok ? parsed.domain : identityDomain(rawDomain);
  // RFC 7208 §4.1: <sender> is the MAIL FROM; an address given as the argument is that mailbox unless --sender says otherwise.
  const sender =
    typeof rawOptions.sender === 'string' ? rawOptions.sender.trim() : parsed.ok ? senderOf(rawDomain, domain) : senderOfIdentity(rawDomain);
  // With --ip the MAIL FROM is evaluated as sent (§4.3: a local part may hold spaces, §7.1 macros read it as is).
  if (!evaluating && sender !== undefined && !/^[^@\s]*@[^@\s]+$/.test(sender) && parseDomain(sender).ok === false) {
    throw new UsageError(`--sender "${sender}" is not a mailbox. Use e.g. --sender bounce@example.com`);
  }
  const helo = typeof rawOptions.helo === 'string' ? rawOptions.helo.trim() : undefined;
  if (helo !== undefined && helo === '') throw new UsageError('--helo needs a host name. Use e.g. --helo mail.example.com');
  if (output !== undefined) await assertWritable(output);

  const dns = await createDns(cli);
  const { spfCommand } = await import('../commands/spf.js');
  const result = await spfCommand(
    {
      domain,
      ...(cli.ip?.[0] !== undefined ? { ip: cli.ip[0] } : {}),
      ...(sender !== undefined ? { sender } : {}),
      ...(helo !== undefined ? { helo } : {}),
      format: cli.format,
      color: reporterOptionsFor(cli, io, output !== undefined).color,
    },
    dns,
  );
  if (cli.verbose) io.stderr.write(renderTranscript(dns.log));
  await emit(result.output, output, io.stdout);
  const health = trackDnsHealth();
  for (const entry of dns.log) health.record(entry);
  const notice = await health.notice(dns);
  if (notice) io.stderr.write(notice);
  return result.exitCode;
}

/**
 * The mailbox of an address argument (`bob@example.com`), its domain
 * normalised; undefined for a bare domain or an empty local part (RFC 7208
 * §4.3 then substitutes "postmaster").
 */
export function senderOf(raw: string, domain: string): string | undefined {
  const text = raw.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0) return undefined;
  return `${text.slice(0, at)}@${domain}`;
}

/** The domain of an identity that is not a valid domain, as sent: after the last "@", lower case. */
function identityDomain(raw: string): string {
  const text = raw.trim();
  return text.slice(text.lastIndexOf('@') + 1).toLowerCase();
}

/** The mailbox of an identity argument as sent, when it has a local part. */
function senderOfIdentity(raw: string): string | undefined {
  const text = raw.trim();
  return text.lastIndexOf('@') > 0 ? text : undefined;
}

/** Every argument as a domain; the first invalid one is a usage error. */
export function normaliseArguments(rawDomains: readonly string[]): string[] {
  if (rawDomains.length === 0) {
    throw new UsageError('no domain given. Usage: mailcheck [options] <domain...>; run "mailcheck --help" for more');
  }
  for (const raw of rawDomains) {
    const parsed = parseDomain(raw);
    if (!parsed.ok) throw new UsageError(parsed.error);
  }
  return [...rawDomains];
}

/** Colour, verbosity and thresholds for the reporter. */
export function reporterOptionsFor(cli: AuditCliOptions, io: CliIo, toFile = cli.output?.file !== undefined): ReporterOptions {
  // A report file gets colour only on explicit request (--color), never from FORCE_COLOR.
  const color = toFile
    ? cli.color === true
    : shouldColor({
        ...(cli.color !== undefined ? { flag: cli.color } : {}),
        env: io.env,
        isTTY: io.stdout.isTTY === true,
      });
  const columns = !toFile && io.stdout.isTTY && io.stdout.columns ? io.stdout.columns : 80;
  return {
    color,
    verbose: cli.verbose === true,
    failOn: cli.failOn,
    ...(cli.minScore !== undefined ? { minScore: cli.minScore } : {}),
    width: Math.min(Math.max(columns, 60), 100),
    ...(cli.file && cli.file.length > 0 ? { list: true } : {}),
  };
}

async function createDns(cli: AuditCliOptions): Promise<DnsClient> {
  const { createResolver } = await import('../dns/resolver.js');
  try {
    return createResolver({
      ...(cli.resolver && cli.resolver.length > 0 ? { servers: cli.resolver } : {}),
      ...(cli.timeout !== undefined ? { timeoutMs: cli.timeout } : {}),
      ...(cli.retries !== undefined ? { retries: cli.retries } : {}),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${sentence(message.replace(/\.$/, ''))} Check --resolver`);
  }
}

async function readCaFiles(files: readonly string[] | undefined): Promise<string[] | undefined> {
  if (!files || files.length === 0) return undefined;
  return Promise.all(
    files.map(async (file) => {
      const text = await readOptionFile('--ca-file', file);
      // Each PEM block must be a certificate Node can read: a file of broken blocks trusts nothing.
      const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
      const readable = blocks.filter((block) => {
        try {
          new X509Certificate(block);
          return true;
        } catch {
          return false;
        }
      });
      if (readable.length === 0) {
        throw new UsageError(
          blocks.length === 0
            ? `--ca-file "${file}" holds no PEM certificate. Give a file with -----BEGIN CERTIFICATE----- blocks`
            : `--ca-file "${file}" holds ${blocks.length} PEM block${blocks.length === 1 ? '' : 's'} but no certificate that can be read. Give the CA certificate in PEM form`,
        );
      }
      return readable.join('\n');
    }),
  );
}

/**
 * Fails early, before the audit, when an output file cannot be written.
 * `what` names the file's content in the message (the report, the DNS capture).
 */
export async function assertWritable(file: string, what = 'the report'): Promise<void> {
  const target = path.resolve(file);
  try {
    const stat = await fs.stat(target);
    if (stat.isDirectory()) throw new UsageError(`cannot write ${what} to "${file}": it is a directory. Give a file name`);
    await fs.access(target, fsConstants.W_OK);
    return;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (errorCode(error) !== 'ENOENT') {
      throw new UsageError(`cannot write ${what} to "${file}" (${errorCode(error)}). Check the path and its permissions`);
    }
  }
  const directory = path.dirname(target);
  try {
    const stat = await fs.stat(directory);
    if (!stat.isDirectory()) throw new Error('ENOTDIR');
    await fs.access(directory, fsConstants.W_OK);
  } catch (error) {
    const code = error instanceof Error && error.message === 'ENOTDIR' ? 'ENOTDIR' : errorCode(error);
    const hint = code === 'ENOENT' ? 'Create the directory first' : 'Check the path and its permissions';
    throw new UsageError(`cannot write ${what} to "${file}": directory "${path.dirname(file)}" is not writable (${code}). ${hint}`);
  }
}

/** Writes to the output file or stdout, waiting until the data is handed off. */
async function emit(text: string, output: string | undefined, stdout: WritableLike): Promise<void> {
  if (output !== undefined) {
    try {
      await fs.writeFile(output, text);
    } catch (error) {
      throw new UsageError(`cannot write the report to "${output}" (${errorCode(error)}). Check the path and its permissions`);
    }
    return;
  }
  await new Promise<void>((resolve) => {
    stdout.write(text, () => resolve());
  });
}

/** What stands in the transcript for the Spamhaus DQS key (as the blocklist check shows it in reports). */
export const DQS_KEY_PLACEHOLDER = '<DQS-KEY>';

/**
 * The DNS transcript for --verbose: one line per query, in the order asked.
 * Labels equal to one of `secrets` (the Spamhaus DQS key, which is part of
 * the query names) are shown as <DQS-KEY>: stderr often ends up in CI logs.
 */
export function renderTranscript(log: readonly QueryLogEntry[], secrets: readonly string[] = []): string {
  const hidden = new Set(secrets.map((secret) => secret.toLowerCase()).filter(Boolean));
  const mask = (name: string) => {
    // The root zone (asked for its DNSKEY) has the empty name: shown as ".", as DNS tools write it.
    if (name === '' || name === '.') return '.';
    return hidden.size === 0 ? name : name.split('.').map((label) => (hidden.has(label.toLowerCase()) ? DQS_KEY_PLACEHOLDER : label)).join('.');
  };
  const lines = [...log]
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((entry) => {
      const ms = `${Math.round(entry.ms)} ms`.padStart(7);
      const outcome = entry.status.toUpperCase().padEnd(8);
      const via = entry.cached ? 'cache' : `${entry.server}${entry.tcp ? ' tcp' : ''}`;
      return `dns ${ms}  ${outcome}  ${mask(entry.name)} ${entry.type}  (${via})`;
    });
  const wire = log.filter((entry) => !entry.cached).length;
  lines.push(`dns ${wire} quer${wire === 1 ? 'y' : 'ies'} on the wire, ${log.length - wire} answered from the cache`);
  return `${lines.join('\n')}\n`;
}
