/**
 * `mailcheck [options] <domain...>` once commander has parsed the command
 * line: the options after the config file, the extra CA certificates, then
 * the batch (src/cli/batch.ts). Loaded lazily by src/cli/program.ts, so
 * `--help` and `--version` never pay for zod, the checks or the resolver.
 */
import { X509Certificate } from 'node:crypto';
import { CHECK_IDS } from '../checks/index.js';
import { runBatch } from './batch.js';
import { resolveSettings, type OptionSources } from './config.js';
import { UsageError } from './errors.js';
import { readOptionFile } from './input-files.js';
import type { EarlyAttempts } from '../dns/transport.js';
import type { CliIo } from './io.js';

/**
 * `mailcheck [options] <domain...>`: returns the exit code. Batches, several
 * outputs, baselines, zone previews and DNS captures are src/cli/batch.ts.
 */
export async function runAudit(
  rawDomains: readonly string[],
  rawOptions: Record<string, unknown>,
  io: CliIo,
  sources: OptionSources = {},
  early?: EarlyAttempts,
): Promise<number> {
  if (Array.isArray(rawOptions.reports)) {
    // --reports: the selectors and sending IPs the reports name join --dkim-selector and --ip (src/reports/feed.ts).
    const { feedOptions } = await import('./reports-feed.js');
    rawOptions = await feedOptions(rawDomains, rawOptions, io);
  }
  // Command line over the config file's defaults over the built-in ones (src/cli/config.ts).
  const settings = await resolveSettings(rawOptions, sources, CHECK_IDS);
  const extraCa = await readCaFiles(settings.cli.caFile);
  return runBatch(rawDomains, settings, io, extraCa, early);
}

/** The certificates of the --ca-file files (PEM), each file holding at least one Node can read. */
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
