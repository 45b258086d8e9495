/**
 * The DNS transport against real servers on 127.0.0.1: shared UDP sockets
 * whose replies are matched by id and question, late replies, TC→TCP over a
 * connection kept open, servers that close connections, and 10,000 queries
 * in flight at once.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createResolver } from '../src/dns/resolver.js';
import { parseServerSpec } from '../src/dns/server-spec.js';
import { createLimiter } from '../src/limiter.js';
import { createTransport, exchange, type Transport } from '../src/dns/transport.js';
import { TYPE_NUMBER } from '../src/dns/wire.js';

interface Query {
  id: number;
  name: string;
  type: number;
  tcp: boolean;
  /** UDP: the client's source port; TCP: the connection's number (1, 2, …). */
  from: number;
}

interface Reply {
  id?: number;
  /** Question name to put in the reply (default: the query's). */
  name?: string;
  a?: string;
  tc?: boolean;
}

type Handler = (query: Query, send: (reply: Reply) => void, connection?: net.Socket) => void;

function encodeName(name: string): Buffer {
  const labels = name.split('.').filter(Boolean).map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'latin1')]));
  return Buffer.concat([...labels, Buffer.from([0])]);
}

/** A NOERROR reply with the query's question (or a forged one) and at most one A record. */
function encodeReply(query: Query, reply: Reply): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(reply.id ?? query.id, 0);
  header.writeUInt16BE(0x8180 | (reply.tc ? 0x0200 : 0), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(reply.a ? 1 : 0, 6);
  const name = reply.name ?? query.name;
  const question = Buffer.concat([encodeName(name), Buffer.from([0, query.type, 0, 1])]);
  if (!reply.a) return Buffer.concat([header, question]);
  const record = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...reply.a.split('.').map(Number)]);
  return Buffer.concat([header, question, record]);
}

function decodeQuery(message: Buffer, tcp: boolean, from: number): Query {
  const labels: string[] = [];
  let at = 12;
  while (message[at]! > 0) {
    labels.push(message.subarray(at + 1, at + 1 + message[at]!).toString('latin1'));
    at += 1 + message[at]!;
  }
  return { id: message.readUInt16BE(0), name: labels.join('.').toLowerCase(), type: message.readUInt16BE(at + 1), tcp, from };
}

/** A DNS server on one port of 127.0.0.1, UDP and TCP, whose every answer the test writes. */
async function startServer(handler: Handler) {
  const queries: Query[] = [];
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const tcp = net.createServer((socket) => {
    const number = ++connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const query = decodeQuery(pending.subarray(2, 2 + pending.readUInt16BE(0)), true, number);
        pending = pending.subarray(2 + pending.readUInt16BE(0));
        queries.push(query);
        handler(
          query,
          (reply) => {
            if (socket.destroyed) return;
            const message = encodeReply(query, reply);
            const length = Buffer.alloc(2);
            length.writeUInt16BE(message.length);
            socket.write(Buffer.concat([length, message]));
          },
          socket,
        );
      }
    });
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const port = (tcp.address() as net.AddressInfo).port;
  const udp = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
  udp.on('message', (message, remote) => {
    const query = decodeQuery(message, false, remote.port);
    queries.push(query);
    handler(query, (reply) => udp.send(encodeReply(query, reply), remote.port, remote.address));
  });
  return {
    server: `127.0.0.1:${port}`,
    address: parseServerSpec(`127.0.0.1:${port}`),
    queries,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        let open = 2;
        const done = () => (--open === 0 ? resolve() : undefined);
        udp.close(done);
        tcp.close(done);
      }),
  };
}

