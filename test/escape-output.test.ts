/**
 * Outside strings with terminal escapes and bidi overrides (a TXT record, a
 * --file line) are shown, never obeyed: no raw control or bidi character in
 * text, markdown or HTML output, nor on stderr; CSV, SARIF and JUnit stay safe.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { safeStrings, showUnsafe } from '../src/report/escape.js';
import { runCli } from './helpers/cli.js';

const ESC = '\u001b';
const RLO = '\u202e';
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069]/u;
let server: FixtureServer;
let dir: string;

beforeAll(async () => {
  server = await startFixtureDnsServer({
    zone: {
      'inject.test': { MX: [[0, '.']], TXT: [`v=spf1 ${ESC}[2J${ESC}]0;owned${ESC}\\ ${RLO}lla-${ESC}[31m -all`] },
      '_dmarc.inject.test': { TXT: [`v=DMARC1; p=none; rua=mailto:${RLO}x@inject.test`] },
    },
  });
  dir = mkdtempSync(path.join(tmpdir(), 'mailcheck-escape-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const args = () => ['inject.test', '--resolver', server.server, '--timeout', '3000', '--no-smtp', '--checks', 'spf,dmarc', '--no-color'];

describe('escaping outside strings', () => {
  it('shows control and bidi characters as escapes', () => {
    expect(showUnsafe(`a${ESC}[31mb${RLO}c\r\td\n`)).toBe('a\\u{1b}[31mb\\u{202e}c\\u{d}\td\n');
    expect(safeStrings({ [`k${ESC}`]: [`v${RLO}`, 3, true, null] })).toEqual({ 'k\\u{1b}': ['v\\u{202e}', 3, true, null] });
  });

  it.each(['text', 'markdown', 'html', 'csv', 'sarif', 'junit'])('%s output holds no raw control or bidi character', async (format) => {
    const result = await runCli([...args(), '--format', format, '--verbose']);
    expect([0, 1, 3]).toContain(result.code);
    expect(result.stdout.length).toBeGreaterThan(0);
    // RFC 4180: CSV records end in CRLF; that carriage return is the format's own.
    const output = format === 'csv' ? result.stdout.replace(/\r\n/g, '\n') : result.stdout;
    expect(output.match(new RegExp(RAW.source, 'gu')) ?? [], format).toEqual([]);
    if (format === 'text' || format === 'markdown' || format === 'html') expect(result.stdout).toContain('\\u{202e}');
  });

  it('a --file line with escapes gets a one-line error with them shown, on stderr', async () => {
    const file = path.join(dir, 'domains.txt');
    writeFileSync(file, `bad${ESC}[31m${RLO}domain\n`);
    const result = await runCli(['--file', file, '--resolver', server.server]);
    expect(result.code).toBe(2);
    expect(RAW.test(result.stderr)).toBe(false);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
