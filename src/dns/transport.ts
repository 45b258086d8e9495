/**
 * One DNS exchange with one server: a query over UDP, retried over TCP when
 * the reply is truncated, with a deadline and strict reply matching.
 *
 * - UDP (RFC 1035 §4.2.1): a fresh socket per query (a random source port on
 *   top of the random id, RFC 5452 §9.2), connected to the server so the kernel
 *   drops datagrams from anyone else.
 * - TCP (RFC 1035 §4.2.2, RFC 7766 §8): each message is prefixed with its
 *   length as two octets; used when a UDP reply has TC=1.
 * - A reply is accepted only if its id, QR bit, opcode and question match the
 *   query (RFC 5452 §9.1); anything else is ignored and the wait goes on, so a
 *   spoofed or stale datagram cannot end the query.
 */
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import type { ServerAddress } from './server-spec.js';
import { canonicalName, decodeMessage, encodeQuery, peekId, RCODE, type WireMessage } from './wire.js';

export interface ExchangeOptions {
  /** How long to wait for each reply (UDP, then TCP if truncated), ms. */
  timeoutMs: number;
  /** Set the EDNS DO bit (RFC 3225). */
  dnssecOk: boolean;
  /** Limits how many sockets are open at once (shared by one resolver). */
  limiter: Limiter;
}

export type ExchangeResult =
  | { kind: 'reply'; message: WireMessage; tcp: boolean }
  /** No acceptable reply before the deadline (or the server could not be reached). */
  | { kind: 'timeout'; tcp: boolean };

/**
 * Asks `server` one question. Returns the reply (any RCODE) or `timeout`.
 * Each transport step gets its own `timeoutMs`.
 */
export async function exchange(server: ServerAddress, name: string, type: number, options: ExchangeOptions): Promise<ExchangeResult> {
  let edns = true;
  for (;;) {
    const id = randomInt(0x10000);
    const query = encodeQuery({ id, name, type, edns, dnssecOk: options.dnssecOk });
    const accept = (message: WireMessage) => matches(message, id, name, type);
    let message = await options.limiter.run(() => udpExchange(server, query, accept, options.timeoutMs));
    let tcp = false;
    if (message?.tc) {
      // RFC 1035 §4.2.1 / RFC 7766 §5: a truncated UDP reply means "ask again over TCP".
      tcp = true;
      message = await options.limiter.run(() => tcpExchange(server, query, accept, options.timeoutMs));
    }
    if (!message) return { kind: 'timeout', tcp };
    // RFC 6891 §7: a server that does not know EDNS answers FORMERR without an
    // OPT record; ask it once more without EDNS.
    if (edns && message.rcode === RCODE.FORMERR && !message.edns) {
      edns = false;
      continue;
    }
    return { kind: 'reply', message, tcp };
  }
}

/** RFC 5452 §9.1: accept only a response to this very question. */
function matches(message: WireMessage, id: number, name: string, type: number): boolean {
  if (message.id !== id || message.qr !== 1 || message.opcode !== 0) return false;
  const question = message.questions[0];
  if (!question) {
    // Some servers leave the question out of an error reply (FORMERR, NOTIMP …); an
    // answer without it cannot be tied to our question, so only errors pass.
    return message.questions.length === 0 && message.rcode !== RCODE.NOERROR && message.rcode !== RCODE.NXDOMAIN;
  }
  return message.questions.length === 1 && question.name === canonicalName(name) && question.type === type && question.class === 1;
}

function udpExchange(
  server: ServerAddress,
  query: Buffer,
  accept: (message: WireMessage) => boolean,
  timeoutMs: number,
): Promise<WireMessage | undefined> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(server.family === 6 ? 'udp6' : 'udp4');
    let done = false;
    const finish = (message: WireMessage | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        socket.close();
      } catch {
        // Already closed.
      }
      resolve(message);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const expectedId = query.readUInt16BE(0);
    socket.on('message', (buffer: Buffer) => {
      if (peekId(buffer) !== expectedId) return;
      let message: WireMessage;
      try {
        message = decodeMessage(buffer);
      } catch {
        return; // Malformed: keep waiting for a proper reply.
      }
      if (accept(message)) finish(message);
    });
    // ICMP "port unreachable" on a connected socket, or a local send error: no answer will come.
    socket.on('error', () => finish(undefined));
    try {
      socket.connect(server.port, server.host, () => {
        if (done) return;
        socket.send(query, (error) => {
          if (error) finish(undefined);
        });
      });
    } catch (error) {
      // Invalid arguments (or the test suite's network guard): not a DNS outcome.
      finish(undefined);
      reject(error);
    }
  });
}

function tcpExchange(
  server: ServerAddress,
  query: Buffer,
  accept: (message: WireMessage) => boolean,
  timeoutMs: number,
): Promise<WireMessage | undefined> {
  return new Promise((resolve, reject) => {
    let done = false;
    let pending = Buffer.alloc(0);
    const socket = new net.Socket();
    const finish = (message: WireMessage | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(message);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.on('error', () => finish(undefined));
    socket.on('close', () => finish(undefined));
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // RFC 1035 §4.2.2: two-octet length, then the message; several may follow.
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const frame = pending.subarray(2, 2 + pending.readUInt16BE(0));
        pending = pending.subarray(2 + frame.length);
        try {
          const message = decodeMessage(frame);
          if (accept(message)) return finish(message);
        } catch {
          // Malformed frame: wait for the next one.
        }
      }
    });
    try {
      socket.connect({ host: server.host, port: server.port }, () => {
        socket.setNoDelay(true);
        const length = Buffer.alloc(2);
        length.writeUInt16BE(query.length);
        socket.write(Buffer.concat([length, query]));
      });
    } catch (error) {
      finish(undefined);
      reject(error);
    }
  });
}

/** A counting semaphore: at most `max` tasks run at once, the rest wait in order. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createLimiter(max: number): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      // A finishing task hands its slot straight to the next waiter, so `active` never exceeds `max`.
      if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
      else active++;
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else active--;
      }
    },
  };
}
