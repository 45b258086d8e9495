/**
 * SMTP probes per audit run a few at a time: an MX answer with many hosts
 * never opens more than MAX_SMTP_PROBES_IN_FLIGHT connections at once, and
 * every address is still probed.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSmtpProbes, MAX_SMTP_PROBES_IN_FLIGHT } from '../src/lookups/smtp-probes.js';
import { buildContext, startFixture, type Fixture } from './helpers/context.js';

const HOSTS = 20;
let smtp: Server;
let port = 0;
let open = 0;
let most = 0;
let total = 0;
const sockets = new Set<Socket>();
let fixture: Fixture;

beforeAll(async () => {
  // A server that accepts and never greets: each probe holds its connection until its own timeout.
  smtp = createServer((socket) => {
    total++;
    open++;
    most = Math.max(most, open);
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      open--;
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  port = (smtp.address() as { port: number }).port;
  const zone: Record<string, unknown> = { 'many.test': { MX: Array.from({ length: HOSTS }, (_, i) => [10, `mx${i}.many.test`]) } };
  for (let i = 0; i < HOSTS; i++) zone[`mx${i}.many.test`] = { A: ['127.0.0.1'] };
  fixture = await startFixture({ description: 'many MX hosts', zone } as never, { timeoutMs: 5000, retries: 1 });
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  await fixture?.close();
});

describe('SMTP probe concurrency', () => {
  it(`opens at most ${MAX_SMTP_PROBES_IN_FLIGHT} connections at once and still probes every address`, async () => {
    const base = buildContext('many.test', fixture.dns, { smtpPort: port, probeTimeoutMs: 1000 });
    // Probes in flight, counted where they start and end (the server sees a close only later).
    let inFlight = 0;
    let mostInFlight = 0;
    const ctx = {
      ...base,
      net: {
        ...base.net,
        probeSmtp: async (host: string, address: string) => {
          mostInFlight = Math.max(mostInFlight, ++inFlight);
          try {
            return await base.net.probeSmtp(host, address);
          } finally {
            inFlight--;
          }
        },
      },
    };
    const { hosts } = await getSmtpProbes(ctx);
    expect(mostInFlight).toBe(MAX_SMTP_PROBES_IN_FLIGHT);
    expect(hosts).toHaveLength(HOSTS);
    expect(hosts.every((host) => host.probes.length === 1)).toBe(true);
    expect(total).toBe(HOSTS);
    // The server sees each close late, so its count only shows the probes did not all open at once.
    expect(most).toBeLessThan(HOSTS);
  }, 120_000);
});
