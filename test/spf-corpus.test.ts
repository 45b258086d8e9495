/**
 * Robustness over real records: every SPF record of the mxmap municipality
 * corpus (3,987 entries) is served with its MX hosts from one local fixture
 * server (every other name NXDOMAIN) and analysed by the spf check. Nothing
 * may crash or hang, and every record either parses or is reported with a
 * syntax error that names the term and its position.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spfCheck } from '../src/checks/spf/index.js';
import type { FixtureZone } from '../src/testing/fixture-server.js';
import { parseRecord } from '../src/spf/parse.js';
import { allNodes, type SpfNode } from '../src/spf/walk.js';
import { spfCommand } from '../src/commands/spf.js';
import type { CheckResult } from '../src/schema/report.js';
import { runCheck, startFixture, type Fixture } from './helpers/context.js';

const CORPUS = path.resolve(import.meta.dirname, '..', '..', 'shared', 'testdata', 'corpus', 'mxmap-municipalities-spf-mx.json');

interface Entry {
  cc: string;
  domain: string;
  mx: string[];
  spf: string | null;
}

const present = existsSync(CORPUS);
if (!present && process.env.CI) throw new Error(`${CORPUS} is missing: the SPF corpus test must run in CI`);
const entries: Entry[] = present ? (JSON.parse(readFileSync(CORPUS, 'utf8')) as { domains: Entry[] }).domains : [];

function corpusZone(list: readonly Entry[]): FixtureZone {
  const zone: FixtureZone['zone'] = {};
  for (const entry of list) {
    if (!entry.domain) continue;
    const node: Record<string, unknown[]> = {};
    if (entry.mx.length > 0) node.MX = entry.mx.map((host, index) => [10 * (index + 1), host]);
    if (entry.spf !== null) node.TXT = [entry.spf];
    zone[entry.domain] = node as FixtureZone['zone'][string];
  }
  return { description: 'mxmap municipality corpus: MX and SPF only', zone };
}

/** Runs `task` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

describe.skipIf(!present)('SPF analysis over the mxmap municipality corpus', () => {
  let fixture: Fixture;
  let results: Array<{ entry: Entry; result: CheckResult }>;
  let elapsedMs = 0;

  beforeAll(async () => {
    fixture = await startFixture(corpusZone(entries), { timeoutMs: 2000, retries: 2 });
    const started = performance.now();
    const domains = entries.filter((entry) => entry.domain !== '');
    results = await pool(domains, 32, async (entry) => ({ entry, result: await runCheck(spfCheck, fixture.ctx(entry.domain)) }));
    elapsedMs = performance.now() - started;
  }, 180_000);

  afterAll(async () => {
    await fixture?.close();
  });

  it('holds 3,987 entries, 3,930 with an SPF record, one with an empty domain', () => {
    expect(entries).toHaveLength(3987);
    expect(entries.filter((entry) => entry.spf !== null)).toHaveLength(3930);
    expect(entries.filter((entry) => entry.domain === '')).toHaveLength(1);
  });

  it('analyses every domain without an internal error or an inconclusive check', () => {
    expect(results).toHaveLength(3986);
    const crashed = results.filter(({ result }) => result.error?.startsWith('internal error'));
    expect(crashed.map(({ entry, result }) => `${entry.domain}: ${result.error}`)).toEqual([]);
    // Every name is answered locally: no check may end inconclusive.
    expect(results.filter(({ result }) => result.status === 'error').map(({ entry, result }) => `${entry.domain}: ${result.error}`)).toEqual([]);
  });

  it('reports spf/missing exactly for the domains without a record', () => {
    for (const { entry, result } of results) {
      const ids = result.findings.map((finding) => finding.id);
      expect(ids.includes('spf/missing'), entry.domain).toBe(entry.spf === null);
      if (entry.spf !== null) expect(result.facts.record, entry.domain).toBe(entry.spf);
    }
  });

  it('parses every record or names the offending term and its position', () => {
    let withErrors = 0;
    for (const { entry, result } of results) {
      if (entry.spf === null) continue;
      const parsed = parseRecord(entry.spf);
      const ids = result.findings.map((finding) => finding.id);
      expect(ids.includes('spf/syntax-error'), entry.domain).toBe(parsed.errors.length > 0 || hasNestedErrors(result));
      for (const error of parsed.errors) {
        withErrors++;
        expect(error.index, entry.spf).toBeGreaterThan(0);
        const start = termStart(entry.spf, error.index);
        expect(entry.spf.slice(start, start + error.term.length), entry.spf).toBe(error.term);
        expect(error.column - 1, entry.spf).toBeGreaterThanOrEqual(start);
        expect(error.column - 1, entry.spf).toBeLessThanOrEqual(start + error.term.length);
      }
      // Every term of a clean record is accounted for.
      if (parsed.errors.length === 0) {
        expect(parsed.terms.length, entry.spf).toBe(entry.spf.slice(6).split(' ').filter((term) => term !== '').length);
      }
    }
    // The corpus has real mistakes (an en dash in "–all", among others).
    expect(withErrors).toBeGreaterThan(0);
    if (process.env.SPF_CORPUS_STATS) {
      const count = (id: string) => results.filter(({ result }) => result.findings.some((finding) => finding.id === id)).length;
      const ids = [...new Set(results.flatMap(({ result }) => result.findings.map((finding) => finding.id)))].sort();
      process.stderr.write(`${ids.map((id) => `${id}: ${count(id)}`).join('\n')}\nsyntax errors: ${withErrors}; ${Math.round(elapsedMs)} ms\n`);
    }
  });

  it('counts lookups for every parsed record and offers a record to paste for the lookup limit', () => {
    for (const { entry, result } of results) {
      if (entry.spf === null) continue;
      expect(typeof result.facts.lookups, entry.domain).toBe('number');
      const tooMany = result.findings.find((finding) => finding.id === 'spf/too-many-lookups');
      if (tooMany && parseRecord(entry.spf).errors.length === 0) {
        expect(tooMany.fix?.records?.[0]?.name, entry.domain).toBe(entry.domain);
        expect(parseRecord(tooMany.fix!.records![0]!.value).errors, entry.domain).toEqual([]);
      }
    }
  });

  it('proposes one record set for every fix that replaces the domain\'s record, and every proposed record parses', () => {
    let composedResults = 0;
    for (const { entry, result } of results) {
      const replacing = result.findings.filter((finding) => finding.fix?.records?.some((record) => record.name === entry.domain));
      const sets = new Set(replacing.map((finding) => JSON.stringify(finding.fix!.records)));
      expect(sets.size, `${entry.domain}: ${replacing.map((finding) => finding.id).join(', ')}`).toBeLessThanOrEqual(1);
      if (replacing.length > 1) composedResults++;
      for (const finding of result.findings) {
        for (const record of finding.fix?.records ?? []) {
          if (record.action === 'remove') continue;
          expect(parseRecord(record.value).errors, `${entry.domain} ${finding.id}: ${record.value}`).toEqual([]);
          // RFC 7208 §3.4: a proposed record stays within 450 octets, unless the published one already was longer.
          if (Buffer.byteLength(record.value) > 450) expect(Buffer.byteLength(record.value), entry.domain).toBeLessThanOrEqual(Buffer.byteLength(record.current ?? ''));
        }
      }
    }
    // The corpus has domains with several fixable problems in their own record.
    expect(composedResults).toBeGreaterThan(0);
    if (process.env.SPF_CORPUS_STATS) process.stderr.write(`domains whose fixes compose: ${composedResults}\n`);
  });

  it('rejects the entry with an empty domain as a usage error', async () => {
    const empty = entries.find((entry) => entry.domain === '')!;
    const outcome = await spfCommand({ domain: empty.domain, format: 'json', color: false }, fixture.dns);
    expect(outcome.exitCode).toBe(2);
  });
});

/** 0-based offset of the term with this 1-based index (terms are separated by spaces after "v=spf1"). */
function termStart(record: string, index: number): number {
  const pattern = / +([^ ]+)/g;
  pattern.lastIndex = 6;
  let count = 0;
  for (let match = pattern.exec(record); match; match = pattern.exec(record)) {
    if (++count === index) return match.index + match[0].length - match[1]!.length;
  }
  return -1;
}

/** True when a record below the root (an included corpus domain) has syntax errors. */
function hasNestedErrors(result: CheckResult): boolean {
  const root = result.facts.tree as SpfNode;
  return allNodes(root).some((node) => node !== root && (node.syntaxErrors?.length ?? 0) > 0);
}
