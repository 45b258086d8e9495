/**
 * A DNS server that does not answer at all: the report shows the checks in
 * error and no score, exit code 3, and stderr has one line naming the server.
 * A domain whose own queries time out, through a server that answers, gets no
 * such line.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture, startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { RESOLVER_PROBE_NAME, trackDnsHealth } from '../src/cli/dns-health.js';
import type { DnsClient, QueryLogEntry } from '../src/dns/types.js';
import type { Report } from '../src/schema/report.js';
import { runCli } from './helpers/cli.js';

/** A UDP socket on 127.0.0.1 that swallows every query (no TCP listener either). */
let silent: Socket;
let silentServer: string;
let fixture: FixtureServer;

beforeAll(async () => {
  silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
  silentServer = `127.0.0.1:${silent.address().port}`;
  fixture = await startFixtureDnsServer([loadFixture('cli-timeout')]);
});
afterAll(async () => {
  await new Promise<void>((resolve) => silent?.close(() => resolve()));
  await fixture?.close();
});

const fast = ['--timeout', '200', '--retries', '0', '--no-smtp'];
const NOTICE = /^mailcheck: the DNS server 127\.0\.0\.1:\d+ did not answer \((\d+) quer(?:y|ies) timed out\)\. Check --resolver, or the network's DNS\.\n$/;

describe('a DNS server that does not answer', () => {
  it('text: no score in the header, one line on stderr, exit 3', async () => {
    const result = await runCli(['example.test', '--checks', 'mx,spf,dmarc', '--resolver', silentServer, ...fast]);
    expect(result.code).toBe(3);
    const match = NOTICE.exec(result.stderr);
    expect(match, result.stderr).not.toBeNull();
    expect(result.stderr).toContain(silentServer);
    // mx (MX), spf (TXT), dmarc (TXT _dmarc): at least those three timed out.
    expect(Number(match![1])).toBeGreaterThanOrEqual(3);
    const [, score] = result.stdout.split('\n');
    expect(score).toBe('Deliverability —  (nothing could be verified)');
    expect(result.stdout).not.toMatch(/Grade F|0\/100/);
    expect(result.stdout).not.toContain('Nothing to fix');
    // The line is about the run, not the domain: never in the report.
    expect(result.stdout).not.toContain('did not answer (');
  });

  it('json: both scores are unverified (shown as —); --min-score does not turn 3 into 1', async () => {
    const result = await runCli(['example.test', '--checks', 'mx', '--resolver', silentServer, ...fast, '--format', 'json', '--min-score', '50']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(NOTICE);
    const report = JSON.parse(result.stdout) as Report;
    // Only mx ran (receiving security) and it errored: nothing either score counts was verified.
    expect(report.score.verified).toBe(false);
    expect(report.receiving).toEqual({ value: 0, grade: 'F', complete: false, verified: false });
    expect(report.checks.filter((check) => check.status !== 'skipped').map((check) => [check.id, check.status])).toEqual([['mx', 'error']]);
  });

  it('the summary of several domains shows no score for them', async () => {
    const result = await runCli(['a.example.test', 'b.example.test', '--checks', 'mx', '--resolver', silentServer, ...fast]);
    expect(result.code).toBe(3);
    const summary = result.stdout.slice(result.stdout.lastIndexOf('Summary'));
    expect(summary.split('\n').slice(1, 3)).toEqual([
      '  a.example.test    —  —  (nothing could be verified)',
      '  b.example.test    —  —  (nothing could be verified)',
    ]);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('no line when the server answers and only the domain times out', async () => {
    // A generous timeout: the fixture server must answer the resolver probe in time even on a busy machine.
    const result = await runCli(['slow.test', '--checks', 'mx', '--resolver', fixture.server, '--timeout', '1500', '--retries', '0', '--no-smtp']);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('');
    // Nothing concluded here either: the header says so.
    expect(result.stdout.split('\n')[1]).toBe('Deliverability —  (nothing could be verified)');
  });

  it('mailcheck spf gives the same line (exit 3, temperror)', async () => {
    const result = await runCli(['spf', 'example.test', '--ip', '192.0.2.1', '--resolver', silentServer, '--timeout', '200', '--retries', '0']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(NOTICE);
  });
});

describe('trackDnsHealth', () => {
  const entry = (status: QueryLogEntry['status'], extra: Partial<QueryLogEntry> = {}): QueryLogEntry => ({
    name: 'example.test',
    type: 'TXT',
    status,
    ms: 1,
    server: '127.0.0.1:53',
    cached: false,
    startedAt: 0,
    ...extra,
  });
  /** A client whose only use here is the probe: it answers `probe` and names its servers. */
  const client = (probe: QueryLogEntry['status'], servers = ['127.0.0.1:53']): DnsClient & { asked: string[] } => {
    const asked: string[] = [];
    return {
      asked,
      servers,
      log: [],
      query: async (name) => {
        asked.push(name);
        return { status: probe } as never;
      },
    };
  };

  it('counts only queries on the wire; any answer means the servers answer', async () => {
    const health = trackDnsHealth();
    health.record(entry('timeout'));
    health.record(entry('ok', { cached: true }));
    health.record(entry('ok', { server: 'override' }));
    const dead = client('timeout');
    expect(await health.notice(dead)).toBe(
      "mailcheck: the DNS server 127.0.0.1:53 did not answer (1 query timed out). Check --resolver, or the network's DNS.\n",
    );
    expect(dead.asked).toEqual([RESOLVER_PROBE_NAME]);
    health.record(entry('servfail'));
    const untouched = client('timeout');
    expect(await health.notice(untouched)).toBeUndefined();
    expect(untouched.asked).toEqual([]);
  });

  it('names refusal, several servers, and stays silent when the probe is answered', async () => {
    const refused = trackDnsHealth();
    refused.record(entry('refused'));
    refused.record(entry('refused'));
    expect(await refused.notice(client('refused', ['127.0.0.1:53', '127.0.0.2:53']))).toBe(
      "mailcheck: the DNS servers 127.0.0.1:53, 127.0.0.2:53 refused every query (2 queries): they do not resolve names for this host. Check --resolver, or the network's DNS.\n",
    );
    expect(await refused.notice(client('nxdomain'))).toBeUndefined();
    expect(await trackDnsHealth().notice(client('timeout'))).toBeUndefined();
  });
});
