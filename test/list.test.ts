/**
 * mailcheck list: address syntax, the verdict table, CSV reading and writing,
 * and the CLI against the fixture DNS server (every verdict, CSV with other
 * columns, --valid/--invalid, stdin, exit codes, the JSON Schema).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { duplicateKey, parseAddress } from '../src/list/address.js';
import { INVALID_REASONS, LIST_REASONS, judgeRow, typoSuggestion, isDisposableDomain } from '../src/list/judge.js';
import { csvRecord, neutraliseFormula, readRecords } from '../src/list/records.js';
import { listJsonSchema } from '../src/list/schema.js';
import { ROOT, runCli } from './helpers/cli.js';
import { useFixture } from './helpers/context.js';

async function* chunksOf(...chunks: string[]): AsyncGenerator<string> {
  for (const chunk of chunks) yield chunk;
}

async function records(text: string | string[], mode: 'csv' | 'lines') {
  const out: Array<{ fields: string[]; line: number }> = [];
  for await (const record of readRecords(chunksOf(...(Array.isArray(text) ? text : [text])), mode, 'test')) out.push(record);
  return out;
}

describe('address syntax (RFC 5321 §4.1.2, RFC 6531)', () => {
  it.each([
    ['alice@example.com', 'alice@example.com'],
    ['Alice.Smith+news@Example.COM', 'Alice.Smith+news@example.com'],
    ['"john doe"@example.com', '"john doe"@example.com'],
    ['"a\\"b"@example.com', '"a\\"b"@example.com'],
    ['Alice <alice@example.com>', 'alice@example.com'],
    ['grace@bücher.example', 'grace@xn--bcher-kva.example'],
    ['用户@example.com', '用户@example.com'],
    ['postmaster@[192.0.2.1]', 'postmaster@[192.0.2.1]'],
    ['x@[IPv6:2001:db8::1]', 'x@[IPv6:2001:db8::1]'],
  ])('accepts %s', (input, normalised) => {
    const parsed = parseAddress(input);
    expect(parsed.ok && parsed.value.address).toBe(normalised);
  });

  it.each([
    ['', 'empty'],
    ['no-at-sign', 'no-at'],
    ['@example.com', 'empty-local-part'],
    ['a..b@example.com', 'bad-local-part'],
    ['.a@example.com', 'bad-local-part'],
    ['a.@example.com', 'bad-local-part'],
    ['a b@example.com', 'bad-local-part'],
    ['"unclosed@example.com', 'bad-local-part'],
    [`${'a'.repeat(65)}@example.com`, 'local-part-too-long'],
    ['a@', 'bad-domain'],
    ['a@example', 'bad-domain'],
    ['a@exa_mple.com', 'bad-domain'],
    ['a@[300.1.1.1]', 'bad-domain'],
    [`${'a'.repeat(20)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(60)}.com`, 'too-long'],
  ])('rejects %j as %s', (input, id) => {
    const parsed = parseAddress(input);
    expect(parsed.ok ? 'ok' : parsed.problem.id).toBe(id);
  });

  it('marks a UTF-8 local part as needing SMTPUTF8 and an address literal as literal', () => {
    const utf8 = parseAddress('用户@example.com');
    expect(utf8.ok && utf8.value.utf8).toBe(true);
    const literal = parseAddress('a@[192.0.2.1]');
    expect(literal.ok && literal.value.literal).toBe(true);
  });

  it('compares domains case-insensitively, local parts as written unless folded', () => {
    const key = (text: string, fold: boolean) => {
      const parsed = parseAddress(text);
      if (!parsed.ok) throw new Error(text);
      return duplicateKey(parsed.value, fold);
    };
    expect(key('Bob@EXAMPLE.com', false)).toBe('Bob@example.com');
    expect(key('bob@example.com', false)).not.toBe(key('Bob@example.com', false));
    expect(key('J.Doe+promo@googlemail.com', true)).toBe('jdoe@gmail.com');
    expect(key('jdoe@gmail.com', true)).toBe('jdoe@gmail.com');
    expect(key('j.doe+x@example.com', true)).toBe('j.doe@example.com');
  });
});

describe('verdicts', () => {
  const ok = parseAddress('alice@example.com');
  const mx = { state: 'mx' as const, mxHosts: ['mx.example.com'] };
  it.each([
    [{ facts: mx }, 'ok', []],
    [{ facts: { state: 'nxdomain' as const, mxHosts: [] } }, 'invalid', ['domain-not-found']],
    [{ facts: { state: 'null-mx' as const, mxHosts: [] } }, 'invalid', ['null-mx']],
    [{ facts: { state: 'no-mail-host' as const, mxHosts: [] } }, 'invalid', ['no-mail-host']],
    [{ facts: { state: 'implicit-mx' as const, mxHosts: [] } }, 'risky', ['implicit-mx']],
    [{ facts: { state: 'dns-error' as const, mxHosts: [], dnsError: 'MX timeout' } }, 'risky', ['dns-error']],
    [{ facts: mx, traits: { disposable: true } }, 'risky', ['disposable']],
    [{ facts: mx, duplicate: true }, 'invalid', ['duplicate']],
  ])('%j → %s', (context, verdict, reasons) => {
    const judged = judgeRow(ok, { duplicate: false, ...context });
    expect(judged.verdict).toBe(verdict);
    expect(judged.reasons).toEqual(reasons);
  });

  it('names role addresses and typos with the suggested address', () => {
    const role = judgeRow(parseAddress('Postmaster+x@example.com'), { duplicate: false, facts: mx });
    expect(role.reasons).toEqual(['role']);
    const typo = judgeRow(parseAddress('heidi@gmial.com'), { duplicate: false, facts: mx, traits: { disposable: false, typoOf: 'gmail.com' } });
    expect(typo).toMatchObject({ verdict: 'risky', reasons: ['typo'], suggestion: 'heidi@gmail.com' });
  });

  it('suggests common mailbox domains for typos, not for other domains', () => {
    expect(typoSuggestion('gmial.com')).toBe('gmail.com');
    expect(typoSuggestion('gmail.con')).toBe('gmail.com');
    expect(typoSuggestion('hotmial.com')).toBe('hotmail.com');
    expect(typoSuggestion('gmail.com')).toBeUndefined();
    expect(typoSuggestion('acme.com')).toBeUndefined();
    expect(typoSuggestion('shop.test')).toBeUndefined();
  });

  it('knows disposable domains and their subdomains from the package list', () => {
    expect(isDisposableDomain('0-mail.com')).toBe(true);
    expect(isDisposableDomain('sub.0-mail.com')).toBe(true);
    expect(isDisposableDomain('example.com')).toBe(false);
  });
});

describe('CSV and line input', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, across chunks', async () => {
    const parsed = await records(['name,email\r\n"Doe, J","say ""hi""\nthere",x\r', '\n"a@b.c"', ',2\n'], 'csv');
    expect(parsed.map((record) => record.fields)).toEqual([['name', 'email'], ['Doe, J', 'say "hi"\nthere', 'x'], ['a@b.c', '2']]);
    expect(parsed.map((record) => record.line)).toEqual([1, 2, 4]);
  });

  it('splits lines on LF, CRLF and a lone CR, skips empty lines and a BOM', async () => {
    const parsed = await records('\uFEFFa@x.example\r\nb@x.example\rc@x.example\n\n   \nd@x.example', 'lines');
    expect(parsed.map((record) => record.fields[0])).toEqual(['a@x.example', 'b@x.example', 'c@x.example', 'd@x.example']);
  });

  it('refuses an unclosed quoted field', async () => {
    await expect(records('a,"b\n', 'csv')).rejects.toThrow(/not closed/);
  });

  it('neutralises spreadsheet formulas but not plain numbers', () => {
    expect(neutraliseFormula('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(neutraliseFormula('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutraliseFormula('+1 555')).toBe("'+1 555");
    expect(neutraliseFormula('-5')).toBe('-5');
    expect(csvRecord(['a,b', '=1+1', 'ok'])).toBe('"a,b",\'=1+1,ok\r\n');
  });
});

describe('mailcheck list (CLI, fixture DNS)', () => {
  const fixture = useFixture('list-hygiene');
  const dnsArgs = () => ['--resolver', fixture.server.server, '--timeout', '1500', '--retries', '1'];
  const dir = mkdtempSync(path.join(tmpdir(), 'mailcheck-list-'));
  const LIST = [
    'alice@mail-ok.test',
    'ALICE@Mail-OK.test',
    'alice@MAIL-OK.test',
    'info@mail-ok.test',
    'bob@implicit-mx.test',
    'carol@null-mx.test',
    'dave@no-mail-host.test',
    'erin@nowhere.test',
    'frank@0-mail.com',
    'grace@bücher.test',
    '"john doe"@mail-ok.test',
    'heidi@gmial.com',
    'not-an-address',
    'ivan@broken-dns.test',
    'x@[192.0.2.1]',
    '用户@mail-ok.test',
  ].join('\n');

  const rowsOf = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('gives every verdict and reason, one NDJSON row per address and a summary line; exit 3 when DNS failed', async () => {
    const file = path.join(dir, 'list.txt');
    writeFileSync(file, LIST);
    const { code, stdout, stderr } = await runCli(['list', file, '--format', 'ndjson', ...dnsArgs()]);
    expect(stderr).toBe('');
    expect(code).toBe(3);
    const rows = rowsOf(stdout);
    const summary = rows.pop() as { summary: { rows: number; verdicts: Record<string, number>; domains: number } };
    const byAddress = Object.fromEntries(rows.map((row) => [row.address, [row.verdict, row.reasons]]));
    expect(byAddress).toEqual({
      'alice@mail-ok.test': ['ok', []],
      'ALICE@Mail-OK.test': ['ok', []],
      'alice@MAIL-OK.test': ['invalid', ['duplicate']],
      'info@mail-ok.test': ['risky', ['role']],
      'bob@implicit-mx.test': ['risky', ['implicit-mx']],
      'carol@null-mx.test': ['invalid', ['null-mx']],
      'dave@no-mail-host.test': ['invalid', ['no-mail-host']],
      'erin@nowhere.test': ['invalid', ['domain-not-found']],
      'frank@0-mail.com': ['risky', ['disposable']],
      'grace@bücher.test': ['ok', []],
      '"john doe"@mail-ok.test': ['ok', []],
      'heidi@gmial.com': ['invalid', ['domain-not-found', 'disposable', 'typo']],
      'not-an-address': ['invalid', ['syntax']],
      'ivan@broken-dns.test': ['risky', ['dns-error']],
      'x@[192.0.2.1]': ['risky', ['address-literal']],
      '用户@mail-ok.test': ['risky', ['smtputf8']],
    });
    expect(rows.find((row) => row.address === 'heidi@gmial.com')?.suggestion).toBe('heidi@gmail.com');
    expect(rows.find((row) => row.address === 'grace@bücher.test')?.domain).toBe('xn--bcher-kva.test');
    expect(summary.summary).toMatchObject({ rows: 16, verdicts: { ok: 4, risky: 6, invalid: 6 }, domains: 9 });
  }, 60_000);

  it('asks DNS once per distinct domain', async () => {
    const file = path.join(dir, 'repeat.txt');
    writeFileSync(file, Array.from({ length: 200 }, (_, i) => `user${i}@mail-ok.test\nuser${i}@nowhere.test`).join('\n'));
    const before = fixture.server.queryCount();
    const { code, stdout } = await runCli(['list', file, '--format', 'json', ...dnsArgs()]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { summary: { rows: number; domains: number; dnsQueries: number } };
    expect(result.summary).toMatchObject({ rows: 400, domains: 2 });
    // One MX question each: mail-ok.test has MX records, nowhere.test does not exist (no A/AAAA asked after NXDOMAIN).
    expect(fixture.server.queryCount() - before).toBe(2);
    expect(result.summary.dnsQueries).toBe(2);
  }, 60_000);

  it('keeps the columns of a CSV, adds the verdict columns, neutralises formulas, and splits --valid / --invalid', async () => {
    const file = path.join(dir, 'contacts.csv');
    writeFileSync(
      file,
      'Name,E-mail,Note\r\n"Smith, Alice",alice@mail-ok.test,"said ""hi""\ntwice"\r\n=HYPERLINK("http://x"),carol@null-mx.test,-3\r\nBob,bob@implicit-mx.test,\r\n',
    );
    const valid = path.join(dir, 'valid.csv');
    const invalid = path.join(dir, 'invalid.csv');
    const { code, stdout, stderr } = await runCli([
      'list', file, '--column', 'e-mail', '--format', 'csv', '--valid', valid, '--invalid', invalid, ...dnsArgs(),
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      'Name,E-mail,Note,verdict,reasons,suggestion,detail\r\n' +
        '"Smith, Alice",alice@mail-ok.test,"said ""hi""\ntwice",ok,,,\r\n' +
        '"\'=HYPERLINK(""http://x"")",carol@null-mx.test,-3,invalid,null-mx,,\r\n' +
        'Bob,bob@implicit-mx.test,,risky,implicit-mx,,\r\n',
    );
    expect(readFileSync(valid, 'utf8')).toBe('Name,E-mail,Note\r\n"Smith, Alice",alice@mail-ok.test,"said ""hi""\ntwice"\r\n');
    expect(readFileSync(invalid, 'utf8')).toBe('Name,E-mail,Note\r\n"\'=HYPERLINK(""http://x"")",carol@null-mx.test,-3\r\n');
  }, 60_000);

  it('--fold counts Gmail dots and +tags as the same mailbox', async () => {
    const input = 'jdoe@mail-ok.test\nJ.Doe+news@mail-ok.test\njdoe+x@mail-ok.test\n';
    const plain = await runCli(['list', '-', '--format', 'ndjson', ...dnsArgs()], { input });
    const folded = await runCli(['list', '-', '--format', 'ndjson', '--fold', ...dnsArgs()], { input });
    const reasons = (stdout: string) => rowsOf(stdout).slice(0, -1).map((row) => row.reasons);
    expect(reasons(plain.stdout)).toEqual([[], [], []]);
    // Dots are folded only for gmail.com; +tags everywhere.
    expect(reasons(folded.stdout)).toEqual([[], [], ['duplicate']]);
  }, 60_000);

  it('reads stdin with -, and writes JSON valid against schema/list.schema.json', async () => {
    const { code, stdout } = await runCli(['list', '-', '--format', 'json', ...dnsArgs()], { input: 'alice@mail-ok.test\r\nbad\r\n' });
    expect(code).toBe(0);
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schema', 'list.schema.json'), 'utf8'));
    const validate = new Ajv2020.default({ strict: true, allErrors: true }).compile(schema);
    const result = JSON.parse(stdout);
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    expect(result.results.map((row: { verdict: string }) => row.verdict)).toEqual(['ok', 'invalid']);
  }, 60_000);

  it('escapes control characters in the text report', async () => {
    const { stdout } = await runCli(['list', '-', '--no-color', ...dnsArgs()], { input: 'evil\u001b[31m@x\n' });
    expect(stdout).toContain('evil\\u{1b}[31m@x');
    expect(stdout).not.toContain('\u001b');
  }, 60_000);

  it.each([
    [['--column', 'email'], /no column "email"/],
    [['--format', 'html'], /prints text, csv, json, ndjson/],
    [['--checks', 'spf'], /--checks does not apply to mailcheck list/],
  ])('refuses %j with one line and exit 2', async (extra, message) => {
    const file = path.join(dir, 'header.csv');
    writeFileSync(file, 'name,address\nx,a@mail-ok.test\n');
    const { code, stdout, stderr } = await runCli(['list', file, ...extra, ...dnsArgs()]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('refuses a missing file with exit 2', async () => {
    const { code, stderr } = await runCli(['list', path.join(dir, 'nope.txt'), ...dnsArgs()]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot read the list/);
  }, 60_000);
});

describe('schema/list.schema.json', () => {
  it('equals the schema generated from src/list/schema.ts (run `npm run schema` after changing it)', () => {
    expect(readFileSync(path.join(ROOT, 'schema', 'list.schema.json'), 'utf8')).toBe(`${JSON.stringify(listJsonSchema(), null, 2)}\n`);
  });
});

describe('mailcheck --version --verbose', () => {
  it('names the installed versions of the data packages', async () => {
    const { code, stdout } = await runCli(['--version', '--verbose']);
    expect(code).toBe(0);
    const version = (name: string) => JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version as string;
    expect(stdout).toContain(`mailchecker ${version('mailchecker')}`);
    expect(stdout).toContain(`@zootools/email-spell-checker ${version('@zootools/email-spell-checker')}`);
    expect(stdout).toContain(`postal-mime ${version('postal-mime')}`);
  }, 60_000);
});

describe('README: mailcheck list', () => {
  const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const rows = README.split('\n').filter((line) => line.startsWith('| `'));

  it.each(LIST_REASONS.map((reason) => [reason]))('documents the reason %s with its verdict', (reason) => {
    const row = rows.find((line) => line.startsWith(`| \`${reason}\` |`));
    expect(row, reason).toBeDefined();
    const verdict = (INVALID_REASONS as readonly string[]).includes(reason) ? 'invalid' : 'risky';
    expect(row!.split('|')[2]!.trim()).toBe(verdict);
  });

  it('documents every long option that `mailcheck list --help` prints', async () => {
    const { code, stdout } = await runCli(['list', '--help']);
    expect(code).toBe(0);
    const options = [...stdout.matchAll(/^\s{2}(?:-\w, )?(--[a-z][a-z0-9-]*)/gm)].map((match) => match[1]!);
    expect(options).toEqual(expect.arrayContaining(['--column', '--fold', '--valid', '--invalid']));
    expect(options.filter((option) => !README.includes(`\`${option}`))).toEqual([]);
  }, 60_000);
});
