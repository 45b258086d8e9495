/**
 * The audit's common options, declared once: for each, how the quick path
 * reads it and the zod schema src/cli/options.ts puts in its object, both
 * made from the same reader of src/cli/option-values.ts.
 *
 * The quick path reads a command line made only of these options, all valid,
 * without building the zod schema (about a tenth of a one-domain audit's CPU:
 * zod sets up each kind of schema the first time one is made). Anything else
 * (another option, a value of an unexpected type, any value a reader refuses)
 * makes it return undefined, and the schema reads the command line and words
 * the error as always. test/cli-options-quick.test.ts compares both paths.
 */
import * as z from 'zod';
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
  type Problem,
  type WHOLE_NUMBER_OPTIONS,
} from './option-values.js';

type Ctx = z.core.$RefinementCtx<string>;

/** Reports `message` about `input` as the schema's issue. */
export function issue(ctx: Ctx, input: string, message: string): never {
  ctx.addIssue({ code: 'custom', message, input });
  return z.NEVER as never;
}

/** The schema of a string option read by `read`. */
function textSchema<T>(read: (text: string) => T | Problem) {
  return z.string().transform((value, ctx) => {
    const result = read(value);
    return isProblem(result) ? issue(ctx, value, result.problem) : result;
  });
}

/** The schema of a repeatable option read as a whole by `read`. */
function listSchema<T>(read: (values: string[]) => T | Problem) {
  return z.array(z.string()).transform((values, ctx) => {
    const result = read(values);
    if (!isProblem(result)) return result;
    // The message names the offending item; the list is the input.
    ctx.addIssue({ code: 'custom', input: values, message: result.problem });
    return z.NEVER;
  });
}

/** The schema of a repeatable, comma-separated option whose items are each read by `read`. */
function itemsSchema<T>(read: (text: string) => T | Problem) {
  return z
    .array(z.string())
    .transform((values) => splitList(values))
    .pipe(z.array(textSchema(read)));
}

/** One raw value read by the quick path; undefined when the schema must read it. */
type Reader = (value: unknown) => unknown;

/** One common option: its quick reader and its schema (built only when the schema is). */
interface OptionShape<Schema extends z.ZodType> {
  read: Reader;
  schema: () => Schema;
}

const isText = (value: unknown): value is string => typeof value === 'string';
const isTextList = (value: unknown): value is string[] => Array.isArray(value) && value.every(isText);
const orUndefined = <T>(result: T | Problem): T | undefined => (isProblem(result) ? undefined : result);
const readBoolean: Reader = (value) => (typeof value === 'boolean' ? value : undefined);
const readText =
  (read: (text: string) => unknown): Reader =>
  (value) =>
    isText(value) ? orUndefined(read(value)) : undefined;

/** A flag (`--verbose`, `--no-color`). */
const flag = () => ({ read: readBoolean, schema: () => z.boolean().optional() });
/** A string option commander always gives (it has a default). */
const given = <T>(read: (text: string) => T | Problem) => ({ read: readText(read), schema: () => textSchema(read) });
/** A string option. */
const text = <T>(read: (text: string) => T | Problem) => ({ read: readText(read), schema: () => textSchema(read).optional() });
/** A whole number within the option's bounds. */
const wholeNumber = (option: keyof typeof WHOLE_NUMBER_OPTIONS) => text(readWholeNumber(option));
/** A repeatable option read as a whole. */
const list = <T>(read: (values: string[]) => T | Problem) => ({
  read: (value: unknown) => (isTextList(value) ? orUndefined(read(value)) : undefined),
  schema: () => listSchema(read).optional(),
});
/** A repeatable, comma-separated option, each item read by `read`. */
const items = <T>(read: (text: string) => T | Problem) => ({
  read: (value: unknown) => {
    if (!isTextList(value)) return undefined;
    const out: unknown[] = [];
    for (const item of splitList(value)) {
      const result = read(item);
      if (isProblem(result)) return undefined;
      out.push(result);
    }
    return out;
  },
  schema: () => itemsSchema(read).optional(),
});
/** A file name (`z.string().min(1)`). */
const name = () => ({ read: (value: unknown) => (isText(value) && value.length > 0 ? value : undefined), schema: () => z.string().min(1).optional() });
/** Repeatable file names (`z.array(z.string().min(1))`). */
const names = () => ({
  read: (value: unknown) => (isTextList(value) && value.every((item) => item.length > 0) ? [...value] : undefined),
  schema: () => z.array(z.string().min(1)).optional(),
});

