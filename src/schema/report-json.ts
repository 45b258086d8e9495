/**
 * The JSON Schema of the Report (schema/report.schema.json), with the facts
 * of each check typed by that check's own zod schema: a check result is the
 * common shape and one of a set of variants keyed by its `id`. The runtime
 * schema (schema/report.ts) keeps facts open, so that reading a baseline
 * never fails on an older check's facts.
 */
import * as z from 'zod';
import { CHECKS } from '../checks/index.js';
import { domainCheck } from '../checks/domain.js';
import type { CheckDefinition } from '../checks/define.js';
import { parkedCheck } from '../profiles/parked.js';
import { reportSchema } from './report.js';

/** Facts of a check that was skipped, or failed before gathering anything. */
const noFacts = z.object({}).strict().describe('No facts: the check was skipped, or failed before it saw anything.');

/** What the JSON Schema needs of a check: its id, its title and the schema of its facts. */
type SchemaEntry = Pick<CheckDefinition, 'id' | 'title'> & { facts: z.ZodType };

/** Every check that can appear in a report: the registry, the existence check and --parked (built from the others' facts, not a registered check). */
const ALL_CHECKS: readonly SchemaEntry[] = [...CHECKS, domainCheck, parkedCheck];

/** One check's variant: its id and the shape of its facts. */
function variantOf(check: SchemaEntry): unknown {
  const facts = z.union([check.facts, noFacts]).describe(`What the ${check.id} check saw (${check.title}).`);
  const { $schema: _dropped, ...schema } = z.toJSONSchema(z.looseObject({ id: z.literal(check.id), facts }), { target: 'draft-2020-12' });
  // Recursive facts (the spf include tree) refer to their own $defs: the
  // variant is then a schema resource of its own, so that "#/$defs/…"
  // resolves inside it rather than at the root of the Report schema.
  if ('$defs' in schema) return { $id: `urn:mailcheck:check:${check.id}`, ...schema };
  return schema;
}

/** The JSON Schema published as schema/report.schema.json. */
export function reportJsonSchema(): unknown {
  const schema = z.toJSONSchema(reportSchema, { target: 'draft-2020-12' }) as unknown as {
    properties: { checks: { items: Record<string, unknown> } };
  };
  const common = schema.properties.checks.items;
  schema.properties.checks.items = { allOf: [common, { oneOf: ALL_CHECKS.map(variantOf) }] };
  return schema;
}
