/**
 * `mailcheck spf <domain>` through spfCommand: the include tree (text and
 * JSON) and check_host() for one IP, with the exit codes the issue fixes:
 * 0 pass, 1 any other result, 3 temperror, 2 usage errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spfCommand, type SpfCommandInput } from '../src/commands/spf.js';
import type { CheckHostResult } from '../src/spf/evaluate.js';
import type { SpfNode } from '../src/spf/walk.js';
import { startFixture, type Fixture } from './helpers/context.js';

const ANSI = /\u001b\[/;

describe('mailcheck spf', () => {
  let env: Fixture;
  beforeAll(async () => {
    env = await startFixture([
      'spf-good',
      'spf-too-many-lookups',
      'spf-sending-ips',
      'spf-dns-failure',
      'spf-multiple-records',
      'spf-missing',
      'spf-neutral-all',
    ]);
  });
  afterAll(async () => {
    await env.close();
  });

  const run = (input: Partial<SpfCommandInput> & { domain: string }) =>
    spfCommand({ format: 'text', color: false, ...input }, env.freshDns());

  describe('without --ip: the include tree', () => {
    it('prints every node with its lookups, the totals and the findings, in plain text', async () => {
      const { output, exitCode } = await run({ domain: 'busy.test' });
      expect(exitCode).toBe(1);
      expect(output).not.toMatch(ANSI);
      const lines = output.split('\n');
      expect(lines.find((line) => line.startsWith('busy.test'))).toMatch(/7 lookups here, 17 in total/);
      expect(lines.filter((line) => line.includes('include:_spf.crm.test') && /2 lookups here/.test(line))).toHaveLength(2);
      expect(lines.some((line) => line.includes('include:_spf.mail.test') && /3 lookups here/.test(line))).toBe(true);
      expect(lines.some((line) => line.includes('exists:%{i}._ip.news.test') && line.includes('not queried'))).toBe(true);
      expect(lines.some((line) => line.startsWith('DNS lookups: 17 of 10'))).toBe(true);
      expect(lines.some((line) => line.startsWith('Void lookups: 0 of 2'))).toBe(true);
      expect(output).toContain('spf/too-many-lookups');
      // The fix as a zone-file line.
      expect(output).toContain('busy.test. 3600 IN TXT "v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 include:_spf.crm.test');
    });

    it('colours only when asked', async () => {
      expect((await run({ domain: 'busy.test', color: true })).output).toMatch(ANSI);
    });

    it('exit 0 for a policy without high or critical findings', async () => {
      expect((await run({ domain: 'good.test' })).exitCode).toBe(0);
      expect((await run({ domain: 'neutral.test' })).exitCode).toBe(0);
    });

    it('exit 3 when DNS did not answer', async () => {
      const { output, exitCode } = await run({ domain: 'flaky.test' });
      expect(exitCode).toBe(3);
      expect(output).not.toContain('spf/missing');
    });

    it('JSON: the tree with per-node and total counts, void lookups and findings', async () => {
      const { output, exitCode } = await run({ domain: 'busy.test', format: 'json' });
      expect(exitCode).toBe(1);
      const json = JSON.parse(output) as { domain: string; status: string; lookups: number; voidLookups: number; all: string; tree: SpfNode; findings: Array<{ id: string }> };
      expect(json).toMatchObject({ domain: 'busy.test', status: 'fail', lookups: 17, voidLookups: 0, all: '~' });
      expect([json.tree.lookups, json.tree.totalLookups]).toEqual([7, 17]);
      expect(json.tree.children).toHaveLength(5);
      expect(json.findings.map((finding) => finding.id)).toEqual(['spf/too-many-lookups']);
    });
  });

  describe('with --ip: check_host()', () => {
    it('pass → exit 0, with the matching mechanism', async () => {
      const { output, exitCode } = await run({ domain: 'send.test', ip: '192.0.2.40', format: 'json' });
      expect(exitCode).toBe(0);
      const json = JSON.parse(output) as CheckHostResult & { sender: string; helo: string };
      expect(json).toMatchObject({ result: 'pass', mechanism: 'mx', mechanismDomain: 'send.test', sender: 'postmaster@send.test', helo: 'send.test' });
      expect(json.explanation).toBeUndefined();
    });

    it('pass through an include: the path names the include and the inner mechanism', async () => {
      const { output, exitCode } = await run({ domain: 'send.test', ip: '198.51.100.7', format: 'json' });
      expect(exitCode).toBe(0);
      const json = JSON.parse(output) as CheckHostResult;
      expect(json.mechanism).toBe('ip4:198.51.100.0/24');
      expect(json.mechanismDomain).toBe('_spf.mailhost.test');
      expect(json.path.map((step) => step.term)).toEqual(['include:_spf.mailhost.test', 'ip4:198.51.100.0/24']);
    });

    it('fail → exit 1, with the exp= explanation expanded for the sender and the trace', async () => {
      const { output, exitCode } = await run({ domain: 'send.test', ip: '203.0.113.9', sender: 'alice@send.test', helo: 'out.example.net', format: 'json' });
      expect(exitCode).toBe(1);
      const json = JSON.parse(output) as CheckHostResult;
      expect(json).toMatchObject({ result: 'fail', mechanism: '-all', explanation: "203.0.113.9 is not one of send.test's senders", lookups: 2, voidLookups: 0 });
      expect(json.trace.filter((entry) => entry.step === 'record').map((entry) => entry.detail)).toEqual([
        'v=spf1 mx include:_spf.mailhost.test -all exp=why.send.test',
        'v=spf1 ip4:198.51.100.0/24 -all',
      ]);
    });

    it('text: result, mechanism, explanation and trace, plain', async () => {
      const { output, exitCode } = await run({ domain: 'send.test', ip: '203.0.113.9' });
      expect(exitCode).toBe(1);
      expect(output).not.toMatch(ANSI);
      expect(output).toMatch(/^Result: fail$/m);
      expect(output).toMatch(/^Matched: -all in send\.test$/m);
      expect(output).toMatch(/^Explanation: 203\.0\.113\.9 is not one of send\.test's senders$/m);
      expect(output).toMatch(/^Trace$/m);
    });

    it.each([
      ['neutral.test', '192.0.2.200', 'neutral'],
      ['deny.test', '192.0.2.200', 'softfail'],
      ['multi.test', '192.0.2.1', 'permerror'],
      ['hosted.test', '192.0.2.1', 'none'],
    ])('%s for %s: %s → exit 1', async (domain, ip, result) => {
      const { output, exitCode } = await run({ domain, ip, format: 'json' });
      expect((JSON.parse(output) as CheckHostResult).result).toBe(result);
      expect(exitCode).toBe(1);
    });

    it('temperror → exit 3', async () => {
      const { output, exitCode } = await run({ domain: 'partial.test', ip: '192.0.2.1', format: 'json' });
      expect((JSON.parse(output) as CheckHostResult).result).toBe('temperror');
      expect(exitCode).toBe(3);
    });

    it('IPv6 and IPv4-mapped clients', async () => {
      const v6 = await run({ domain: 'send.test', ip: '2001:db8::25', format: 'json' });
      expect((JSON.parse(v6.output) as CheckHostResult).result).toBe('fail');
      const mapped = await run({ domain: 'send.test', ip: '::ffff:192.0.2.40', format: 'json' });
      expect((JSON.parse(mapped.output) as CheckHostResult).result).toBe('pass');
    });
  });

  describe('usage errors → exit 2', () => {
    it.each([
      [{ domain: 'send.test', ip: '192.0.2' }],
      [{ domain: 'send.test', ip: 'mail.example.com' }],
      [{ domain: '' }],
      [{ domain: 'exa mple.com' }],
    ])('%j', async (input) => {
      expect((await run(input)).exitCode).toBe(2);
    });
  });

  describe('with an IP, malformed identities are evaluated (RFC 7208 §4.3), not refused', () => {
    it.each([
      [{ domain: 'a..send.test', ip: '192.0.2.1', format: 'json' as const }, 'none'],
      [{ domain: '[192.0.2.1]', ip: '192.0.2.1', format: 'json' as const }, 'none'],
      [{ domain: 'send.test', ip: '192.0.2.1', sender: 'not a mailbox@send.test', format: 'json' as const }, 'fail'],
    ])('%j → %s', async (input, result) => {
      const outcome = await run(input);
      expect((JSON.parse(outcome.output) as CheckHostResult).result).toBe(result);
      expect(outcome.exitCode).toBe(1);
    });
  });
});
