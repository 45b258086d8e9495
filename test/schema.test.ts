/**
 * schema/report.schema.json is generated from the zod Report schema and
 * committed; the CLI's JSON output validates against it (draft 2020-12).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { reportJsonSchema } from '../src/schema/report-json.js';
import { loadFixture, startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { ROOT, runCli } from './helpers/cli.js';

const SCHEMA_FILE = path.join(ROOT, 'schema', 'report.schema.json');

describe('schema/report.schema.json', () => {
  it('equals the schema generated from src/schema/report.ts (run `npm run schema` after changing it)', () => {
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    expect(committed).toBe(`${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
  });

  it('is a valid draft 2020-12 schema', () => {
    const ajv = new Ajv2020.default({ strict: true, allErrors: true });
    addFormats.default(ajv);
    expect(() => ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')))).not.toThrow();
  });
});

describe('mailcheck --format json', () => {
  let server: FixtureServer;
  let validate: ReturnType<InstanceType<typeof Ajv2020.default>['compile']>;

  beforeAll(async () => {
    server = await startFixtureDnsServer([loadFixture('demo-good'), loadFixture('demo-broken')]);
    const ajv = new Ajv2020.default({ strict: true, allErrors: true });
    addFormats.default(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
  });
  afterAll(() => server?.close());

  const common = () => ['--resolver', server.server, '--timeout', '500', '--retries', '0', '--no-smtp', '--format', 'json'];

  it('prints one Report object for one domain, valid against the schema', async () => {
    const result = await runCli(['broken.example', ...common()]);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout);
    expect(Array.isArray(report)).toBe(false);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.schemaVersion).toBe(3);
    expect(report.tool).toEqual({ name: 'mailcheck-cli', version: JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version });
    expect(report.domain).toBe('broken.example');
    expect(report.dns.servers).toEqual([server.server]);
    expect(report.dns.queries).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(report.generatedAt))).toBe(false);
  });

  it('prints an array of Reports for several domains, each valid against the schema', async () => {
    const result = await runCli(['good.example', 'User@Broken.Example', ...common()]);
    const reports = JSON.parse(result.stdout);
    expect(reports.map((r: { domain: string }) => r.domain)).toEqual(['good.example', 'broken.example']);
    expect(reports[1].input).toBe('User@Broken.Example');
    expect(reports[0].input).toBeUndefined();
    for (const report of reports) expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });
});
