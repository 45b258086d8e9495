/**
 * The Spamhaus DQS key is part of the blocklist query names: the --verbose
 * DNS transcript on stderr shows it as <DQS-KEY> (as reports do), while a
 * --save-dns capture keeps the real names so that --replay can ask them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture, startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { runCli } from './helpers/cli.js';

const KEY = 'k3y0123456789';
let server: FixtureServer;
let dir: string;

beforeAll(async () => {
  server = await startFixtureDnsServer([loadFixture('blocklist-dqs')]);
  dir = mkdtempSync(path.join(tmpdir(), 'mailcheck-dqs-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const args = () => ['dqs.test', '--checks', 'blocklist', '--spamhaus-key', KEY.toUpperCase(), '--resolver', server.server, '--timeout', '1500', '--retries', '0', '--no-smtp'];

describe('--spamhaus-key', () => {
  it('is masked in the --verbose transcript and the report', async () => {
    const result = await runCli([...args(), '-v']);
    expect(result.stderr).toMatch(/^dns +\d+ ms {2}OK +40\.2\.0\.192\.<DQS-KEY>\.zen\.dq\.spamhaus\.net A /m);
    expect(result.stderr).toMatch(/^dns +\d+ ms {2}OK +dqs\.test\.<DQS-KEY>\.dbl\.dq\.spamhaus\.net A /m);
    expect(result.stderr.toLowerCase()).not.toContain(KEY);
    expect(result.stdout.toLowerCase()).not.toContain(KEY);
  });

  it('stays in a --save-dns capture, which a replay needs', async () => {
    const file = path.join(dir, 'capture.json');
    const saved = await runCli([...args(), '--save-dns', file, '--format', 'json']);
    expect(saved.stdout.toLowerCase()).not.toContain(KEY);
    expect(readFileSync(file, 'utf8')).toContain(`40.2.0.192.${KEY}.zen.dq.spamhaus.net`);
  });
});
