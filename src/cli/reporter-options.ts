/** Colour, verbosity, width and thresholds for the reporters, from the options and the terminal. */
import type { ReporterOptions } from '../report/formats.js';
import { shouldColor } from '../report/color-choice.js';
import type { CliIo } from './io.js';
import type { AuditCliOptions } from './options.js';

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