/** An address for a name, so every answer can be checked against its question. */
function addressOf(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `10.${(hash >>> 16) & 0xff}.${(hash >>> 8) & 0xff}.${hash & 0xff}`;
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function server(handler: Handler) {
  const started = await startServer(handler);
  cleanups.push(started.close);
  return started;
}

function transport(): Transport {
  const created = createTransport();
  cleanups.push(() => created.close());
  return created;
}

const A = TYPE_NUMBER.A;
const options = (shared: Transport, timeoutMs = 5000) => ({ timeoutMs, dnssecOk: false, limiter: createLimiter(1000), transport: shared });

describe('UDP: replies are matched by id and question on shared sockets', () => {
  it('ignores replies with the right id but another question, and with another id, then takes the right one', async () => {
    const dns = await server((query, send) => {
      send({ name: 'other.test', a: '192.0.2.1' });
      send({ id: (query.id + 1) & 0xffff, a: '192.0.2.2' });
      send({ a: addressOf(query.name) });
    });
    const result = await exchange(dns.address, 'one.test', A, options(transport()));
    expect(result.kind === 'reply' && result.message.answers.map((record) => record.data)).toEqual([addressOf('one.test')]);
  });

  it('two queries on one socket: replies carrying the other query\'s id are refused, each gets its own answer', async () => {
    const held: Array<{ query: Query; send: (reply: Reply) => void }> = [];
    const dns = await server((query, send) => {
      held.push({ query, send });
      if (held.length < 2) return;
      const [first, second] = held as [(typeof held)[0], (typeof held)[0]];
      // Crossed: each question's reply under the other query's id.
      first.send({ id: second.query.id, a: '192.0.2.9' });
      second.send({ id: first.query.id, a: '192.0.2.9' });
      first.send({ a: addressOf(first.query.name) });
      second.send({ a: addressOf(second.query.name) });
    });
    // One socket per server, so both queries share it.
    const shared = createTransport({ udp: { socketsPerServer: 1 } });
    cleanups.push(() => shared.close());
    const [one, two] = await Promise.all([exchange(dns.address, 'one.test', A, options(shared)), exchange(dns.address, 'two.test', A, options(shared))]);
    expect(one.kind === 'reply' && one.message.answers[0]!.data).toBe(addressOf('one.test'));
    expect(two.kind === 'reply' && two.message.answers[0]!.data).toBe(addressOf('two.test'));
    expect(new Set(dns.queries.map((query) => query.from)).size).toBe(1);
  });

  it('a reply that comes after its query timed out answers nothing else', async () => {
    let late: ((reply: Reply) => void) | undefined;
    const dns = await server((query, send) => {
      if (query.name === 'slow.test') {
        late = send;
        return;
      }
      // The late reply of the first query arrives first, then a forgery with this query's id and the old question.
      late?.({ a: '192.0.2.66' });
      send({ name: 'slow.test', a: '192.0.2.67' });
      send({ a: addressOf(query.name) });
    });
    const shared = createTransport({ udp: { socketsPerServer: 1 } });
    cleanups.push(() => shared.close());
    expect(await exchange(dns.address, 'slow.test', A, options(shared, 150))).toEqual({ kind: 'timeout', tcp: false });
    const next = await exchange(dns.address, 'next.test', A, options(shared));
    expect(next.kind === 'reply' && next.message.answers.map((record) => record.data)).toEqual([addressOf('next.test')]);
  });

  it('keeps random ids and moves to new source ports as sockets age', async () => {
    const dns = await server((query, send) => send({ a: addressOf(query.name) }));
    const shared = createTransport({ udp: { socketsPerServer: 2, queriesPerSocket: 5 } });
    cleanups.push(() => shared.close());
    for (let index = 0; index < 40; index++) await exchange(dns.address, `n${index}.test`, A, options(shared));
    expect(new Set(dns.queries.map((query) => query.from)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(dns.queries.map((query) => query.id)).size).toBeGreaterThan(30);
  });
});

describe('TCP: a truncated reply is asked again over a connection kept open (RFC 7766)', () => {
  it('several truncated replies in a row share one TCP connection', async () => {
    const dns = await server((query, send) => (query.tcp ? send({ a: addressOf(query.name) }) : send({ tc: true })));
    const resolver = createResolver({ servers: [dns.server], timeoutMs: 5000, retries: 0 });
    for (const name of ['a.test', 'b.test', 'c.test']) expect(await resolver.query(name, 'A')).toMatchObject({ status: 'ok', records: [addressOf(name)] });
    await Promise.all(['d.test', 'e.test', 'f.test'].map((name) => resolver.query(name, 'A')));
    expect(resolver.log.every((entry) => entry.tcp === true)).toBe(true);
    expect(dns.connections()).toBe(1);
    expect(dns.queries.filter((query) => query.tcp)).toHaveLength(6);
  });

  it('answers that come back in another order over one connection each reach their query', async () => {
    const held: Array<{ query: Query; send: (reply: Reply) => void }> = [];
    const dns = await server((query, send) => {
      if (!query.tcp) return send({ tc: true });
      held.push({ query, send });
      if (held.length === 3) for (const { query: asked, send: reply } of held.reverse()) reply({ a: addressOf(asked.name) });
    });
    const resolver = createResolver({ servers: [dns.server], timeoutMs: 5000, retries: 0 });
    const names = ['x.test', 'y.test', 'z.test'];
    const answers = await Promise.all(names.map((name) => resolver.query(name, 'A')));
    expect(answers.map((answer) => answer.status === 'ok' && answer.records[0])).toEqual(names.map(addressOf));
    expect(dns.connections()).toBe(1);
  });

  it('a server that closes the connection after each answer: the next query opens a new one', async () => {
    const dns = await server((query, send, connection) => {
      if (!query.tcp) return send({ tc: true });
      send({ a: addressOf(query.name) });
      connection!.end();
    });
    const resolver = createResolver({ servers: [dns.server], timeoutMs: 5000, retries: 0 });
    for (const name of ['a.test', 'b.test']) expect(await resolver.query(name, 'A')).toMatchObject({ status: 'ok', records: [addressOf(name)] });
    expect(dns.connections()).toBe(2);
  });

  it('a server that closes a reused connection with a query pending: the query is sent again on a new connection', async () => {
    const dns = await server((query, send, connection) => {
      if (!query.tcp) return send({ tc: true });
      // The first connection answers once, then drops the next query and closes (an idle timeout racing our reuse).
      if (query.from === 1 && dns.queries.filter((seen) => seen.tcp && seen.from === 1).length > 1) return void connection!.destroy();
      send({ a: addressOf(query.name) });
    });
    const resolver = createResolver({ servers: [dns.server], timeoutMs: 5000, retries: 0 });
    expect(await resolver.query('first.test', 'A')).toMatchObject({ status: 'ok', records: [addressOf('first.test')] });
    expect(await resolver.query('second.test', 'A')).toMatchObject({ status: 'ok', records: [addressOf('second.test')] });
    expect(dns.connections()).toBe(2);
  });

  it('a fresh connection closed without an answer is no reply, not a hang', async () => {
    const dns = await server((query, send, connection) => (query.tcp ? void connection!.destroy() : send({ tc: true })));
    const resolver = createResolver({ servers: [dns.server], timeoutMs: 10_000, retries: 0 });
    expect(await resolver.query('gone.test', 'A')).toEqual({ status: 'timeout' });
    expect(dns.connections()).toBe(1);
  });
});

describe('load', () => {
  it('10,000 queries asked at once each get their own answer, over a few sockets', async () => {
    const dns = await server((query, send) => send({ a: addressOf(query.name) }));
    // All asked at once; the resolver keeps at most maxInFlight (default 256) of them on the wire.
    const resolver = createResolver({ servers: [dns.server], timeoutMs: 15_000, retries: 1, keepLog: false });
    const names = Array.from({ length: 10_000 }, (_, index) => `host${index}.load.test`);
    const answers = await Promise.all(names.map((name) => resolver.query(name, 'A')));
    const wrong = names.filter((name, index) => {
      const answer = answers[index]!;
      return answer.status !== 'ok' || answer.records[0] !== addressOf(name);
    });
    expect(wrong).toEqual([]);
    const ports = new Set(dns.queries.filter((query) => !query.tcp).map((query) => query.from)).size;
    // 128 queries per socket before it gives way to one on a new port: about 80 ports, not 10,000.
    expect(ports).toBeGreaterThanOrEqual(10_000 / 128);
    expect(ports).toBeLessThan(200);
  }, 60_000);
});
