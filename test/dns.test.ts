/**
 * The DNS layer against real servers on 127.0.0.1: the fixture DNS server for
 * zone data, and small raw UDP servers where a test needs a misbehaving one
 * (silent, wrong id, crafted CNAME loops).
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolver, parseServerSpec } from '../src/dns/resolver.js';
import { createLimiter } from '../src/limiter.js';
import { exchange } from '../src/dns/transport.js';
import { TYPE_NUMBER } from '../src/dns/wire.js';
import type { DnsAnswer } from '../src/dns/types.js';
import { startFixtureDnsServer, type FixtureServer, type FixtureZone } from '../src/testing/fixture-server.js';

const DS_DIGEST = '2bb183af5f22588179a53b0a98631fad1a292118e5a40d7a3b6a7d5a2e6e0e4b';
const DNSKEY = 'AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjFFVQUTf6v58fLjwBd0YI0EzrAcQqBGCzh/RStIoO8g0NfnfL2MTJRkxoXbfDaUeVPQuYEhg37NZWAJQ9VnMVDxP/VHL496M/QZxkjf5/Efucp2gaDX6RS6CXpoY68LsvPVjR0ZSwzz1apAzvN9dlzEheX7ICJBBtuA6G3LQpzW5hOA2hzCTMjJPJ8LbqF6dsV6DoBQzgul0sGIcGOYl7OyQdXfZ57relSQageu+ipAdTTJ25AsRTAoub8ONGcLmqrAmRLKBP1dfwhYB4N7knNnulqQxA+Uk1ihz0=';
const TLSA_HASH = 'c4b6bb5a7f5c2c3b4c1d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';

/** Builds an 8-hop chain c0 → c1 → … → c<n> with an A record at the end. */
function chain(prefix: string, hops: number): FixtureZone['zone'] {
  const zone: FixtureZone['zone'] = {};
  for (let index = 0; index < hops; index++) zone[`${prefix}${index}.example.test`] = { CNAME: [`${prefix}${index + 1}.example.test`] };
  zone[`${prefix}${hops}.example.test`] = { A: ['127.0.0.20'] };
  return zone;
}

const ZONE: FixtureZone = {
  description: 'DNS layer outcomes',
  secure: ['signed.test'],
  zone: {
    'example.test': {
      A: ['127.0.0.10'],
      MX: [[10, 'MX1.Example.TEST.'], [20, 'mx2.example.test']],
      TXT: ['v=spf1 ip4:127.0.0.10 -all', ['v=DMARC1; p=', 'reject; ', 'rua=mailto:d@example.test']],
    },
    'mx1.example.test': { A: ['127.0.0.11', '127.0.0.12'], AAAA: ['2001:db8:0:0:1:0:0:1'] },
    'null.example.test': { MX: [[0, '.']] },
    'alias.example.test': { CNAME: ['mx1.example.test'] },
    'alias2.example.test': { CNAME: ['alias.example.test'] },
    'dangling.example.test': { CNAME: ['gone.nowhere.test'] },
    'lost.example.test': { CNAME: ['gone.example.test'] },
    'sub.deep.example.test': { A: ['127.0.0.40'] },
    'big.example.test': { TXT: Array.from({ length: 12 }, (_, index) => `filler-${index}-${'x'.repeat(90)}`) },
    'slow.example.test': 'TIMEOUT',
    'broken.example.test': 'SERVFAIL',
    'closed.example.test': 'REFUSED',
    'partly.example.test': { A: ['127.0.0.1'], TXT: 'TIMEOUT' },
    '10.0.0.127.in-addr.arpa': { PTR: ['mx1.example.test'] },
    'signed.test': {
      A: ['127.0.0.50'],
      DS: [[2371, 13, 2, DS_DIGEST.toUpperCase()]],
      DNSKEY: [[257, 3, 8, DNSKEY]],
    },
    '_25._tcp.mx.signed.test': { TLSA: [[3, 1, 1, TLSA_HASH]] },
    ...chain('eight', 8),
    ...chain('nine', 9),
  },
};

let fixture: FixtureServer;
// Long enough for a local server's answer on a loaded machine (200 ms was not),
// short enough that the cases built on a timeout stay quick.
const fast = { timeoutMs: 1000, retries: 0 };
const resolver = (options: Parameters<typeof createResolver>[0] = {}) => createResolver({ servers: [fixture.server], ...fast, ...options });

