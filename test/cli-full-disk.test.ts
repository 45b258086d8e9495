/**
 * A full disk: standard output on /dev/full (every write fails with ENOSPC).
 * Every command ends with one line on stderr and exit 4, never a stack trace
 * and never an exit code that reads as a verdict.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { BIN, CHILD_GUARD, ROOT, cleanEnv } from './helpers/cli.js';

const FULL = '/dev/full';
const ZONE = path.join(ROOT, 'fixtures', 'zones', 'preview.test.zone');
let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureDnsServer({ zone: { 'full.test': { TXT: ['v=spf1 -all'] } } });
});
afterAll(async () => {
  await server?.close();
});

function runToFull(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const fd = openSync(FULL, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(CHILD_GUARD).href, BIN, ...args], {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ['ignore', fd, 'pipe'],
    });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(fd);
      resolve({ code, stderr });
    });
  });
}

describe.skipIf(!existsSync(FULL))('a full standard output', () => {
  const commands: Array<[string, () => string[]]> = [
    ['--help', () => ['--help']],
    ['--version', () => ['--version']],
    ['an audit', () => ['preview.test', '--zone', ZONE, '--offline', '--checks', 'spf,dmarc']],
    ['an audit as json', () => ['preview.test', '--zone', ZONE, '--offline', '--checks', 'spf', '--format', 'json']],
    ['mailcheck spf', () => ['spf', 'full.test', '--resolver', server.server, '--timeout', '3000']],
    ['mailcheck spf --ip', () => ['spf', 'full.test', '--ip', '192.0.2.1', '--resolver', server.server, '--timeout', '3000']],
  ];
  for (const [what, args] of commands) {
    it(`${what}: one line on stderr, exit 4`, async () => {
      const { code, stderr } = await runToFull(args());
      expect(code).toBe(4);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stderr.split('\n').filter((line) => line.startsWith('mailcheck: cannot write to standard output'))).toHaveLength(1);
    }, 60_000);
  }
});
