/**
 * TCP connections to one server, kept open for the queries that follow
 * (RFC 7766 §6.2.1): a truncated UDP reply (TC=1) is asked again over TCP,
 * and the next truncated one reuses the connection instead of paying another
 * handshake.
 * - Each message is prefixed with its length as two octets (RFC 1035 §4.2.2).
 * - Queries are pipelined, several in flight on one connection, and replies
 *   may come in any order (RFC 7766 §6.2.1.1, §7): each is matched to its
 *   query by id AND question (RFC 5452 §9.1).
 * - A server may close an idle connection at any time (RFC 7766 §6.2.3): a
 *   query caught by such a close on a connection that had already answered is
 *   sent once more on a fresh connection; on a fresh connection, a close is no
 *   reply.
 * - Idle connections do not hold the process open and are closed by us after
 *   {@link TcpSettings.idleMs} (RFC 7766 §6.2.1: clients close idle sessions).
 */
import net from 'node:net';
import type { ServerAddress } from './server-spec.js';
import { decodeMessage, type WireMessage } from './wire.js';
import { freeId, type Waiter } from './waiters.js';

export interface TcpSettings {
  /** Connections open at once per server. */
  connectionsPerServer: number;
  /** Queries in flight on one connection before another is opened. */
  pipelined: number;
  /** An idle connection is closed after this long, ms. */
  idleMs: number;
}

export const DEFAULT_TCP_SETTINGS: TcpSettings = { connectionsPerServer: 2, pipelined: 32, idleMs: 2000 };

interface TcpWaiter extends Waiter {
  /** Sends the query again (with an id free there) on another connection. */
  resend(): void;
  resent: boolean;
}

interface Connection {
  socket: net.Socket;
  waiting: Map<number, TcpWaiter>;
  /** Frames queued until the connection is established. */
  backlog: Buffer[] | undefined;
  /** Replies received: a connection that answered before may be closed as idle by the server. */
  answered: number;
  closed: boolean;
  lastUsed: number;
}

export interface TcpChannels {
  /** As UdpChannels.exchange, over a kept-open TCP connection. */
  exchange(build: (id: number) => Buffer, accept: (message: WireMessage, id: number) => boolean, timeoutMs: number): Promise<WireMessage | undefined>;
  /** Closes every connection; queries still waiting resolve `undefined`. */
  close(): void;
}

export function createTcpChannels(server: ServerAddress, settings: TcpSettings = DEFAULT_TCP_SETTINGS): TcpChannels {
  const connections = new Set<Connection>();
  let sweeper: NodeJS.Timeout | undefined;

  const shut = (connection: Connection) => {
    if (connection.closed) return;
    connection.closed = true;
    connections.delete(connection);
    connection.socket.destroy();
    const waiters = [...connection.waiting.values()];
    connection.waiting.clear();
    for (const waiter of waiters) {
      // RFC 7766 §6.2.3: the server may close a connection it saw as idle just as we reused it.
      if (connection.answered > 0 && !waiter.resent) waiter.resend();
      else waiter.settle(undefined);
    }
    if (connections.size === 0 && sweeper) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };

  const sweep = () => {
    const now = performance.now();
    for (const connection of connections) if (connection.waiting.size === 0 && now - connection.lastUsed >= settings.idleMs) shut(connection);
  };

  const connect = (): Connection => {
    const socket = new net.Socket();
    const connection: Connection = { socket, waiting: new Map(), backlog: [], answered: 0, closed: false, lastUsed: performance.now() };
    let pending: Buffer | undefined;
    socket.on('error', () => shut(connection));
    socket.on('close', () => shut(connection));
    socket.on('data', (chunk: Buffer) => {
      pending = pending ? Buffer.concat([pending, chunk]) : chunk;
      // RFC 1035 §4.2.2: two-octet length, then the message; several may follow.
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const frame = pending.subarray(2, 2 + pending.readUInt16BE(0));
        pending = pending.subarray(2 + frame.length);
        connection.answered++;
        if (frame.length < 12) continue;
        const waiter = connection.waiting.get(frame.readUInt16BE(0));
        if (!waiter) continue; // Late (its query timed out) or never asked.
        try {
          const message = decodeMessage(frame);
          if (waiter.accept(message)) waiter.settle(message);
        } catch {
          // Malformed frame: wait for the next one.
        }
      }
      if (pending.length === 0) pending = undefined;
    });
    try {
      socket.connect({ host: server.host, port: server.port }, () => {
        socket.setNoDelay(true);
        const queued = connection.backlog ?? [];
        connection.backlog = undefined;
        if (queued.length > 0 && !connection.closed) socket.write(queued.length === 1 ? queued[0]! : Buffer.concat(queued));
      });
    } catch (error) {
      connection.closed = true;
      socket.destroy();
      throw error;
    }
    socket.unref();
    connections.add(connection);
    if (!sweeper) {
      sweeper = setInterval(sweep, settings.idleMs);
      sweeper.unref();
    }
    return connection;
  };

  const pick = (): Connection => {
    let best: Connection | undefined;
    for (const connection of connections) if (!best || connection.waiting.size < best.waiting.size) best = connection;
    if (best && (best.waiting.size < settings.pipelined || connections.size >= settings.connectionsPerServer)) return best;
    return connect();
  };

  const send = (connection: Connection, waiter: TcpWaiter, id: number, query: Buffer) => {
    if (connection.waiting.size === 0) connection.socket.ref();
    connection.waiting.set(id, waiter);
    connection.lastUsed = performance.now();
    // RFC 1035 §4.2.2: the two-octet length prefix.
    const frame = Buffer.allocUnsafe(2 + query.length);
    frame.writeUInt16BE(query.length, 0);
    query.copy(frame, 2);
    if (connection.backlog) connection.backlog.push(frame);
    else connection.socket.write(frame);
  };

  return {
    exchange(build, accept, timeoutMs) {
      let first: Connection;
      try {
        first = pick();
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise((resolve) => {
        let connection = first;
        let id = freeId(connection.waiting);
        let done = false;
        const waiter: TcpWaiter = {
          accept: (message) => accept(message, id),
          settle: (message) => {
            if (done) return;
            done = true;
            clearTimeout(waiter.timer);
            if (connection.waiting.get(id) === waiter) connection.waiting.delete(id);
            connection.lastUsed = performance.now();
            if (connection.waiting.size === 0) connection.socket.unref();
            resolve(message);
          },
          resent: false,
          resend: () => {
            waiter.resent = true;
            try {
              connection = pick();
            } catch {
              waiter.settle(undefined);
              return;
            }
            id = freeId(connection.waiting);
            send(connection, waiter, id, build(id));
          },
          timer: setTimeout(() => waiter.settle(undefined), timeoutMs),
        };
        send(connection, waiter, id, build(id));
      });
    },
    close() {
      for (const connection of [...connections]) {
        // Our own close: nothing is resent.
        for (const waiter of connection.waiting.values()) waiter.resent = true;
        shut(connection);
      }
    },
  };
}