beforeAll(async () => {
  fixture = await startFixtureDnsServer(ZONE);
});
afterAll(() => fixture.close());

describe('answers are a tagged union, never collapsed', () => {
  it('ok: records, smallest TTL, no CNAME chain', async () => {
    const answer = await resolver().query('example.test', 'A');
    expect(answer).toEqual({ status: 'ok', records: ['127.0.0.10'], ttl: 300, ad: false, cnames: [] });
  });

  it('nxdomain: the name does not exist', async () => {
    expect(await resolver().query('missing.example.test', 'A')).toEqual({ status: 'nxdomain', ad: false, cnames: [] });
  });

  it('nodata: the name exists without that type, also as an empty non-terminal', async () => {
    const dns = resolver();
    expect(await dns.query('mx1.example.test', 'TXT')).toEqual({ status: 'nodata', ad: false, cnames: [] });
    expect(await dns.query('deep.example.test', 'A')).toEqual({ status: 'nodata', ad: false, cnames: [] });
  });

  it('servfail, refused and timeout stay apart', async () => {
    const dns = resolver();
    const [servfail, refused, timeout] = await Promise.all([
      dns.query('broken.example.test', 'TXT'),
      dns.query('closed.example.test', 'TXT'),
      dns.query('slow.example.test', 'TXT'),
    ]);
    expect(servfail).toEqual({ status: 'servfail' });
    expect(refused).toEqual({ status: 'refused' });
    expect(timeout).toEqual({ status: 'timeout' });
  });

  it('a failure of one type leaves the other types of the name alone', async () => {
    const dns = resolver();
    expect((await dns.query('partly.example.test', 'A')).status).toBe('ok');
    expect((await dns.query('partly.example.test', 'TXT')).status).toBe('timeout');
  });

  it('names are case-insensitive and a trailing dot is ignored', async () => {
    const answer = await resolver().query('EXAMPLE.Test.', 'A');
    expect(answer.status === 'ok' && answer.records).toEqual(['127.0.0.10']);
  });

  it('rejects names that cannot be encoded, with code EBADNAME', async () => {
    const dns = resolver();
    await expect(dns.query(`${'a'.repeat(64)}.example.test`, 'A')).rejects.toMatchObject({ code: 'EBADNAME' });
    await expect(dns.query('a..example.test', 'A')).rejects.toMatchObject({ code: 'EBADNAME' });
    await expect(dns.query('exämple.test', 'A')).rejects.toMatchObject({ code: 'EBADNAME' });
    expect(fixture.queries()).not.toContain('a..example.test A');
  });
});

describe('negative answers of the fixture server', () => {
  /** The raw reply: rcode, answer owners and the authority section's SOA owners. */
  const raw = async (name: string, type: keyof typeof TYPE_NUMBER) => {
    const result = await exchange(parseServerSpec(fixture.server), name, TYPE_NUMBER[type], { timeoutMs: 500, dnssecOk: true, limiter: createLimiter(4) });
    if (result.kind !== 'reply') throw new Error(`no reply for ${name} ${type}`);
    const { message } = result;
    return {
      rcode: message.rcode,
      answers: message.answers.map((record) => `${record.name} ${record.type}`),
      soa: message.authorities.filter((record) => record.type === TYPE_NUMBER.SOA).map((record) => record.name),
    };
  };

  it('NODATA and NXDOMAIN carry the SOA of the zone holding the name (RFC 2308 §2.1, §2.2)', async () => {
    expect(await raw('mx1.example.test', 'MX')).toEqual({ rcode: 0, answers: [], soa: ['mx1.example.test'] });
    expect(await raw('deep.example.test', 'A')).toEqual({ rcode: 0, answers: [], soa: ['example.test'] });
    expect(await raw('nothing.example.test', 'A')).toEqual({ rcode: 3, answers: [], soa: ['example.test'] });
    expect(await raw('nothing.nowhere.test', 'A')).toEqual({ rcode: 3, answers: [], soa: [''] });
    expect(await raw('alias.example.test', 'MX')).toEqual({ rcode: 0, answers: ['alias.example.test 5'], soa: ['mx1.example.test'] });
  });

  it('a positive answer, and a CNAME whose target lies outside the data, carry no SOA', async () => {
    expect(await raw('mx1.example.test', 'A')).toEqual({ rcode: 0, answers: ['mx1.example.test 1', 'mx1.example.test 1'], soa: [] });
    expect(await raw('dangling.example.test', 'A')).toEqual({ rcode: 0, answers: ['dangling.example.test 5'], soa: [] });
  });
});

