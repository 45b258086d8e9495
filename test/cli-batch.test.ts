/**
 * The built CLI in batch and CI use: --file lists merged with arguments and
 * deduplicated, ndjson streamed as domains finish, every format and several
 * outputs per run, --concurrency, no stderr without a terminal, and
 * --save-dns/--replay.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLValidator } from 'fast-xml-parser';
import { loadFixture, startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { reportSchema, type Report } from '../src/schema/report.js';
import { createProgress, progressLine } from '../src/cli/progress.js';
import { BIN, ROOT, cleanEnv, runCli } from './helpers/cli.js';

let server: FixtureServer;
let dir: string;

beforeAll(async () => {
  server = await startFixtureDnsServer([loadFixture('demo-good'), loadFixture('demo-broken'), loadFixture('cli-timeout')]);
  dir = mkdtempSync(path.join(tmpdir(), 'mailcheck-batch-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const dns = () => ['--resolver', server.server, '--timeout', '1500', '--retries', '0', '--no-smtp'];
const file = (name: string, text: string) => {
  const target = path.join(dir, name);
  writeFileSync(target, text);
  return target;
};
const ndjson = (text: string): Report[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => reportSchema.parse(JSON.parse(line)));

describe('--file', () => {
  it('merges list and arguments, skips comments and blanks, audits each domain once', async () => {
    const list = file(
      'domains.txt',
      ['# client domains', '', 'good.example', 'broken.example   # the broken one', '  Good.Example.  ', 'postmaster@broken.example', '\t', ''].join('\n'),
    );
    const result = await runCli(['good.example', '--file', list, '--format', 'ndjson', '--checks', 'mx', ...dns()]);
    expect(result.stderr).toBe('');
    const reports = ndjson(result.stdout);
    expect(reports.map((report) => report.domain).sort()).toEqual(['broken.example', 'good.example']);
    expect(result.code).toBe(1);
  });

  it('reads stdin for "-"', async () => {
    const result = await runCli(['--file', '-', '--format', 'csv', '--checks', 'mx', ...dns()], { input: 'good.example\r\nbroken.example\r\n' });
    const rows = result.stdout.trim().split('\r\n');
    expect(rows).toHaveLength(3);
    expect(rows.slice(1).map((row) => row.split(',')[0]).sort()).toEqual(['broken.example', 'good.example']);
  });

  it('names the file and line of a bad entry, exit 2, nothing audited', async () => {
    const list = file('bad.txt', 'good.example\n\nexa mple.com\n');
    const before = server.queryCount();
    const result = await runCli(['--file', list, ...dns()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^mailcheck: ${list.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: `));
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(server.queryCount()).toBe(before);
  });

  it('rejects an unreadable list and a bad --concurrency', async () => {
    expect((await runCli(['--file', path.join(dir, 'missing.txt'), ...dns()])).code).toBe(2);
    const zero = await runCli(['good.example', '--concurrency', '0', ...dns()]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/^mailcheck: --concurrency "0"/);
  });
});

describe('streaming ndjson', () => {
  it('writes each report as its domain finishes, before slower domains are done', async () => {
    // slow.test's queries time out (1.5 s each); good.example answers at once.
    const args = [BIN, 'slow.test', 'good.example', '--format', 'ndjson', '--checks', 'mx', '--resolver', server.server, '--timeout', '1500', '--retries', '0', '--no-smtp', '--concurrency', '2'];
    const started = Date.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let firstLineAt = 0;
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!firstLineAt && stdout.includes('\n')) firstLineAt = Date.now() - started;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const closedAt = Date.now() - started;
    const reports = ndjson(stdout);
    expect(reports.map((report) => report.domain)).toEqual(['good.example', 'slow.test']);
    expect(code).toBe(3);
    expect(closedAt - firstLineAt).toBeGreaterThan(800);
  });
});

describe('formats and outputs', () => {
  it('writes the main format to stdout and each format=file pair to its file', async () => {
    const out = (name: string) => path.join(dir, name);
    const result = await runCli([
      'good.example',
      'broken.example',
      '--checks',
      'mx,spf,dmarc',
      '--format',
      'csv',
      '--output',
      `json=${out('r.json')}`,
      '--output',
      `sarif=${out('r.sarif')}`,
      '--output',
      `junit=${out('r.xml')}`,
      '--output',
      `markdown=${out('r.md')}`,
      '--output',
      `html=${out('r.html')}`,
      '--output',
      `ndjson=${out('r.ndjson')}`,
      ...dns(),
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout.split('\r\n')[0]).toMatch(/^domain,score,grade,complete,mx,/);
    const reports = (JSON.parse(readFileSync(out('r.json'), 'utf8')) as Report[]).map((report) => reportSchema.parse(report));
    expect(reports.map((report) => report.domain)).toEqual(['good.example', 'broken.example']);
    expect(ndjson(readFileSync(out('r.ndjson'), 'utf8')).map((report) => report.domain).sort()).toEqual(['broken.example', 'good.example']);
    const sarif = JSON.parse(readFileSync(out('r.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    const brokenIds = reports[1]!.checks.flatMap((check) => check.findings.map((finding) => finding.id));
    // One result per finding, and one per mailbox-provider profile shown.
    const profileRules = reports.flatMap((report) => report.profiles.map((profile) => `profile/${profile.id}`));
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId).sort()).toEqual(
      [...brokenIds, ...reports[0]!.checks.flatMap((c) => c.findings.map((f) => f.id)), ...profileRules].sort(),
    );
    expect(XMLValidator.validate(readFileSync(out('r.xml'), 'utf8'))).toBe(true);
    expect(readFileSync(out('r.md'), 'utf8')).toContain('| broken.example |');
    expect(readFileSync(out('r.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('writes the main format to -o and nothing to stdout', async () => {
    const target = path.join(dir, 'main.junit.xml');
    const result = await runCli(['good.example', '--checks', 'mx', '--format', 'junit', '-o', target, ...dns()]);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(target, 'utf8')).toContain('<testsuite name="good.example"');
  });

  it('refuses two plain -o files and a format=file pair without a file', async () => {
    expect((await runCli(['good.example', '-o', path.join(dir, 'a'), '-o', path.join(dir, 'b'), ...dns()])).code).toBe(2);
    expect((await runCli(['good.example', '--output', 'html=', ...dns()])).code).toBe(2);
    expect((await runCli(['good.example', '--format', 'yaml', ...dns()])).code).toBe(2);
  });

  it('refuses an unknown format before "=", and writes a file whose path has "=" elsewhere', async () => {
    const bogus = await runCli(['good.example', '--checks', 'mx', '--output', 'bogus=x.txt', ...dns()], { cwd: dir });
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/^mailcheck: --output "bogus=x\.txt": .*\bjson\b.*\n$/);
    expect(existsSync(path.join(dir, 'bogus=x.txt'))).toBe(false);
    const plain = await runCli(['good.example', '--checks', 'mx', '--format', 'json', '--output', './a=b.txt', ...dns()], { cwd: dir });
    expect(plain.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'a=b.txt'), 'utf8')).domain).toBe('good.example');
  });
});

describe('progress', () => {
  it('prints nothing on stderr when stderr is not a terminal', async () => {
    const result = await runCli(['good.example', 'broken.example', '--format', 'ndjson', '--checks', 'mx', ...dns()]);
    expect(result.stderr).toBe('');
  });

  it('draws done/total, rate, ETA and failing domains on a terminal', () => {
    expect(progressLine({ done: 50, total: 200, elapsedMs: 10_000, failing: 3, incomplete: 1 }, 100)).toBe(
      `[${'#'.repeat(10)}${'-'.repeat(30)}] 50/200  5.0/s  ETA 30s  3 failing  1 incomplete`,
    );
    const writes: string[] = [];
    const progress = createProgress({ isTTY: true, columns: 100, write: (chunk: string) => (writes.push(chunk), true) }, 2);
    const report = { score: { complete: true } } as Report;
    progress.tick(report, true);
    progress.tick(report, false);
    progress.finish();
    expect(writes[0]).toMatch(/^\r\x1b\[2K\[#+-*\] 1\/2 /);
    expect(writes.at(-1)).toMatch(/\] 2\/2 .* 1 failing\naudited 2 domains in \d+\.\ds, 1 failing\n$/);
  });
});

describe('--save-dns and --replay', () => {
  it('names the DNS capture, not the report, when --save-dns cannot be written', async () => {
    const before = server.queryCount();
    const result = await runCli(['good.example', '--checks', 'mx', '--save-dns', path.join(dir, 'no-such-dir', 'x.json'), ...dns()]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^mailcheck: cannot write the DNS capture \(--save-dns\) to /);
    expect(result.stderr).not.toMatch(/report/);
    expect(server.queryCount()).toBe(before);
  });

  it('replays a run from its capture without any DNS server', async () => {
    const capture = path.join(dir, 'capture.json');
    const live = await startFixtureDnsServer([loadFixture('demo-broken')]);
    const args = ['broken.example', '--checks', 'mx,spf,dmarc,ptr', '--format', 'json'];
    const first = await runCli([...args, '--resolver', live.server, '--timeout', '1500', '--retries', '0', '--save-dns', capture]);
    await live.close();
    expect(existsSync(capture)).toBe(true);
    const saved = JSON.parse(readFileSync(capture, 'utf8'));
    expect(saved.format).toBe('mailcheck-dns-capture');
    expect(saved.answers.some((entry: { name: string; type: string }) => entry.name === 'broken.example' && entry.type === 'MX')).toBe(true);
    const again = await runCli([...args, '--replay', capture]);
    expect(again.code).toBe(first.code);
    const strip = (text: string) => {
      const report = reportSchema.parse(JSON.parse(text));
      // The capture keeps whole CNAME chains, so a replay needs no second hop: only the query count may differ.
      return { ...report, generatedAt: '', dns: null, checks: report.checks.map((c) => ({ ...c, durationMs: 0 })) };
    };
    expect(strip(again.stdout)).toEqual(strip(first.stdout));
    expect(JSON.parse(again.stdout).dns.servers).toEqual(['replay']);
    // A broken capture is a usage error.
    const bad = await runCli([...args, '--replay', file('bad-capture.json', '{"format":"nope"}')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not a mailcheck DNS capture/);
    expect((await runCli([...args, '--replay', capture, '--resolver', '127.0.0.1:9'])).code).toBe(2);
  });

  it('runs the blocklist check in a replay from the captured answers; what the capture lacks is inconclusive', async () => {
    const capture = path.join(dir, 'capture-blocklist.json');
    const mxOnly = path.join(dir, 'capture-mx-only.json');
    const live = await startFixtureDnsServer([loadFixture('blocklist-listed')]);
    const liveArgs = ['--resolver', live.server, '--timeout', '1500', '--retries', '0'];
    const args = ['listed.test', '--checks', 'mx,blocklist', '--format', 'json'];
    const first = await runCli([...args, ...liveArgs, '--save-dns', capture]);
    await runCli(['listed.test', '--checks', 'mx', '--format', 'json', ...liveArgs, '--save-dns', mxOnly]);
    await live.close();
    const blocklist = (text: string) => reportSchema.parse(JSON.parse(text)).checks.find((check) => check.id === 'blocklist')!;
    expect(blocklist(first.stdout).status).toBe('fail');

    const again = await runCli([...args, '--replay', capture]);
    expect(again.code).toBe(first.code);
    const replayed = blocklist(again.stdout);
    expect(replayed.status).toBe('fail');
    expect(replayed.findings.map((finding) => finding.id)).toEqual(blocklist(first.stdout).findings.map((finding) => finding.id));
    expect(replayed.facts.summary).toEqual(blocklist(first.stdout).facts.summary);

    // A capture without the lists' answers: SERVFAIL, so the check cannot conclude (never "not listed").
    const partial = await runCli([...args, '--replay', mxOnly]);
    const unanswered = blocklist(partial.stdout);
    expect(unanswered.status).toBe('error');
    expect((unanswered.facts.summary as { notListed: number }).notListed).toBe(0);
    expect(partial.code).toBe(3);
  });
});
