/**
 * `mailcheck reports` on the command line: options validated, reports read,
 * the result rendered in the chosen format and written, the exit code
 * returned. Loaded lazily by src/cli/program.ts.
 */
import { promises as fs } from 'node:fs';
import { CHECK_IDS } from '../checks/index.js';
import { UsageError, sentence } from './errors.js';
import type { CliIo } from './io.js';
import { parseAuditCliOptions } from './options.js';
import { assertWritable } from './output-files.js';
import { renderTranscript } from './transcript.js';
import { reporterOptionsFor } from './reporter-options.js';
import { parseDomain } from '../domain.js';
import type { DnsClient } from '../dns/types.js';
import { reportsCommand } from '../commands/reports.js';
import { reportsExitCode } from '../exit-code.js';
import type { ReportsResult } from '../reports/schema.js';
import { parsePeriodDate, periodDateError } from '../reports/period-date.js';

/** The formats `mailcheck reports` writes. */
export const REPORTS_FORMATS = ['text', 'json', 'csv', 'html', 'markdown'] as const;
export type ReportsFormat = (typeof REPORTS_FORMATS)[number];

/** A --since/--until value, or a usage error naming the flag. */
function parseDateOption(flag: string, text: string, endOfDay: boolean): number {
  const seconds = parsePeriodDate(text, endOfDay);
  if (seconds === undefined) throw new UsageError(periodDateError(flag, text));
  return seconds;
}

export async function renderReports(result: ReportsResult, format: ReportsFormat, color: boolean): Promise<string> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(result, null, 2)}\n`;
    case 'csv':
      return (await import('../reports/render-formats.js')).renderReportsCsv(result);
    case 'html':
      return (await import('../reports/render-formats.js')).renderReportsHtml(result);
    case 'markdown':
      return (await import('../reports/render-formats.js')).renderReportsMarkdown(result);
    default:
      return (await import('../reports/render-text.js')).renderReportsText(result, { color });
  }
}

export async function runReports(paths: readonly string[], rawOptions: Record<string, unknown>, io: CliIo): Promise<number> {
  const cli = parseAuditCliOptions(rawOptions, CHECK_IDS);
  const format = cli.format as string;
  if (!(REPORTS_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`mailcheck reports prints ${REPORTS_FORMATS.join(', ')}, not ${format}. Use --format ${REPORTS_FORMATS.join('|')}`);
  }
  if (cli.output && cli.output.pairs.length > 0) throw new UsageError('mailcheck reports writes one output. Give -o <file> without a format');
  if (paths.length === 0) throw new UsageError('no report files given. Usage: mailcheck reports <path...>');
  const output = cli.output?.file;
  let domain: string | undefined;
  if (typeof rawOptions.domain === 'string') {
    const parsed = parseDomain(rawOptions.domain);
    if (!parsed.ok) throw new UsageError(`--domain: ${parsed.error}`);
    domain = parsed.domain;
  }
  const since = typeof rawOptions.since === 'string' ? parseDateOption('--since', rawOptions.since, false) : undefined;
  const until = typeof rawOptions.until === 'string' ? parseDateOption('--until', rawOptions.until, true) : undefined;
  if (since !== undefined && until !== undefined && since > until) throw new UsageError('--since is after --until. Swap them');
  if (output !== undefined) await assertWritable(output);

  const dns = rawOptions.dns === false ? undefined : await createDns(cli.resolver, cli.timeout, cli.retries);
  const result = await reportsCommand({
    paths,
    filters: { ...(domain !== undefined ? { domain } : {}), ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) },
    ...(dns ? { dns } : {}),
  });
  const text = await renderReports(result, format as ReportsFormat, reporterOptionsFor(cli, io, output !== undefined).color);
  if (cli.verbose && dns) io.stderr.write(renderTranscript(dns.log));
  if (output !== undefined) {
    try {
      await fs.writeFile(output, text);
    } catch (error) {
      throw new UsageError(`cannot write the report to "${output}" (${(error as NodeJS.ErrnoException).code ?? 'error'}). Check the path and its permissions`);
    }
  } else {
    await new Promise<void>((resolve) => io.stdout.write(text, () => resolve()));
  }
  // One line on stderr for the run as a whole; the errors themselves are in the report.
  if (result.reports.read === 0) {
    io.stderr.write(
      result.reports.failed > 0
        ? `mailcheck: none of the ${result.reports.failed} input${result.reports.failed === 1 ? '' : 's'} could be read as a report.\n`
        : 'mailcheck: no reports found in the paths given.\n',
    );
  } else if (result.reports.failed > 0) {
    io.stderr.write(`mailcheck: ${result.reports.failed} input${result.reports.failed === 1 ? '' : 's'} could not be read (listed in the report).\n`);
  }
  return reportsExitCode(result);
}

async function createDns(servers: string[] | undefined, timeoutMs: number | undefined, retries: number | undefined): Promise<DnsClient> {
  const { createResolver } = await import('../dns/resolver.js');
  try {
    return createResolver({
      ...(servers && servers.length > 0 ? { servers } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(retries !== undefined ? { retries } : {}),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${sentence(message.replace(/\.$/, ''))} Check --resolver`);
  }
}
