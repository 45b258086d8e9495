/**
 * Large inputs and outputs stay within a bounded heap: each case runs the
 * built CLI in a child process whose old-generation heap is capped
 * (--max-old-space-size); holding every report, or a zone file 40–65 times
 * its size, would exceed the cap and end the process with an out-of-memory
 * error. Inputs are generated here, never committed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { parseStsPolicy, MAX_LINE_ERRORS } from '../src/mta-sts/policy.js';
import { runCli } from './helpers/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-stream-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Old-generation heap of the child: room for the program, not for a batch's reports or a zone 40× its size. */
const capped = (megabytes: number) => ({ env: { NODE_OPTIONS: `--max-old-space-size=${megabytes}` } });

describe('a batch writes every format while it runs', () => {
  const DOMAINS = 1000;
  let server: FixtureServer;
  const names = Array.from({ length: DOMAINS }, (_, i) => `d${i}.batch.test`);
  beforeAll(async () => {
    const zone: Record<string, Record<string, unknown[]>> = {};
    names.forEach((name, i) => {
      if (i % 5 === 4) return; // One domain in five does not exist.
      zone[name] = { MX: [[10, `mx.${name}`]], TXT: ['v=spf1 mx -all'] };
      zone[`mx.${name}`] = { A: ['127.0.9.1'] };
      zone[`_dmarc.${name}`] = { TXT: ['v=DMARC1; p=reject'] };
    });
    server = await startFixtureDnsServer([{ zone }] as never);
    writeFileSync(path.join(dir, 'domains.txt'), `${names.join('\n')}\n`);
  });
  afterAll(async () => server?.close());

  it(`${DOMAINS} domains in seven formats under a 64 MB heap, each document complete and in input order`, async () => {
    const out = (format: string) => path.join(dir, `out.${format}`);
    const formats = ['json', 'markdown', 'html', 'junit', 'sarif', 'text'];
    const result = await runCli(
      [
        '--file', path.join(dir, 'domains.txt'),
        '--format', 'csv', '-o', out('csv'),
        ...formats.flatMap((format) => ['--output', `${format}=${out(format)}`]),
        '--resolver', `127.0.0.1:${server.port}`, '--timeout', '5000', '--retries', '2', '--no-smtp', '--fail-on', 'none',
      ],
      capped(64),
    );
    expect(result.stderr).toBe('');
    expect(result.code).not.toBe(2);
    const csv = readFileSync(out('csv'), 'utf8').trimEnd().split('\r\n');
    expect(csv.slice(1).map((row) => row.split(',')[0])).toEqual(names);
    const json = JSON.parse(readFileSync(out('json'), 'utf8')) as Array<{ domain: string }>;
    expect(json.map((report) => report.domain)).toEqual(names);
    const sarif = JSON.parse(readFileSync(out('sarif'), 'utf8')) as { runs: Array<{ properties: { scores: Array<{ domain: string }> } }> };
    expect(sarif.runs[0]!.properties.scores.map((score) => score.domain)).toEqual(names);
    expect(readFileSync(out('junit'), 'utf8').match(/<testsuite /g)).toHaveLength(DOMAINS);
    expect(readFileSync(out('html'), 'utf8')).toContain(`${DOMAINS} domains`);
    expect(readFileSync(out('markdown'), 'utf8').match(/^### /gm)).toHaveLength(DOMAINS);
    expect(readFileSync(out('text'), 'utf8')).toContain('Summary');
  }, 600_000);
});

describe('a batch faster than its output waits for it', () => {
  it('100,000 domains answered from a zone file into a CSV file under an 80 MB heap, every row written', async () => {
    // Offline answers come faster than a file takes rows: without back-pressure
    // the unwritten rows (and the list's entries) outgrow the heap.
    const DOMAINS = 100_000;
    const list = path.join(dir, 'fast.txt');
    writeFileSync(list, `${Array.from({ length: DOMAINS }, (_, i) => `d${i}.fast.test`).join('\n')}\n`);
    const zone = path.join(dir, 'fast.zone');
    writeFileSync(zone, '$ORIGIN fast.test.\n$TTL 3600\n@ SOA ns hostmaster 1 7200 3600 1209600 3600\n@ NS ns\nns A 127.0.0.53\n');
    const csv = path.join(dir, 'fast.csv');
    const result = await runCli(['--file', list, '--zone', zone, '--offline', '--checks', 'mx', '--format', 'csv', '-o', csv, '--fail-on', 'none'], capped(80));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const rows = readFileSync(csv, 'utf8').trimEnd().split('\r\n');
    expect(rows).toHaveLength(DOMAINS + 1);
    expect(rows[DOMAINS]!.split(',')[0]).toBe(`d${DOMAINS - 1}.fast.test`);
  }, 600_000);
});

describe('a large zone file is read as a stream', () => {
  it('300,000 records (about 8 MB) under a 96 MB heap, answered as before', async () => {
    const zone = path.join(dir, 'large.zone');
    const lines = ['$ORIGIN zone.test.', '$TTL 3600', '@ SOA ns hostmaster 1 7200 3600 1209600 3600', '@ NS ns', 'ns A 127.0.0.53'];
    for (let i = 0; i < 75_000; i++) {
      lines.push(`d${i} A 127.0.${(i >> 8) & 255}.${i & 255}`, `d${i} MX 10 mx.d${i}`, `d${i} TXT "v=spf1 mx -all"`, `_dmarc.d${i} TXT "v=DMARC1; p=reject"`);
    }
    writeFileSync(zone, `${lines.join('\n')}\n`);
    const result = await runCli(['d7.zone.test', '--zone', zone, '--offline', '--no-smtp', '--checks', 'mx,spf,dmarc', '--format', 'json'], capped(96));
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as { checks: Array<{ id: string; status: string }> };
    expect(Object.fromEntries(report.checks.map((check) => [check.id, check.status]))).toMatchObject({ spf: 'pass', dmarc: expect.any(String) });
    expect(report.checks.find((check) => check.id === 'mx')!.status).not.toBe('error');
  }, 300_000);
});

describe('a zone of a million records is kept packed', () => {
  it('1,000,000 records (about 28 MB) under a 144 MB heap, each name answered with its own records', async () => {
    const zone = path.join(dir, 'million.zone');
    const lines = ['$ORIGIN zone.test.', '$TTL 3600', '@ SOA ns hostmaster 1 7200 3600 1209600 3600', '@ NS ns', 'ns A 127.0.0.53'];
    for (let i = 0; i < 250_000; i++) {
      lines.push(`d${i} A 127.0.${(i >> 8) & 255}.${i & 255}`, `d${i} MX 10 mx.d${i}`, `d${i} TXT "v=spf1 mx -all"`, `_dmarc.d${i} TXT "v=DMARC1; p=reject"`);
    }
    writeFileSync(zone, `${lines.join('\n')}\n`);
    lines.length = 0;
    const result = await runCli(['d249999.zone.test', '--zone', zone, '--offline', '--no-smtp', '--checks', 'mx,spf,dmarc', '--format', 'json'], capped(144));
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as { checks: Array<{ id: string; status: string; facts?: unknown }> };
    expect(Object.fromEntries(report.checks.map((check) => [check.id, check.status]))).toMatchObject({ spf: 'pass', dmarc: expect.any(String) });
    const mx = report.checks.find((check) => check.id === 'mx')!;
    expect(mx.status).not.toBe('error');
    expect(JSON.stringify(mx.facts)).toContain('mx.d249999.zone.test');
  }, 600_000);
});

describe('repeated messages are capped', () => {
  it('an MTA-STS policy repeating a field or a bad mx on every line gives a bounded number of messages', () => {
    const duplicates = parseStsPolicy(`version: STSv1\nmode: enforce\nmax_age: 86400\n${'mode: testing\n'.repeat(65_536)}`);
    expect(duplicates.errors.length).toBeLessThanOrEqual(MAX_LINE_ERRORS + 2);
    expect(duplicates.errors).toContain(`and ${65_536 - MAX_LINE_ERRORS} more lines with problems`);
    const badMx = parseStsPolicy(`version: STSv1\nmode: enforce\nmax_age: 86400\nmx: mx.example.com\n${'mx: -bad-\n'.repeat(65_536)}`);
    expect(badMx.errors.length).toBeLessThanOrEqual(MAX_LINE_ERRORS + 2);
    expect(badMx.errors).toContain(`and ${65_536 - MAX_LINE_ERRORS} more lines with problems`);
  });

  it('a domain list of 100,000 bad lines is one line on stderr, exit 2', async () => {
    const list = path.join(dir, 'bad.txt');
    writeFileSync(list, 'not a domain!\n'.repeat(100_000));
    const result = await runCli(['--file', list, '--offline'], capped(96));
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`${list}:1:`);
  }, 120_000);
});
