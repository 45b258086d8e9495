/**
 * HTTPS servers that misbehave, as real local servers: MTA-STS policies and
 * BIMI logos that are huge, endless (a body that never ends), dripped a byte
 * at a time, redirecting (RFC 8461 §3.3: not followed), a TLS server that
 * never finishes the handshake, and logos that are XML bombs (billion laughs,
 * an external entity) or built against regular expressions. Each case ends on
 * its own bounds (the body cap, the fetch timeout, the parser's limits), with
 * the finding it deserves; the CLI keeps its heap under 128 MB and shows the
 * hostile bytes escaped.
 */
import https from 'node:https';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mtaStsCheck } from '../src/checks/mta-sts.js';
import { checkSvgTinyPs } from '../src/bimi/svg.js';
import { fetchHttps } from '../src/net/https-fetch.js';
import type { CheckResult } from '../src/schema/report.js';
import { runCli, type CliResult } from './helpers/cli.js';
import { findingIds, runCheck, startFixture, type Fixture } from './helpers/context.js';
import { createTestCa, type TestCa } from './helpers/test-ca.js';

const PATH = '/.well-known/mta-sts.txt';
const POLICY = 'version: STSv1\r\nmode: enforce\r\nmx: mx.hostile-sts.test\r\nmax_age: 604800\r\n';
const DOMAINS = ['huge', 'endless', 'drip', 'redirect', 'escape', 'stall'].map((name) => `${name}.hostile-sts.test`);

let ca: TestCa;
let server: https.Server;
let stall: net.Server;
let httpsPort = 0;
let stallPort = 0;
let fixture: Fixture;
const sockets = new Set<net.Socket>();
const requests: string[] = [];

/** Writes `chunk` until the client goes away (the body never ends). */
function endless(response: import('node:http').ServerResponse, chunk: string): void {
  response.writeHead(200, { 'content-type': 'text/plain' });
  const pump = () => {
    while (!response.destroyed && response.write(chunk));
    if (!response.destroyed) response.once('drain', pump);
  };
  pump();
}

beforeAll(async () => {
  ca = createTestCa();
  const issued = ca.issue({ commonName: `mta-sts.${DOMAINS[0]}`, altNames: DOMAINS.map((domain) => `mta-sts.${domain}`).concat('logo.hostile-sts.test') });
  server = https.createServer({ cert: issued.chainPem, key: issued.keyPem }, (request, response) => {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    requests.push(`${host} ${request.url}`);
    const name = host.replace(/^mta-sts\./, '').split('.')[0];
    if (host === 'logo.hostile-sts.test') return endless(response, '<g>'.repeat(1000));
    switch (name) {
      case 'huge':
        response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(10 * 1024 * 1024) });
        response.end(Buffer.alloc(10 * 1024 * 1024, 'a'));
        return;
      case 'endless':
        return endless(response, 'mx: mx.hostile-sts.test\r\n'.repeat(100));
      case 'drip': {
        response.writeHead(200, { 'content-type': 'text/plain' });
        const timer = setInterval(() => (response.destroyed ? clearInterval(timer) : response.write('v')), 100);
        response.on('close', () => clearInterval(timer));
        return;
      }
      case 'redirect':
        response.writeHead(301, { location: `https://mta-sts.huge.hostile-sts.test${PATH}` });
        response.end();
        return;
      case 'escape':
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(`${POLICY}mode: \u001b]0;owned\u0007\u202eenforce\r\n`);
        return;
      default:
        response.writeHead(404);
        response.end();
    }
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined);
  // Accepts TCP and never answers the ClientHello: the handshake never finishes.
  stall = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await Promise.all([
    new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)),
    new Promise<void>((resolve) => stall.listen(0, '127.0.0.1', resolve)),
  ]);
  httpsPort = (server.address() as net.AddressInfo).port;
  stallPort = (stall.address() as net.AddressInfo).port;
  const zone: Record<string, unknown> = { 'mx.hostile-sts.test': { A: ['127.0.0.1'] }, 'logo.hostile-sts.test': { A: ['127.0.0.1'] } };
  for (const domain of DOMAINS) {
    zone[domain] = { MX: [[10, 'mx.hostile-sts.test']] };
    zone[`_mta-sts.${domain}`] = { TXT: ['v=STSv1; id=1'] };
    zone[`mta-sts.${domain}`] = { A: ['127.0.0.1'] };
  }
  fixture = await startFixture({ description: 'MTA-STS policy hosts that misbehave', zone } as never);
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all([new Promise((resolve) => server?.close(resolve)), new Promise((resolve) => stall?.close(resolve))]);
  await fixture?.close();
});

// Generous: a local server must answer within it on a loaded machine; the drip and the stall end on it.
const FETCH_TIMEOUT_MS = 5000;

function audit(name: string, port = httpsPort): Promise<CheckResult> {
  return runCheck(mtaStsCheck, fixture.ctx(`${name}.hostile-sts.test`, { httpsPort: port, extraCa: [ca.certPem], probeTimeoutMs: FETCH_TIMEOUT_MS }));
}

const policyFacts = (result: CheckResult) => result.facts.policy as { fetch: string; httpStatus?: number; bytes?: number; parsed?: { errors: string[] } };

