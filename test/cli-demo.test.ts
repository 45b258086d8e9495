/**
 * `npm run demo`, in-process: the bundled fixture server, the real CLI code
 * path, the two example domains. The network guard of the test setup makes
 * any connection outside 127.0.0.0/8 throw, which would surface as a check
 * in status error; the demo must have none.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_DOMAINS, demoArguments, runDemo } from '../src/cli/demo.js';
import type { CliIo } from '../src/cli/io.js';
import type { Report } from '../src/schema/report.js';

function captureIo(env: Record<string, string> = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (chunk: string, cb?: () => void) => ((out += chunk), cb?.(), true), isTTY: false },
    stderr: { write: (chunk: string, cb?: () => void) => ((err += chunk), cb?.(), true), isTTY: false },
    env,
    out: () => out,
    err: () => err,
  };
}

describe('npm run demo', () => {
  it('audits the healthy and the broken example domain offline and exits 0', async () => {
    const io = captureIo();
    const code = await runDemo(['--format', 'json'], io);
    expect(code).toBe(0);
    const reports = JSON.parse(io.out()) as Report[];
    expect(reports.map((r) => r.domain)).toEqual([...DEMO_DOMAINS]);
    for (const report of reports) {
      for (const check of report.checks) {
        // No check may fail to conclude: that would be a blocked connection or a fixture gap.
        expect(check.status, `${report.domain} ${check.id}: ${check.error ?? ''}`).not.toBe('error');
      }
      expect(report.dns.servers).toHaveLength(1);
      expect(report.dns.servers[0]).toMatch(/^127\.0\.0\.1:\d+$/);
    }
    const [good, broken] = reports as [Report, Report];
    expect(good.score.grade).toMatch(/^A\+?$/);
    // The MTA-STS policy came from the demo's HTTPS server on 127.0.0.1.
    expect(good.checks.find((c) => c.id === 'mta-sts')!.status).toBe('pass');
    expect(good.checks.flatMap((c) => c.findings).filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
    const brokenIds = broken.checks.flatMap((c) => c.findings.map((f) => f.id));
    expect(brokenIds).toEqual(
      expect.arrayContaining([
        'mx/cname-target',
        'mx/unresolvable-target',
        'dmarc/policy-none',
        'dkim/weak-key',
        'ptr/mismatch',
        'ptr/generic',
        'blocklist/ip-listed',
      ]),
    );
    expect(broken.score.value).toBeLessThan(60);
    expect(broken.fixes.length).toBeGreaterThan(3);
  });

  it('prints text reports, says where DNS is served from, and never probes SMTP', async () => {
    const io = captureIo();
    expect(await runDemo([], io)).toBe(0);
    expect(io.err()).toMatch(/^mailcheck demo: a DNS server on 127\.0\.0\.1:\d+ serves good\.example and broken\.example/);
    expect(io.out()).toMatch(/^good\.example\nDeliverability \d+\/100 {2}Grade A/);
    expect(io.out()).toMatch(/^broken\.example\nDeliverability \d+\/100 {2}Grade [D-F]\nReceiving security \d+\/100 [A-F]/m);
    expect(io.out()).toContain('Fix first');
    // The providers section: the broken domain's SPF include is gone, so the bulk senders' providers reject.
    expect(io.out()).toMatch(/^Mailbox providers\n {2}\? Gmail \(bulk senders, 5,000\+ a day\): no rejection seen in DNS/m);
    expect(io.out().replace(/\n +/g, ' ')).toContain('✗ Gmail (bulk senders, 5,000+ a day): would reject — SPF is broken (spf/include-missing)');
    expect(demoArguments('127.0.0.1:1', 4430)).toContain('--no-smtp');
  });

  it('passes extra arguments to the CLI, and a usage error through', async () => {
    const io = captureIo();
    expect(await runDemo(['--format', 'nope'], io)).toBe(2);
    expect(io.err()).toMatch(/mailcheck: --format "nope" is not a known format/);
  });
});
