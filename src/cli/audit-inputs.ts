/**
 * The audit's input files besides the domain lists: zone files (`--zone`), a
 * DNS capture to replay (`--replay`) and a baseline (`--baseline`), each
 * parsed, a malformed one a usage error naming its option.
 */
import type { Baseline } from '../baseline.js';
import type { CaptureFile } from '../dns/capture.js';
import type { Zone } from '../dns/zone-file.js';
import { UsageError, errorCode } from './errors.js';
import { assertInputSize, readOptionFile } from './input-files.js';

/** Reads and parses `--zone` files, each as a stream (never held whole). */
export async function readZones(files: readonly string[], origin?: string): Promise<Zone[]> {
  const { readZoneFile, ZoneFileError } = await import('../dns/zone-file.js');
  return Promise.all(
    files.map(async (file) => {
      await assertInputSize('--zone', file);
      try {
        return await readZoneFile(file, { source: file, ...(origin !== undefined ? { origin } : {}) });
      } catch (error) {
        if (error instanceof ZoneFileError) throw new UsageError(`--zone ${error.message}. Fix the zone file`);
        if (error instanceof Error && 'code' in error) throw new UsageError(`cannot read --zone "${file}" (${errorCode(error)}). Check the path`);
        throw error;
      }
    }),
  );
}

/** Reads and parses a `--replay` file (written by --save-dns). */
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

/** Reads and parses a `--baseline` file (an earlier --format json or ndjson run). */
export async function readBaselineFile(file: string): Promise<Baseline> {
  const text = await readOptionFile('--baseline', file);
  // Loaded only with --baseline: it builds the Report schema.
  const { readBaseline, BaselineError } = await import('../baseline-read.js');
  try {
    return readBaseline(text, file);
  } catch (error) {
    if (error instanceof BaselineError) {
      throw new UsageError(`--baseline ${error.message}. Give a file written by mailcheck --format json or --format ndjson`);
    }
    throw error;
  }
}
