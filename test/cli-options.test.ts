/**
 * Option parsing: commander declarations → zod validation → AuditOptions.
 * Every option of issues 2–6 reaches the runner with the right name and type.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { defineAuditOptions } from '../src/cli/audit-options.js';
import { reportError } from '../src/cli/main.js';
import { UsageError } from '../src/cli/errors.js';
import type { CliIo } from '../src/cli/io.js';
import { parseAuditCliOptions, splitList, toAuditOptions } from '../src/cli/options.js';
import { CHECK_IDS } from '../src/checks/index.js';
import { InputError } from '../src/domain.js';

function parse(args: string[]) {
  const command = defineAuditOptions(new Command('mailcheck').argument('[domain...]').exitOverride());
  command.parse(['example.com', ...args], { from: 'user' });
  const cli = parseAuditCliOptions(command.opts(), CHECK_IDS);
  return { cli, options: toAuditOptions(cli) };
}

function usage(args: string[]): string {
  try {
    parse(args);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`no usage error for ${args.join(' ')}`);
}

describe('defaults', () => {
  it('text, fail on high, SMTP on, nothing else set', () => {
    const { cli, options } = parse([]);
    expect(cli.format).toBe('text');
    expect(cli.failOn).toBe('high');
    expect(options).toEqual({ smtp: true });
  });
});

describe('mapping to AuditOptions', () => {
  it('maps every option', () => {
    const { options } = parse([
      '--resolver', '127.0.0.1:5353', '--resolver', '[::1]:5300', '--resolver', '2001:db8::53',
      '--timeout', '1500', '--retries', '0',
      '--checks', 'mx,SPF', '--checks', 'dkim', '--skip', 'bimi',
      '--dkim-selector', 's1,S2', '--dkim-selector', 'google', '--dkim-selector', 's1',
      '--no-smtp', '--smtp-port', '2525', '--helo-name', 'Probe.Example.NET.',
      '--ip', '192.0.2.10', '--ip', '2001:DB8::10',
      '--blocklist', 'bl.example.org', '--no-blocklist', 'zen.spamhaus.org', '--no-blocklist', 'bl.spamcop.net',
      '--spamhaus-key', 'ABC123def', '--bimi-selector', 'brand',
      '--https-port', '8443', '--probe-timeout', '900',
    ]);
    expect(options).toEqual({
      resolvers: ['127.0.0.1:5353', '[::1]:5300', '2001:db8::53'],
      timeoutMs: 1500,
      retries: 0,
      checks: ['mx', 'spf', 'dkim'],
      skip: ['bimi'],
      dkimSelectors: ['s1', 's2', 'google'],
      smtp: false,
      smtpPort: 2525,
      heloName: 'probe.example.net',
      ips: ['192.0.2.10', '2001:db8::10'],
      blocklists: ['bl.example.org'],
      noBlocklists: ['zen.spamhaus.org', 'bl.spamcop.net'],
      spamhausKey: 'abc123def',
      bimiSelector: 'brand',
      httpsPort: 8443,
      probeTimeoutMs: 900,
    });
  });

  it('passes extra CA certificates through', () => {
    const { cli } = parse([]);
    expect(toAuditOptions(cli, ['-----BEGIN CERTIFICATE-----\n…']).extraCa).toHaveLength(1);
  });

  it('splits comma lists and drops empty items', () => {
    expect(splitList(['a,b', ' c ,', ',,d'])).toEqual(['a', 'b', 'c', 'd']);
    expect(splitList(undefined)).toEqual([]);
  });
});

describe('validation messages: "<what is wrong>. <how to fix>"', () => {
  it.each([
    [['--timeout', '0'], /^--timeout "0" is not a number of milliseconds from 1 to 120000\. Use e\.g\. --timeout 3000$/],
    [['--retries', 'x'], /^--retries "x"/],
    [['--checks', 'mx,dns'], /^--checks: unknown check "dns"\. Valid checks: mx, /],
    [['--checks', ','], /^--checks needs at least one check id/],
    [['--fail-on', 'HIGHEST'], /^--fail-on "HIGHEST" is not a severity\. Use one of: critical, high, medium, low, info, none$/],
    [['--min-score', '-5'], /^--min-score "-5"/],
    [['--format', 'yaml'], /^--format "yaml" is not a known format\. Use one of: text, json/],
    [['--resolver', '127.0.0.1:99999'], /^--resolver "127\.0\.0\.1:99999" is not a DNS server address/],
    [['--resolver', '::1:53x'], /^--resolver/],
    [['--ip', '300.1.1.1'], /^--ip "300\.1\.1\.1" is not an IPv4 or IPv6 address/],
    [['--dkim-selector', 'a..b'], /^--dkim-selector "a\.\.b" is not a valid selector/],
    [['--bimi-selector', '-x-'], /^--bimi-selector "-x-" is not a valid selector/],
    [['--helo-name', 'localhost'], /^--helo-name: "localhost" is a single label/],
    [['--blocklist', 'bad zone'], /^--blocklist: "bad zone" contains a space/],
    [['--spamhaus-key', 'key with spaces'], /^--spamhaus-key must be letters and digits only/],
    [['--smtp-port', '0'], /^--smtp-port "0" is not a port from 1 to 65535/],
  ])('%j', (args, pattern) => {
    expect(usage(args as string[])).toMatch(pattern as RegExp);
  });
});

describe('--output format=file', () => {
  it('a letters-only name before "=" must be a format; a path containing "=" is a file', () => {
    expect(parse(['--output', 'json=r.json']).cli.output).toEqual({ pairs: [{ format: 'json', file: 'r.json' }] });
    expect(parse(['--output', 'SARIF=r.sarif']).cli.output).toEqual({ pairs: [{ format: 'sarif', file: 'r.sarif' }] });
    expect(usage(['--output', 'bogus=x.txt'])).toMatch(/^--output "bogus=x\.txt": "bogus" is not a format\. Use one of: text, json, ndjson, csv, markdown, sarif, junit, html \(.*\.\/bogus=x\.txt\)$/);
    expect(parse(['--output', './a=b.txt']).cli.output).toEqual({ file: './a=b.txt', pairs: [] });
    expect(parse(['--output', 'dir/x=y']).cli.output).toEqual({ file: 'dir/x=y', pairs: [] });
    expect(parse(['--output', 'a-b=c.txt']).cli.output).toEqual({ file: 'a-b=c.txt', pairs: [] });
    expect(parse(['--output', 'report.txt']).cli.output).toEqual({ file: 'report.txt', pairs: [] });
  });
});

describe('options that select nothing or contradict each other', () => {
  it('--checks and --skip must leave a check to run', () => {
    expect(usage(['--checks', 'mx', '--skip', 'mx'])).toMatch(/^--checks mx with --skip mx leaves no check to run\./);
    expect(usage(['--checks', 'mx,spf', '--skip', 'spf', '--skip', 'mx'])).toMatch(/^--checks mx,spf with --skip spf,mx leaves no check to run\./);
    expect(usage(['--skip', CHECK_IDS.join(',')])).toMatch(/^--skip .* leaves no check to run\./);
    expect(parse(['--checks', 'mx,spf', '--skip', 'mx']).options).toMatchObject({ checks: ['mx', 'spf'], skip: ['mx'] });
  });

  it('--no-blocklist names a default list (or all), listing them when it does not', () => {
    expect(usage(['--no-blocklist', 'bl.example.org'])).toMatch(
      /^--no-blocklist bl\.example\.org: not a default list, .*zen\.spamhaus\.org, bl\.spamcop\.net, .*multi\.uribl\.com/,
    );
    expect(parse(['--no-blocklist', 'ZEN.spamhaus.org.']).options.noBlocklists).toEqual(['zen.spamhaus.org']);
    expect(parse(['--no-blocklist', 'all', '--blocklist', 'zen.spamhaus.org']).options).toMatchObject({
      noBlocklists: ['all'],
      blocklists: ['zen.spamhaus.org'],
    });
  });

  it('a zone given to both --blocklist and --no-blocklist is a usage error', () => {
    expect(usage(['--blocklist', 'bl.spamcop.net', '--no-blocklist', 'bl.spamcop.net'])).toMatch(/^bl\.spamcop\.net is given to both --blocklist and --no-blocklist/);
  });
});

describe('reportError', () => {
  function io(): CliIo & { err: () => string } {
    let err = '';
    const sink = { write: (chunk: string) => ((err += chunk), true) };
    return { stdout: sink, stderr: { write: (chunk: string) => ((err += chunk), true) }, env: {}, err: () => err };
  }

  it('prints usage and input errors as one line, exit 2', () => {
    const a = io();
    expect(reportError(new UsageError('--x is wrong. Do y'), a)).toBe(2);
    expect(a.err()).toBe('mailcheck: --x is wrong. Do y.\n');
    const b = io();
    expect(reportError(new InputError('"a b" contains a space. Give one domain.'), b)).toBe(2);
    expect(b.err()).toBe('mailcheck: "a b" contains a space. Give one domain.\n');
  });

  it('prints an unexpected error as one line, exit 4, the stack only when verbose', () => {
    const quiet = io();
    expect(reportError(new TypeError('cannot read x'), quiet)).toBe(4);
    expect(quiet.err()).toBe('mailcheck: internal error: cannot read x. Please report it with the command you ran.\n');
    const verbose = io();
    reportError(new TypeError('cannot read x'), verbose, true);
    expect(verbose.err()).toMatch(/\n\s+at /);
  });
});
