/**
 * The result of `mailcheck list`: one zod schema, the JSON Schema generated
 * from it (schema/list.schema.json). `--format json` writes a ListResult;
 * `--format ndjson` writes one ListRow per line, then one `{ summary }` line.
 */
import * as z from 'zod';
import { LIST_REASONS } from './judge.js';

export const LIST_SCHEMA_VERSION = 1 as const;

export const listVerdictSchema = z
  .enum(['ok', 'risky', 'invalid'])
  .describe('invalid: cannot be delivered or repeats an earlier row; risky: may be delivered, look at it; ok: nothing found.');

export const listReasonSchema = z.enum(LIST_REASONS).describe('Why the verdict is not ok; documented in the README.');

/** One input row's verdict. */
export const listRowSchema = z.object({
  line: z.number().int().describe('Line of the input where the row starts (1-based).'),
  address: z.string().describe('The address as written in the input, trimmed.'),
  normalized: z.string().optional().describe('The address with its domain as a lower-case A-label, when it parses.'),
  domain: z.string().optional().describe('The domain (A-label), when the address parses.'),
  verdict: listVerdictSchema,
  reasons: z.array(listReasonSchema),
  suggestion: z.string().optional().describe('For typo: the address with the common domain it likely meant.'),
  detail: z.string().optional().describe('For syntax: what is wrong; for dns-error: which question failed.'),
  mx: z.array(z.string()).optional().describe('MX hosts of the domain, most preferred first.'),
});

export const listSummarySchema = z.object({
  rows: z.number().int().describe('Rows read (empty lines are not rows).'),
  verdicts: z.object({ ok: z.number().int(), risky: z.number().int(), invalid: z.number().int() }),
  reasons: z.record(z.string(), z.number().int()).describe('Rows per reason id.'),
  domains: z.number().int().describe('Distinct domains looked up.'),
  dnsQueries: z.number().int().describe('DNS questions sent on the wire.'),
});

export const listResultSchema = z.object({
  schemaVersion: z.literal(LIST_SCHEMA_VERSION),
  tool: z.object({ name: z.string(), version: z.string() }),
  results: z.array(listRowSchema),
  summary: listSummarySchema,
});

export type ListRow = z.infer<typeof listRowSchema>;
export type ListSummary = z.infer<typeof listSummarySchema>;
export type ListResult = z.infer<typeof listResultSchema>;

export function listJsonSchema(): unknown {
  return z.toJSONSchema(listResultSchema, { target: 'draft-2020-12' });
}
