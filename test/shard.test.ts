/**
 * --shard i/n: a stable share of the domains by SHA-256 of the normalised
 * domain, the same on every machine and in every order; the shares of one
 * list are disjoint and cover it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture, startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { parseShard, selectShard, shardOf } from '../src/cli/shard.js';
import { runCli } from './helpers/cli.js';

describe('shards', () => {
  it('parses i/n with 1 ≤ i ≤ n', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    expect(parseShard(' 4 / 4 ')).toEqual({ index: 4, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', '1', '1/', 'a/b', '-1/4', '1/4/2', '']) expect(() => parseShard(bad), bad).toThrow(/--shard/);
  });

  it('puts a domain in shard 1 + (first four octets of SHA-256, big-endian) mod n', () => {
    // sha256("example.com") starts with a3 79 a6 f6 = 2742658806.
    expect(shardOf('example.com', 4)).toBe((2742658806 % 4) + 1);
    expect(shardOf('example.com', 1)).toBe(1);
    expect(shardOf('a.example', 2)).toBe(2);
    expect(shardOf('b.example', 2)).toBe(1);
  });

  it('selects by the normalised domain: case, trailing dot and address form do not move a domain', () => {
    const shard = { index: shardOf('example.com', 3), count: 3 };
    expect(selectShard(['Example.COM.', 'postmaster@example.com', 'example.com'], shard)).toHaveLength(3);
  });

  it('the shares of a list are disjoint, cover it, and do not depend on its order', () => {
    const list = Array.from({ length: 300 }, (_, index) => `d${index}.example`);
    const shares = [1, 2, 3, 4, 5].map((index) => selectShard(list, { index, count: 5 }));
    expect(shares.flat().sort()).toEqual([...list].sort());
    expect(shares.every((share) => share.length > 30)).toBe(true);
    expect(selectShard([...list].reverse(), { index: 2, count: 5 }).sort()).toEqual([...shares[1]!].sort());
  });
});

describe('mailcheck --shard', () => {
  let server: FixtureServer;
  let dir: string;
  beforeAll(async () => {
    server = await startFixtureDnsServer([loadFixture('demo-good')]);
    dir = mkdtempSync(path.join(tmpdir(), 'mailcheck-shard-'));
  });
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('two shards of one list audit each domain once between them; an empty shard prints an empty result', async () => {
    const list = path.join(dir, 'domains.txt');
    writeFileSync(list, 'a.example\nb.example\nc.example\nd.example\ne.example\nf.example\n');
    const dns = ['--resolver', server.server, '--timeout', '2000', '--retries', '0', '--no-smtp', '--checks', 'mx'];
    const audited = async (shard: string) => {
      const result = await runCli(['--file', list, '--shard', shard, '--format', 'ndjson', ...dns]);
      expect(result.stderr).toBe('');
      return result.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { domain: string }).domain).sort();
    };
    // By SHA-256: a, e and f.example are in shard 2 of 2, the others in shard 1.
    expect(await audited('1/2')).toEqual(['b.example', 'c.example', 'd.example']);
    expect(await audited('2/2')).toEqual(['a.example', 'e.example', 'f.example']);
    const empty = await runCli(['b.example', '--shard', '2/2', '--format', 'json', ...dns]);
    expect({ code: empty.code, stdout: empty.stdout.trim() }).toEqual({ code: 0, stdout: '[]' });
  });

  it('a malformed shard is a usage error', async () => {
    const result = await runCli(['example.com', '--shard', '3/2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^mailcheck: --shard "3\/2" is not i\/n/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
