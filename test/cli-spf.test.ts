/**
 * `mailcheck spf` as a user runs it (the built CLI against a fixture DNS
 * server): options of the audit command that do not apply are refused, a
 * missing domain points to the subcommand's help, an address argument is the
 * MAIL FROM of the evaluation (RFC 7208 §4.1), and --help states the exit
 * codes the command returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { runCli } from './helpers/cli.js';

let server: FixtureServer;

beforeAll(async () => {
  server = await startFixtureDnsServer({
    description: 'SPF whose verdict depends on the MAIL FROM local part (%{l}), and a domain whose SPF query times out',
    zone: {
      'sender.test': { TXT: ['v=spf1 exists:%{l}.allowed.sender.test -all'] },
      'bob.allowed.sender.test': { A: ['127.0.0.2'] },
      'tree.test': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] },
      'slow.sender.test': 'TIMEOUT',
      'open.test': { TXT: ['v=spf1 +all'] },
    },
  });
});
afterAll(async () => {
  await server?.close();
});

const dns = () => ['--resolver', server.server, '--timeout', '1500', '--retries', '0'];

describe('options that do not apply to mailcheck spf', () => {
  it.each([
    [['--checks', 'mx'], '--checks'],
    [['--fail-on', 'low'], '--fail-on'],
    [['--dkim-selector', 'x'], '--dkim-selector'],
    [['--no-smtp'], '--no-smtp'],
    [['--min-score', '80'], '--min-score'],
    [['--zone', 'x.zone'], '--zone'],
    [['--save-dns', 'x.json'], '--save-dns'],
  ])('%j is refused: exit 2, one line, nothing queried', async (extra, flag) => {
    const before = server.queryCount();
    const result = await runCli(['spf', 'tree.test', ...extra, ...dns()]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^mailcheck: ${flag} does not apply to mailcheck spf\\. .*mailcheck spf --help`));
    expect(server.queryCount()).toBe(before);
  });

  it('names every such option, given before or after the subcommand', async () => {
    const result = await runCli(['--skip', 'bimi', 'spf', 'tree.test', '--fail-on', 'low', ...dns()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^mailcheck: --skip and --fail-on do not apply to mailcheck spf\./);
  });

  it('accepts the options it uses', async () => {
    const result = await runCli(['spf', 'tree.test', '--ip', '192.0.2.1', '--format', 'json', '--no-color', '-v', ...dns()]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).result).toBe('pass');
  });
});

describe('usage errors of mailcheck spf point to its own help', () => {
  it('no domain: exit 2, one line naming "mailcheck spf --help"', async () => {
    const result = await runCli(['spf']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^mailcheck: no domain given\. .*"mailcheck spf --help"/);
  });

  it('an unknown option', async () => {
    const result = await runCli(['spf', 'tree.test', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"mailcheck spf --help"/);
  });

  it('the audit command keeps pointing to "mailcheck --help"', async () => {
    const result = await runCli(['tree.test', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"mailcheck --help"/);
  });
});

describe('an address argument is the MAIL FROM (RFC 7208 §4.1)', () => {
  it('bob@sender.test evaluates with sender bob@sender.test: %{l} expands to bob', async () => {
    const result = await runCli(['spf', 'bob@Sender.Test', '--ip', '192.0.2.9', '--format', 'json', ...dns()]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.sender).toBe('bob@sender.test');
    expect(json.result).toBe('pass');
  });

  it('shows the address as MAIL FROM in text', async () => {
    const result = await runCli(['spf', 'bob@sender.test', '--ip', '192.0.2.9', ...dns()]);
    expect(result.stdout).toMatch(/^ {2}MAIL FROM {2}bob@sender\.test$/m);
  });

  it('a bare domain evaluates as postmaster@<domain>; --sender wins over the address', async () => {
    const bare = await runCli(['spf', 'sender.test', '--ip', '192.0.2.9', '--format', 'json', ...dns()]);
    expect(JSON.parse(bare.stdout)).toMatchObject({ sender: 'postmaster@sender.test', result: 'fail' });
    expect(bare.code).toBe(1);
    const explicit = await runCli(['spf', 'bob@sender.test', '--sender', 'alice@sender.test', '--ip', '192.0.2.9', '--format', 'json', ...dns()]);
    expect(JSON.parse(explicit.stdout)).toMatchObject({ sender: 'alice@sender.test', result: 'fail' });
  });
});

describe('spf --help states the exit codes the command returns', () => {
  /** The exit-code paragraph of the help, on one line. */
  const exitCodes = async () => {
    const help = (await runCli(['spf', '--help'])).stdout.replace(/\s+/g, ' ');
    return /Exit codes: (.*)$/.exec(help)?.[1] ?? '';
  };

  it('the tree: 1 on a high or critical finding, 3 when DNS did not answer', async () => {
    const text = await exitCodes();
    const tree = /The tree \(no --ip\): (.*?)\. Both/.exec(text)?.[1] ?? '';
    expect(tree).toMatch(/\b0 no high or critical SPF finding\b/);
    expect(tree).toMatch(/\b1 a high or critical finding\b/);
    expect(tree).toMatch(/\b3 DNS did not answer\b/);
    // What the help says is what the command does.
    expect((await runCli(['spf', 'tree.test', ...dns()])).code).toBe(0);
    expect((await runCli(['spf', 'open.test', ...dns()])).code).toBe(1);
    expect((await runCli(['spf', 'slow.sender.test', ...dns()])).code).toBe(3);
  });

  it('with --ip: 0 pass, 1 any other result, 3 temperror', async () => {
    expect(await exitCodes()).toMatch(/^with --ip: 0 pass, 1 any other result, 3 temperror\./);
  });
});