describe('record data', () => {
  it('TXT keeps each character-string of a record, in order', async () => {
    const answer = await resolver().query('example.test', 'TXT');
    expect(answer.status).toBe('ok');
    if (answer.status !== 'ok') return;
    expect(answer.records).toContainEqual(['v=spf1 ip4:127.0.0.10 -all']);
    expect(answer.records).toContainEqual(['v=DMARC1; p=', 'reject; ', 'rua=mailto:d@example.test']);
    expect(answer.records).toHaveLength(2);
  });

  it('MX exchanges are lower case without trailing dot; the null MX is ""', async () => {
    const dns = resolver();
    const mx = await dns.query('example.test', 'MX');
    expect(mx.status === 'ok' && mx.records).toEqual([
      { preference: 10, exchange: 'mx1.example.test' },
      { preference: 20, exchange: 'mx2.example.test' },
    ]);
    const nullMx = await dns.query('null.example.test', 'MX');
    expect(nullMx.status === 'ok' && nullMx.records).toEqual([{ preference: 0, exchange: '' }]);
  });

  it('A, AAAA (RFC 5952 text) and PTR', async () => {
    const dns = resolver();
    const a = await dns.query('mx1.example.test', 'A');
    expect(a.status === 'ok' && a.records).toEqual(['127.0.0.11', '127.0.0.12']);
    const aaaa = await dns.query('mx1.example.test', 'AAAA');
    expect(aaaa.status === 'ok' && aaaa.records).toEqual(['2001:db8::1:0:0:1']);
    const ptr = await dns.query('10.0.0.127.in-addr.arpa', 'PTR');
    expect(ptr.status === 'ok' && ptr.records).toEqual(['mx1.example.test']);
  });

  it('decodes TLSA, DS and DNSKEY', async () => {
    const dns = resolver();
    const tlsa = await dns.query('_25._tcp.mx.signed.test', 'TLSA');
    expect(tlsa.status === 'ok' && tlsa.records).toEqual([{ usage: 3, selector: 1, matchingType: 1, data: TLSA_HASH }]);
    const ds = await dns.query('signed.test', 'DS');
    expect(ds.status === 'ok' && ds.records).toEqual([{ keyTag: 2371, algorithm: 13, digestType: 2, digest: DS_DIGEST }]);
    const dnskey = await dns.query('signed.test', 'DNSKEY');
    expect(dnskey.status === 'ok' && dnskey.records).toEqual([{ flags: 257, protocol: 3, algorithm: 8, publicKey: DNSKEY }]);
    expect(fixture.queries()).toEqual(expect.arrayContaining(['_25._tcp.mx.signed.test TLSA', 'signed.test DS', 'signed.test DNSKEY']));
  });

  it('decodes the SOA', async () => {
    const soa = await resolver().query('example.test', 'SOA');
    expect(soa.status === 'ok' && soa.records[0]).toMatchObject({ mname: 'ns.example.test', rname: 'hostmaster.example.test', serial: 1 });
  });
});

describe('CNAME chains', () => {
  it('follows a chain given in the answer and reports it', async () => {
    const answer = await resolver().query('alias2.example.test', 'A');
    expect(answer).toEqual({ status: 'ok', records: ['127.0.0.11', '127.0.0.12'], ttl: 300, ad: false, cnames: ['alias.example.test', 'mx1.example.test'] });
  });

  it('a CNAME query returns the CNAME itself', async () => {
    const answer = await resolver().query('alias.example.test', 'CNAME');
    expect(answer).toEqual({ status: 'ok', records: ['mx1.example.test'], ttl: 300, ad: false, cnames: [] });
  });

  it('a chain ending in a name without that type is nodata, with the chain, in one query (the SOA says so)', async () => {
    const before = fixture.queryCount();
    expect(await resolver().query('alias.example.test', 'MX')).toEqual({ status: 'nodata', ad: false, cnames: ['mx1.example.test'] });
    expect(fixture.queryCount() - before).toBe(1);
  });

  it('a chain ending in a name that does not exist is nxdomain in one query', async () => {
    const before = fixture.queryCount();
    expect(await resolver().query('lost.example.test', 'A')).toEqual({ status: 'nxdomain', ad: false, cnames: ['gone.example.test'] });
    expect(fixture.queryCount() - before).toBe(1);
  });

  it('asks for the target itself when the server stops at the CNAME', async () => {
    const before = fixture.queryCount();
    const dns = resolver();
    const answer = await dns.query('dangling.example.test', 'A');
    expect(answer).toEqual({ status: 'nxdomain', ad: false, cnames: ['gone.nowhere.test'] });
    expect(fixture.queryCount() - before).toBe(2);
    expect(dns.log.map((entry) => `${entry.name} ${entry.status}`)).toEqual(['dangling.example.test nxdomain', 'gone.nowhere.test nxdomain']);
  });

  it('follows 8 CNAMEs and gives up after that (servfail)', async () => {
    const dns = resolver();
    const eight = await dns.query('eight0.example.test', 'A');
    expect(eight.status === 'ok' && eight.cnames).toHaveLength(8);
    expect(await dns.query('nine0.example.test', 'A')).toEqual({ status: 'servfail' });
  });
});

