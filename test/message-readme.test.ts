/**
 * The README's message section documents every message finding id with its
 * severity, names no id that does not exist, and covers every option
 * `mailcheck message --help` prints.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MESSAGE_FINDINGS } from '../src/message/catalogue.js';
import { ROOT, runCli } from './helpers/cli.js';

const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const start = README.indexOf('<!-- section:message -->');
const end = README.indexOf('<!-- /section:message -->');
const SECTION = README.slice(start, end);
const cells = (line: string) => line.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim());

describe('README: mailcheck message', () => {
  it('has a message section', () => {
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
  });

  it.each(Object.entries(MESSAGE_FINDINGS))('documents %s with its severity', (id, spec) => {
    const rows = SECTION.split('\n').filter((line) => line.startsWith(`| \`${id}\` |`)).map(cells);
    expect(rows, id).toHaveLength(1);
    expect(rows[0]!.length).toBeGreaterThanOrEqual(5);
    expect(rows[0]![1]!.split(/,\s*/)[0]).toBe(spec.severity);
  });

  it('names no message finding id that does not exist', () => {
    const named = new Set([...README.matchAll(/(?<![\w/.-])message\/([a-z][a-z0-9-]*)/g)].map((match) => `message/${match[1]}`));
    named.delete('message/schema');
    // MIME media types of the message/ tree (RFC 2046, RFC 3464, RFC 5965, RFC 6533) that the
    // bounces and reports sections name: parts, not finding ids.
    for (const mediaType of ['rfc822', 'rfc822-headers', 'delivery-status', 'global-delivery-status', 'feedback-report']) {
      expect(`message/${mediaType}` in MESSAGE_FINDINGS).toBe(false);
      named.delete(`message/${mediaType}`);
    }
    expect([...named].filter((id) => !(id in MESSAGE_FINDINGS)).sort()).toEqual([]);
  });

  it('documents every long option that `mailcheck message --help` prints', async () => {
    const { code, stdout } = await runCli(['message', '--help']);
    expect(code).toBe(0);
    const options = [...stdout.matchAll(/^\s{2}(?:-\w, )?(--[a-z][a-z0-9-]*)/gm)].map((match) => match[1]!);
    expect(options).toEqual(expect.arrayContaining(['--mail-from', '--helo']));
    expect(options.filter((option) => option !== '--help' && !SECTION.includes(`\`${option}`))).toEqual([]);
  });
});
