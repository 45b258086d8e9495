/**
 * The CLI's early round (src/cli/early-round.ts): the domain's TXT and MX
 * questions sent before the CLI loads, taken over by the audit's resolver as
 * its own first attempts. Against real DNS servers on 127.0.0.1: the fixture
 * server, and a socket that never answers.
 */
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendEarlyRound } from '../src/cli/early-round.js';
import type { CliIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';
import { decodeMessage } from '../src/dns/wire.js';
import { loadFixture, startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { runCli } from './helpers/cli.js';

/** Options that keep the audit to DNS (no SMTP, no HTTPS, no blocklist zones). */
const DNS_ONLY = ['--no-smtp', '--skip', 'mta-sts,blocklist', '--format', 'json'];

let server: FixtureServer;
/** A working directory without a config file above it. */
let cwd: string;

beforeAll(async () => {
  server = await startFixtureDnsServer([loadFixture('demo-good')]);
  cwd = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-early-'));
});
afterAll(async () => {
  await server.close();
  rmSync(cwd, { recursive: true, force: true });
});

/** The queries the server received while `run` ran. */
async function queriesDuring(run: () => Promise<unknown>): Promise<string[]> {
  const before = server.queries().length;
  await run();
  return server.queries().slice(before);
}

/**
 * After a send: gives the server's socket turns of the event loop until it
 * has read `count` more datagrams than `before` (however busy the machine, a
 * bounded number of turns, not a time), then a few more for any stray one.
 */
async function serverReads(before: number, count: number): Promise<void> {
  for (let turn = 0; server.queries().length < before + count && turn < 400; turn++) await new Promise((resolve) => setTimeout(resolve, 5));
  for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setTimeout(resolve, 5));
}

function memoryIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: {
      write: (chunk: string, done?: (error?: Error | null) => void) => {
        out += chunk;
        done?.();
        return true;
      },
    },
    stderr: { write: (chunk: string) => ((err += chunk), true) },
    env: {},
    out: () => out,
    err: () => err,
  };
}

/** Each question with the number of times it reached the server. */
function counts(queries: readonly string[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (const query of queries) seen.set(query, (seen.get(query) ?? 0) + 1);
  return seen;
}

describe('the early round', () => {
  it('sends the TXT and MX questions once, and the audit asks them no more', async () => {
    const argv = ['good.example', '--resolver', server.server, ...DNS_ONLY];
    let early: Awaited<ReturnType<typeof sendEarlyRound>>;
    const before = server.queries().length;
    const sent = await queriesDuring(async () => {
      early = await sendEarlyRound(argv, cwd);
      // Sent means on the wire: the server has them once their datagrams are read.
      await serverReads(before, 2);
    });
    expect(early!).toBeDefined();
    expect(sent.sort()).toEqual(['good.example MX', 'good.example TXT']);

    const withEarly = memoryIo();
    const during = await queriesDuring(async () => expect(await main(argv, withEarly, early)).toBe(0));
    expect(during).not.toContain('good.example TXT');
    expect(during).not.toContain('good.example MX');
    expect([...counts(during).values()].every((count) => count === 1)).toBe(true);

    // The same report as without the early round, from the same questions.
    const without = memoryIo();
    const plain = await queriesDuring(async () => expect(await main(argv, without)).toBe(0));
    expect([...during, ...sent].sort()).toEqual([...plain].sort());
    // Timings aside (when, how long).
    const timeless = (text: string) => JSON.parse(text, (key, value) => (['generatedAt', 'durationMs', 'ms', 'now'].includes(key) ? undefined : value));
    expect(timeless(withEarly.out())).toEqual(timeless(without.out()));
  });

  it('asks only what the selected checks ask first', async () => {
    const before = server.queries().length;
    const mxOnly = await queriesDuring(async () => {
      await sendEarlyRound(['good.example', '--resolver', server.server, '--skip', 'spf'], cwd);
      await serverReads(before, 1);
    });
    expect(mxOnly).toEqual(['good.example MX']);
    expect(await sendEarlyRound(['good.example', '--resolver', server.server, '--checks', 'dmarc,dkim'], cwd)).toBeUndefined();
  });

  it.each([
    ['a subcommand', ['spf', 'good.example']],
    ['a subcommand alone', ['mcp']],
    ['two domains', ['good.example', 'broken.example']],
    ['no domain', ['--no-smtp']],
    ['a domain that is not one', ['-good.example']],
    ['an option it does not read', ['good.example', '--zone', 'zone.txt']],
    ['--quiet', ['good.example', '--quiet']],
    ['a short option', ['good.example', '-v']],
    ['an unknown format', ['good.example', '--format', 'yaml']],
    ['a timeout that is not a number', ['good.example', '--timeout', 'soon']],
    ['a check that does not exist', ['good.example', '--skip', 'spam']],
    ['both --checks and --skip', ['good.example', '--checks', 'spf', '--skip', 'mx']],
    ['a value that looks like an option', ['good.example', '--format', '--no-smtp']],
    ['--format given twice', ['good.example', '--format', 'json', '--format', 'text']],
    ['DNS over HTTPS', ['good.example', '--resolver', 'https://127.0.0.1:1/dns-query']],
  ])('sends nothing for %s', async (_what, argv) => {
    const hasResolver = argv.includes('--resolver');
    const sent = await queriesDuring(async () => {
      expect(await sendEarlyRound(hasResolver ? argv : [...argv, '--resolver', server.server], cwd)).toBeUndefined();
      await serverReads(server.queries().length, 0);
    });
    expect(sent).toEqual([]);
  });

  it('sends nothing when a config file applies', async () => {
    const withConfig = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-early-config-'));
    try {
      writeFileSync(path.join(withConfig, 'mailcheck.config.json'), JSON.stringify({ skip: ['spf'] }));
      const sent = await queriesDuring(async () => {
        expect(await sendEarlyRound(['good.example', '--resolver', server.server], withConfig)).toBeUndefined();
        await serverReads(server.queries().length, 0);
      });
      expect(sent).toEqual([]);
    } finally {
      rmSync(withConfig, { recursive: true, force: true });
    }
  });

  it('counts as the first attempt: a server that never answers gets each question once per attempt', async () => {
    const silent = dgram.createSocket('udp4');
    const received: string[] = [];
    silent.on('message', (buffer) => {
      const question = decodeMessage(buffer).questions[0];
      if (question) received.push(`${question.name} ${question.type}`);
    });
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const argv = ['good.example', '--resolver', `127.0.0.1:${silent.address().port}`, '--timeout', '200', '--retries', '1', '--checks', 'spf,mx'];
      const early = await sendEarlyRound(argv, cwd);
      expect(early).toBeDefined();
      const io = memoryIo();
      // Incomplete (3): nothing answered.
      expect(await main([...argv, '--no-smtp', '--format', 'json'], io, early)).toBe(3);
      const asked = counts(received);
      // --retries 1: two attempts each, the early one among them.
      expect(asked.get('good.example 16')).toBe(2);
      expect(asked.get('good.example 15')).toBe(2);
    } finally {
      silent.close();
    }
  });
});

describe('the early round through the CLI', () => {
  it('asks every question of an audit once', async () => {
    const during = await queriesDuring(async () => {
      const result = await runCli(['good.example', '--resolver', server.server, ...DNS_ONLY], { cwd });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).domain).toBe('good.example');
    });
    expect(during).toContain('good.example TXT');
    expect(during).toContain('good.example MX');
    expect([...counts(during).entries()].filter(([, count]) => count > 1)).toEqual([]);
  });
});
