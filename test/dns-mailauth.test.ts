/**
 * The mailauth adapter: Node's `dns.resolve` shapes and error codes, checked
 * directly and through mailauth's own SPF evaluator, against the fixture server.
 */
import { spf } from 'mailauth/lib/spf/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_ERROR_CODES, toMailauthResolver } from '../src/dns/mailauth-resolver.js';
import { createResolver } from '../src/dns/resolver.js';
import type { DnsClient } from '../src/dns/types.js';
import { startFixtureDnsServer, type FixtureServer, type FixtureZone } from '../src/testing/fixture-server.js';

const ZONE: FixtureZone = {
  description: 'mailauth adapter',
  zone: {
    'shapes.test': {
      A: ['127.0.0.10'],
      AAAA: ['::1'],
      MX: [[10, 'Mx.Shapes.Test.'], [0, 'backup.shapes.test']],
      TXT: [['v=spf1 ', 'ip4:127.0.0.10 -all'], 'hello'],
      NS: ['ns1.shapes.test'],
    },
    'alias.shapes.test': { CNAME: ['shapes.test'] },
    'mx.shapes.test': { A: ['127.0.0.20'] },
    '10.0.0.127.in-addr.arpa': { PTR: ['shapes.test'] },
    'empty.shapes.test': { A: ['127.0.0.1'] },
    'broken.shapes.test': 'SERVFAIL',
    'closed.shapes.test': 'REFUSED',
    'slow.shapes.test': 'TIMEOUT',

    // SPF scenarios, evaluated by mailauth's spf().
    'pass.test': { TXT: [['v=spf1 ip4:127.0.0.10 ', '-all']] },
    'mx.test': { TXT: ['v=spf1 mx include:_spf.provider.test -all'], MX: [[10, 'mail.mx.test']] },
    'mail.mx.test': { A: ['127.0.0.21'] },
    '_spf.provider.test': { TXT: ['v=spf1 a:out.provider.test -all'] },
    'out.provider.test': { CNAME: ['pool.provider.test'] },
    'pool.provider.test': { A: ['127.0.0.31'] },
    'timeout.test': { TXT: ['v=spf1 include:slow.shapes.test -all'] },
    'servfail.test': { TXT: ['v=spf1 include:broken.shapes.test -all'] },
    'voids.test': { TXT: ['v=spf1 a:v1.voids.test a:v2.voids.test a:v3.voids.test -all'] },
  },
};

let fixture: FixtureServer;
let dns: DnsClient;
let resolve: ReturnType<typeof toMailauthResolver>;

beforeAll(async () => {
  fixture = await startFixtureDnsServer(ZONE);
  dns = createResolver({ servers: [fixture.server], timeoutMs: 150, retries: 0 });
  resolve = toMailauthResolver(dns);
});
afterAll(() => fixture.close());

describe('Node dns.resolve shapes', () => {
  it('TXT is string[][] (character-strings kept apart)', async () => {
    const txt = (await resolve('shapes.test', 'TXT')) as string[][];
    expect(txt).toHaveLength(2);
    expect(txt).toContainEqual(['v=spf1 ', 'ip4:127.0.0.10 -all']);
    expect(txt).toContainEqual(['hello']);
  });

  it('MX is {exchange, priority}[] with lower-case exchanges', async () => {
    expect(await resolve('shapes.test', 'MX')).toEqual([
      { exchange: 'mx.shapes.test', priority: 10 },
      { exchange: 'backup.shapes.test', priority: 0 },
    ]);
  });

  it('A, AAAA, NS, PTR and CNAME are string[]', async () => {
    expect(await resolve('shapes.test', 'A')).toEqual(['127.0.0.10']);
    expect(await resolve('shapes.test', 'AAAA')).toEqual(['::1']);
    expect(await resolve('shapes.test', 'NS')).toEqual(['ns1.shapes.test']);
    expect(await resolve('10.0.0.127.in-addr.arpa', 'PTR')).toEqual(['shapes.test']);
    expect(await resolve('alias.shapes.test', 'CNAME')).toEqual(['shapes.test']);
    // A follows the CNAME, like Node's resolve4.
    expect(await resolve('alias.shapes.test', 'A')).toEqual(['127.0.0.10']);
  });

  it('SOA is one object in Node’s field names', async () => {
    expect(await resolve('shapes.test', 'SOA')).toMatchObject({ nsname: 'ns.shapes.test', hostmaster: 'hostmaster.shapes.test', serial: 1, minttl: 300 });
  });

  it('accepts a lower-case rrtype', async () => {
    expect(await resolve('shapes.test', 'a')).toEqual(['127.0.0.10']);
  });
});

