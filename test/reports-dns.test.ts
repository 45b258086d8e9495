/**
 * `mailcheck reports` with DNS (a fixture server on 127.0.0.1): sources
 * grouped by forward-confirmed reverse DNS and recognised as services, the
 * next DMARC record composed from the published one as the dmarc check
 * composes it, and the SPF record each blocking source needs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dmarcCheck } from '../src/checks/dmarc/index.js';
import type { CheckDefinition } from '../src/checks/define.js';
import { runCli } from './helpers/cli.js';
import { useFixture } from './helpers/context.js';
import { rfc7489Xml, type SampleRow } from './helpers/report-samples.js';
import { runCheck } from '../src/run-check.js';

const TIMEOUT = 60_000;
const fixture = useFixture('reports-sources');
let dir: string;

const ROWS: SampleRow[] = [
  { ip: '127.0.9.10', count: 200, dkim: 'pass', spf: 'pass', dkimAuth: [{ domain: 'reports.test', selector: 'mail2026', result: 'pass' }], spfAuth: [{ domain: 'reports.test', result: 'pass' }] },
  // SendGrid's server, signing as sendgrid.net and bouncing to it: SPF passes only for the unaligned MAIL FROM.
  { ip: '127.0.9.7', count: 50, dkim: 'fail', spf: 'fail', dkimAuth: [{ domain: 'sendgrid.net', selector: 's1', result: 'pass' }], spfAuth: [{ domain: 'sendgrid.net', result: 'pass' }] },
  // Claims a SendGrid name that does not resolve back: not recognised, and authenticates nowhere.
  { ip: '127.0.9.66', count: 9, dkim: 'fail', spf: 'fail', spfAuth: [{ domain: 'reports.test', result: 'fail' }] },
  // A server of the domain that signs but is missing from SPF, and sometimes does not sign.
  { ip: '127.0.9.30', count: 20, dkim: 'pass', spf: 'fail', dkimAuth: [{ domain: 'reports.test', selector: 'mail2026', result: 'pass' }], spfAuth: [{ domain: 'reports.test', result: 'softfail' }] },
  { ip: '127.0.9.30', count: 2, dkim: 'fail', spf: 'fail', spfAuth: [{ domain: 'reports.test', result: 'softfail' }] },
  { ip: '127.0.9.99', count: 1, dkim: 'pass', spf: 'pass', dkimAuth: [{ domain: 'reports.test', selector: 'mail2026', result: 'pass' }] },
];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mailcheck-reports-dns-'));
  writeFileSync(path.join(dir, 'a.xml'), rfc7489Xml({ rows: ROWS, domain: 'reports.test', reportId: 'dns-1' }));
  writeFileSync(path.join(dir, 'enforced.xml'), rfc7489Xml({ rows: ROWS.slice(0, 1).map((row) => ({ ...row, dkimAuth: [{ domain: 'enforced.test', result: 'pass' }] })), domain: 'enforced.test', reportId: 'dns-2', p: 'quarantine', pct: 50 }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...extra: string[]) {
  const result = await runCli(['reports', dir, '--resolver', fixture.server.server, '--timeout', '1500', '--retries', '0', '--format', 'json', ...extra]);
  return { ...result, json: JSON.parse(result.stdout) as Record<string, any> };
}

describe('mailcheck reports with DNS', () => {
  it('names each source by forward-confirmed reverse DNS and recognises SendGrid by it', async () => {
    const before = fixture.server.queries().length;
    const { code, json } = await run();
    expect(code).toBe(0);
    // 127.0.9.10 sends for both domains: its reverse name is asked once per run (the retry-free timeout aside).
    const asked = fixture.server.queries().slice(before).filter((query) => query.toLowerCase() === '10.9.0.127.in-addr.arpa ptr');
    expect(asked).toHaveLength(1);
    const domain = json.domains.find((entry: { domain: string }) => entry.domain === 'reports.test');
    const byIp = Object.fromEntries(domain.sources.map((source: { ip: string }) => [source.ip, source]));
    expect(byIp['127.0.9.10']).toMatchObject({ ptr: 'mail.reports.test', ptrStatus: 'confirmed', group: 'reports.test', verdict: 'authorised' });
    expect(byIp['127.0.9.7']).toMatchObject({ ptr: 'o1.ptr123.sendgrid.net', ptrStatus: 'confirmed', service: 'sendgrid', group: 'sendgrid', verdict: 'service' });
    expect(byIp['127.0.9.66']).toMatchObject({ ptr: null, ptrStatus: 'mismatch', service: null, verdict: 'spoofing', legitimate: false });
    expect(byIp['127.0.9.30']).toMatchObject({ ptrStatus: 'missing', verdict: 'authorised', dmarc: { pass: 20, fail: 2 } });
    // A reverse look-up that times out is inconclusive, never "missing".
    expect(byIp['127.0.9.99']).toMatchObject({ ptrStatus: 'inconclusive', ptr: null });
  }, TIMEOUT);

  it('is not ready while legitimate sources fail, with the fix of each and the next record', async () => {
    const { json } = await run();
    const readiness = json.domains.find((entry: { domain: string }) => entry.domain === 'reports.test').readiness;
    expect(readiness).toMatchObject({ ready: false, current: 'none', target: 'quarantine' });
    expect(readiness.blocking.map((source: { group: string }) => source.group)).toEqual(['sendgrid', 'reports.test']);
    const [sendgrid, own] = readiness.blocking;
    expect(sendgrid.fixes.map((fix: { summary: string }) => fix.summary)).toEqual([
      'Turn on DKIM signing with reports.test at SendGrid',
      'Set a custom return-path (MAIL FROM) under reports.test at SendGrid',
    ]);
    expect(own.fixes[0].summary).toBe('Sign all mail from 127.0.9.30 with DKIM d=reports.test');
    expect(own.fixes[1].records).toEqual([
      { action: 'replace', name: 'reports.test', type: 'TXT', value: 'v=spf1 ip4:127.0.9.10 ip4:127.0.9.30 -all', current: 'v=spf1 ip4:127.0.9.10 -all' },
    ]);
    expect(readiness.nextRecord).toEqual({
      name: '_dmarc.reports.test',
      value: 'v=DMARC1; p=quarantine; rua=mailto:dmarc@reports.test; fo=1',
      current: 'v=DMARC1; p=none; rua=mailto:dmarc@reports.test; fo=1',
    });
  }, TIMEOUT);

  it('proposes the record the domain audit proposes for dmarc/policy-none', async () => {
    const { json } = await run();
    const readiness = json.domains.find((entry: { domain: string }) => entry.domain === 'reports.test').readiness;
    const audit = await runCheck(dmarcCheck as unknown as CheckDefinition, fixture.ctx('reports.test'));
    const fix = audit.findings.find((finding) => finding.id === 'dmarc/policy-none')?.fix;
    expect(fix?.records?.[0]?.value).toBe(readiness.nextRecord.value);
  }, TIMEOUT);

  it('is ready when every legitimate source passes, and proposes p=reject after quarantine', async () => {
    const { json } = await run('--domain', 'enforced.test');
    expect(json.domains).toHaveLength(1);
    expect(json.domains[0].readiness).toEqual({
      ready: true,
      current: 'quarantine',
      target: 'reject',
      blocking: [],
      nextRecord: {
        name: '_dmarc.enforced.test',
        value: 'v=DMARC1; p=reject; rua=mailto:dmarc@enforced.test',
        current: 'v=DMARC1; p=quarantine; pct=50; rua=mailto:dmarc@enforced.test',
      },
      notes: [],
    });
  }, TIMEOUT);
});

describe('mailcheck <domain> --reports', () => {
  it('probes the DKIM selectors the reports name and evaluates their legitimate sending IPs', async () => {
    const { code, stdout, stderr } = await runCli([
      'reports.test',
      '--reports',
      dir,
      '--checks',
      'dkim,ptr',
      '--no-smtp',
      '--resolver',
      fixture.server.server,
      '--timeout',
      '1500',
      '--retries',
      '0',
      '--format',
      'json',
    ]);
    expect(stderr).toBe('');
    expect([0, 1, 3]).toContain(code);
    const report = JSON.parse(stdout) as { checks: Array<{ id: string; facts: Record<string, any> }> };
    const dkim = report.checks.find((check) => check.id === 'dkim')!;
    expect(dkim.facts.selectorsProbed[0]).toBe('mail2026');
    expect(dkim.facts.selectorSources[0]).toEqual({ selector: 'mail2026', source: 'option' });
    const ptr = report.checks.find((check) => check.id === 'ptr')!;
    const sending = ptr.facts.addresses.filter((address: { sending?: boolean }) => address.sending).map((address: { ip: string }) => address.ip);
    // The legitimate sources, most mail first (own servers, the SendGrid account); not the spoofing one.
    expect(sending).toEqual(['127.0.9.10', '127.0.9.7', '127.0.9.30', '127.0.9.99']);
  }, TIMEOUT);

  it('refuses --reports paths that hold no report, with one line and exit 2', async () => {
    const { code, stderr } = await runCli(['reports.test', '--reports', path.join(dir, 'missing'), '--resolver', fixture.server.server]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^mailcheck: --reports: no report could be read/);
  }, TIMEOUT);
});

describe('reverse DNS of sources when the resolver does not answer', () => {
  it('stops asking after a streak of unanswered look-ups: the rest are inconclusive without a query', async () => {
    const { startFixture } = await import('./helpers/context.js');
    const { buildSources, createReverseResolver, UNANSWERED_STREAK, REVERSE_CONCURRENCY } = await import('../src/reports/sources.js');
    const { addAggregate, createTotals } = await import('../src/reports/totals.js');
    const { parseAggregateXml } = await import('../src/reports/aggregate-xml.js');
    const ips = Array.from({ length: 80 }, (_, n) => `127.0.10.${n + 1}`);
    const zone = Object.fromEntries(ips.map((ip) => [`${ip.split('.').reverse().join('.')}.in-addr.arpa`, 'TIMEOUT' as const]));
    const server = await startFixture({ zone }, { timeoutMs: 200, retries: 0 });
    try {
      const totals = createTotals();
      addAggregate(totals, parseAggregateXml(rfc7489Xml({ domain: 'silent.test', rows: ips.map((ip) => ({ ip, count: 1, dkim: 'pass', spf: 'pass' })) })));
      const sources = await buildSources(totals.domains.get('silent.test')!.sources, createReverseResolver(server.freshDns()));
      expect(sources.every((source) => source.ptrStatus === 'inconclusive')).toBe(true);
      const asked = server.server.queries().filter((query) => query.endsWith(' PTR'));
      expect(asked.length).toBeGreaterThanOrEqual(UNANSWERED_STREAK);
      expect(asked.length).toBeLessThanOrEqual(UNANSWERED_STREAK + REVERSE_CONCURRENCY);
    } finally {
      await server.close();
    }
  }, TIMEOUT);
});
