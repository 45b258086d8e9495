/**
 * The built CLI with a config file, ignore rules and per-domain options,
 * and the output conventions (-o's extension, --quiet, JSON arrays for
 * --file, comma-separated lists, completion, help), against the fixture DNS
 * server on 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture, startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { reportSchema, type Finding, type Report } from '../src/schema/report.js';
import { runCli } from './helpers/cli.js';

let server: FixtureServer;
let dir: string;

beforeAll(async () => {
  server = await startFixtureDnsServer(['demo-good', 'demo-broken', 'dkim-valid', 'dkim-not-found'].map(loadFixture));
  dir = mkdtempSync(path.join(tmpdir(), 'mailcheck-cli-config-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const dns = () => ['--resolver', server.server, '--timeout', '1000', '--retries', '0', '--no-smtp'];
/** A fresh directory holding `files` (name → content); returns its path. */
function project(name: string, files: Record<string, unknown>): string {
  const root = path.join(dir, name);
  mkdirSync(root, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}
const reportsOf = (stdout: string): Report[] => {
  const value: unknown = JSON.parse(stdout);
  return (Array.isArray(value) ? value : [value]).map((item) => reportSchema.parse(item));
};
const findingsOf = (report: Report): Finding[] => report.checks.flatMap((check) => check.findings);
const findingOf = (report: Report, id: string) => findingsOf(report).find((finding) => finding.id === id)!;
const oneLine = (stderr: string) => expect(stderr.trimEnd().split('\n')).toHaveLength(1);

describe('the config file', () => {
  const config = () => ({
    resolver: server.server,
    timeout: 1000,
    retries: 0,
    smtp: false,
    checks: ['mx', 'dmarc', 'bimi'],
    ignore: [
      { id: 'dmarc/policy-none', domain: 'broken.example', reason: 'moving to quarantine', until: '2999-12-31' },
      { id: 'mx/cname-target', reason: 'the hoster names the MX', until: '2000-01-31' },
      { id: 'bimi/missing', domain: 'good.example', reason: 'no logo' },
    ],
  });

  it('is found from the working directory upwards and supplies defaults and ignore rules', async () => {
    const root = project('upwards', { 'mailcheck.config.json': config() });
    const cwd = path.join(root, 'zones', 'deeper');
    mkdirSync(cwd, { recursive: true });
    const result = await runCli(['broken.example', '--format', 'json'], { cwd });
    expect(result.stderr).toBe('');
    const [report] = reportsOf(result.stdout);
    expect(report!.checks.filter((check) => check.status !== 'skipped').map((check) => check.id)).toEqual(['mx', 'dmarc', 'bimi']);
    const file = path.join(root, 'mailcheck.config.json');
    expect(findingOf(report!, 'dmarc/policy-none').suppressed).toEqual({ reason: 'moving to quarantine', until: '2999-12-31', source: file });
    expect(findingOf(report!, 'mx/cname-target').suppressed).toBeUndefined();
    expect(findingOf(report!, 'mx/cname-target').ignoreExpired).toEqual({ reason: 'the hoster names the MX', until: '2000-01-31', source: file });
    // A rule for another domain accepts nothing here.
    expect(findingOf(report!, 'bimi/missing').suppressed).toBeUndefined();
    expect(report!.fixes.flatMap((fix) => fix.resolves)).not.toContain('dmarc/policy-none');
    expect(report!.checks.find((check) => check.id === 'dmarc')!.status).toBe('warn');
    // mx/unresolvable-target (high) still breaches --fail-on high.
    expect(result.code).toBe(1);

    const plain = await runCli(['broken.example', '--format', 'json', '--no-config', ...dns(), '--checks', 'mx,dmarc,bimi'], { cwd });
    const [unfiltered] = reportsOf(plain.stdout);
    expect(findingsOf(unfiltered!).every((finding) => !finding.suppressed && !finding.ignoreExpired)).toBe(true);
    expect(unfiltered!.score.value).toBeLessThan(report!.score.value);
  });

  it('takes the command line over its defaults, and --ignore on top of its rules', async () => {
    const root = project('precedence', { '.mailcheckrc.json': { ...config(), failOn: 'critical' } });
    const accepted = await runCli(['broken.example', '--ignore', 'mx/unresolvable-target', '--format', 'json'], { cwd: root });
    const [report] = reportsOf(accepted.stdout);
    expect(findingOf(report!, 'mx/unresolvable-target').suppressed).toEqual({ reason: 'given to --ignore', source: '--ignore' });
    expect(accepted.code).toBe(0);
    // The expired rule's finding (medium) counts again: --fail-on medium on the command line beats the file's critical.
    const medium = await runCli(['broken.example', '--ignore', 'mx/unresolvable-target', '--fail-on', 'medium', '-q'], { cwd: root });
    expect(medium.stdout).toMatch(/^broken\.example {2}\d+\/100 [A-F]\+? {2}1 at or above medium: mx\/cname-target {2}2 ignored {2}1 ignore expired\n$/);
    expect(medium.code).toBe(1);
  });

  it('lists accepted findings in one line at the end of the text report, and says when a rule expired', async () => {
    const root = project('text', { 'mailcheck.config.json': config() });
    const result = await runCli(['broken.example', '--color', '--no-color'], { cwd: root });
    const lines = result.stdout.trimEnd().split('\n');
    // Neither under its check nor in "Fix first".
    expect(lines.filter((line) => /^ {4}[A-Z]+ +dmarc\/policy-none$/.test(line) || /^ *\d+\. +\+\d+ +dmarc\/policy-none /.test(line))).toEqual([]);
    expect(result.stdout).toMatch(/^ {4}HIGH +mx\/unresolvable-target$/m);
    expect(lines.at(-3)).toBe('Ignored, not scored: dmarc/policy-none (moving to quarantine, until 2999-12-31)');
    expect(lines.at(-2)).toBe('Ignore expired, counted again: mx/cname-target (expired after 2000-01-31)');
    expect(result.stdout).toMatch(/^ {6}Ignore expired after 2000-01-31 \(the hoster names the MX\): counted again\.$/m);
  });

  it('--config names the file, --no-config skips a broken one', async () => {
    const root = project('explicit', { 'mailcheck.config.json': '{ "failOn": ', 'other/mine.json': config() });
    const broken = await runCli(['broken.example', ...dns()], { cwd: root });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^mailcheck: .*mailcheck\.config\.json: not valid JSON \(.*\)\. Fix the config file, or run with --no-config\.\n$/);
    const skipped = await runCli(['good.example', '--no-config', '--checks', 'mx', ...dns()], { cwd: root });
    expect(skipped.code).toBe(0);
    const given = await runCli(['broken.example', '--config', 'other/mine.json', '--format', 'json'], { cwd: root });
    expect(findingOf(reportsOf(given.stdout)[0]!, 'dmarc/policy-none').suppressed?.source).toBe('other/mine.json');
    const device = await runCli(['broken.example', '--config', '/dev/zero'], { cwd: root });
    expect(device.code).toBe(2);
    expect(device.stderr).toBe('mailcheck: the config file "/dev/zero" is not a regular file. Give a mailcheck config file.\n');
    writeFileSync(path.join(root, 'huge.json'), `{"ignore": [${'{"id": "bimi/missing", "reason": "r"},'.repeat(40_000)}]}`);
    const huge = await runCli(['broken.example', '--config', 'huge.json'], { cwd: root });
    expect(huge.code).toBe(2);
    expect(huge.stderr).toMatch(/^mailcheck: the config file "huge\.json" is \d+ bytes, over the limit of 1048576\. Give a mailcheck config file\.\n$/);
    const missing = await runCli(['broken.example', '--config', 'nope.json'], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('mailcheck: cannot read the config file "nope.json" (ENOENT). Check the path given to --config.\n');
  });

  it.each([
    [{ failOn: 'severe' }, /^mailcheck: \S*bad\.json: "failOn": --fail-on "severe" is not a severity\./],
    [{ 'min-score': 80 }, /^mailcheck: \S*bad\.json: unknown key "min-score"\. Write it as "minScore"\./],
    [{ domains: { 'broken.example': { ips: ['192.0.2.1', 'nope'] } } }, /^mailcheck: \S*bad\.json: "domains\["broken\.example"\]" \(ip\): --ip "nope" is not an IPv4 or IPv6 address/],
    [{ ignore: [{ id: 'dmarc/policy-none', reason: 'r', until: '31.12.2026' }] }, /^mailcheck: \S*bad\.json: "ignore\[0\]\.until" is not a day/],
    [{ failOn: '\u001b[2J\u009b1m' }, /^mailcheck: \S*bad\.json: "failOn": --fail-on "\\u001b\[2J\\u009b1m" is not a severity/],
  ])('refuses %j: exit 2, one line naming the file and the key, nothing queried', async (value, message) => {
    const root = project(`bad-${Math.random().toString(36).slice(2)}`, { 'bad.json': value });
    const before = server.queryCount();
    const result = await runCli(['broken.example', '--config', path.join(root, 'bad.json'), ...dns()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    oneLine(result.stderr);
    expect(result.stderr.trimEnd()).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(server.queryCount()).toBe(before);
  });

  it('applies per-domain settings to their domain only', async () => {
    const root = project('per-domain', { 'mailcheck.config.json': { domains: { 'none.dkim.test': { dkimSelectors: ['custom2024'] } } } });
    const result = await runCli(['none.dkim.test', 'valid.dkim.test', '--checks', 'dkim', '--format', 'json', ...dns()], { cwd: root });
    const [none, valid] = reportsOf(result.stdout);
    const probed = (report: Report) => report.checks.find((check) => check.id === 'dkim')!.facts.selectorsProbed as string[];
    expect(probed(none!)).toContain('custom2024');
    expect(probed(valid!)).not.toContain('custom2024');
  });
});

describe('--file lines with options', () => {
  it('gives each domain its own options, parsed like the command line', async () => {
    const list = path.join(project('lines', {}), 'domains.txt');
    writeFileSync(list, ['none.dkim.test --dkim-selector custom2024   # signs with a custom selector', 'valid.dkim.test', 'broken.example --checks dmarc --ignore dmarc/policy-none,dmarc/no-reporting'].join('\n'));
    const result = await runCli(['--file', list, '--checks', 'dkim', '--format', 'json', '--no-config', ...dns()]);
    expect(result.stderr).toBe('');
    const reports = reportsOf(result.stdout);
    const byDomain = new Map(reports.map((report) => [report.domain, report]));
    const probed = (domain: string) => byDomain.get(domain)!.checks.find((check) => check.id === 'dkim')!.facts.selectorsProbed as string[];
    expect(probed('none.dkim.test')).toContain('custom2024');
    expect(probed('valid.dkim.test')).not.toContain('custom2024');
    const broken = byDomain.get('broken.example')!;
    expect(broken.checks.filter((check) => check.status !== 'skipped').map((check) => check.id)).toEqual(['dmarc']);
    expect(findingOf(broken, 'dmarc/policy-none').suppressed).toEqual({ reason: 'given to --ignore', source: `${list}:3` });
    expect(result.code).toBe(0);
  });

  it.each([
    ['good.example --format json', /:1: --format applies to the whole run, not to one domain\./],
    ['good.example --dkim-selector "bad selector"', /:1: too many arguments/],
    ['good.example --ip 192.0.2.1,300.1.1.1', /:1: --ip "300\.1\.1\.1" is not an IPv4 or IPv6 address/],
    ['good.example --ignore dmarc/nothing', /:1: --ignore dmarc\/nothing: not a finding id of any check/],
  ])('refuses "%s": exit 2, one line naming file:line, nothing queried', async (line, message) => {
    const list = path.join(project(`line-${Math.random().toString(36).slice(2)}`, {}), 'domains.txt');
    writeFileSync(list, `${line}\n`);
    const before = server.queryCount();
    const result = await runCli(['--file', list, '--no-config', ...dns()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.startsWith(`mailcheck: ${list}:1: `)).toBe(true);
    oneLine(result.stderr);
    expect(server.queryCount()).toBe(before);
  });
});

describe('output conventions', () => {
  it('-o picks the format from the extension unless --format is given', async () => {
    const root = project('outputs', {});
    const run = (...args: string[]) => runCli(['good.example', '--checks', 'mx', '--no-config', ...dns(), ...args]);
    expect((await run('-o', path.join(root, 'r.sarif'))).code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(root, 'r.sarif'), 'utf8')).version).toBe('2.1.0');
    await run('-o', path.join(root, 'r.xml'));
    expect(readFileSync(path.join(root, 'r.xml'), 'utf8')).toMatch(/^<\?xml[^>]*>\s*<testsuites/);
    await run('-o', path.join(root, 'r.json'));
    expect(reportsOf(readFileSync(path.join(root, 'r.json'), 'utf8'))[0]!.domain).toBe('good.example');
    await run('-o', path.join(root, 'r.csv'));
    expect(readFileSync(path.join(root, 'r.csv'), 'utf8')).toMatch(/^domain,score,grade,complete,/);
    await run('-o', path.join(root, 'r.md'));
    expect(readFileSync(path.join(root, 'r.md'), 'utf8')).toMatch(/^#/);
    await run('--format', 'text', '-o', path.join(root, 'forced.json'));
    // The text report: the domain on its own line, then its scores.
    expect(readFileSync(path.join(root, 'forced.json'), 'utf8')).toMatch(/^good\.example\n[A-Z][a-z]/);
    await run('-o', path.join(root, 'plain.txt'));
    expect(readFileSync(path.join(root, 'plain.txt'), 'utf8')).toMatch(/^good\.example\n/);
  });

  it('--quiet prints one line per domain and nothing on stderr', async () => {
    const result = await runCli(['good.example', 'broken.example', '--checks', 'mx,dmarc', '-q', '--no-config', ...dns()]);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual([
      expect.stringMatching(/^broken\.example {2}\d+\/100 [A-F] {2}2 at or above high: mx\/unresolvable-target, dmarc\/policy-none$/),
      expect.stringMatching(/^good\.example {2}100\/100 A\+$/),
    ]);
    expect(result.code).toBe(1);
    const both = await runCli(['good.example', '-q', '-v', ...dns()]);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('mailcheck: --quiet and --verbose contradict each other. Give one of them.\n');
  });

  it('--format json is an array for any --file run, an object for one domain argument', async () => {
    const list = path.join(project('json-shape', {}), 'one.txt');
    writeFileSync(list, 'good.example\n');
    const fromFile = await runCli(['--file', list, '--checks', 'mx', '--format', 'json', '--no-config', ...dns()]);
    expect(Array.isArray(JSON.parse(fromFile.stdout))).toBe(true);
    expect(JSON.parse(fromFile.stdout)).toHaveLength(1);
    const single = await runCli(['good.example', '--checks', 'mx', '--format', 'json', '--no-config', ...dns()]);
    expect(Array.isArray(JSON.parse(single.stdout))).toBe(false);
  });

  it('takes comma-separated values for --resolver and --ip, refusing a bad item by name', async () => {
    const result = await runCli(['good.example', '--checks', 'mx', '--format', 'json', '--no-config', '--no-smtp', '--timeout', '1000', '--retries', '0', '--resolver', `${server.server},127.0.0.1:9`]);
    expect(reportsOf(result.stdout)[0]!.dns.servers).toEqual([server.server, '127.0.0.1:9']);
    const bad = await runCli(['good.example', '--ip', '192.0.2.1,192.0.2.300', ...dns()]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('mailcheck: --ip "192.0.2.300" is not an IPv4 or IPv6 address. Use e.g. --ip 192.0.2.10.\n');
  });
});

describe('mailcheck help and completion', () => {
  it('help [command] prints the help of the program or the command', async () => {
    const main = await runCli(['help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(/^Usage: mailcheck \[options\] <domain\.\.\.>/);
    const spf = await runCli(['help', 'spf']);
    expect(spf.code).toBe(0);
    expect(spf.stdout).toMatch(/^Usage: mailcheck spf \[options\] <domain>/);
    expect((await runCli(['help', 'completion'])).stdout).toMatch(/^Usage: mailcheck completion \[options\] <shell>/);
    const unknown = await runCli(['help', 'audit']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^mailcheck: no command "audit"\. Commands: spf, (\w+, )*completion, help; "mailcheck help" for the audit's options\.\n$/);
  });

  it.each(['bash', 'zsh', 'fish'])('completion %s prints a script its shell parses', async (shell) => {
    const result = await runCli(['completion', shell]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('dkim-selector');
    const present = spawnSync(shell, ['-c', 'exit 0']).status === 0;
    // bash is on every machine this runs on; zsh and fish are checked where they are installed.
    if (shell === 'bash') expect(present).toBe(true);
    if (!present) return;
    const file = path.join(dir, `completion.${shell}`);
    writeFileSync(file, result.stdout);
    const parsed = spawnSync(shell, ['-n', file], { encoding: 'utf8' });
    expect(parsed.stderr).toBe('');
    expect(parsed.status).toBe(0);
  });

  it('bash completion completes option names and closed value sets', async () => {
    const file = path.join(dir, 'complete.bash');
    writeFileSync(file, (await runCli(['completion', 'bash'])).stdout);
    const complete = (...words: string[]) =>
      spawnSync('bash', ['-c', `source "$0"; COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _mailcheck; printf '%s\\n' "\${COMPREPLY[@]}"`, file], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(complete('mailcheck', '--fail')).toEqual(['--fail-on', '--fail-on-regression']);
    expect(complete('mailcheck', '--format', 'j')).toEqual(['json', 'junit']);
    expect(complete('mailcheck', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(complete('mailcheck', 'help', 's')).toEqual(['spf']);
    expect(complete('mailcheck', '--ignore', 'dmarc/policy-n')).toEqual(['dmarc/policy-none']);
  });

  it('refuses an unknown shell with exit 2', async () => {
    const result = await runCli(['completion', 'tcsh']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('mailcheck: no completion for the shell "tcsh". Use one of: bash, zsh, fish.\n');
  });
});