describe('EDNS and the AD flag', () => {
  it('sets DO, so a validating resolver reports AD for signed names', async () => {
    const dns = resolver();
    expect(await dns.query('signed.test', 'A')).toMatchObject({ status: 'ok', ad: true });
    expect(await dns.query('nothing.signed.test', 'A')).toEqual({ status: 'nxdomain', ad: true, cnames: [] });
    expect(await dns.query('example.test', 'A')).toMatchObject({ status: 'ok', ad: false });
  });

  it('without DO there is no AD', async () => {
    expect(await resolver({ dnssecOk: false }).query('signed.test', 'A')).toMatchObject({ status: 'ok', ad: false });
  });

  it('a truncated UDP reply (TC=1) is asked again over TCP', async () => {
    const small = await startFixtureDnsServer(ZONE, { udpMaxSize: 200 });
    try {
      const dns = createResolver({ servers: [small.server], ...fast });
      const answer = await dns.query('big.example.test', 'TXT');
      expect(answer.status === 'ok' && answer.records).toHaveLength(12);
      expect(small.queryCount()).toBe(2); // once over UDP (truncated), once over TCP
      expect(dns.log[0]).toMatchObject({ status: 'ok', tcp: true, cached: false });
      // A small reply still comes over UDP.
      await dns.query('example.test', 'A');
      expect(dns.log[1]!.tcp).toBeUndefined();
      expect(small.queryCount()).toBe(3);
    } finally {
      await small.close();
    }
  });
});

describe('cache and in-flight sharing', () => {
  it('a second identical question is a cache hit and never goes on the wire', async () => {
    const dns = resolver();
    const before = fixture.queryCount();
    const first = await dns.query('example.test', 'MX');
    const second = await dns.query('Example.Test.', 'MX');
    expect(second).toEqual(first);
    expect(fixture.queryCount() - before).toBe(1);
    expect(dns.log).toHaveLength(2);
    expect(dns.log[0]).toMatchObject({ name: 'example.test', type: 'MX', status: 'ok', cached: false, server: fixture.server });
    expect(dns.log[1]).toMatchObject({ name: 'example.test', type: 'MX', status: 'ok', cached: true, ms: 0 });
  });

  it('N concurrent identical questions send one query', async () => {
    const dns = resolver();
    const before = fixture.queryCount();
    const answers = await Promise.all(Array.from({ length: 20 }, () => dns.query('mx1.example.test', 'A')));
    expect(fixture.queryCount() - before).toBe(1);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(dns.log.filter((entry) => entry.cached)).toHaveLength(19);
  });

  it('failures are cached too: a timeout is not asked again in the same run', async () => {
    const dns = resolver();
    const before = fixture.queryCount();
    await dns.query('slow.example.test', 'A');
    await dns.query('slow.example.test', 'A');
    expect(fixture.queryCount() - before).toBe(1);
  });

  it('CNAME targets share the cache with direct questions', async () => {
    const dns = resolver();
    const before = fixture.queryCount();
    await dns.query('dangling.example.test', 'A');
    await dns.query('gone.nowhere.test', 'A');
    expect(fixture.queryCount() - before).toBe(2);
    expect(dns.log.at(-1)).toMatchObject({ name: 'gone.nowhere.test', cached: true });
  });

  it('logs every question in order of asking, with startedAt relative to the resolver', async () => {
    const dns = resolver();
    await dns.query('example.test', 'A');
    await dns.query('example.test', 'TXT');
    expect(dns.log.map((entry) => entry.type)).toEqual(['A', 'TXT']);
    expect(dns.log[1]!.startedAt).toBeGreaterThanOrEqual(dns.log[0]!.startedAt);
    expect(dns.log[0]!.startedAt).toBeLessThan(1000);
    expect(dns.servers).toEqual([fixture.server]);
  });

  it('keeps the order of asking when answers come back in another order', async () => {
    const dns = resolver();
    const slow = dns.query('slow.example.test', 'A');
    await dns.query('example.test', 'A');
    // The unanswered query is not in the log yet; the answered one is.
    expect(dns.log.map((entry) => entry.name)).toEqual(['example.test']);
    await slow;
    expect(dns.log.map((entry) => `${entry.name} ${entry.status}`)).toEqual(['slow.example.test timeout', 'example.test ok']);
  });

  it('onQuery sees each entry as it completes', async () => {
    const seen: string[] = [];
    const dns = resolver({ onQuery: (entry) => seen.push(`${entry.name} ${entry.type} ${entry.status}`) });
    await dns.query('missing.example.test', 'TXT');
    expect(seen).toEqual(['missing.example.test TXT nxdomain']);
  });
});

