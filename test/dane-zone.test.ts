/**
 * The dane check on a zone preview through the built CLI: TLSA records read
 * from a zone file are known not to be DNSSEC-authenticated (the zone file is
 * not validated, and it publishes no DS), so the check reports
 * dane/tlsa-without-dnssec instead of ending in error.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { reportSchema, type Report } from '../src/schema/report.js';
import { ROOT, runCli } from './helpers/cli.js';

const ZONE = path.join(ROOT, 'fixtures', 'zones', 'preview.test.zone');
let server: FixtureServer;

beforeAll(async () => {
  // A resolver that does not validate (no name is `secure`): no AD flag anywhere.
  server = await startFixtureDnsServer({ zone: { 'elsewhere.test': { A: ['127.0.0.99'] } } });
});
afterAll(async () => {
  await server?.close();
});

async function preview(extra: string[]): Promise<{ code: number | null; report: Report }> {
  const result = await runCli(['preview.test', '--zone', ZONE, '--resolver', server.server, '--timeout', '1500', '--retries', '0', '--format', 'json', ...extra]);
  return { code: result.code, report: reportSchema.parse(JSON.parse(result.stdout)) };
}

const dane = (report: Report) => report.checks.find((check) => check.id === 'dane')!;

describe('dane on a zone preview', () => {
  it('--offline: TLSA from the zone file is unauthenticated, not an error (exit is not 3)', async () => {
    // Reverse DNS and the DMARC tree walk above the zone are unknown offline: left out here.
    const { code, report } = await preview(['--offline', '--skip', 'ptr,bimi']);
    const check = dane(report);
    expect(check.status).toBe('warn');
    expect(check.findings.map((finding) => finding.id)).toEqual(['dane/tlsa-without-dnssec']);
    expect(check.findings[0]!.severity).toBe('medium');
    expect((check.facts.hosts as unknown[])[0]).toMatchObject({ host: 'mx1.preview.test', dnssec: 'unauthenticated', zone: 'unsigned' });
    expect(report.checks.find((c) => c.id === 'dnssec')!.facts.domain).toMatchObject({ state: 'unsigned' });
    expect(code).not.toBe(3);
  });

  it('--zone with a non-validating resolver: no DS for the zone, so the TLSA records are known unauthenticated', async () => {
    const { code, report } = await preview(['--no-smtp', '--checks', 'mx,dnssec,dane']);
    const check = dane(report);
    expect(check.status).toBe('warn');
    expect(check.facts.resolverValidates).toBe(false);
    expect(check.findings.map((finding) => finding.id)).toEqual(['dane/tlsa-without-dnssec']);
    expect(code).not.toBe(3);
  });
});