describe('MTA-STS policy servers that misbehave', () => {
  it('a 10 MB policy: read up to 64 KiB, then invalid (too large)', async () => {
    const result = await audit('huge');
    expect(findingIds(result)).toEqual(['mta-sts/invalid-policy']);
    expect(policyFacts(result).bytes).toBe(65536);
    expect(policyFacts(result).parsed!.errors[0]).toMatch(/65536/);
  }, 60_000);

  it('a body that never ends: cut at 64 KiB, invalid, the connection closed', async () => {
    const result = await audit('endless');
    expect(findingIds(result)).toEqual(['mta-sts/invalid-policy']);
    expect(policyFacts(result).parsed!.errors[0]).toMatch(/65536/);
  }, 60_000);

  it('a policy dripped a byte at a time: the fetch times out, unreachable (timeout)', async () => {
    const result = await audit('drip');
    expect(findingIds(result)).toEqual(['mta-sts/policy-unreachable']);
    expect(policyFacts(result).fetch).toBe('timeout');
  }, 60_000);

  it('a redirect is reported, not followed (RFC 8461 §3.3)', async () => {
    const before = requests.filter((line) => line.startsWith('mta-sts.huge.')).length;
    const result = await audit('redirect');
    expect(findingIds(result)).toEqual(['mta-sts/policy-unreachable']);
    expect(policyFacts(result).httpStatus).toBe(301);
    expect(requests.filter((line) => line.startsWith('mta-sts.huge.')).length).toBe(before);
  }, 60_000);

  it('a TLS server that never finishes the handshake: the fetch times out', async () => {
    const result = await audit('stall', stallPort);
    expect(findingIds(result)).toEqual(['mta-sts/policy-unreachable']);
    expect(policyFacts(result).fetch).toBe('timeout');
  }, 60_000);
});

describe('BIMI logos that misbehave', () => {
  it('a logo that never ends is cut at the cap given', async () => {
    const result = await fetchHttps(fixture.dns, `https://logo.hostile-sts.test:${httpsPort}/logo.svg`, { port: 443, timeoutMs: FETCH_TIMEOUT_MS, ca: [ca.certPem] }, { maxBytes: 64 * 1024 });
    expect(result).toMatchObject({ status: 'ok', truncated: true });
    expect(result.status === 'ok' && result.body.length).toBe(64 * 1024);
  }, 60_000);

  const svg = (inner: string, doctype = '') =>
    Buffer.from(`<?xml version="1.0"?>${doctype}<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny-ps" viewBox="0 0 10 10"><title>t</title>${inner}</svg>`);

  it('billion laughs: no entity is expanded, the document is rejected', () => {
    const laughs = `<!DOCTYPE svg [<!ENTITY a "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')}]>`;
    const result = checkSvgTinyPs(svg('<text>&j;</text>', laughs));
    expect(result.violations.length).toBeGreaterThan(0);
    expect(JSON.stringify(result)).not.toContain('lollol');
  });

  it('an external entity is never fetched nor read', () => {
    const result = checkSvgTinyPs(svg('<text>&x;</text>', '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'));
    expect(result.violations.length).toBeGreaterThan(0);
    expect(JSON.stringify(result)).not.toContain('root:');
  });

  it('CSS and lengths built against regular expressions are read in linear time', () => {
    // Each of these took minutes to hours with backtracking patterns (3,000 spaces: 26 s).
    const style = checkSvgTinyPs(svg(`<style>url(${' '.repeat(200_000)}</style><style>@import${' '.repeat(200_000)}</style>`));
    expect(style.facts.rootElement).toBe('svg');
    const length = checkSvgTinyPs(
      Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${'1'.repeat(200_000)}x" height="1${' '.repeat(200_000)}x" viewBox="0 0 10 10"><title>t</title></svg>`),
    );
    expect(length.facts.rootElement).toBe('svg');
  });
});

/** Runs the built CLI on one domain of this file's zone, its heap capped at 128 MB. */
async function cli(domain: string): Promise<CliResult> {
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/mailcheck-https-hostile-`);
  writeFileSync(`${dir}/ca.pem`, ca.certPem);
  const args = [
    domain,
    '--resolver',
    `127.0.0.1:${fixture.server.port}`,
    '--checks',
    'mta-sts',
    '--https-port',
    String(httpsPort),
    '--ca-file',
    `${dir}/ca.pem`,
    '--verbose',
    '--no-color',
  ];
  return runCli(args, { nodeArgs: ['--max-old-space-size=128'] });
}

describe('the CLI against a hostile policy', () => {
  it('shows a policy\'s control and bidi characters escaped, within 128 MB of heap', async () => {
    const { code, stdout, stderr } = await cli('escape.hostile-sts.test');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(1);
    expect(stdout).toContain('mta-sts/invalid-policy');
    for (const raw of ['\u001b', '\u0007', '\u202e']) {
      expect(stdout).not.toContain(raw);
      expect(stderr).not.toContain(raw);
    }
  }, 60_000);

  it('a policy that never ends: exit 1 (invalid policy), within 128 MB of heap', async () => {
    const { code, stdout, stderr } = await cli('endless.hostile-sts.test');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(1);
    expect(stdout).toContain('mta-sts/invalid-policy');
  }, 60_000);
});