describe('concurrency', () => {
  it('independent questions go out together, not one after another', async () => {
    const slow = await startFixtureDnsServer(ZONE, { delayMs: 100 });
    try {
      const dns = createResolver({ servers: [slow.server], timeoutMs: 2000, retries: 0 });
      const names = ['example.test', 'mx1.example.test', 'signed.test', 'null.example.test', 'missing.example.test'];
      await Promise.all(names.flatMap((name) => [dns.query(name, 'A'), dns.query(name, 'TXT'), dns.query(name, 'MX')]));
      // Every question left before the first answer came back (each answer is held 100 ms):
      // in sequence, each would start after the one before it had its answer.
      const wire = dns.log.filter((entry) => !entry.cached);
      const firstAnswer = Math.min(...wire.map((entry) => entry.startedAt + entry.ms));
      expect(Math.max(...wire.map((entry) => entry.startedAt))).toBeLessThan(firstAnswer);
      expect(slow.queryCount()).toBe(15);
    } finally {
      await slow.close();
    }
  });

  it('maxInFlight caps the open sockets', async () => {
    const slow = await startFixtureDnsServer(ZONE, { delayMs: 60 });
    try {
      const dns = createResolver({ servers: [slow.server], timeoutMs: 2000, retries: 0, maxInFlight: 1 });
      const started = Date.now();
      const answers = await Promise.all(['a', 'b', 'c', 'd'].map((label) => dns.query(`${label}.example.test`, 'A')));
      expect(answers.map((answer) => answer.status)).toEqual(['nxdomain', 'nxdomain', 'nxdomain', 'nxdomain']);
      expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 60 - 10);
    } finally {
      await slow.close();
    }
  });
});

describe('overrides', () => {
  it('answers overridden names without the wire, everything else from the servers', async () => {
    const before = fixture.queryCount();
    const dns = resolver({
      overrides: (name, type) =>
        name === 'preview.example.test' && type === 'TXT'
          ? { status: 'ok', records: [['v=spf1 -all']], ttl: 60, ad: false, cnames: [] }
          : undefined,
    });
    expect(await dns.query('Preview.Example.Test', 'TXT')).toEqual({ status: 'ok', records: [['v=spf1 -all']], ttl: 60, ad: false, cnames: [] });
    expect(fixture.queryCount()).toBe(before);
    expect(dns.log[0]).toMatchObject({ server: 'override', cached: false });
    expect((await dns.query('example.test', 'A')).status).toBe('ok');
    expect(fixture.queryCount()).toBe(before + 1);
  });
});

describe('overrides that call back into the resolver', () => {
  it('a chain that leaves the overrides and comes back to the same question is servfail, not a hang', async () => {
    const raw = await startRawServer((query) => buildReply(query, { cname: 'zone.test' }));
    try {
      let dns!: ReturnType<typeof createResolver>;
      dns = createResolver({
        servers: [raw.server],
        ...fast,
        // zone.test is an alias to outside.test, whose answer the servers give.
        overrides: async (name, type) => {
          if (name !== 'zone.test') return undefined;
          const rest = await dns.query('outside.test', type);
          return rest.status === 'ok' || rest.status === 'nodata' || rest.status === 'nxdomain' ? { ...rest, cnames: ['outside.test', ...rest.cnames] } : rest;
        },
      });
      expect(await dns.query('zone.test', 'A')).toEqual({ status: 'servfail' });
      expect(raw.received()).toBe(1);
    } finally {
      await raw.close();
    }
  });
});

