#!/usr/bin/env node
// Writes the JSON Schemas under schema/ from their zod definitions (compiled
// to dist/): report.schema.json (src/schema/report.ts), message.schema.json
// (src/message/schema.ts), list.schema.json (src/list/schema.ts),
// bounces.schema.json (src/bounces/schema.ts), reports.schema.json
// (src/reports/schema.ts), config.schema.json (the config file,
// src/cli/config-file.ts). Run with `npm run schema`; the
// schema tests fail when a committed file differs from this output.
import { writeFileSync } from 'node:fs';
import { reportJsonSchema } from '../dist/schema/report-json.js';
import { messageJsonSchema } from '../dist/message/schema.js';
import { listJsonSchema } from '../dist/list/schema.js';
import { bouncesJsonSchema } from '../dist/bounces/schema.js';
import { reportsJsonSchema } from '../dist/reports/schema.js';
import { configJsonSchema } from '../dist/cli/config.js';

const schemas = [
  ['report.schema.json', reportJsonSchema],
  ['message.schema.json', messageJsonSchema],
  ['list.schema.json', listJsonSchema],
  ['bounces.schema.json', bouncesJsonSchema],
  ['reports.schema.json', reportsJsonSchema],
  ['config.schema.json', configJsonSchema],
];
for (const [file, generate] of schemas) {
  const target = new URL(`../schema/${file}`, import.meta.url);
  writeFileSync(target, `${JSON.stringify(generate(), null, 2)}\n`);
  console.log(`wrote ${target.pathname}`);
}
