/**
 * The network guard (test/setup/network-guard.ts) is installed in every test
 * worker: anything outside 127.0.0.0/8 and ::1 throws before a packet leaves.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from './setup/network-guard.js';

const BLOCKED = /^test tried to reach .*: tests may only use 127\.0\.0\.0\/8/;

describe('network guard', () => {
  it('blocks TCP connects outside loopback, in every call form', () => {
    expect(() => net.connect(80, '192.0.2.1')).toThrow(BLOCKED);
    expect(() => net.connect({ host: '2001:db8::1', port: 443 })).toThrow(BLOCKED);
    expect(() => new net.Socket().connect(25, 'mx.example.com')).toThrow(BLOCKED);
    expect(() => net.createConnection({ port: 25, host: '10.1.2.3' })).toThrow(/10\.1\.2\.3:25/);
  });

  it('blocks TLS connects outside loopback', () => {
    expect(() => tls.connect({ host: '198.51.100.7', port: 443 })).toThrow(BLOCKED);
    expect(() => tls.connect(443, 'example.com')).toThrow(BLOCKED);
  });

  it('blocks UDP sends and connects outside loopback', () => {
    const socket = dgram.createSocket('udp4');
    try {
      expect(() => socket.send(Buffer.from('x'), 53, '8.8.8.8')).toThrow(BLOCKED);
      expect(() => socket.send(Buffer.from('x'), 0, 1, 5353, '192.0.2.9')).toThrow(BLOCKED);
      expect(() => socket.connect(53, '1.1.1.1')).toThrow(BLOCKED);
    } finally {
      socket.close();
    }
  });

  it('blocks port 53 even on loopback (a local stub resolver forwards to the internet)', () => {
    const socket = dgram.createSocket('udp4');
    try {
      expect(() => socket.send(Buffer.from('x'), 53, '127.0.0.53')).toThrow(BLOCKED);
    } finally {
      socket.close();
    }
  });

  it("blocks Node's own resolver when it points outside loopback", async () => {
    const resolver = new dns.promises.Resolver();
    resolver.setServers(['192.0.2.53']);
    expect(() => resolver.resolveTxt('example.com')).toThrow(BLOCKED);
    expect(() => dns.lookup('example.com', () => undefined)).toThrow(BLOCKED);
    // What mailauth falls back to without a resolver option: the system's servers (never loopback on
    // port 53 in a test: a local stub resolver forwards to the internet).
    expect(() => dns.promises.resolve('example.com', 'TXT')).toThrow(BLOCKED);
  });

  it('lets loopback traffic through', async () => {
    const server = net.createServer((socket) => socket.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const text = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, 'localhost');
      let data = '';
      socket.on('data', (chunk) => (data += chunk));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    await new Promise((resolve) => server.close(resolve));
    expect(text).toBe('ok');
  });

  it('classifies addresses', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('127.255.1.2')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('[::1]')).toBe(true);
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('localhost')).toBe(true);
    expect(isLoopbackAddress('128.0.0.1')).toBe(false);
    expect(isLoopbackAddress('::2')).toBe(false);
    expect(isLoopbackAddress('::ffff:10.0.0.1')).toBe(false);
    expect(isLoopbackAddress('localhost.example.com')).toBe(false);
  });
});
