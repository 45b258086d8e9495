/**
 * UDP sockets shared by the queries to one server (RFC 1035 §4.2.1).
 *
 * A socket per query costs a bind, a connect and a close each time, which
 * dominated a batch's CPU. Here a few sockets per server carry many queries:
 * - each socket is connected to the server, so the kernel drops datagrams
 *   from anyone else, and is bound by the kernel to a random source port;
 * - queries on one socket get distinct random ids, and a reply settles a
 *   query only when its id AND its question match (RFC 5452 §9.1), so a
 *   stale or spoofed datagram cannot answer another question;
 * - a socket is retired after {@link UdpSettings.queriesPerSocket} queries and
 *   a fresh one (a new random port) takes its place, so the source port keeps
 *   changing (RFC 5452 §9.2);
 * - a reply arriving after its query timed out finds nothing waiting and is
 *   dropped;
 * - idle sockets do not hold the process open and are closed after
 *   {@link UdpSettings.idleMs}.
 */
import dgram from 'node:dgram';
import type { ServerAddress } from './server-spec.js';
import { decodeMessage, type WireMessage } from './wire.js';
import { freeId, type Waiter } from './waiters.js';

export interface UdpSettings {
  /** Sockets open at once per server. */
  socketsPerServer: number;
  /** Queries sent on one socket before it is replaced by one on a new port. */
  queriesPerSocket: number;
  /** An idle socket is closed after this long, ms. */
  idleMs: number;
}

export const DEFAULT_UDP_SETTINGS: UdpSettings = { socketsPerServer: 4, queriesPerSocket: 128, idleMs: 2000 };

interface Channel {
  socket: dgram.Socket;
  waiting: Map<number, Waiter>;
  /** Queries sent (or queued) on this socket. */
  sent: number;
  /** Queries queued until the socket is connected. */
  backlog: Buffer[] | undefined;
  /** Settles once the backlog has been sent (or the socket closed). */
  connected: Promise<void>;
  markConnected: () => void;
  retired: boolean;
  closed: boolean;
  lastUsed: number;
}

export interface UdpChannels {
  /**
   * Sends the query that `build(id)` encodes and resolves with the first
   * reply `accept` takes, or `undefined` on timeout or a socket error.
   * Rejects when the socket cannot be set up (invalid address, a blocked
   * destination).
   */
  exchange(build: (id: number) => Buffer, accept: (message: WireMessage, id: number) => boolean, timeoutMs: number): Promise<WireMessage | undefined>;
  /** Settles once every query given so far has left (a new socket sends its first queries once connected). */
  sent(): Promise<void>;
  /** Closes every socket; queries still waiting resolve `undefined`. */
  close(): void;
}

export function createUdpChannels(server: ServerAddress, settings: UdpSettings = DEFAULT_UDP_SETTINGS): UdpChannels {
  /** Sockets taking new queries. */
  const active: Channel[] = [];
  /** Every open socket (active and retired ones still waiting for replies). */
  const open = new Set<Channel>();
  let turn = 0;
  let sweeper: NodeJS.Timeout | undefined;

  const shut = (channel: Channel) => {
    if (channel.closed) return;
    channel.closed = true;
    channel.markConnected();
    open.delete(channel);
    const index = active.indexOf(channel);
    if (index !== -1) active.splice(index, 1);
    try {
      channel.socket.close();
    } catch {
      // Already closed.
    }
    for (const waiter of channel.waiting.values()) waiter.settle(undefined);
    channel.waiting.clear();
    if (open.size === 0 && sweeper) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };

  const sweep = () => {
    const now = performance.now();
    for (const channel of open) if (channel.waiting.size === 0 && now - channel.lastUsed >= settings.idleMs) shut(channel);
  };

  const openChannel = (): Channel => {
    // A larger receive buffer: the replies to a socket's queries may arrive in one burst.
    const socket = dgram.createSocket({ type: server.family === 6 ? 'udp6' : 'udp4', recvBufferSize: 1 << 20 });
    let markConnected = () => {};
    const connected = new Promise<void>((resolve) => (markConnected = resolve));
    const channel: Channel = {
      socket,
      waiting: new Map(),
      sent: 0,
      backlog: [],
      connected,
      markConnected,
      retired: false,
      closed: false,
      lastUsed: performance.now(),
    };
    socket.on('message', (buffer: Buffer) => {
      if (buffer.length < 12) return;
      const waiter = channel.waiting.get(buffer.readUInt16BE(0));
      if (!waiter) return; // Late (its query timed out) or never asked.
      let message: WireMessage;
      try {
        message = decodeMessage(buffer);
      } catch {
        return; // Malformed: keep waiting for a proper reply.
      }
      if (waiter.accept(message)) waiter.settle(message);
    });
    // ICMP "port unreachable" on a connected socket, or a local send error: no answer will come on it.
    socket.on('error', () => shut(channel));
    try {
      socket.connect(server.port, server.host, () => {
        const queued = channel.backlog ?? [];
        channel.backlog = undefined;
        if (!channel.closed) for (const query of queued) socket.send(query);
        channel.markConnected();
      });
    } catch (error) {
      // Invalid arguments (or the test suite's network guard): not a DNS outcome.
      channel.closed = true;
      try {
        socket.close();
      } catch {
        // Never opened.
      }
      throw error;
    }
    socket.unref();
    open.add(channel);
    active.push(channel);
    if (!sweeper) {
      sweeper = setInterval(sweep, settings.idleMs);
      sweeper.unref();
    }
    return channel;
  };

  const pick = (): Channel => {
    if (active.length < settings.socketsPerServer) return openChannel();
    turn = (turn + 1) % active.length;
    const channel = active[turn]!;
    // 16 bits of id per socket: a socket that holds a quarter of them gets company.
    return channel.waiting.size < 0x4000 ? channel : openChannel();
  };

  return {
    exchange(build, accept, timeoutMs) {
      let channel: Channel;
      try {
        channel = pick();
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise((resolve) => {
        const id = freeId(channel.waiting);
        const query = build(id);
        const waiter: Waiter = {
          accept: (message) => accept(message, id),
          settle: (message) => {
            if (channel.waiting.get(id) !== waiter) return;
            clearTimeout(waiter.timer);
            channel.waiting.delete(id);
            channel.lastUsed = performance.now();
            if (channel.waiting.size === 0) {
              if (channel.retired) shut(channel);
              else channel.socket.unref();
            }
            resolve(message);
          },
          timer: setTimeout(() => waiter.settle(undefined), timeoutMs),
        };
        if (channel.waiting.size === 0) channel.socket.ref();
        channel.waiting.set(id, waiter);
        channel.lastUsed = performance.now();
        if (++channel.sent >= settings.queriesPerSocket) {
          // RFC 5452 §9.2: move on to a new source port; this socket closes once its replies are in.
          channel.retired = true;
          active.splice(active.indexOf(channel), 1);
        }
        if (channel.backlog) channel.backlog.push(query);
        else channel.socket.send(query);
      });
    },
    async sent() {
      await Promise.all([...open].map((channel) => channel.connected));
    },
    close() {
      for (const channel of [...open]) shut(channel);
    },
  };
}
