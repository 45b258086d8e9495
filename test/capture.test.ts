import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaptureError, captureDns, parseCapture, replayDns, serializeCapture } from '../src/dns/capture.js';
import { createResolver } from '../src/dns/resolver.js';
import { startFixtureDnsServer, type FixtureServer, type FixtureZone } from '../src/testing/fixture-server.js';
import { audit } from '../src/run.js';
import type { Report } from '../src/schema/report.js';

const ZONE: FixtureZone = {
  zone: {
    'capture.test': { MX: [[10, 'mx.capture.test']], TXT: ['v=spf1 mx -all', ['v=other; ', 'split']] },
    'mx.capture.test': { A: ['127.0.0.10'] },
    'alias.capture.test': { CNAME: ['mx.capture.test'] },
    '_dmarc.capture.test': { TXT: ['v=DMARC1; p=none'] },
    '10.0.0.127.in-addr.arpa': { PTR: ['mx.capture.test'] },
    'down.capture.test': 'SERVFAIL',
  },
};

/** A report without what legitimately differs between two runs. */
function stable(report: Report) {
  return {
    ...report,
    generatedAt: '',
    checks: report.checks.map((check) => ({ ...check, durationMs: 0 })),
  };
}

describe('--save-dns / --replay', () => {
  let server: FixtureServer;
  beforeAll(async () => {
    server = await startFixtureDnsServer(ZONE);
  });
  afterAll(() => server.close());

  it('records each distinct question once, answers as the checks saw them', async () => {
    const dns = captureDns(createResolver({ servers: [server.server], timeoutMs: 1500, retries: 0 }));
    await Promise.all([dns.query('capture.test', 'TXT'), dns.query('Capture.Test.', 'TXT')]);
    await dns.query('alias.capture.test', 'A');
    await dns.query('nope.capture.test', 'A');
    await dns.query('down.capture.test', 'A');
    const capture = dns.capture();
    expect(capture.servers).toEqual([server.server]);
    expect(capture.answers.map((entry) => `${entry.name} ${entry.type} ${entry.answer.status}`)).toEqual([
      'capture.test TXT ok',
      'alias.capture.test A ok',
      'nope.capture.test A nxdomain',
      'down.capture.test A servfail',
    ]);
    expect(capture.answers[0]!.answer).toMatchObject({ records: [['v=spf1 mx -all'], ['v=other; ', 'split']] });
    expect(capture.answers[1]!.answer).toMatchObject({ records: ['127.0.0.10'], cnames: ['mx.capture.test'] });
    // The file round-trips.
    expect(parseCapture(serializeCapture(capture))).toEqual(capture);
  });

  it('replays without any socket; unknown questions are SERVFAIL, never absent', async () => {
    const recorded = captureDns(createResolver({ servers: [server.server], timeoutMs: 1500, retries: 0 }));
    const original = await recorded.query('alias.capture.test', 'A');
    const before = server.queryCount();
    const replay = replayDns(parseCapture(serializeCapture(recorded.capture())));
    expect(await replay.query('ALIAS.capture.test.', 'A')).toEqual(original);
    expect(await replay.query('capture.test', 'MX')).toEqual({ status: 'servfail' });
    expect(replay.servers).toEqual(['replay']);
    expect(replay.log.map((entry) => [entry.name, entry.status, entry.cached])).toEqual([
      ['alias.capture.test', 'ok', false],
      ['capture.test', 'servfail', false],
    ]);
    expect(server.queryCount()).toBe(before);
  });

  it('a whole audit replays to the same report', async () => {
    const options = { checks: ['mx', 'spf', 'ptr'] };
    const recorded = captureDns(createResolver({ servers: [server.server], timeoutMs: 1500, retries: 0 }));
    const [first] = await audit('capture.test', options, { dns: recorded });
    const text = serializeCapture(recorded.capture());
    const before = server.queryCount();
    const [again] = await audit('capture.test', options, { dns: replayDns(parseCapture(text)) });
    expect(server.queryCount()).toBe(before);
    expect(stable(again!)).toEqual({ ...stable(first!), dns: { ...first!.dns, servers: ['replay'] } });
  });

  it('rejects files that are not captures', () => {
    expect(() => parseCapture('nope', 'x.json')).toThrow(CaptureError);
    expect(() => parseCapture('{"format":"other"}', 'x.json')).toThrow(/x.json is not a mailcheck DNS capture .* at format/);
    expect(() =>
      parseCapture(JSON.stringify({ format: 'mailcheck-dns-capture', version: 1, servers: [], savedAt: '', answers: [{ name: 'a', type: 'A', answer: { status: 'weird' } }] })),
    ).toThrow(CaptureError);
  });
});
