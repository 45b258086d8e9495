/**
 * The built CLI, spawned as a user runs it, against a fixture DNS server on
 * 127.0.0.1: exit codes 0/1/2/3, bad input, several domains, --checks/--skip,
 * --verbose, colour, --output, --help/--version.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixture, startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { CHECK_IDS } from '../src/checks/index.js';
import { HELP_CHECK_IDS } from '../src/cli/audit-options.js';
import { FORMAT_NAMES } from '../src/report/formats.js';
import type { Report } from '../src/schema/report.js';
import { ROOT, runCli } from './helpers/cli.js';

const ANSI = /\x1b\[[0-9;]*m/;
let server: FixtureServer;
let dir: string;

beforeAll(async () => {
  server = await startFixtureDnsServer([loadFixture('demo-good'), loadFixture('demo-broken'), loadFixture('cli-timeout')]);
  dir = mkdtempSync(path.join(tmpdir(), 'mailcheck-cli-'));
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Fixture resolver, short timeouts, no SMTP. */
const dns = () => ['--resolver', server.server, '--timeout', '1500', '--retries', '0', '--no-smtp'];

async function json(args: string[]): Promise<{ code: number | null; reports: Report[]; stderr: string }> {
  const result = await runCli([...args, ...dns(), '--format', 'json']);
  const parsed = JSON.parse(result.stdout) as Report | Report[];
  return { code: result.code, reports: Array.isArray(parsed) ? parsed : [parsed], stderr: result.stderr };
}

