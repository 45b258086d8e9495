/**
 * DNS over HTTPS (RFC 8484) through the real resolver: a local HTTPS server
 * relays each wire-format message to the fixture DNS server over UDP.
 */
import dgram from 'node:dgram';
import https from 'node:https';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolver } from '../src/dns/resolver.js';
import { closeDohAgents, parseDohSpec } from '../src/dns/doh.js';
import { startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { createTestCa, type TestCa } from './helpers/test-ca.js';

interface Seen {
  method: string;
  path: string;
  accept: string | undefined;
  contentType: string | undefined;
  id: number;
}

function relay(message: Buffer, port: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('relay timeout'));
    }, 2000);
    socket.on('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    });
    socket.send(message, port, '127.0.0.1');
  });
}

describe('DNS over HTTPS', () => {
  let fixture: FixtureServer;
  let ca: TestCa;
  let server: https.Server;
  let port = 0;
  const seen: Seen[] = [];
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    fixture = await startFixtureDnsServer({
      secure: ['signed.test'],
      zone: {
        'doh.test': { TXT: ['v=spf1 -all'], MX: [[10, 'mx.doh.test']] },
        'mx.doh.test': { A: ['127.0.0.10'] },
        'signed.test': { A: ['127.0.0.20'] },
      },
    });
    ca = createTestCa();
    const cert = ca.issue({ commonName: 'localhost' });
    server = https.createServer({ cert: cert.chainPem, key: cert.keyPem }, (request, response) => {
      const url = new URL(request.url ?? '/', 'https://localhost');
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', async () => {
        const message = request.method === 'GET' ? Buffer.from(url.searchParams.get('dns') ?? '', 'base64url') : Buffer.concat(chunks);
        seen.push({
          method: request.method ?? '',
          path: url.pathname,
          accept: request.headers.accept,
          contentType: request.headers['content-type'],
          id: message.length >= 2 ? message.readUInt16BE(0) : -1,
        });
        if (url.pathname === '/broken') {
          response.writeHead(500).end();
          return;
        }
        if (url.pathname === '/hang') return;
        const reply = await relay(message, fixture.port);
        response.writeHead(200, { 'content-type': 'application/dns-message' }).end(reply);
      });
    });
    server.on('connection', (socket: net.Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
  });

  afterAll(async () => {
    closeDohAgents();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    await fixture.close();
  });

  it('parses endpoints: POST by default, GET for a {?dns} template, https only', () => {
    expect(parseDohSpec('https://dns.example/dns-query')).toMatchObject({ method: 'POST', label: 'https://dns.example/dns-query' });
    const get = parseDohSpec('https://dns.example/dns-query{?dns}');
    expect(get.method).toBe('GET');
    expect(get.url.href).toBe('https://dns.example/dns-query');
    expect(() => parseDohSpec('http://dns.example/dns-query')).toThrow(/https:\/\//);
    expect(() => parseDohSpec('https://user:pw@dns.example/')).toThrow(/credentials/);
  });

  it('answers over POST with id 0 and application/dns-message, AD flag kept', async () => {
    seen.length = 0;
    const url = `https://localhost:${port}/dns-query`;
    const dns = createResolver({ servers: [url], timeoutMs: 2000, retries: 0, extraCa: [ca.certPem] });
    expect(dns.servers).toEqual([url]);
    expect(await dns.query('doh.test', 'TXT')).toMatchObject({ status: 'ok', records: [['v=spf1 -all']] });
    expect(await dns.query('doh.test', 'MX')).toMatchObject({ status: 'ok', records: [{ preference: 10, exchange: 'mx.doh.test' }] });
    expect(await dns.query('nothing.doh.test', 'A')).toMatchObject({ status: 'nxdomain' });
    expect(await dns.query('signed.test', 'A')).toMatchObject({ status: 'ok', ad: true });
    expect(seen).toHaveLength(4);
    for (const request of seen) {
      expect(request).toMatchObject({ method: 'POST', path: '/dns-query', accept: 'application/dns-message', contentType: 'application/dns-message', id: 0 });
    }
    expect(dns.log.map((entry) => entry.server)).toEqual([url, url, url, url]);
  });

  it('answers over GET for a URI template', async () => {
    seen.length = 0;
    const dns = createResolver({ servers: [`https://localhost:${port}/q{?dns}`], timeoutMs: 2000, retries: 0, extraCa: [ca.certPem] });
    expect(await dns.query('mx.doh.test', 'A')).toMatchObject({ status: 'ok', records: ['127.0.0.10'] });
    expect(seen).toEqual([expect.objectContaining({ method: 'GET', path: '/q', id: 0 })]);
  });

  it('moves to the next server on an HTTP error; a hanging server is a timeout', async () => {
    const dns = createResolver({
      servers: [`https://localhost:${port}/broken`, `https://localhost:${port}/dns-query`],
      timeoutMs: 2000,
      retries: 0,
      extraCa: [ca.certPem],
    });
    expect(await dns.query('doh.test', 'TXT')).toMatchObject({ status: 'ok' });
    const broken = createResolver({ servers: [`https://localhost:${port}/broken`], timeoutMs: 2000, retries: 0, extraCa: [ca.certPem] });
    expect(await broken.query('doh.test', 'TXT')).toEqual({ status: 'servfail' });
    const hang = createResolver({ servers: [`https://localhost:${port}/hang`], timeoutMs: 300, retries: 0, extraCa: [ca.certPem] });
    expect(await hang.query('doh.test', 'TXT')).toEqual({ status: 'timeout' });
  });

  it('refuses a server whose certificate is not trusted (no answer is taken from it)', async () => {
    const dns = createResolver({ servers: [`https://localhost:${port}/dns-query`], timeoutMs: 2000, retries: 0 });
    expect(await dns.query('doh.test', 'TXT')).toEqual({ status: 'timeout' });
  });
});
