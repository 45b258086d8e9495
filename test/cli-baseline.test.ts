/**
 * --baseline and --fail-on-regression through the built CLI: a nightly run
 * compared with the previous night's JSON, against fixture zones that improve
 * or regress.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureDnsServer, type FixtureServer, type FixtureZone } from '../src/testing/fixture-server.js';
import { reportSchema } from '../src/schema/report.js';
import { runCli } from './helpers/cli.js';

/** nightly.test: one MX host without an address (a known high finding), DMARC p=none. */
const BEFORE: FixtureZone = {
  zone: {
    'nightly.test': { MX: [[10, 'mx.nightly.test'], [20, 'gone.nightly.test']], TXT: ['v=spf1 mx -all'] },
    'mx.nightly.test': { A: ['127.0.0.10'] },
    '_dmarc.nightly.test': { TXT: ['v=DMARC1; p=none; rua=mailto:d@nightly.test'] },
  },
};
/** DMARC fixed; the MX problem is still there. */
const IMPROVED: FixtureZone = {
  zone: { ...BEFORE.zone, '_dmarc.nightly.test': { TXT: ['v=DMARC1; p=reject; rua=mailto:d@nightly.test'] } },
};
/** SPF now lets everyone send. */
const REGRESSED: FixtureZone = {
  zone: { ...BEFORE.zone, 'nightly.test': { MX: [[10, 'mx.nightly.test'], [20, 'gone.nightly.test']], TXT: ['v=spf1 +all'] } },
};

const CHECKS = ['--checks', 'mx,spf,dmarc', '--timeout', '1500', '--retries', '0', '--no-smtp'];
const servers: FixtureServer[] = [];
let dir: string;
let baseline: string;

async function run(zone: FixtureZone, args: string[]) {
  const server = await startFixtureDnsServer(zone);
  servers.push(server);
  return runCli(['nightly.test', ...CHECKS, '--resolver', server.server, ...args]);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'mailcheck-baseline-'));
  baseline = path.join(dir, 'last-night.json');
  const first = await run(BEFORE, ['--format', 'json', '-o', baseline]);
  expect(first.code).toBe(1);
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ids = (list: Array<{ id: string }>) => list.map((item) => item.id).sort();

describe('--baseline', () => {
  it('adds a diff block: resolved, unchanged, score delta', async () => {
    const result = await run(IMPROVED, ['--format', 'json', '--baseline', baseline]);
    const report = reportSchema.parse(JSON.parse(result.stdout));
    const diff = report.diff!;
    expect(ids(diff.resolved)).toEqual(['dmarc/policy-none']);
    expect(ids(diff.new)).toEqual([]);
    expect(ids(diff.unchanged)).toContain('mx/unresolvable-target');
    expect(diff.scoreDelta).toBeGreaterThanOrEqual(0);
    expect(diff.baseline!.score.value + diff.scoreDelta!).toBe(report.score.value);
    // Without --fail-on-regression the known high finding still fails the run.
    expect(result.code).toBe(1);
  });

  it('--fail-on-regression: known findings pass, a new one at --fail-on fails', async () => {
    const improved = await run(IMPROVED, ['--format', 'json', '--baseline', baseline, '--fail-on-regression']);
    expect(improved.code).toBe(0);
    const regressed = await run(REGRESSED, ['--format', 'json', '--baseline', baseline, '--fail-on-regression']);
    const diff = reportSchema.parse(JSON.parse(regressed.stdout)).diff!;
    expect(ids(diff.new)).toContain('spf/permissive-all');
    expect(regressed.code).toBe(1);
    // The same change below the threshold is not a regression on findings, but the score drop is.
    const critical = await run(REGRESSED, ['--format', 'json', '--baseline', baseline, '--fail-on-regression', '--fail-on', 'critical']);
    expect(diff.scoreDelta).toBeLessThan(0);
    expect(critical.code).toBe(1);
  });

  it('shows the comparison in text, markdown and html', async () => {
    const text = await run(REGRESSED, ['--baseline', baseline]);
    expect(text.stdout).toMatch(/Compared with the baseline\n  Score \d+ → \d+ \(-\d+\).*\n  New \(\d+\)\n(    .*\n)*    \w+ +spf\/permissive-all\n/);
    const markdown = await run(REGRESSED, ['--format', 'markdown', '--baseline', baseline]);
    expect(markdown.stdout).toMatch(/#### Compared with the baseline/);
    expect(markdown.stdout).toMatch(/\*\*New\*\*\n\n- \w+ `spf\/permissive-all`/);
    const html = await run(REGRESSED, ['--format', 'html', '--baseline', baseline]);
    expect(html.stdout).toMatch(/<ul class="diff-new"><li data-finding="spf\/permissive-all">/);
  });

  it('accepts an ndjson baseline and rejects what is not a report', async () => {
    const lines = path.join(dir, 'last-night.ndjson');
    const first = await run(BEFORE, ['--format', 'ndjson', '-o', lines]);
    expect(first.code).toBe(1);
    const result = await run(IMPROVED, ['--format', 'json', '--baseline', lines, '--fail-on-regression']);
    expect(result.code).toBe(0);
    const bogus = path.join(dir, 'bogus.json');
    writeFileSync(bogus, '{"hello": "world"}');
    const bad = await run(IMPROVED, ['--baseline', bogus]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^mailcheck: --baseline .*bogus\.json: expected a mailcheck report, found a JSON object with other fields \("hello"\)\. Give a file written by mailcheck --format json or --format ndjson\.\n$/);
    // An empty object: what was expected and what was found, no schema path.
    const empty = path.join(dir, 'empty.json');
    writeFileSync(empty, '{}');
    const none = await run(IMPROVED, ['--baseline', empty]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^mailcheck: --baseline .*empty\.json: expected a mailcheck report, found an empty JSON object\. Give a file written by mailcheck --format json or --format ndjson\.\n$/);
  });
});
