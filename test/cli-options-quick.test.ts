/**
 * The quick path of the audit's option parsing (src/cli/common-options.ts)
 * gives exactly what the zod schema gives for the command lines it reads,
 * and leaves every other one, every error among them, to the schema.
 */
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../src/checks/index.js';
import { readCommonOptions } from '../src/cli/common-options.js';
import { auditCliSchema } from '../src/cli/options.js';

const BASE = { format: 'text', failOn: 'high', smtp: true };
const schema = auditCliSchema(CHECK_IDS);

/** Raw option values as commander gives them, each read by the quick path. */
const READ: Array<Record<string, unknown>> = [
  BASE,
  { format: 'JSON ', failOn: 'None' },
  { ...BASE, smtp: false, resolver: ['127.0.0.1:5353'], format: 'json' },
  { ...BASE, resolver: ['192.0.2.53, [2001:db8::53]:53', '2001:db8::1', 'https://dns.example/dns-query'] },
  { ...BASE, color: true, verbose: false, quiet: true, offline: true, parked: false, failOnRegression: true },
  { ...BASE, output: ['report.json'] },
  { ...BASE, output: ['json=a.json', 'sarif=b.sarif'] },
  { ...BASE, checks: ['SPF,dmarc', 'spf'], skip: ['bimi'] },
  { ...BASE, timeout: ' 2500', retries: '0', minScore: '100', smtpPort: '25', httpsPort: '443', probeTimeout: '300000', concurrency: '1', rate: '0' },
  { ...BASE, dkimSelector: ['Google,s1', 's2._x'], ip: ['192.0.2.10, [2001:DB8::1]'], blocklist: ['bl.example'], heloName: 'mail.example.' },
  { ...BASE, bimiSelector: 'brand', zone: ['a.zone', 'b.zone'], file: ['domains.txt'], caFile: ['ca.pem'], trustAnchor: ['root.key'] },
  { ...BASE, baseline: 'old.json', saveDns: 'dns.json', replay: 'capture.json' },
  { ...BASE, ip: [''], resolver: [',,'] },
];

/** Raw option values the quick path leaves to the schema. */
const LEFT: Array<Record<string, unknown>> = [
  { failOn: 'high' },
  { format: 'text' },
  { ...BASE, format: 'yaml' },
  { ...BASE, failOn: 'severe' },
  { ...BASE, smtp: 'no' },
  { ...BASE, color: undefined },
  { ...BASE, resolver: ['localhost'] },
  { ...BASE, resolver: '127.0.0.1' },
  { ...BASE, timeout: '0' },
  { ...BASE, retries: 'two' },
  { ...BASE, checks: ['nope'] },
  { ...BASE, skip: [','] },
  { ...BASE, output: ['x=y'] },
  { ...BASE, dkimSelector: ['bad selector'] },
  { ...BASE, ip: ['300.1.1.1'] },
  { ...BASE, heloName: '-bad-.example' },
  { ...BASE, zone: [''] },
  { ...BASE, baseline: '' },
  { ...BASE, shard: '1/2' },
  { ...BASE, profile: ['gmail'] },
  { ...BASE, ignore: ['bimi/missing'] },
  { ...BASE, config: false },
  { ...BASE, noBlocklist: ['all'] },
  { ...BASE, spamhausKey: 'abc' },
  { ...BASE, somethingElse: 1 },
];

describe('quick option parsing', () => {
  it.each(READ.map((raw) => [JSON.stringify(raw), raw]))('reads %s as the schema does', (_name, raw) => {
    const quick = readCommonOptions(raw, CHECK_IDS);
    expect(quick).toBeDefined();
    const parsed = schema.safeParse(raw);
    expect(parsed.success).toBe(true);
    expect(quick).toStrictEqual(parsed.data);
  });

  it.each(LEFT.map((raw) => [JSON.stringify(raw), raw]))('leaves %s to the schema', (_name, raw) => {
    expect(readCommonOptions(raw, CHECK_IDS)).toBeUndefined();
  });
});