describe('exit codes', () => {
  it('0: the healthy demo domain, every check but MTA-STS (its policy server runs only in the demo)', async () => {
    const result = await runCli(['good.example', '--skip', 'mta-sts', ...dns()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('good.example');
  });

  it('0: only the chosen checks, all passing', async () => {
    const { code, reports } = await json(['good.example', '--checks', 'mx,ptr']);
    expect(code).toBe(0);
    const statuses = Object.fromEntries(reports[0]!.checks.map((c) => [c.id, c.status]));
    expect(statuses.mx).toBe('pass');
    expect(statuses.ptr).toBe('pass');
  });

  it('1: a finding at or above --fail-on (default high)', async () => {
    const { code, reports } = await json(['broken.example', '--checks', 'mx']);
    expect(code).toBe(1);
    expect(reports[0]!.checks.find((c) => c.id === 'mx')!.findings.map((f) => f.id)).toContain('mx/unresolvable-target');
  });

  it('--fail-on moves the threshold', async () => {
    expect((await runCli(['broken.example', '--checks', 'mx', '--fail-on', 'critical', ...dns()])).code).toBe(0);
    expect((await runCli(['good.example', '--checks', 'mx', '--fail-on', 'info', ...dns()])).code).toBe(0);
    expect((await runCli(['broken.example', '--checks', 'ptr', '--fail-on', 'low', ...dns()])).code).toBe(1);
  });

  it('1: a score below --min-score, even with --fail-on none', async () => {
    // --min-score applies to the deliverability score: a sending-side check must run.
    const { code, reports } = await json(['broken.example', '--checks', 'dmarc', '--fail-on', 'none', '--min-score', '95']);
    expect(reports[0]!.score.value).toBeLessThan(95);
    expect(code).toBe(1);
    const passing = await runCli(['broken.example', '--checks', 'dmarc', '--fail-on', 'none', '--min-score', String(reports[0]!.score.value), ...dns()]);
    expect(passing.code).toBe(0);
  });

  it('3: the domain does not answer (timeout), so checks end in error; no threshold breached', async () => {
    const { code, reports } = await json(['slow.test', '--checks', 'mx,ptr']);
    expect(code).toBe(3);
    const mx = reports[0]!.checks.find((c) => c.id === 'mx')!;
    expect(mx.status).toBe('error');
    expect(mx.score).toBeNull();
    expect(mx.error).toBeTruthy();
    // A timeout is never reported as a missing record.
    expect(mx.findings.map((f) => f.id)).not.toContain('mx/missing');
    expect(reports[0]!.score.complete).toBe(false);
  });

  it('1 beats 3: an incomplete audit that also breaches a threshold', async () => {
    const { code } = await json(['slow.test', 'broken.example', '--checks', 'mx']);
    expect(code).toBe(1);
  });
});

describe('bad input: exit 2, one line on stderr, no stack trace, nothing audited', () => {
  const cases: Array<[string, string[]]> = [
    ['a space', ['exa mple.com']],
    ['a URL', ['http://x']],
    ['a label over 63 octets', [`${'a'.repeat(64)}.com`]],
    ['a name over 253 octets', [`${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}.com`]],
    ['an empty argument', ['']],
    ['an IP address', ['192.0.2.1']],
    ['a single label', ['localhost']],
    ['no domain at all', []],
    ['an unknown option', ['example.com', '--bogus']],
    ['an unknown format', ['example.com', '--format', 'xml']],
    ['a bad timeout', ['example.com', '--timeout', 'soon']],
    ['a bad retry count', ['example.com', '--retries', '-1']],
    ['an unknown check', ['example.com', '--checks', 'mx,nope']],
    ['an unknown check to skip', ['example.com', '--skip', 'nope']],
    ['a bad severity', ['example.com', '--fail-on', 'severe']],
    ['a score out of range', ['example.com', '--min-score', '101']],
    ['a bad resolver', ['example.com', '--resolver', 'dns.example']],
    ['a bad IP', ['example.com', '--ip', '192.0.2']],
    ['a bad DKIM selector', ['example.com', '--dkim-selector', 'bad selector']],
    ['a bad port', ['example.com', '--smtp-port', '70000']],
    ['a bad blocklist zone', ['example.com', '--no-blocklist', 'http://zen']],
    ['an unreadable CA file', ['example.com', '--ca-file', '/nonexistent/ca.pem']],
    ['an output file in a missing directory', ['example.com', '-o', '/nonexistent/dir/report.json']],
    ['an output path that is a directory', ['example.com', '-o', '.']],
    ['a second invalid domain', ['good.example', 'bad_domain.example']],
    ['no check left to run', ['example.com', '--checks', 'mx', '--skip', 'mx']],
    ['a --no-blocklist zone that is not a default list', ['example.com', '--no-blocklist', 'bl.example.org']],
    ['an unknown format before "=" in --output', ['example.com', '--output', 'bogus=x.txt']],
  ];

  it.each(cases)('%s', async (_what, args) => {
    const before = server.queryCount();
    const result = await runCli([...args, '--resolver', server.server]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mailcheck: .+\. .+\.$/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(server.queryCount()).toBe(before);
  });

  it.each(['--file', '--zone', '--replay', '--baseline', '--ca-file'])('an unreadable %s names the option, the path and the error code', async (option) => {
    const file = path.join(dir, 'absent', 'input.txt');
    const args = option === '--file' ? [option, file] : ['example.com', option, file];
    const result = await runCli(option === '--replay' ? args : [...args, '--resolver', server.server]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`mailcheck: cannot read ${option} "${file}" (ENOENT). Check the path.\n`);
  });

  it('names the problem and the way out', async () => {
    expect((await runCli(['http://x'])).stderr).toContain('Give a domain name, not a URL');
    expect((await runCli(['example.com', '--checks', 'nope'])).stderr).toContain(`Valid checks: ${CHECK_IDS.join(', ')}`);
  });
});

describe('domains', () => {
  it('audits several domains concurrently: text one after another, then a summary', async () => {
    const result = await runCli(['good.example', 'broken.example', '--checks', 'mx,spf', ...dns()]);
    const lines = result.stdout.split('\n');
    const good = lines.indexOf('good.example');
    const broken = lines.indexOf('broken.example');
    expect(good).toBe(0);
    expect(broken).toBeGreaterThan(good);
    expect(result.stdout).toMatch(/^Summary\n {2}good\.example +100 +A\+ +receiving \d+\/100 [A-F]\+?\n {2}broken\.example +\d+ +[A-F]/m);
  });

  it('audits a duplicate once and normalises case, trailing dot, addresses and IDNs', async () => {
    const { reports } = await json(['good.example', 'GOOD.Example.', 'postmaster@good.example', '--checks', 'mx']);
    expect(reports.map((r) => r.domain)).toEqual(['good.example']);
    const idn = await json(['bücher.example', '--checks', 'mx', '--fail-on', 'none']);
    expect(idn.code).toBe(0);
    expect(idn.reports[0]!.domain).toBe('xn--bcher-kva.example');
    expect(idn.reports[0]!.input).toBe('bücher.example');
  });
});

describe('--checks and --skip', () => {
  it('runs only the chosen checks; the others are listed as skipped, with the reason', async () => {
    const { reports } = await json(['good.example', '--checks', 'mx,ptr', '--skip', 'ptr']);
    const checks = reports[0]!.checks;
    expect(checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    expect(byId.mx!.status).toBe('pass');
    expect(byId.ptr!.status).toBe('skipped');
    expect(byId.ptr!.skipReason).toContain('--skip');
    expect(byId.spf!.status).toBe('skipped');
    expect(byId.spf!.skipReason).toContain('--checks');
    for (const check of checks.filter((c) => c.status === 'skipped')) {
      expect(check.score).toBeNull();
      expect(check.findings).toEqual([]);
    }
  });

  it('accepts repeated and comma-separated lists', async () => {
    const { reports } = await json(['good.example', '--checks', 'mx', '--checks', 'ptr,mx', '--skip', 'dkim']);
    const ran = reports[0]!.checks.filter((c) => c.status !== 'skipped').map((c) => c.id);
    expect(ran).toEqual(['mx', 'ptr']);
  });
});

describe('--verbose', () => {
  it('writes the DNS transcript (name, type, outcome, ms) to stderr, the report to stdout', async () => {
    const result = await runCli(['broken.example', '--checks', 'mx', '-v', ...dns()]);
    expect(result.stderr).toMatch(/^dns +\d+ ms {2}OK +broken\.example MX {2}\(127\.0\.0\.1:\d+\)$/m);
    expect(result.stderr).toMatch(/^dns +\d+ ms {2}NXDOMAIN +backup\.broken\.example A /m);
    expect(result.stderr).toMatch(/^dns \d+ quer(y|ies) on the wire, \d+ answered from the cache$/m);
    expect(result.stdout).not.toMatch(/^dns /m);
    // Evidence is shown in verbose text reports.
    expect(result.stdout).toMatch(/^ +· /m);
  });

  it('writes the root zone as "." (the DNSSEC check asks for its DNSKEY)', async () => {
    const result = await runCli(['good.example', '--checks', 'dnssec', '-v', ...dns()]);
    expect(result.stderr).toMatch(/^dns +\d+ ms {2}[A-Z]+ +\. DNSKEY {2}\(/m);
    expect(result.stderr).not.toMatch(/^dns +\d+ ms {2}[A-Z]+ +DNSKEY/m);
  });

  it('reports timeouts in the transcript', async () => {
    const result = await runCli(['slow.test', '--checks', 'mx', '--verbose', ...dns()]);
    expect(result.stderr).toMatch(/^dns +\d+ ms {2}TIMEOUT +slow\.test MX/m);
  });
});

describe('colour', () => {
  const args = () => ['broken.example', '--checks', 'mx', ...dns()];
  it('is off when stdout is not a terminal, and with --no-color or NO_COLOR', async () => {
    expect((await runCli(args())).stdout).not.toMatch(ANSI);
    expect((await runCli([...args(), '--no-color'], { env: { FORCE_COLOR: '1' } })).stdout).not.toMatch(ANSI);
    expect((await runCli(args(), { env: { NO_COLOR: '1' } })).stdout).not.toMatch(ANSI);
  });

  it('is on with --color or FORCE_COLOR', async () => {
    expect((await runCli([...args(), '--color'])).stdout).toMatch(ANSI);
    expect((await runCli(args(), { env: { FORCE_COLOR: '1' } })).stdout).toMatch(ANSI);
  });

  it('never colours JSON', async () => {
    expect((await runCli([...args(), '--color', '--format', 'json'])).stdout).not.toMatch(ANSI);
  });
});

describe('--output', () => {
  it('writes the report to the file and nothing to stdout', async () => {
    const file = path.join(dir, 'report.json');
    const result = await runCli(['good.example', '--checks', 'mx', '--format', 'json', '-o', file, ...dns()]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(JSON.parse(readFileSync(file, 'utf8')).domain).toBe('good.example');
  });

  it('writes text without colour to a file even with FORCE_COLOR', async () => {
    const file = path.join(dir, 'report.txt');
    await runCli(['good.example', '--checks', 'mx', '--output', file, ...dns()], { env: { FORCE_COLOR: '1' } });
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe('good.example');
    expect(text).not.toMatch(ANSI);
  });

  it('refuses a file it cannot write, before auditing', async () => {
    // A path below a regular file cannot be created, whoever runs the test (also root).
    const file = path.join(dir, 'plain-file');
    writeFileSync(file, '');
    const before = server.queryCount();
    const result = await runCli(['good.example', '-o', path.join(file, 'report.json'), ...dns()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^mailcheck: cannot write the report to .+\(ENOTDIR\)\. .+\n$/);
    expect(result.stdout).toBe('');
    expect(server.queryCount()).toBe(before);
  });
});

describe('--help and --version', () => {
  it('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('--help lists every option group, check id, format and exit code, with examples', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(HELP_CHECK_IDS).toBe(CHECK_IDS.join(', '));
    expect(result.stdout).toContain(`Check ids: ${CHECK_IDS.join(', ')}.`);
    for (const format of FORMAT_NAMES) expect(result.stdout).toContain(format);
    for (const flag of ['--format', '--output', '--resolver', '--timeout', '--retries', '--checks', '--skip', '--fail-on', '--min-score',
      '--color', '--no-color', '--verbose', '--dkim-selector', '--no-smtp', '--smtp-port', '--helo-name', '--ip', '--blocklist',
      '--no-blocklist', '--spamhaus-key', '--bimi-selector']) {
      expect(result.stdout).toContain(flag);
    }
    // Testing options stay out of the help.
    expect(result.stdout).not.toContain('--https-port');
    expect(result.stdout).toMatch(/Examples:\n {2}\$ mailcheck example\.com/);
    expect(result.stdout).toMatch(/Exit codes: 0 .*\n.*1 .*2 .*3 /);
  });

  it('--help and the README give the EHLO default as src/net/client.ts applies it', async () => {
    const result = await runCli(['--help']);
    const help = result.stdout.replace(/\s+/g, ' ');
    const option = /--helo-name <name> (.*?) --/.exec(help)?.[1] ?? '';
    // defaultHeloName(): the host name when fully qualified, else mailcheck.invalid.
    expect(option).toMatch(/fully qualified/);
    expect(option).toContain('mailcheck.invalid');
    const row = readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').find((line) => line.startsWith('| `--helo-name'));
    expect(row).toMatch(/fully qualified.*`mailcheck\.invalid`/);
  });

  it('spf --help documents the subcommand', async () => {
    const result = await runCli(['spf', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--sender');
    expect(result.stdout).toContain('--helo');
  });
});

describe('mailcheck spf', () => {
  /** The fixture resolver without --no-smtp, which does not apply to the subcommand. */
  const spfDns = () => dns().filter((arg) => arg !== '--no-smtp');

  it('rejects a bad domain with exit 2', async () => {
    const result = await runCli(['spf', 'http://x', '--resolver', server.server]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^mailcheck: .*not a URL.*\n$/);
  });

  it('evaluates check_host() for --ip: 0 for pass, 1 for fail (RFC 7208 §2.6)', async () => {
    // good.example: v=spf1 mx -all; 192.0.2.10 is mx1.good.example.
    const pass = await runCli(['spf', 'good.example', '--ip', '192.0.2.10', '--format', 'json', ...spfDns()]);
    expect(pass.code).toBe(0);
    expect(JSON.parse(pass.stdout).result).toBe('pass');
    const fail = await runCli(['spf', 'good.example', '--ip', '203.0.113.9', '--format', 'json', ...spfDns()]);
    expect(fail.code).toBe(1);
    expect(JSON.parse(fail.stdout).result).toBe('fail');
  });

  it('prints the include tree without --ip', async () => {
    const result = await runCli(['spf', 'broken.example', ...spfDns()]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('_spf.oldmailer.example');
  });

  it('rejects two client IPs with exit 2', async () => {
    const result = await runCli(['spf', 'good.example', '--ip', '192.0.2.10', '--ip', '192.0.2.11', '--resolver', server.server]);
    expect(result.code).toBe(2);
  });
});

it('the bin entry point exists and is executable', () => {
  expect(existsSync(path.join(ROOT, 'bin', 'mailcheck.js'))).toBe(true);
  expect(readFileSync(path.join(ROOT, 'bin', 'mailcheck.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
});

describe('the network guard of spawned CLI processes', () => {
  it('turns a connection outside 127.0.0.0/8 into a check error', async () => {
    // --https-port and an MTA-STS host at a documentation address: the fetch must be refused, not attempted.
    const zone = {
      zone: {
        'guard.test': { MX: [[10, 'mx.guard.test']], TXT: ['v=spf1 -all'] },
        'mx.guard.test': { A: ['127.0.0.50'] },
        '_mta-sts.guard.test': { TXT: ['v=STSv1; id=1'] },
        'mta-sts.guard.test': { A: ['192.0.2.99'] },
      },
    };
    const guardServer = await startFixtureDnsServer(zone as never);
    try {
      const result = await runCli(['guard.test', '--checks', 'mta-sts', '--resolver', guardServer.server, '--timeout', '1500', '--format', 'json', '--probe-timeout', '2000']);
      const report = JSON.parse(result.stdout) as Report;
      const check = report.checks.find((c) => c.id === 'mta-sts')!;
      expect(JSON.stringify(check)).toContain('test guard');
    } finally {
      await guardServer.close();
    }
  });
});