describe('Node error codes', () => {
  it.each([
    ['missing.shapes.test', 'TXT', 'ENOTFOUND'],
    ['empty.shapes.test', 'TXT', 'ENODATA'],
    ['broken.shapes.test', 'TXT', 'ESERVFAIL'],
    ['closed.shapes.test', 'TXT', 'EREFUSED'],
    ['slow.shapes.test', 'TXT', 'ETIMEOUT'],
  ])('%s %s → %s', async (name, type, code) => {
    await expect(resolve(name, type)).rejects.toMatchObject({ code, hostname: name, syscall: 'queryTxt' });
  });

  it('maps every failure status to Node’s code (ETIMEOUT, not dns2’s ETIMEDOUT)', () => {
    expect(NODE_ERROR_CODES).toEqual({ nxdomain: 'ENOTFOUND', nodata: 'ENODATA', servfail: 'ESERVFAIL', refused: 'EREFUSED', timeout: 'ETIMEOUT' });
  });

  it('an unsupported type is ENOTIMP and a bad name EBADNAME, without a query', async () => {
    const before = fixture.queryCount();
    await expect(resolve('shapes.test', 'SRV')).rejects.toMatchObject({ code: 'ENOTIMP' });
    await expect(resolve('a..shapes.test', 'A')).rejects.toMatchObject({ code: 'EBADNAME' });
    expect(fixture.queryCount()).toBe(before);
  });
});

describe("mailauth's spf() through the adapter", () => {
  const check = (domain: string, ip: string) => spf({ sender: `user@${domain}`, ip, helo: 'client.test', mta: 'mx.test', resolver: resolve });

  it('pass and fail on an ip4 mechanism (TXT split across strings)', async () => {
    expect((await check('pass.test', '127.0.0.10')).status.result).toBe('pass');
    expect((await check('pass.test', '192.0.2.1')).status.result).toBe('fail');
  });

  it('mx, include and a CNAME-ed a: mechanism resolve through our resolver', async () => {
    const before = fixture.queryCount();
    expect((await check('mx.test', '127.0.0.21')).status.result).toBe('pass');
    expect((await check('mx.test', '127.0.0.31')).status.result).toBe('pass');
    expect(fixture.queryCount()).toBeGreaterThan(before);
    expect(dns.log.map((entry) => `${entry.name} ${entry.type}`)).toEqual(
      expect.arrayContaining(['mx.test MX', 'mail.mx.test A', '_spf.provider.test TXT', 'out.provider.test A']),
    );
  });

  // RFC 7208 §5.2: an include whose lookup fails temporarily is a temperror, not a skipped term.
  it('no record: none; a timed-out or failing include: temperror', async () => {
    expect((await check('nothing.test', '127.0.0.10')).status.result).toBe('none');
    expect((await check('timeout.test', '127.0.0.10')).status.result).toBe('temperror');
    expect((await check('servfail.test', '127.0.0.10')).status.result).toBe('temperror');
  });

  it('NXDOMAIN counts as a void lookup (more than 2: permerror, RFC 7208 §4.6.4)', async () => {
    const result = await check('voids.test', '127.0.0.10');
    expect(result.status.result).toBe('permerror');
    expect(result.lookups?.void).toBeGreaterThan(2);
  });
});
