/** What `-o/--output` values mean: a plain file for the main format, or `format=file` pairs. */
import { FORMAT_NAMES, type FormatName } from '../report/formats.js';
import { UsageError } from './errors.js';

/** Where one rendering of the run goes. */
export interface OutputTarget {
  format: FormatName;
  /** A file, or undefined for standard output. */
  file?: string;
}

/** What `-o/--output` values mean: a plain file for the main format, or `format=file` pairs. */
export interface OutputSpecs {
  /** The file the main `--format` goes to instead of standard output. */
  file?: string;
  /** Extra renderings: `--output json=report.json`. */
  pairs: OutputTarget[];
}

/**
 * Splits `--output` values. When the text before the first `=` is letters
 * only, it names a format: `json=out.json` is a pair, and an unknown name
 * (`bogus=x.txt`) is a usage error rather than a file of that name. Anything
 * else (no `=`, or a path before it: `./a=b.txt`, `dir/x=y`) is the file for
 * the main format, given once.
 */
export function parseOutputSpecs(values: readonly string[] | undefined): OutputSpecs {
  const specs: OutputSpecs = { pairs: [] };
  for (const raw of values ?? []) {
    const value = raw.trim();
    const equals = value.indexOf('=');
    const prefix = equals > 0 ? value.slice(0, equals) : '';
    if (/^[a-z]+$/i.test(prefix)) {
      const name = prefix.toLowerCase();
      if (!(FORMAT_NAMES as string[]).includes(name)) {
        throw new UsageError(
          `--output "${raw}": "${prefix}" is not a format. Use one of: ${FORMAT_NAMES.join(', ')} (a file whose name holds "=" is given as ./${value})`,
        );
      }
      const file = value.slice(equals + 1).trim();
      if (file === '') throw new UsageError(`--output "${raw}" names no file. Use e.g. --output ${name}=report.${name}`);
      specs.pairs.push({ format: name as FormatName, file });
      continue;
    }
    if (value === '') throw new UsageError('--output needs a file name. Use e.g. -o report.json');
    if (specs.file !== undefined) {
      throw new UsageError(
        `--output is given two plain files ("${specs.file}", "${value}"). Give -o <file> once and other outputs as format=file, e.g. --output html=report.html`,
      );
    }
    specs.file = value;
  }
  const files = [specs.file, ...specs.pairs.map((pair) => pair.file)].filter((file): file is string => file !== undefined);
  const duplicate = files.find((file, index) => files.indexOf(file) !== index);
  if (duplicate !== undefined) throw new UsageError(`--output names "${duplicate}" twice. Give each output its own file`);
  return specs;
}
