/**
 * The resolver against servers that misbehave: a reply still truncated over
 * TCP, and a NOERROR reply holding only another name's records, are errors
 * (SERVFAIL), never absence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolver } from '../src/dns/resolver.js';
import { startHostileDns, type HostileServer } from './helpers/hostile-dns.js';

let server: HostileServer;
beforeAll(async () => {
  server = await startHostileDns((question) => {
    // Truncated over UDP and over TCP: the TCP reply is incomplete too.
    if (question.name === 'truncated.hostile.test') return { tc: true };
    // Records of another name only.
    if (question.name === 'unrelated.hostile.test') return { answers: [{ name: 'elsewhere.hostile.test', type: 1, data: '127.0.0.9' }] };
    if (question.name === 'fine.hostile.test' && question.type === 16) return { answers: [{ name: 'fine.hostile.test', type: 16, data: 'v=spf1 -all' }] };
    return {};
  });
});
afterAll(async () => {
  await server?.close();
});

const resolver = () => createResolver({ servers: [server.server], timeoutMs: 3000, retries: 0 });

describe('hostile DNS replies', () => {
  it('a reply still truncated over TCP is SERVFAIL, not NODATA', async () => {
    expect(await resolver().query('truncated.hostile.test', 'TXT')).toEqual({ status: 'servfail' });
  });

  it('a NOERROR reply holding only another name\'s records is SERVFAIL, not NODATA', async () => {
    expect(await resolver().query('unrelated.hostile.test', 'MX')).toEqual({ status: 'servfail' });
    expect(await resolver().query('unrelated.hostile.test', 'A')).toEqual({ status: 'servfail' });
  });

  it('a plain reply and a plain NODATA still read as such', async () => {
    expect(await resolver().query('fine.hostile.test', 'TXT')).toMatchObject({ status: 'ok', records: [['v=spf1 -all']] });
    expect(await resolver().query('fine.hostile.test', 'MX')).toMatchObject({ status: 'nodata' });
  });
});
