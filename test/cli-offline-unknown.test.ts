/**
 * --zone … --offline: a name outside the zone files is unknown, never
 * absent. Checks that need it end inconclusive naming it; no fix removes or
 * replaces a record because of it; a zone file that lacks its apex records
 * is warned about.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type Report } from '../src/schema/report.js';
import { indexZones, parseZoneFile, zoneOverride, zoneWarnings } from '../src/dns/zone-file.js';
import { ROOT, runCli } from './helpers/cli.js';

const ZONE = path.join(ROOT, 'fixtures', 'zones', 'provider-hosted.test.zone');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mailcheck-offline-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const check = (report: Report, id: string) => report.checks.find((c) => c.id === id)!;
const findingIds = (report: Report) => report.checks.flatMap((c) => c.findings.map((finding) => finding.id));

async function offlineReport(domain: string, zone = ZONE) {
  const result = await runCli([domain, '--zone', zone, '--offline', '--format', 'json']);
  return { ...result, report: reportSchema.parse(JSON.parse(result.stdout)) };
}

describe('offline names outside the zone files', () => {
  it('are unknown: mx and spf end inconclusive naming them, never missing, and no fix removes or replaces a record', async () => {
    const { report, code, stderr } = await offlineReport('provider-hosted.test');
    expect(stderr).toBe('');
    const ids = findingIds(report);
    for (const absent of ['mx/unresolvable-target', 'mx/missing', 'spf/include-missing', 'spf/void-lookups']) expect(ids).not.toContain(absent);
    expect(check(report, 'mx')).toMatchObject({ status: 'error', unknownNames: ['mx.mail-host.example'] });
    expect(check(report, 'mx').error).toContain('mx.mail-host.example');
    expect(check(report, 'spf').status).toBe('error');
    expect(check(report, 'spf').error).toContain('_spf.mail-host.example');
    expect(check(report, 'spf').unknownNames).toContain('_spf.mail-host.example');
    const destructive = report.fixes.flatMap((fix) => fix.fix.records ?? []).filter((record) => record.action !== 'add');
    expect(destructive.filter((record) => record.name === 'provider-hosted.test' && ['MX', 'TXT'].includes(record.type))).toEqual([]);
    const inFindings = report.checks.flatMap((c) => c.findings.flatMap((finding) => finding.fix?.records ?? []));
    expect(inFindings.filter((record) => record.action !== 'add' && ['MX', 'TXT'].includes(record.type) && record.name === 'provider-hosted.test')).toEqual([]);
    // Names the file speaks for still do not exist when it does not define them.
    expect(check(report, 'dmarc').status).toBe('pass');
    expect(code).toBe(3);
  });

  it('below a delegation in the file are unknown too', () => {
    const zone = parseZoneFile('$ORIGIN p.test.\n@ SOA ns hm 1 1 1 1 1\n@ NS ns\nns A 127.0.0.1\nsub NS ns.elsewhere.example.\n', { source: 'p.zone' });
    const index = indexZones([zone]);
    expect(index.covers('nothere.p.test')).toBe(true);
    expect(index.covers('a.sub.p.test')).toBe(false);
    expect(index.covers('other.test')).toBe(false);
  });

  it('are answered SERVFAIL marked outside, names inside the zone NXDOMAIN', async () => {
    const zone = parseZoneFile('$ORIGIN p.test.\n@ SOA ns hm 1 1 1 1 1\n@ NS ns\nns A 127.0.0.1\nalias CNAME target.elsewhere.example.\n');
    const answer = zoneOverride([zone], { offline: true });
    expect(await answer('missing.p.test', 'A')).toEqual({ status: 'nxdomain', ad: false, cnames: [] });
    expect(await answer('mx.provider.example', 'A')).toEqual({ status: 'servfail', outside: 'mx.provider.example' });
    expect(await answer('alias.p.test', 'A')).toEqual({ status: 'servfail', outside: 'target.elsewhere.example' });
  });
});

describe('zone files without their apex records', () => {
  it('warn about a missing SOA or NS at the origin', () => {
    expect(zoneWarnings(parseZoneFile('$ORIGIN w.test.\n@ MX 10 mx\nmx A 127.0.0.1\n'))).toEqual([
      'has no SOA and no NS record at its origin w.test: is it the whole zone?',
    ]);
    expect(zoneWarnings(parseZoneFile('$ORIGIN w.test.\n@ SOA ns hm 1 1 1 1 1\n@ MX 10 mx\n'))).toEqual([
      'has no NS record at its origin w.test: is it the whole zone?',
    ]);
    expect(zoneWarnings(parseZoneFile('a.w.test. A 127.0.0.1\n'))).toEqual(['has no $ORIGIN and no SOA record: no name is known to be inside it']);
    expect(zoneWarnings(parseZoneFile('$ORIGIN w.test.\n@ SOA ns hm 1 1 1 1 1\n@ NS ns\n'))).toEqual([]);
  });

  it('are warned about on stderr, and the audit still runs', async () => {
    const file = path.join(dir, 'apexless.zone');
    writeFileSync(file, '$ORIGIN apexless.test.\n@ MX 10 mx\n@ TXT "v=spf1 mx -all"\nmx A 127.0.0.10\n');
    const result = await runCli(['apexless.test', '--zone', file, '--offline', '--checks', 'spf', '--format', 'json']);
    expect(result.stderr).toBe(`mailcheck: warning: --zone ${file} has no SOA and no NS record at its origin apexless.test: is it the whole zone?\n`);
    expect(check(reportSchema.parse(JSON.parse(result.stdout)), 'spf').status).toBe('pass');
    expect(result.code).toBe(0);
  });
});