/** The common options, given the registry's check ids. */
function commonOptionShapes(checkIds: readonly string[]) {
  return {
    format: given(readFormat),
    // A plain file for the main format, and format=file pairs (src/cli/batch.ts).
    output: list(readOutput),
    color: flag(),
    verbose: flag(),
    resolver: items(readResolver),
    timeout: wholeNumber('timeout'),
    retries: wholeNumber('retries'),
    checks: list(readCheckList('--checks', checkIds)),
    skip: list(readCheckList('--skip', checkIds)),
    failOn: given(readFailOn),
    minScore: wholeNumber('minScore'),
    dkimSelector: items(readSelector('--dkim-selector')),
    ip: items(readIpAddress('--ip')),
    // --no-smtp: commander gives false; absent, the schema's default.
    smtp: { read: readBoolean, schema: () => z.boolean().default(true) },
    smtpPort: wholeNumber('smtpPort'),
    heloName: text(readDomainName('--helo-name')),
    blocklist: items(readDomainName('--blocklist')),
    bimiSelector: text(readSelector('--bimi-selector')),
    httpsPort: wholeNumber('httpsPort'),
    probeTimeout: wholeNumber('probeTimeout'),
    caFile: names(),
    trustAnchor: names(),
    file: names(),
    concurrency: wholeNumber('concurrency'),
    rate: wholeNumber('rate'),
    baseline: name(),
    failOnRegression: flag(),
    zone: names(),
    offline: flag(),
    saveDns: name(),
    replay: name(),
    parked: flag(),
    quiet: flag(),
  } satisfies Record<string, OptionShape<z.ZodType>>;
}

type Shapes = ReturnType<typeof commonOptionShapes>;

/** The common options' schemas, for the audit's zod object (src/cli/options.ts). */
export function commonOptionSchemas(checkIds: readonly string[]): { [Key in keyof Shapes]: ReturnType<Shapes[Key]['schema']> } {
  return Object.fromEntries(Object.entries(commonOptionShapes(checkIds)).map(([key, shape]) => [key, shape.schema()])) as {
    [Key in keyof Shapes]: ReturnType<Shapes[Key]['schema']>;
  };
}

/** The options commander always gives (they have defaults), and the schema's one default. */
const REQUIRED = ['format', 'failOn'];
const DEFAULTS: Record<string, unknown> = { smtp: true };

/** Quick readers by check id list: a domain list may parse thousands of lines. */
const readersFor = new WeakMap<readonly string[], Record<string, Reader>>();

/** The options as the schema would give them, or undefined when the schema must read them. */
export function readCommonOptions(raw: Record<string, unknown>, checkIds: readonly string[]): Record<string, unknown> | undefined {
  if (REQUIRED.some((key) => !(key in raw))) return undefined;
  let readers = readersFor.get(checkIds);
  if (!readers) {
    readers = Object.fromEntries(Object.entries(commonOptionShapes(checkIds)).map(([key, shape]) => [key, shape.read]));
    readersFor.set(checkIds, readers);
  }
  const out: Record<string, unknown> = { ...DEFAULTS };
  for (const [key, value] of Object.entries(raw)) {
    const read = Object.hasOwn(readers, key) ? readers[key] : undefined;
    // An option this path does not know, or one present without a value: the schema decides.
    if (!read || value === undefined) return undefined;
    const result = read(value);
    if (result === undefined) return undefined;
    out[key] = result;
  }
  return out;
}
