/**
 * Which options open SMTP connections: --no-smtp, or skipping both tls and
 * dane, means no connection to any MX host at all; skipping tls alone leaves
 * dane probing the hosts that publish TLSA records.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { runCli } from './helpers/cli.js';

let dns: FixtureServer;
let smtp: Server;
let port = 0;
let connections = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  smtp = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.end('554 no service here\r\n');
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  port = (smtp.address() as { port: number }).port;
  dns = await startFixtureDnsServer({
    zone: {
      'probed.test': { MX: [[10, 'mx.probed.test']], TXT: ['v=spf1 mx -all'] },
      'mx.probed.test': { A: ['127.0.0.1'] },
      '_25._tcp.mx.probed.test': { TLSA: [[3, 1, 1, '0'.repeat(64)]] },
    },
  });
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  await dns?.close();
});

const run = async (extra: string[]) => {
  const before = connections;
  const result = await runCli(['probed.test', '--resolver', dns.server, '--timeout', '2000', '--smtp-port', String(port), '--probe-timeout', '5000', '--no-blocklist', 'all', '--format', 'json', ...extra]);
  return { ...result, opened: connections - before };
};

describe('SMTP connections', () => {
  it('--no-smtp opens none', async () => {
    const { opened, stdout } = await run(['--no-smtp']);
    expect(JSON.parse(stdout).domain).toBe('probed.test');
    expect(opened).toBe(0);
  }, 60_000);

  it('--skip tls,dane opens none', async () => {
    const { opened, stdout } = await run(['--skip', 'tls,dane']);
    expect(JSON.parse(stdout).domain).toBe('probed.test');
    expect(opened).toBe(0);
  }, 60_000);

  it('--skip tls leaves dane probing the MX host that publishes TLSA', async () => {
    const { opened } = await run(['--skip', 'tls']);
    expect(opened).toBeGreaterThan(0);
  }, 60_000);
});