describe('timeouts, retries and several servers', () => {
  it('retries a silent server, then answers timeout', async () => {
    const dns = resolver({ timeoutMs: 100, retries: 2 });
    const before = fixture.queryCount();
    const started = Date.now();
    expect(await dns.query('slow.example.test', 'MX')).toEqual({ status: 'timeout' });
    expect(fixture.queryCount() - before).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(dns.log[0]).toMatchObject({ status: 'timeout', server: fixture.server });
  });

  it('asks the second server when the first does not answer', async () => {
    const silent = await startRawServer(() => null);
    try {
      const dns = createResolver({ servers: [silent.server, fixture.server], timeoutMs: 100, retries: 0 });
      const answer = await dns.query('example.test', 'A');
      expect(answer.status).toBe('ok');
      expect(silent.received()).toBe(1);
      expect(dns.log[0]!.server).toBe(fixture.server);
      expect(dns.servers).toEqual([silent.server, fixture.server]);
    } finally {
      await silent.close();
    }
  });

  it('asks the next server after SERVFAIL or REFUSED', async () => {
    const failing = await startFixtureDnsServer({ zone: { 'example.test': 'SERVFAIL', 'refusing.test': 'REFUSED' } });
    try {
      const dns = createResolver({ servers: [failing.server, fixture.server], ...fast });
      expect((await dns.query('example.test', 'A')).status).toBe('ok');
      expect(dns.log[0]!.server).toBe(fixture.server);
      // REFUSED from the first, NXDOMAIN from the second: the answer is the second's.
      expect(await dns.query('refusing.test', 'A')).toEqual({ status: 'nxdomain', ad: false, cnames: [] });
      expect(failing.queryCount()).toBe(2);
    } finally {
      await failing.close();
    }
  });

  it('keeps the last status: SERVFAIL then REFUSED is refused', async () => {
    const first = await startFixtureDnsServer({ zone: { 'x.test': 'SERVFAIL' } });
    const second = await startFixtureDnsServer({ zone: { 'x.test': 'REFUSED' } });
    try {
      const dns = createResolver({ servers: [first.server, second.server], ...fast, retries: 2 });
      expect(await dns.query('x.test', 'A')).toEqual({ status: 'refused' });
      // A server that answered SERVFAIL/REFUSED is not asked again for that question.
      expect(first.queryCount()).toBe(1);
      expect(second.queryCount()).toBe(1);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});

describe('reply matching', () => {
  it('ignores a reply with the wrong id and takes the right one', async () => {
    const raw = await startRawServer((query, send) => {
      send(buildReply(query, { id: (query.id + 1) & 0xffff, a: '192.0.2.66' }));
      setTimeout(() => send(buildReply(query, { a: '127.0.0.99' })), 30);
      return null;
    });
    try {
      const answer = await createResolver({ servers: [raw.server], ...fast }).query('spoof.test', 'A');
      expect(answer.status === 'ok' && answer.records).toEqual(['127.0.0.99']);
    } finally {
      await raw.close();
    }
  });

  it('a reply with the wrong id or the wrong question alone is no reply (timeout)', async () => {
    const raw = await startRawServer((query, send) => {
      send(buildReply(query, { id: query.id ^ 0x8000, a: '192.0.2.66' }));
      send(buildReply(query, { questionName: 'other.test', a: '192.0.2.67' }));
      send(buildReply(query, { questionType: 16, a: '192.0.2.68' }));
      send(Buffer.from([query.id >> 8, query.id & 0xff, 0x81])); // malformed
      return null;
    });
    try {
      const answer = await createResolver({ servers: [raw.server], timeoutMs: 150, retries: 0 }).query('spoof.test', 'A');
      expect(answer).toEqual({ status: 'timeout' });
    } finally {
      await raw.close();
    }
  });

  it('sends a random id, RD, and an EDNS OPT record with DO and a 1232-octet UDP size', async () => {
    const ids: number[] = [];
    let opt: Buffer | undefined;
    const raw = await startRawServer((query) => {
      ids.push(query.id);
      opt = query.message.subarray(query.questionEnd);
      return buildReply(query, { a: '127.0.0.1' });
    });
    try {
      const dns = createResolver({ servers: [raw.server], ...fast });
      await Promise.all(['a.test', 'b.test', 'c.test', 'd.test'].map((name) => dns.query(name, 'A')));
      expect(new Set(ids).size).toBe(4);
      expect(raw.lastFlags() & 0x0100).toBe(0x0100); // RD
      // OPT: root name, type 41, class = UDP size 1232, TTL with the DO bit (RFC 6891 §6.1.2, RFC 3225 §3).
      expect(opt!.subarray(0, 11)).toEqual(Buffer.from([0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0]));
    } finally {
      await raw.close();
    }
  });

  it('asks again without EDNS when the server answers FORMERR to the OPT record (RFC 6891 §7)', async () => {
    const withOpt: boolean[] = [];
    const raw = await startRawServer((query) => {
      const hasOpt = query.message.readUInt16BE(10) > 0;
      withOpt.push(hasOpt);
      return hasOpt ? buildReply(query, { rcode: 1 }) : buildReply(query, { a: '127.0.0.7' });
    });
    try {
      const answer = await createResolver({ servers: [raw.server], ...fast }).query('old.test', 'A');
      expect(answer.status === 'ok' && answer.records).toEqual(['127.0.0.7']);
      expect(withOpt).toEqual([true, false]);
    } finally {
      await raw.close();
    }
  });

  it('an error reply without a question section is still matched by id (SERVFAIL)', async () => {
    const raw = await startRawServer((query) => {
      const header = buildReply(query, { rcode: 2 }).subarray(0, 12);
      header.writeUInt16BE(0, 4); // QDCOUNT 0
      return header;
    });
    try {
      expect(await createResolver({ servers: [raw.server], ...fast }).query('bare.test', 'A')).toEqual({ status: 'servfail' });
    } finally {
      await raw.close();
    }
  });

  it('a chain ending without records is nodata when the SOA is of the zone holding its last name', async () => {
    const raw = await startRawServer((query) => buildReply(query, { cname: 'target.zone.test', soa: 'zone.test' }));
    try {
      const dns = createResolver({ servers: [raw.server], ...fast });
      expect(await dns.query('alias.other.test', 'A')).toEqual({ status: 'nodata', ad: false, cnames: ['target.zone.test'] });
      expect(raw.received()).toBe(1);
    } finally {
      await raw.close();
    }
  });

  it('asks for the target when the SOA is of another zone (the alias\'s): it says nothing about the target', async () => {
    const raw = await startRawServer((query) =>
      query.name === 'alias.other.test' ? buildReply(query, { cname: 'target.zone.test', soa: 'other.test' }) : buildReply(query, { a: '127.0.0.7' }),
    );
    try {
      const dns = createResolver({ servers: [raw.server], ...fast });
      expect(await dns.query('alias.other.test', 'A')).toEqual({ status: 'ok', records: ['127.0.0.7'], ttl: 60, ad: false, cnames: ['target.zone.test'] });
      expect(raw.received()).toBe(2);
    } finally {
      await raw.close();
    }
  });

  it('drops a CNAME loop spread over several replies (servfail) instead of hanging', async () => {
    const raw = await startRawServer((query) =>
      buildReply(query, { cname: query.name === 'ping.test' ? 'pong.test' : 'ping.test' }),
    );
    try {
      const dns = createResolver({ servers: [raw.server], ...fast });
      expect(await dns.query('ping.test', 'A')).toEqual({ status: 'servfail' });
      expect(raw.received()).toBe(2);
    } finally {
      await raw.close();
    }
  });

  it('works with an IPv6 server', async () => {
    const raw = await startRawServer((query) => buildReply(query, { a: '127.0.0.6' }), '::1');
    try {
      const dns = createResolver({ servers: [raw.server], ...fast });
      expect(dns.servers).toEqual([raw.server]);
      const answer: DnsAnswer<string> = await dns.query('six.test', 'A');
      expect(answer.status === 'ok' && answer.records).toEqual(['127.0.0.6']);
    } finally {
      await raw.close();
    }
  });
});

describe('server specs', () => {
  it.each([
    ['127.0.0.1', { host: '127.0.0.1', port: 53, family: 4, label: '127.0.0.1:53' }],
    ['127.0.0.1:5353', { host: '127.0.0.1', port: 5353, family: 4, label: '127.0.0.1:5353' }],
    ['[::1]:5353', { host: '::1', port: 5353, family: 6, label: '[::1]:5353' }],
    ['[2001:db8::53]', { host: '2001:db8::53', port: 53, family: 6, label: '[2001:db8::53]:53' }],
    ['2001:db8::53', { host: '2001:db8::53', port: 53, family: 6, label: '[2001:db8::53]:53' }],
  ])('parses %s', (spec, expected) => {
    expect(parseServerSpec(spec)).toEqual(expected);
  });

  it.each(['', 'dns.example.com', '127.0.0.1:', '127.0.0.1:0', '127.0.0.1:65536', '127.0.0.1:x', '[::1', '[127.0.0.1]:53', '999.1.1.1', '::1]:53'])(
    'refuses %j with a one-line message',
    (spec) => {
      expect(() => parseServerSpec(spec)).toThrow(/^invalid DNS server /);
      try {
        parseServerSpec(spec);
      } catch (error) {
        expect((error as Error).message).not.toContain('\n');
      }
    },
  );

  it('createResolver refuses an invalid server', () => {
    expect(() => createResolver({ servers: ['nope'] })).toThrow(/^invalid DNS server "nope"/);
  });

  it('defaults to the system servers (read from the configuration, not queried)', async () => {
    const { default: dns } = await import('node:dns');
    const system = dns.getServers();
    if (system.length === 0) return expect(() => createResolver()).toThrow(/no DNS servers/);
    expect(createResolver().servers).toEqual(system.map((server) => parseServerSpec(server).label));
  });
});

// ---------------------------------------------------------------------------
// A raw UDP DNS server for misbehaviour the fixture server does not offer.

interface RawQuery {
  id: number;
  name: string;
  type: number;
  message: Buffer;
  /** Offset just past the question section. */
  questionEnd: number;
}

async function startRawServer(
  handler: (query: RawQuery, send: (reply: Buffer) => void) => Buffer | null,
  host = '127.0.0.1',
): Promise<{ server: string; received(): number; lastFlags(): number; close(): Promise<void> }> {
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  let received = 0;
  let flags = 0;
  socket.on('message', (message, remote) => {
    received++;
    flags = message.readUInt16BE(2);
    const labels: string[] = [];
    let at = 12;
    while (message[at]! > 0) {
      labels.push(message.subarray(at + 1, at + 1 + message[at]!).toString('latin1'));
      at += 1 + message[at]!;
    }
    const query: RawQuery = { id: message.readUInt16BE(0), name: labels.join('.'), type: message.readUInt16BE(at + 1), message, questionEnd: at + 5 };
    const send = (reply: Buffer) => socket.send(reply, remote.port, remote.address);
    const reply = handler(query, send);
    if (reply) send(reply);
  });
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  const port = socket.address().port;
  return {
    server: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
    received: () => received,
    lastFlags: () => flags,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter(Boolean).map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'latin1')]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

/** A NOERROR reply to `query`, with one A or CNAME answer (and an SOA owned by `soa` in the authority section); id/question can be forged. */
function buildReply(
  query: RawQuery,
  options: { id?: number; questionName?: string; questionType?: number; a?: string; cname?: string; rcode?: number; soa?: string },
): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(options.id ?? query.id, 0);
  header.writeUInt16BE(0x8180 | (options.rcode ?? 0), 2); // QR, RD, RA, RCODE
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(options.a || options.cname ? 1 : 0, 6);
  const questionType = options.questionType ?? query.type;
  const question = Buffer.concat([encodeName(options.questionName ?? query.name), Buffer.from([questionType >> 8, questionType & 0xff, 0, 1])]);
  if (!options.a && !options.cname) return Buffer.concat([header, question]);
  const rdata = options.cname ? encodeName(options.cname) : Buffer.from(options.a!.split('.').map(Number));
  const type = options.cname ? 5 : 1;
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2);
  fixed.writeUInt32BE(60, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  if (!options.soa) return Buffer.concat([header, question, encodeName(query.name), fixed, rdata]);
  header.writeUInt16BE(1, 8); // NSCOUNT
  const soaData = Buffer.concat([encodeName(`ns.${options.soa}`), encodeName(`hostmaster.${options.soa}`), Buffer.alloc(20, 1)]);
  const soaFixed = Buffer.from([0, 6, 0, 1, 0, 0, 0, 60, soaData.length >> 8, soaData.length & 0xff]);
  return Buffer.concat([header, question, encodeName(query.name), fixed, rdata, encodeName(options.soa), soaFixed, soaData]);
}
