/**
 * --zone and --offline through the built CLI: the records of a zone file are
 * audited instead of what DNS publishes today; offline, nothing else exists
 * and network probes are skipped with a reason.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { reportSchema, type Report } from '../src/schema/report.js';
import { ROOT, runCli } from './helpers/cli.js';

const ZONE = path.join(ROOT, 'fixtures', 'zones', 'preview.test.zone');
let server: FixtureServer;
let dir: string;

beforeAll(async () => {
  // What preview.test publishes today: a permissive SPF, DMARC p=none, a mail host elsewhere.
  server = await startFixtureDnsServer({
    zone: {
      'preview.test': { MX: [[10, 'old.preview.test']], TXT: ['v=spf1 +all'] },
      'old.preview.test': { A: ['127.0.0.99'] },
      '_dmarc.preview.test': { TXT: ['v=DMARC1; p=none'] },
      'other.test': { MX: [[10, 'mx.other.test']], TXT: ['v=spf1 mx -all'] },
      'mx.other.test': { A: ['127.0.0.30'] },
    },
  });
  dir = mkdtempSync(path.join(tmpdir(), 'mailcheck-zone-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const dns = () => ['--resolver', server.server, '--timeout', '1500', '--retries', '0', '--no-smtp'];
const findingIds = (report: Report) => report.checks.flatMap((check) => check.findings.map((finding) => finding.id));
const check = (report: Report, id: string) => report.checks.find((c) => c.id === id)!;

async function jsonReports(args: string[]) {
  const result = await runCli([...args, '--format', 'json']);
  const parsed = JSON.parse(result.stdout) as Report | Report[];
  return { ...result, reports: (Array.isArray(parsed) ? parsed : [parsed]).map((report) => reportSchema.parse(report)) };
}

describe('--zone', () => {
  it('audits the zone file instead of the published records', async () => {
    const published = await jsonReports(['preview.test', '--checks', 'mx,spf,dmarc', ...dns()]);
    expect(findingIds(published.reports[0]!)).toEqual(expect.arrayContaining(['spf/permissive-all', 'dmarc/no-reporting']));
    const preview = await jsonReports(['preview.test', '--checks', 'mx,spf,dmarc', '--zone', ZONE, ...dns()]);
    const report = preview.reports[0]!;
    expect(findingIds(report)).not.toContain('spf/permissive-all');
    expect(findingIds(report)).not.toContain('dmarc/no-reporting');
    expect(check(report, 'spf').facts).toMatchObject({ record: 'v=spf1 mx -all' });
    expect(JSON.stringify(check(report, 'mx').facts)).toContain('mx1.preview.test');
    expect(JSON.stringify(check(report, 'mx').facts)).not.toContain('old.preview.test');
    expect(preview.code).toBe(0);
  });

  it('still asks DNS for names the zone file does not define', async () => {
    const before = server.queryCount();
    const { reports } = await jsonReports(['other.test', '--checks', 'mx,spf', '--zone', ZONE, ...dns()]);
    expect(check(reports[0]!, 'spf').status).toBe('pass');
    expect(server.queryCount()).toBeGreaterThan(before);
  });

  it('names the file and line of a zone-file error, exit 2', async () => {
    const bad = path.join(dir, 'bad.zone');
    writeFileSync(bad, '$ORIGIN bad.test.\n@ IN MX 10 mx\nmx IN A 999.1.1.1\n');
    const result = await runCli(['bad.test', '--zone', bad, ...dns()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`mailcheck: --zone ${bad}:3: A: "999.1.1.1" is not an IPv4 address. Fix the zone file.\n`);
  });
});

describe('--offline', () => {
  it('answers only from the zone file, sends nothing, skips network probes with a reason', async () => {
    const before = server.queryCount();
    const { reports, code, stderr } = await jsonReports(['preview.test', 'other.test', '--zone', ZONE, '--offline', ...dns()]);
    expect(stderr).toBe('');
    expect(server.queryCount()).toBe(before);
    const [preview, other] = reports;
    expect(preview!.dns).toEqual({ queries: 0, servers: ['offline'] });
    expect(check(preview!, 'tls')).toMatchObject({ status: 'skipped' });
    expect(check(preview!, 'tls').skipReason).toMatch(/^offline/);
    expect(check(preview!, 'blocklist')).toMatchObject({ status: 'skipped' });
    expect(check(preview!, 'blocklist').skipReason).toMatch(/^offline/);
    expect(check(preview!, 'spf').status).toBe('pass');
    expect(check(preview!, 'dmarc').status).toBe('pass');
    // other.test is not in the zone file: offline nothing is known of it, so nothing is missing.
    expect(findingIds(other!)).not.toContain('mx/missing');
    expect(findingIds(other!)).not.toContain('domain/not-found');
    expect(code).toBe(3);
  });

  it('needs --zone', async () => {
    const result = await runCli(['preview.test', '--offline', ...dns()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^mailcheck: --offline .*--zone/);
  });
});
