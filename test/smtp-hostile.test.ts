/**
 * SMTP servers that break the protocol, each a probe state and a tls finding
 * of its own (never "unreachable"): garbage instead of a reply, a 4xx/5xx
 * greeting, a STARTTLS it offers and refuses, a reply of endless continuation
 * lines, an endless line, a connection closed in the middle of a reply. Each
 * probe ends on its own, bounded in time and memory, and the CLI shows what
 * the server sent escaped.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeSmtp } from '../src/net/smtp-probe.js';
import { tlsCheck } from '../src/checks/tls.js';
import { runCli } from './helpers/cli.js';
import { runCheck, startFixture, type Fixture } from './helpers/context.js';

type Script = (socket: net.Socket) => void;

/** After the greeting, answers EHLO with STARTTLS and STARTTLS with `starttls`. */
const dialogue =
  (greeting: string, starttls = '454 4.7.0 TLS not available due to local problem\r\n'): Script =>
  (socket) => {
    socket.write(greeting);
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let index: number;
      while ((index = buffer.indexOf('\n')) >= 0) {
        const verb = buffer.slice(0, index).trim().split(' ')[0]!.toUpperCase();
        buffer = buffer.slice(index + 1);
        if (verb === 'EHLO') socket.write('250-hostile.test\r\n250 STARTTLS\r\n');
        else if (verb === 'STARTTLS') socket.write(starttls);
        else if (verb === 'QUIT') socket.end('221 bye\r\n');
      }
    });
  };

/** Writes `line` for ever (as fast as the reader takes it) until the connection closes. */
const endless =
  (first: string, line: string): Script =>
  (socket) => {
    socket.write(first);
    let open = true;
    socket.on('close', () => (open = false));
    const pump = () => {
      while (open && socket.write(line));
      if (open) socket.once('drain', pump);
    };
    pump();
  };

const SCRIPTS: Record<string, Script> = {
  // Another protocol on the port, with a terminal escape in it.
  garbage: (socket) => socket.write('HTTP/1.1 400 Bad Request\r\n\u001b[2Jgone\r\n'),
  banner421: (socket) => socket.write('421 4.3.2 too busy, try later\r\n'),
  starttls454: dialogue('220 hostile.test ESMTP\r\n'),
  continuation: endless('220-hostile.test\r\n', '220-and more\r\n'),
  longLine: endless('220 ', 'x'.repeat(1024)),
  closedMidReply: (socket) => socket.end('220-hostile.test first line\r\n220-second li'),
};

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
const ports: Record<string, number> = {};
let fixture: Fixture;

beforeAll(async () => {
  for (const [name, script] of Object.entries(SCRIPTS)) {
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
      script(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    ports[name] = (server.address() as net.AddressInfo).port;
  }
  fixture = await startFixture({
    description: 'a domain whose MX host is a local hostile SMTP server',
    zone: { 'smtp-hostile.test': { MX: [[10, 'mx.smtp-hostile.test']] }, 'mx.smtp-hostile.test': { A: ['127.0.0.1'] } },
  } as never);
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  await fixture?.close();
});

// Generous: each case ends on its own, long before this.
const TIMEOUT_MS = 20_000;
const probe = (name: string) =>
  probeSmtp('mx.smtp-hostile.test', '127.0.0.1', { port: ports[name]!, heloName: 'mailcheck.invalid', timeoutMs: TIMEOUT_MS, skipLegacy: true });

describe('SMTP protocol errors are what they are', () => {
  const table: Array<[name: string, state: string, stage: string, finding: string]> = [
    ['garbage', 'malformed-reply', 'banner', 'tls/malformed-reply'],
    ['banner421', 'session-refused', 'banner', 'tls/session-refused'],
    ['starttls454', 'starttls-rejected', 'starttls', 'tls/starttls-refused'],
    ['continuation', 'reply-too-long', 'banner', 'tls/reply-too-long'],
    ['longLine', 'reply-too-long', 'banner', 'tls/reply-too-long'],
    ['closedMidReply', 'connection-closed', 'banner', 'tls/connection-closed'],
  ];

  it.each(table)('%s: probe state %s at the %s, finding %s', async (name, state, stage, finding) => {
    const result = await probe(name);
    expect(result.state).toBe(state);
    expect(result.error?.stage).toBe(stage);
    // Bounded: the transcript keeps at most 201 lines of at most ~550 characters each.
    expect(result.transcript.length).toBeLessThanOrEqual(205);
    expect(result.transcript.every((line) => line.length < 600)).toBe(true);
    const checked = await runCheck(tlsCheck, fixture.ctx('smtp-hostile.test', { smtpPort: ports[name]!, probeTimeoutMs: TIMEOUT_MS }));
    expect(checked.findings.map((f) => f.id)).toEqual([finding]);
    expect(checked.status).not.toBe('error');
  }, 60_000);

  it('the CLI exits 0 (a medium finding) on a garbage-speaking MX, shows the bytes escaped, within 128 MB of heap', async () => {
    const args = ['smtp-hostile.test', '--resolver', `127.0.0.1:${fixture.server.port}`, '--checks', 'tls', '--smtp-port', String(ports.garbage), '--verbose', '--no-color'];
    const { code, stdout, stderr } = await runCli(args, { nodeArgs: ['--max-old-space-size=128'] });
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(0);
    expect(stdout).toContain('tls/malformed-reply');
    expect(stdout).not.toContain('\u001b');
    expect(stdout).toContain('HTTP/1.1 400');
  }, 60_000);
});
