#!/usr/bin/env node
// Writes schema/report.schema.json from the Report's zod definition
// (src/report/schema.ts, compiled to dist/). Run with `npm run schema`;
// test/schema.test.ts fails when the committed file differs from this output.
import { writeFileSync } from 'node:fs';
import { reportJsonSchema } from '../dist/report/schema.js';

const target = new URL('../schema/report.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
