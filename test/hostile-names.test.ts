/**
 * Names from DNS or from input that cannot be asked (a control or non-ASCII
 * byte in an MX name, a name over 253 octets once a prefix is added) end a
 * check inconclusive with a clear message, never as an internal error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../src/run.js';
import { createResolver } from '../src/dns/resolver.js';
import { startHostileDns, type HostileServer } from './helpers/hostile-dns.js';

let server: HostileServer;
/** Every question the server was asked, as `name type`. */
const asked: string[] = [];
/** A logo host of 304 characters: more than a DNS name can hold. */
const LONG_HOST = `${'a'.repeat(60)}.`.repeat(5) + 'test';
const long = `${Array.from({ length: 3 }, () => 'a'.repeat(63)).join('.')}.${'b'.repeat(56)}.test`; // 253 octets
beforeAll(async () => {
  server = await startHostileDns((question) => {
    asked.push(`${question.name} ${question.type}`);
    // One label `mx.a` (a dot inside a label, legal on the wire): not the two labels `mx` and `a`.
    if (question.name === 'dotted.test' && question.type === 15) return { answers: [{ name: 'dotted.test', type: 15, data: '10 mx\\.a.dotted.test' }] };
    if (question.name === 'ctl.test' && question.type === 15) return { answers: [{ name: 'ctl.test', type: 15, data: '10 mx\u001b[31m.ctl.test' }] };
    if (question.name === 'latin.test' && question.type === 15) return { answers: [{ name: 'latin.test', type: 15, data: '10 mx\u00e9.latin.test' }] };
    if (question.name === '_dmarc.longlogo.test' && question.type === 16) return { answers: [{ name: question.name, type: 16, data: 'v=DMARC1; p=reject' }] };
    if (question.name === 'default._bimi.longlogo.test' && question.type === 16) {
      return { answers: [{ name: question.name, type: 16, data: `v=BIMI1; l=https://${LONG_HOST}/l.svg;` }] };
    }
    return {};
  });
});
afterAll(async () => {
  await server?.close();
});

const run = (domain: string, checks: string[]) =>
  audit(domain, { checks, smtp: false, noBlocklists: ['all'] }, { dns: createResolver({ servers: [server.server], timeoutMs: 3000, retries: 0 }) });

describe('names that cannot be asked', () => {
  it.each(['ctl.test', 'latin.test'])('an MX name with a control or non-ASCII byte (%s) is inconclusive, not an internal error', async (domain) => {
    const [report] = await run(domain, ['mx', 'ptr', 'tls', 'dane', 'mta-sts', 'tls-rpt', 'blocklist']);
    for (const check of report!.checks) {
      expect(check.error ?? '', check.id).not.toMatch(/internal error/);
    }
    const mx = report!.checks.find((check) => check.id === 'mx')!;
    expect(mx.status).toBe('error');
    expect(mx.error).toMatch(/^a name cannot be asked in DNS: /);
    // The raw escape byte never reaches the message.
    expect(mx.error).not.toContain('\u001b');
  });

  it('a BIMI logo URL whose host is over 253 characters is inconclusive, not an internal error', async () => {
    const [report] = await run('longlogo.test', ['bimi']);
    const bimi = report!.checks.find((check) => check.id === 'bimi')!;
    expect(bimi.status).toBe('error');
    expect(bimi.error).toMatch(/^a name cannot be asked in DNS: DNS name is longer than 253 characters/);
  });

  it('a 253-octet domain: the _dmarc. and _mta-sts. names are over 253 octets; no internal error', async () => {
    expect(long.length).toBe(253);
    const [report] = await run(long, ['dmarc', 'mta-sts', 'tls-rpt', 'bimi']);
    for (const check of report!.checks) expect(check.error ?? '', check.id).not.toMatch(/internal error/);
  });

  it('an MX name with a dot inside a label is shown escaped (RFC 1035 §5.1) and never asked as another name', async () => {
    const [report] = await run('dotted.test', ['mx', 'ptr', 'tls', 'dane', 'mta-sts', 'blocklist']);
    for (const check of report!.checks) expect(check.error ?? '', check.id).not.toMatch(/internal error/);
    const mx = report!.checks.find((check) => check.id === 'mx')!;
    expect(mx.status).toBe('error');
    expect(mx.error).toBe('a name cannot be asked in DNS: DNS name has a dot or backslash inside a label (shown escaped): mx\\.a.dotted.test');
    // `mx.a.dotted.test` (four labels) is a different name: it is never asked.
    expect(asked.filter((line) => line.startsWith('mx.a.dotted.test '))).toEqual([]);
  });
});
