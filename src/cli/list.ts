/**
 * `mailcheck list <file>` on the command line: options, inputs and outputs
 * around src/commands/list.ts. Loaded lazily by src/cli/program.ts.
 */
import type { WriteStream } from 'node:fs';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import {
  chooseFormat,
  closeStream,
  openOutputFile,
  countingChunks,
  openTextInputSized,
  progressBar,
  outputFile,
  progressCounter,
  styleFor,
  subcommandDns,
  type SubcommandOptions,
} from './subcommand.js';
import { listCommand, type ListFormat } from '../commands/list.js';
import { tool } from '../run.js';

export interface ListCliOptions extends SubcommandOptions {
  column?: string;
  fold?: boolean;
  valid?: string;
  invalid?: string;
  progress?: boolean;
}

const LIST_FORMATS: readonly ListFormat[] = ['text', 'csv', 'json', 'ndjson'];

/** Runs `mailcheck list`; returns the exit code. */
export async function runList(file: string, options: ListCliOptions, io: CliIo): Promise<number> {
  const format = chooseFormat(options.format, LIST_FORMATS, 'list');
  const output = outputFile(options.output, 'list');
  if (options.column !== undefined && options.column.trim() === '') throw new UsageError('--column needs a column name or number. Use e.g. --column email');
  const files = [output, options.valid, options.invalid].filter((name): name is string => name !== undefined);
  if (new Set(files).size !== files.length) throw new UsageError('-o, --valid and --invalid must name different files');

  const input = await openTextInputSized(file, 'the list');
  let read = 0;
  const chunks = input.size !== undefined ? countingChunks(input.chunks, (characters) => (read += characters)) : input.chunks;
  const streams: WriteStream[] = [];
  const open = async (name: string | undefined, what: string) => {
    if (name === undefined) return undefined;
    const stream = await openOutputFile(name, what);
    streams.push(stream);
    return stream;
  };
  const out = await open(output, 'the report');
  const valid = await open(options.valid, 'the valid rows');
  const invalid = await open(options.invalid, 'the invalid rows');

  let queries = 0;
  const dns = await subcommandDns(options, { keepLog: false, onQuery: (entry) => {
    if (!entry.cached) queries++;
  } });
  const progress = progressCounter(io.stderr, options.progress !== false && io.stderr.isTTY === true && (output !== undefined || io.stdout.isTTY !== true));
  try {
    const { exitCode } = await listCommand(
      {
        chunks,
        source: file === '-' ? 'stdin' : file,
        ...(options.column !== undefined ? { column: options.column } : {}),
        fold: options.fold === true,
        format,
        style: styleFor(options, io, output !== undefined),
        out: out ?? io.stdout,
        ...(valid ? { valid } : {}),
        ...(invalid ? { invalid } : {}),
        onRow: (done, domains) =>
          progress.update(
            `${input.size !== undefined ? `${progressBar(read, input.size)} ` : ''}list: ${done} rows, ${domains} domains, ${queries} DNS queries`,
          ),
        tool: tool(),
        queryCount: () => queries,
      },
      dns,
    );
    return exitCode;
  } finally {
    progress.done();
    await Promise.all(streams.map((stream) => closeStream(stream)));
  }
}
