/**
 * The quick path of the audit's option parsing: a command line made only of
 * the common options, all valid, is read with the same readers the zod
 * schema of src/cli/options.ts is built from, without building that schema
 * (about a tenth of a one-domain audit's CPU: zod sets up each kind of schema
 * the first time one is made). Anything else (another option, a value of an
 * unexpected type, any value a reader refuses) returns undefined, and the
 * schema reads it and words the error as always. test/cli-options-quick.test.ts
 * compares both paths.
 */
import {
  isProblem,
  readCheckList,
  readDomainName,
  readFailOn,
  readFormat,
  readIpAddress,
  readOutput,
  readResolver,
  readSelector,
  readWholeNumber,
  splitList,
  WHOLE_NUMBER_OPTIONS,
  type Problem,
} from './option-values.js';

/** Reads one raw value; undefined when the schema must read it. */
type Reader = (value: unknown, checkIds: readonly string[]) => unknown;

const isText = (value: unknown): value is string => typeof value === 'string';
const isTextList = (value: unknown): value is string[] => Array.isArray(value) && value.every(isText);
const orUndefined = <T>(result: T | Problem): T | undefined => (isProblem(result) ? undefined : result);

const boolean: Reader = (value) => (typeof value === 'boolean' ? value : undefined);
const text =
  (read: (text: string) => unknown): Reader =>
  (value) =>
    isText(value) ? orUndefined(read(value)) : undefined;
/** `z.string().min(1)`. */
const nonEmpty: Reader = (value) => (isText(value) && value.length > 0 ? value : undefined);
/** `z.array(z.string().min(1))`. */
const nonEmptyList: Reader = (value) => (isTextList(value) && value.every((item) => item.length > 0) ? [...value] : undefined);
/** Comma-separated items, each read by `read`. */
const items =
  (read: (text: string) => unknown): Reader =>
  (value) => {
    if (!isTextList(value)) return undefined;
    const out: unknown[] = [];
    for (const item of splitList(value)) {
      const result = read(item);
      if (isProblem(result)) return undefined;
      out.push(result);
    }
    return out;
  };
const checkList =
  (flag: string): Reader =>
  (value, checkIds) =>
    isTextList(value) ? orUndefined(readCheckList(flag, checkIds)(value)) : undefined;

/** The options the quick path reads; every other option goes through the schema. */
const READERS: Record<string, Reader> = {
  format: text(readFormat),
  failOn: text(readFailOn),
  smtp: boolean,
  color: boolean,
  verbose: boolean,
  quiet: boolean,
  offline: boolean,
  parked: boolean,
  failOnRegression: boolean,
  output: (value) => (isTextList(value) ? orUndefined(readOutput(value)) : undefined),
  resolver: items(readResolver),
  checks: checkList('--checks'),
  skip: checkList('--skip'),
  dkimSelector: items(readSelector('--dkim-selector')),
  ip: items(readIpAddress('--ip')),
  blocklist: items(readDomainName('--blocklist')),
  heloName: text(readDomainName('--helo-name')),
  bimiSelector: text(readSelector('--bimi-selector')),
  zone: nonEmptyList,
  file: nonEmptyList,
  caFile: nonEmptyList,
  trustAnchor: nonEmptyList,
  baseline: nonEmpty,
  saveDns: nonEmpty,
  replay: nonEmpty,
  ...Object.fromEntries(Object.keys(WHOLE_NUMBER_OPTIONS).map((option) => [option, text(readWholeNumber(option as keyof typeof WHOLE_NUMBER_OPTIONS))])),
};

/** The schema's required options (commander always gives them) and its one default. */
const REQUIRED = ['format', 'failOn'];
const DEFAULTS: Record<string, unknown> = { smtp: true };

/** The options as the schema would give them, or undefined when the schema must read them. */
export function readCommonOptions(raw: Record<string, unknown>, checkIds: readonly string[]): Record<string, unknown> | undefined {
  if (REQUIRED.some((key) => !(key in raw))) return undefined;
  const out: Record<string, unknown> = { ...DEFAULTS };
  for (const [key, value] of Object.entries(raw)) {
    const read = READERS[key];
    // An option this path does not know, or one present without a value: the schema decides.
    if (!read || value === undefined) return undefined;
    const result = read(value, checkIds);
    if (result === undefined) return undefined;
    out[key] = result;
  }
  return out;
}
