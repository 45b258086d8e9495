/**
 * A large batch in worker threads (src/cli/audit-workers.ts): the same
 * reports, in input order, with the same exit code as on one thread; a worker
 * that stops, or a domain whose audit throws, gives that domain a report of
 * its own (checks in error) instead of a batch that hangs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditInWorkers, MIN_DOMAINS_FOR_WORKERS, workerCount } from '../src/cli/audit-workers.js';
import { audit } from '../src/run.js';
import { startFixtureDnsServer, type FixtureServer, type FixtureZone } from '../src/testing/fixture-server.js';
import { reportSchema, type Report } from '../src/schema/report.js';
import { ROOT, runCli } from './helpers/cli.js';

/** Sixty domains of five kinds, some of them failing in DNS. */
const KINDS = ['good', 'spf-only', 'servfail', 'missing', 'shared-include'] as const;
const DOMAINS = Array.from({ length: 60 }, (_, index) => `d${index}.${KINDS[index % KINDS.length]}.test`);

function batchZone(): FixtureZone {
  const zone: FixtureZone['zone'] = {
    '_spf.provider.test': { TXT: ['v=spf1 ip4:192.0.2.0/24 -all'] },
    'mx.provider.test': { A: ['192.0.2.25'] },
  };
  for (const domain of DOMAINS) {
    if (domain.endsWith('.good.test')) {
      zone[domain] = { MX: [[10, `mx.${domain}`]], TXT: ['v=spf1 mx -all'] };
      zone[`mx.${domain}`] = { A: ['192.0.2.30'] };
      zone[`_dmarc.${domain}`] = { TXT: ['v=DMARC1; p=reject; rua=mailto:dmarc@example.net'] };
    } else if (domain.endsWith('.spf-only.test')) {
      zone[domain] = { TXT: ['v=spf1 ip4:192.0.2.1 ~all'] };
    } else if (domain.endsWith('.servfail.test')) {
      zone[domain] = 'SERVFAIL';
    } else if (domain.endsWith('.shared-include.test')) {
      zone[domain] = { MX: [[10, 'mx.provider.test']], TXT: ['v=spf1 include:_spf.provider.test -all'] };
    }
    // *.missing.test: not in the zone, NXDOMAIN.
  }
  return { description: 'a batch of sixty domains', zone };
}

let server: FixtureServer;
let dir: string;

