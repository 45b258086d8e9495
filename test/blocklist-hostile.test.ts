/**
 * Blocklist answers that must never read as "listed": a resolver that
 * answers 127.0.0.2 for every name (a sinkhole), codes a list does not
 * document, and 127.0.0.1 (a refusal) from a URIBL/SURBL zone or an in-house
 * list added with --blocklist.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blocklistCheck } from '../src/checks/blocklist/index.js';
import { createResolver } from '../src/dns/resolver.js';
import { selectBlocklists } from '../src/blocklist/lists.js';
import { queryList } from '../src/blocklist/query.js';
import { buildContext, findingIds, runCheck } from './helpers/context.js';
import { startHostileDns, type HostileServer } from './helpers/hostile-dns.js';

let sinkhole: HostileServer;
let refusing: HostileServer;
beforeAll(async () => {
  // Every A question gets 127.0.0.2.
  sinkhole = await startHostileDns((question) => (question.type === 1 ? { answers: [{ name: question.name, type: 1, data: '127.0.0.2' }] } : {}));
  // Every A question gets 127.0.0.1 ("refused" for URIBL and SURBL), or 127.0.0.99 under undocumented.test.
  refusing = await startHostileDns((question) =>
    question.type === 1 ? { answers: [{ name: question.name, type: 1, data: question.name.endsWith('.odd.bl.test') ? '127.0.0.99' : '127.0.0.1' }] } : {},
  );
});
afterAll(async () => {
  await sinkhole?.close();
  await refusing?.close();
});

const resolver = (server: HostileServer) => createResolver({ servers: [server.server], timeoutMs: 3000, retries: 0 });

describe('blocklist answers that are not listings', () => {
  it('a resolver that lists everything (the RFC 5782 §5 test entry too) lists nothing, and the check is inconclusive', async () => {
    const ctx = buildContext('sink.test', resolver(sinkhole), { ips: ['192.0.2.1'] });
    const result = await runCheck(blocklistCheck, ctx);
    expect(findingIds(result)).toEqual([]);
    expect(result.status).toBe('error');
    expect((result.facts.untrustedLists as string[]).length).toBeGreaterThanOrEqual(7);
    expect((result.facts.summary as { listed: number }).listed).toBe(0);
  });

  it('127.0.0.1 from an added URIBL or SURBL zone is a refusal, from an in-house list unusable; never a listing', async () => {
    const dns = resolver(refusing);
    const [uribl, surbl, inHouse] = selectBlocklists({ add: ['black.uribl.com', 'abuse.surbl.org', 'ours.bl.test'], drop: ['all'] });
    expect((await queryList(dns, uribl!, 'example.test')).outcome).toBe('refused');
    expect((await queryList(dns, surbl!, 'example.test')).outcome).toBe('refused');
    expect((await queryList(dns, inHouse!, 'example.test')).outcome).toBe('unexpected');
  });

  it('a code a list does not document is unusable, never a listing', async () => {
    const [odd] = selectBlocklists({ add: ['zen.odd.bl.test'], drop: ['all'] });
    const answer = await queryList(resolver(refusing), odd!, '192.0.2.1');
    // A generic list: any 127/8 code but 127.0.0.1 is a listing.
    expect(answer.outcome).toBe('listed');
    const spamcop = selectBlocklists().find((list) => list.zone === 'bl.spamcop.net')!;
    expect(spamcop.interpret('127.0.0.99').class).toBe('unknown');
  });
});
