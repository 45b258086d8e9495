/**
 * `--reports <path>` of the domain audit: reads the reports and adds the
 * selectors and IPs they name to the raw --dkim-selector and --ip values,
 * before the options are validated, exactly as if they had been typed.
 */
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { parseDomain } from '../domain.js';
import { reportsFeed } from '../reports/feed.js';

export async function feedOptions(rawDomains: readonly string[], rawOptions: Record<string, unknown>, io: CliIo): Promise<Record<string, unknown>> {
  const paths = rawOptions.reports as string[];
  const domains = rawDomains.map((raw) => parseDomain(raw)).flatMap((parsed) => (parsed.ok ? [parsed.domain] : []));
  const feed = await reportsFeed(paths, domains);
  if (feed.read === 0) {
    throw new UsageError(`--reports: no report could be read from ${paths.join(', ')}. Check the paths with mailcheck reports`);
  }
  if (feed.failed > 0) io.stderr.write(`mailcheck: --reports: ${feed.failed} input${feed.failed === 1 ? '' : 's'} could not be read (mailcheck reports lists them).\n`);
  const list = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : []);
  const { reports: _reports, ...rest } = rawOptions;
  return {
    ...rest,
    ...(feed.selectors.length > 0 ? { dkimSelector: [...list(rawOptions.dkimSelector), ...feed.selectors] } : {}),
    ...(feed.ips.length > 0 ? { ip: [...list(rawOptions.ip), ...feed.ips] } : {}),
  };
}
