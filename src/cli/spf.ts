/**
 * `mailcheck spf <domain>` on the command line: options, the identities to
 * evaluate (RFC 7208 §4.1, §4.3) and the output around src/commands/spf.ts.
 * Loaded lazily by src/cli/program.ts.
 */
import { CHECK_IDS } from '../checks/index.js';
import { parseDomain } from '../domain.js';
import type { DnsClient } from '../dns/types.js';
import { trackDnsHealth } from './dns-health.js';
import { UsageError, sentence } from './errors.js';
import type { CliIo } from './io.js';
import { parseAuditCliOptions, type AuditCliOptions } from './options.js';
import { assertWritable, writeReport } from './output-files.js';
import { reporterOptionsFor } from './reporter-options.js';
import { renderTranscript } from './transcript.js';

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
  await writeReport(output, result.output, io);
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
