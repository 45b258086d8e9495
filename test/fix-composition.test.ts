/**
 * Fixes of different checks never contradict each other: for every fixture
 * domain whose report has fixes from more than one check, every fix record
 * that can be published as given (no placeholder) is applied to the fixture
 * zone, the domain is audited again, and
 * - no finding appears that was not there before, and
 * - every finding whose fix was applied whole (records only: no file to
 *   serve, no placeholder) is gone.
 *
 * The audit runs without SMTP and without HTTPS fetches (`offline`), so only
 * what DNS records can fix is judged here; blocklist listings are not fixed
 * by records and are not audited.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditDomain } from '../src/run.js';
import { createResolver } from '../src/dns/resolver.js';
import { FIXTURES_DIR, loadFixture, startFixtureDnsServer, type FixtureZone } from '../src/testing/fixture-server.js';
import type { Finding, FixRecord, Report } from '../src/schema/report.js';

/** The checks whose fixes are DNS records this test can publish. */
const CHECKS = ['mx', 'spf', 'dkim', 'dmarc', 'ptr', 'mta-sts', 'tls-rpt', 'bimi'];
const OPTIONS = { checks: CHECKS, smtp: false, offline: true } as const;

type Zone = FixtureZone['zone'];
type Node = Record<string, unknown[]>;

function lower(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** A record value in a fixture's shape, from its presentation form. */
function fixtureValue(type: string, value: string): unknown {
  if (type === 'MX') {
    const [preference, exchange] = value.trim().split(/\s+/);
    return [Number(preference), lower(exchange ?? '')];
  }
  if (type === 'CNAME' || type === 'PTR' || type === 'NS') return lower(value);
  return value;
}

/** A fixture value in presentation form, to compare with a fix's `current`. */
function presentation(type: string, value: unknown): string {
  if (type === 'MX' && Array.isArray(value)) return `${value[0]} ${value[1]}`;
  if (type === 'TXT' && Array.isArray(value)) return value.join('');
  return String(value);
}

/** Applies fix records to a copy of the zone. */
function applyRecords(zone: Zone, records: readonly FixRecord[]): Zone {
  const next = structuredClone(zone) as Record<string, Node>;
  for (const record of records) {
    const name = lower(record.name);
    const node = (next[name] ??= {});
    const values = (Array.isArray(node[record.type]) ? node[record.type] : []) as unknown[];
    const kept =
      record.action === 'add' ? values : values.filter((value) => presentation(record.type, value) !== (record.current ?? record.value));
    node[record.type] = record.action === 'remove' ? kept : [...kept, fixtureValue(record.type, record.value)];
    // A name that gains other data cannot stay an alias (RFC 1034 §3.6.2).
    if (record.type !== 'CNAME' && record.action !== 'remove') delete node.CNAME;
  }
  return next as Zone;
}

/**
 * Names a fix brings in from outside the fixture (a provider's SPF include
 * such as `_spf.google.com`) exist in the real DNS, not in the fixture:
 * they are served as a minimal valid SPF record so the rerun judges the
 * domain's own records, not the fixture's edge.
 */
function withOutsideIncludes(zone: Zone, records: readonly FixRecord[]): Zone {
  const next = { ...zone };
  for (const record of records) {
    if (record.type !== 'TXT' || !record.value.startsWith('v=spf1')) continue;
    for (const [, target] of record.value.matchAll(/\binclude:([^\s]+)/g)) {
      const name = lower(target!);
      if (!(name in zone) && !name.includes('%')) next[name] = { TXT: ['v=spf1 -all'] };
    }
  }
  return next;
}

const PLACEHOLDER = /<[A-Z0-9-]+>/;
const usable = (record: FixRecord): boolean => !PLACEHOLDER.test(record.value) && !PLACEHOLDER.test(record.name);

async function auditZone(fixture: FixtureZone, domain: string): Promise<Report> {
  const server = await startFixtureDnsServer([fixture]);
  try {
    const dns = createResolver({ servers: [server.server], timeoutMs: 2000, retries: 0 });
    return await auditDomain({ domain }, OPTIONS, { dns, checkTimeoutMs: 20_000 });
  } finally {
    await server.close();
  }
}

const findingsOf = (report: Report): Finding[] =>
  report.checks.filter((check) => check.status !== 'error').flatMap((check) => check.findings);

/** Fixtures naming one audited domain: the first owner name of the zone. */
const FIXTURES = readdirSync(FIXTURES_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''))
  .map((name) => ({ name, fixture: loadFixture(name) }))
  .filter(({ fixture }) => fixture.zone !== undefined && Object.keys(fixture.zone).length > 0);

describe('fixes of all checks applied together', () => {
  /** Fixtures whose report has fixes from more than one check (the ones this test is about). */
  let several = 0;

  for (const { name, fixture } of FIXTURES) {
    it(`${name}: no new finding, every wholly applied fix gone`, async () => {
      const domain = Object.keys(fixture.zone)[0]!;
      const before = await auditZone(fixture, domain);
      const fixed = findingsOf(before).filter((finding) => finding.fix?.records?.length);
      const fixingChecks = new Set(fixed.map((finding) => finding.id.split('/')[0]));
      if (fixingChecks.size < 2) return;
      const records = fixed.flatMap((finding) => finding.fix!.records!).filter(usable);
      // The same record proposed by several findings is published once.
      const unique = [...new Map(records.map((record) => [JSON.stringify(record), record])).values()];
      several++;
      const after = await auditZone({ ...fixture, zone: withOutsideIncludes(applyRecords(fixture.zone, unique), unique) }, domain);

      const idsBefore = new Set(findingsOf(before).map((finding) => finding.id));
      const appeared = findingsOf(after).filter((finding) => !idsBefore.has(finding.id));
      expect(appeared.map((finding) => `${finding.id}: ${finding.message}`)).toEqual([]);

      const wholly = fixed.filter((finding) => {
        const fix = finding.fix!;
        return !fix.files?.length && !fix.placeholders && fix.records!.every(usable);
      });
      const idsAfter = new Set(findingsOf(after).map((finding) => finding.id));
      expect(wholly.map((finding) => finding.id).filter((id) => idsAfter.has(id))).toEqual([]);
    }, 60_000);
  }

  it('covers several fixtures with fixes from more than one check', () => {
    expect(several).toBeGreaterThanOrEqual(5);
  });
});
