#!/usr/bin/env node
// Writes schema/report.schema.json from the Report's zod definition
// (src/report/schema.ts, compiled to dist/), and schema/message.schema.json
// from the message result's (src/message/schema.ts). Run with `npm run schema`;
// test/schema.test.ts and test/message-cli.test.ts fail when a committed file
// differs from this output.
import { writeFileSync } from 'node:fs';
import { reportJsonSchema } from '../dist/report/schema.js';
import { messageJsonSchema } from '../dist/message/schema.js';

for (const [file, schema] of [
  ['report.schema.json', reportJsonSchema()],
  ['message.schema.json', messageJsonSchema()],
]) {
  const target = new URL(`../schema/${file}`, import.meta.url);
  writeFileSync(target, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${target.pathname}`);
}
