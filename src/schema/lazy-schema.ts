/**
 * A zod schema built on its first use. The checks' facts schemas are read to
 * write the Report's JSON Schema (schema/report-json.ts) and by tests, never
 * during an audit, and the config file's only when there is one: built as
 * their modules load, they cost every audit about a tenth of its CPU (zod
 * sets up each kind of schema the first time one is made).
 */
import type * as z from 'zod';

/** `build` runs once, on the first call; every call returns that one schema. */
export function lazySchema<Schema extends z.ZodType>(build: () => Schema): () => Schema {
  let schema: Schema | undefined;
  return () => (schema ??= build());
}