beforeAll(async () => {
  server = await startFixtureDnsServer([batchZone()]);
  dir = mkdtempSync(path.join(tmpdir(), 'mailcheck-workers-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const options = () => ({ smtp: false, resolvers: [server.server], timeoutMs: 5000, retries: 1 });

/**
 * A report without what differs between runs: the time, durations, and the
 * wire queries counted for the domain (a shared name is counted for the
 * first domain that asks it, which depends on the order domains run in).
 */
function comparable(report: Report): unknown {
  const { generatedAt: _at, dns, checks, ...rest } = report;
  return { ...rest, servers: dns.servers, checks: checks.map(({ durationMs: _ms, ...check }) => withoutClock(check)) };
}

/** Facts carry the time they were gathered at (`now`, seconds): it differs between runs. */
function withoutClock(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutClock);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'now').map(([key, inner]) => [key, withoutClock(inner)]));
}

describe('a batch in worker threads', () => {
  it('is used for a batch of this size against a local resolver, not for paced, offline or small runs', () => {
    const base = { domains: DOMAINS.length, concurrency: 16, options: options(), sharedState: false };
    expect(DOMAINS.length).toBeGreaterThanOrEqual(MIN_DOMAINS_FOR_WORKERS);
    expect(workerCount(base, 2)).toBe(2);
    expect(workerCount(base, 64)).toBe(4);
    expect(workerCount({ ...base, concurrency: 1 }, 2)).toBe(0);
    expect(workerCount({ ...base, domains: MIN_DOMAINS_FOR_WORKERS - 1 }, 2)).toBe(0);
    expect(workerCount({ ...base, sharedState: true }, 2)).toBe(0);
    expect(workerCount({ ...base, options: { ...options(), rate: 50 } }, 2)).toBe(0);
    expect(workerCount({ ...base, options: { ...options(), rate: 0, resolvers: ['192.0.2.53'] } }, 2)).toBe(2);
    expect(workerCount({ ...base, options: { ...options(), resolvers: ['192.0.2.53'] } }, 2)).toBe(0);
    expect(workerCount({ ...base, options: { ...options(), offline: true } }, 2)).toBe(0);
    expect(workerCount(base, 1)).toBe(0);
  });

  it('writes the same NDJSON, in input order, with the same exit code, at --concurrency 16 as at 1', async () => {
    const list = path.join(dir, 'domains.txt');
    writeFileSync(list, `${DOMAINS.join('\n')}\n`);
    const run = async (concurrency: string) => {
      const output = path.join(dir, `out-${concurrency}.ndjson`);
      const document = path.join(dir, `out-${concurrency}.json`);
      const result = await runCli([
        ...['--file', list, '--format', 'ndjson', '-o', output, '--output', `json=${document}`],
        ...['--resolver', server.server, '--timeout', '5000', '--retries', '1', '--no-smtp', '--concurrency', concurrency],
      ]);
      const reports = readFileSync(output, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => reportSchema.parse(JSON.parse(line)));
      const inOrder = (JSON.parse(readFileSync(document, 'utf8')) as unknown[]).map((report) => reportSchema.parse(report));
      return { code: result.code, stderr: result.stderr, reports, inOrder };
    };
    const one = await run('1');
    const many = await run('16');
    expect(many.stderr).toBe(one.stderr);
    expect(many.code).toBe(one.code);
    expect(one.code).not.toBe(0);
    // NDJSON streams as domains finish; sorted by the list's order they must match one by one.
    const byInput = (reports: Report[]) => [...reports].sort((a, b) => DOMAINS.indexOf(a.domain) - DOMAINS.indexOf(b.domain));
    expect(many.reports.map((report) => report.domain).sort()).toEqual([...DOMAINS].sort());
    expect(byInput(many.reports).map(comparable)).toEqual(byInput(one.reports).map(comparable));
    // A document format is written in input order either way.
    expect(many.inOrder.map((report) => report.domain)).toEqual(DOMAINS);
    expect(many.inOrder.map(comparable)).toEqual(one.inOrder.map(comparable));
    expect(one.reports.some((report) => report.checks.some((check) => check.status === 'error'))).toBe(true);
  }, 120_000);

  it('returns the reports in input order, the same as one thread', async () => {
    const workerFile = path.join(ROOT, 'dist', 'cli', 'audit-worker.js');
    const inWorkers = await auditInWorkers(DOMAINS, options(), { workers: 2, concurrency: 16, servers: [server.server], workerFile });
    const oneThread = await audit(DOMAINS, options(), { concurrency: 1 });
    expect(inWorkers.map((report) => report.domain)).toEqual(DOMAINS);
    expect(inWorkers.map(comparable)).toEqual(oneThread.map(comparable));
  }, 120_000);

  it('gives the domain a worker stopped on, and one whose audit threw, a report with every check in error', async () => {
    const workerFile = path.join(ROOT, 'test', 'helpers', 'stopping-audit-worker.mjs');
    const domains = [...DOMAINS.slice(0, 10), 'stop.test', ...DOMAINS.slice(10, 20), 'throw.test', ...DOMAINS.slice(20, 30)];
    const seen: number[] = [];
    const reports = await auditInWorkers(domains, options(), {
      workers: 2,
      concurrency: 8,
      servers: [server.server],
      workerFile,
      onReport: (_report, index) => void seen.push(index),
    });
    expect(reports.map((report) => report.domain)).toEqual(domains);
    expect([...seen].sort((a, b) => a - b)).toEqual(domains.map((_, index) => index));
    const others = reports.filter((report) => report.domain !== 'stop.test' && report.domain !== 'throw.test');
    const oneThread = await audit(others.map((report) => report.domain), options(), { concurrency: 1 });
    // The domains the stopped worker held besides stop.test were audited again: nothing else is lost.
    expect(others.map(comparable)).toEqual(oneThread.map(comparable));
    for (const domain of ['stop.test', 'throw.test']) {
      const report = reports.find((candidate) => candidate.domain === domain)!;
      expect(report.score.complete).toBe(false);
      expect(report.checks.every((check) => check.status === 'error' || check.status === 'skipped')).toBe(true);
      expect(report.checks.filter((check) => check.status === 'error').length).toBeGreaterThan(5);
      expect(reportSchema.safeParse(report).success).toBe(true);
    }
    const errorOf = (domain: string) => reports.find((report) => report.domain === domain)!.checks.find((check) => check.status === 'error')!.error;
    expect(errorOf('throw.test')).toMatch(/the checks threw/);
    expect(errorOf('stop.test')).toMatch(/worker thread stopped/);
  }, 120_000);
});
