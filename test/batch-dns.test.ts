/**
 * The DNS side of large batches: a bounded, least-recently-used cache; no query
 * log; and per-domain query counts that do not need one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolver } from '../src/dns/resolver.js';
import { createAuditDns } from '../src/dns/audit-dns.js';
import { loadFixture, startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { audit } from '../src/run.js';
import { mergeDomains, parseDomainList } from '../src/cli/domain-list.js';
import { parseOutputSpecs } from '../src/cli/output-specs.js';
import type { QueryLogEntry } from '../src/dns/types.js';
import { UsageError } from '../src/cli/errors.js';

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureDnsServer([
    { zone: { 'a.test': { A: ['127.0.0.1'] }, 'b.test': { A: ['127.0.0.2'] }, 'c.test': { A: ['127.0.0.3'] } } },
    loadFixture('demo-good'),
    loadFixture('demo-broken'),
  ]);
});
afterAll(() => server.close());

describe('resolver cacheLimit and keepLog', () => {
  it('drops the least recently used answer, never one in flight', async () => {
    const dns = createResolver({ servers: [server.server], timeoutMs: 1500, retries: 0, cacheLimit: 2 });
    const before = server.queryCount();
    await dns.query('a.test', 'A');
    await dns.query('b.test', 'A');
    await dns.query('a.test', 'A'); // a is now the most recent
    await dns.query('c.test', 'A'); // evicts b
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.queryCount() - before).toBe(3);
    await dns.query('a.test', 'A');
    expect(server.queryCount() - before).toBe(3);
    await dns.query('b.test', 'A');
    expect(server.queryCount() - before).toBe(4);
    // Concurrent askers still share one query.
    await Promise.all([dns.query('x.test', 'A'), dns.query('x.test', 'A'), dns.query('x.test', 'A')]);
    expect(server.queryCount() - before).toBe(5);
  });

  it('keeps no log when asked, but reports every entry', async () => {
    const seen: QueryLogEntry[] = [];
    const dns = createResolver({ servers: [server.server], timeoutMs: 1500, retries: 0, keepLog: false, onQuery: (entry) => seen.push(entry) });
    await dns.query('a.test', 'A');
    await dns.query('a.test', 'A');
    expect(dns.log).toEqual([]);
    expect(seen.map((entry) => entry.cached)).toEqual([false, true]);
  });
});

describe('per-domain query counts in a batch', () => {
  it('equal the counts taken from the query log', async () => {
    const domains = ['good.example', 'broken.example'];
    const options = { smtp: false, resolvers: [server.server], timeoutMs: 500, retries: 0 };
    const logged = await audit(domains, options, { dns: createResolver({ servers: [server.server], timeoutMs: 500, retries: 0 }) });
    const batchDns = await createAuditDns(options, { batch: true });
    const batched = await audit(domains, options, { dns: batchDns, concurrency: 1 });
    expect(batchDns.log).toEqual([]);
    const loggedCounts = logged.map((report) => report.dns.queries);
    const batchedCounts = batched.map((report) => report.dns.queries);
    expect(batchedCounts[0]).toBeGreaterThan(10);
    // The log-based count leaves out the second hop of a CNAME chain; the batch count includes it.
    expect(batchedCounts[0]).toBeGreaterThanOrEqual(loggedCounts[0]!);
    expect(batchedCounts[1]).toBeGreaterThanOrEqual(loggedCounts[1]!);
    // Reports through onReport only, none kept.
    const streamed: string[] = [];
    const kept = await audit(domains, options, { keepReports: false, onReport: (report) => streamed.push(report.domain) });
    expect(kept).toEqual([]);
    expect(streamed.sort()).toEqual(['broken.example', 'good.example']);
  });
});

describe('domain lists and output specs', () => {
  it('parses lists with comments and merges them without duplicates', () => {
    expect(parseDomainList('# head\n\na.test # note\n  B.test.  \n', 'list.txt')).toEqual([
      { value: 'a.test', source: 'list.txt:3' },
      { value: 'B.test.', source: 'list.txt:4' },
    ]);
    expect(mergeDomains(['b.test'], parseDomainList('a.test\nb.test.\nuser@A.TEST\n', 'l'))).toEqual(['b.test', 'a.test']);
    expect(() => mergeDomains([], [])).toThrow(/no domain given/);
    expect(() => mergeDomains([], parseDomainList('ok.test\nhttp://x\n', 'l'))).toThrow(/^l:2: /);
  });

  it('splits -o values into the main file and format=file pairs', () => {
    expect(parseOutputSpecs(['out.txt', 'json=a.json', 'HTML=b.html', 'sarif=c.sarif'])).toEqual({
      file: 'out.txt',
      pairs: [
        { format: 'json', file: 'a.json' },
        { format: 'html', file: 'b.html' },
        { format: 'sarif', file: 'c.sarif' },
      ],
    });
    // A letters-only name before "=" is a format; a file whose name holds "=" is given as a path.
    expect(() => parseOutputSpecs(['weird=name.txt'])).toThrow(UsageError);
    expect(parseOutputSpecs(['./weird=name.txt'])).toEqual({ file: './weird=name.txt', pairs: [] });
    expect(() => parseOutputSpecs(['json=a', 'csv=a'])).toThrow(/names "a" twice/);
  });
});

describe('the package entry point', () => {
  it("exports audit with the CI options: import { audit } from 'mailcheck-cli'", async () => {
    const library = await import('mailcheck-cli');
    const zone = library.parseZoneFile('$ORIGIN lib.test.\n@ MX 10 mx\n@ TXT "v=spf1 mx -all"\nmx A 127.0.0.10\n');
    const seen: string[] = [];
    const reports = await library.audit('lib.test', { offline: true, checks: ['mx', 'spf'] }, { zones: [zone], onReport: (report) => seen.push(report.domain) });
    expect(seen).toEqual(['lib.test']);
    expect(reports[0]!.dns).toEqual({ queries: 0, servers: ['offline'] });
    expect(reports[0]!.checks.find((check) => check.id === 'spf')!.status).toBe('pass');
    const sarif = JSON.parse(library.formatSarif(reports));
    expect(sarif.version).toBe('2.1.0');
  });
});
