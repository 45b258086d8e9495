/**
 * The runner as a library (`audit`, `auditDomain`): reports in input order,
 * one shared resolver and cache across domains, wire queries attributed to
 * the domain that caused them, check selection, and isolation of a check that
 * throws or hangs.
 */
import * as z from 'zod';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, auditDomain, InputError, reportSchema, CHECK_IDS } from '../src/index.js';
import { defineCheck } from '../src/checks/define.js';
import { createResolver } from '../src/dns/resolver.js';
import { startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';

const SHARED = {
  description: 'Two domains whose MX is the same provider host: the host is resolved once for both.',
  zone: {
    'one.test': { MX: [[10, 'mx.provider.test']] },
    'two.test': { MX: [[10, 'mx.provider.test']] },
    'mx.provider.test': { A: ['192.0.2.40'], AAAA: ['2001:db8::40'] },
    '40.2.0.192.in-addr.arpa': { PTR: ['mx.provider.test'] },
  },
};

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureDnsServer(SHARED as never);
});
afterAll(() => server?.close());

const resolver = () => createResolver({ servers: [server.server], timeoutMs: 1500, retries: 0 });

describe('audit', () => {
  it('returns one valid Report per distinct domain, in input order', async () => {
    const reports = await audit(['two.test', 'One.Test.', 'two.test'], { checks: ['mx'], smtp: false }, { dns: resolver() });
    expect(reports.map((r) => r.domain)).toEqual(['two.test', 'one.test']);
    expect(reports[1]!.input).toBe('One.Test.');
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    for (const report of reports) {
      expect(reportSchema.parse(report)).toEqual(report);
      expect(report.tool).toEqual({ name: pkg.name, version: pkg.version });
      expect(report.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
    }
  });

  it('shares one cache across domains and attributes each wire query to the domain that caused it', async () => {
    const dns = resolver();
    const before = server.queryCount();
    const reports = await audit(['one.test', 'two.test'], { checks: ['mx', 'ptr'], smtp: false }, { dns, concurrency: 1 });
    const wire = dns.log.filter((entry) => !entry.cached);
    // No query went out twice, and every one is counted for exactly one domain.
    expect(new Set(wire.map((e) => `${e.name} ${e.type}`)).size).toBe(wire.length);
    expect(reports[0]!.dns.queries + reports[1]!.dns.queries).toBe(wire.length);
    expect(server.queryCount() - before).toBe(wire.length);
    // The provider host was resolved for one.test; two.test found it in the cache.
    expect(wire.some((e) => e.name === 'mx.provider.test' && e.type === 'A')).toBe(true);
    expect(reports[1]!.dns.queries).toBeLessThan(reports[0]!.dns.queries);
    expect(dns.log.some((e) => e.cached && e.name === 'mx.provider.test')).toBe(true);
    expect(reports[0]!.dns.servers).toEqual([server.server]);
  });

  it('calls onReport as each domain finishes', async () => {
    const seen: string[] = [];
    await audit(['one.test', 'two.test'], { checks: ['mx'] }, { dns: resolver(), onReport: (report) => seen.push(report.domain) });
    expect(seen.sort()).toEqual(['one.test', 'two.test']);
  });

  it('rejects input that is not a domain with an InputError', async () => {
    await expect(audit(['http://x'], {}, { dns: resolver() })).rejects.toBeInstanceOf(InputError);
  });

  it('lists unselected checks as skipped with the reason', async () => {
    const [report] = await audit('one.test', { checks: ['mx', 'ptr'], skip: ['ptr'] }, { dns: resolver() });
    const byId = Object.fromEntries(report!.checks.map((c) => [c.id, c]));
    expect(byId.mx!.status).toBe('pass');
    expect(byId.ptr).toMatchObject({ status: 'skipped', score: null, skipReason: 'skipped on request (--skip)' });
    expect(byId.dmarc).toMatchObject({ status: 'skipped', skipReason: 'not selected (--checks)' });
  });
});

describe('auditDomain isolates checks', () => {
  const seenFacts = z.object({ seen: z.boolean() });
  const ok = defineCheck({
    id: 'mx',
    title: 'ok',
    description: 'passes',
    record: { prefix: '', type: 'TXT' },
    score: { area: 'receiving', weight: 30 },
    findings: { 'mx/thing': { severity: 'medium', title: 'thing', description: 'thing', message: () => 'seen' } },
    facts: seenFacts,
    gather: async () => ({ seen: true }),
    judge: (_facts, emit) => ({ findings: [emit('mx/thing', {})] }),
    summarise: () => [],
  });
  const throws = defineCheck({
    id: 'spf',
    title: 'throws',
    description: 'crashes',
    record: { prefix: '', type: 'TXT' },
    score: { area: 'sending', weight: 25 },
    findings: {},
    facts: seenFacts,
    async gather() {
      throw new Error('boom');
    },
    judge: () => ({ findings: [] }),
    summarise: () => [],
  });
  const hangs = defineCheck({
    id: 'dmarc',
    title: 'hangs',
    description: 'never finishes',
    record: { prefix: '', type: 'TXT' },
    score: { area: 'sending', weight: 25 },
    findings: {},
    facts: seenFacts,
    gather: () => new Promise<never>(() => undefined),
    judge: () => ({ findings: [] }),
    summarise: () => [],
  });

  it('turns a crash and an overrun into status error and scores the rest', async () => {
    const report = await auditDomain({ domain: 'one.test' }, {}, { dns: resolver(), checks: [ok, throws, hangs] as never, checkTimeoutMs: 100 });
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(byId.mx).toMatchObject({ status: 'warn', score: 0.7, facts: { seen: true } });
    expect(byId.spf!.status).toBe('error');
    expect(byId.spf!.error).toContain('boom');
    expect(byId.dmarc!.status).toBe('error');
    // Deliverability: spf and dmarc errored, so nothing it counts was verified.
    expect(report.score).toMatchObject({ complete: false, verified: false });
    // Receiving security: only mx counted: 0.7 → 70.
    expect(report.receiving).toMatchObject({ value: 70, complete: true, verified: true });
    expect(report.fixes).toEqual([]);
  });
});
