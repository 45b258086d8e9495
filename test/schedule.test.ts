/**
 * Scheduling of a whole audit: questions that do not need an answer are not
 * made to wait for it (wall time close to the longest chain of
 * dependent round trips). Each scenario withholds one answer (the server never
 * replies, so the resolver waits its full timeout) and checks which questions
 * left before that timeout ran out: those went out without waiting for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolver } from '../src/dns/resolver.js';
import type { DnsClient, QueryLogEntry } from '../src/dns/types.js';
import { startFixtureDnsServer, type FixtureServer, type FixtureZone } from '../src/testing/fixture-server.js';
import { audit } from '../src/run.js';

/** Long enough that sending every independent question takes far less, even on a loaded machine. */
const TIMEOUT_MS = 1000;

const ZONE: FixtureZone = {
  description: 'audit scheduling',
  zone: {
    // MX withheld: nothing but the MX-dependent checks should wait for it.
    'slowmx.test': { MX: 'TIMEOUT', TXT: ['v=spf1 -all'] },
    '_dmarc.slowmx.test': { TXT: ['v=DMARC1; p=reject'] },
    's1._domainkey.slowmx.test': { TXT: ['v=DKIM1; p='] },
    // MX answered, the MX host's addresses withheld: TLSA, DNSSEC zone and MTA-STS need only the name.
    'slowaddr.test': { MX: [[10, 'mx.slowaddr.test']], TXT: ['v=spf1 -all'] },
    'mx.slowaddr.test': { A: 'TIMEOUT', AAAA: 'TIMEOUT' },
    '_mta-sts.slowaddr.test': { TXT: ['v=STSv1; id=1'] },
  },
};

let server: FixtureServer;
beforeAll(async () => {
  server = await startFixtureDnsServer(ZONE);
});
afterAll(() => server.close());

/** Audits `domain` (no SMTP, no network besides DNS) and returns the resolver's log. */
async function auditLog(domain: string, dkimSelectors?: string[]): Promise<{ log: readonly QueryLogEntry[]; dns: DnsClient }> {
  const dns = createResolver({ servers: [server.server], timeoutMs: TIMEOUT_MS, retries: 0 });
  await audit(domain, { smtp: false, ...(dkimSelectors ? { dkimSelectors } : {}) }, { dns });
  return { log: dns.log, dns };
}

/** The wire query for (name, type). */
function entry(log: readonly QueryLogEntry[], name: string, type: string): QueryLogEntry {
  const found = log.find((item) => item.name === name && item.type === type && !item.cached);
  if (!found) throw new Error(`no query for ${name} ${type}`);
  return found;
}

/** Questions sent before `withheld` gave up (its answer could not have been used). */
function sentBefore(log: readonly QueryLogEntry[], withheld: QueryLogEntry): string[] {
  const deadline = withheld.startedAt + withheld.ms;
  return log.filter((item) => !item.cached && item.startedAt < deadline).map((item) => `${item.name || '.'} ${item.type}`);
}

describe('an audit does not wait for answers it does not need', () => {
  it('DKIM selectors, DNSSEC of the domain, domain blocklists, DMARC, SPF go out without waiting for the MX answer', async () => {
    const { log } = await auditLog('slowmx.test', ['s1']);
    const mx = entry(log, 'slowmx.test', 'MX');
    expect(mx.status).toBe('timeout');
    const early = sentBefore(log, mx);
    expect(early).toEqual(
      expect.arrayContaining([
        's1._domainkey.slowmx.test TXT',
        'selector1._domainkey.slowmx.test TXT',
        'google._domainkey.slowmx.test TXT',
        'slowmx.test SOA',
        '. DNSKEY',
        'slowmx.test.dbl.spamhaus.org A',
        '_dmarc.slowmx.test TXT',
        'slowmx.test TXT',
        '_mta-sts.slowmx.test TXT',
      ]),
    );
    // Every DKIM selector left before the MX answer was given up on.
    const selectors = log.filter((item) => item.name.endsWith('._domainkey.slowmx.test'));
    expect(selectors.length).toBeGreaterThan(20);
    expect(selectors.every((item) => item.startedAt < mx.startedAt + mx.ms)).toBe(true);
  });

  it('TLSA, the MX host\'s DNSSEC zone and the MTA-STS policy host go out without waiting for the MX host\'s addresses', async () => {
    const { log } = await auditLog('slowaddr.test');
    const a = entry(log, 'mx.slowaddr.test', 'A');
    expect(a.status).toBe('timeout');
    expect(sentBefore(log, a)).toEqual(
      expect.arrayContaining(['_25._tcp.mx.slowaddr.test TLSA', 'mx.slowaddr.test SOA', 'mta-sts.slowaddr.test A']),
    );
  });

  it('the zone-apex SOA questions of every level of a name go out together', async () => {
    const { log } = await auditLog('slowaddr.test');
    const soa = ['mx.slowaddr.test', 'slowaddr.test', 'test'].map((name) => entry(log, name, 'SOA'));
    // mx.slowaddr.test has records, so it is its own apex in the fixture: the
    // levels above it were asked before its answer came, not after.
    const first = soa[0]!;
    for (const level of soa.slice(1)) expect(level.startedAt).toBeLessThanOrEqual(first.startedAt + first.ms);
  });
});
