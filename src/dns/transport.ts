/**
 * One DNS exchange with one server: a query over UDP, retried over TCP when
 * the reply is truncated, with a deadline and strict reply matching.
 *
 * - UDP (RFC 1035 §4.2.1): a few connected sockets per server carry the
 *   queries (./udp-channels.ts), each query with a random id, the sockets
 *   replaced as they age so the random source port keeps changing
 *   (RFC 5452 §9.2).
 * - TCP (RFC 1035 §4.2.2, RFC 7766): used when a UDP reply has TC=1, over a
 *   connection kept open for the next truncated reply (./tcp-channels.ts).
 * - A reply is accepted only if its id, QR bit, opcode and question match the
 *   query (RFC 5452 §9.1); anything else is ignored and the wait goes on, so a
 *   spoofed or stale datagram cannot end the query.
 */
import { createLimiter, type Limiter } from '../limiter.js';
import type { ServerAddress } from './server-spec.js';
import { createTcpChannels, type TcpChannels, type TcpSettings } from './tcp-channels.js';
import { createUdpChannels, type UdpChannels, type UdpSettings } from './udp-channels.js';
import { canonicalName, encodeQuery, RCODE, type WireMessage } from './wire.js';

export interface ExchangeOptions {
  /** How long to wait for each reply (UDP, then TCP if truncated), ms. */
  timeoutMs: number;
  /** Set the EDNS DO bit (RFC 3225). */
  dnssecOk: boolean;
  /** Limits how many queries are in flight at once (shared by one resolver). */
  limiter: Limiter;
  /** The sockets to use (one Transport per resolver); default: one shared by the process. */
  transport?: Transport;
  /** First attempts already sent (the CLI's early round, src/cli/early-round.ts). */
  early?: EarlyAttempts;
}

/**
 * First attempts (UDP, EDNS on) sent ahead of the resolver by
 * {@link sendFirstAttempt}. `take` hands one over once: its reply, or
 * undefined at its deadline, then stands for the resolver's own first attempt
 * at that question to that server, so the question goes on the wire once and
 * the resolver's timeouts, retries and TCP fallback apply as usual.
 */
export interface EarlyAttempts {
  take(server: string, qname: string, type: number, dnssecOk: boolean): Promise<WireMessage | undefined> | undefined;
}

export type ExchangeResult =
  | { kind: 'reply'; message: WireMessage; tcp: boolean }
  /** No acceptable reply before the deadline (or the server could not be reached). */
  | { kind: 'timeout'; tcp: boolean };

/** The UDP sockets and TCP connections of one resolver, per server. */
export interface Transport {
  udp(server: ServerAddress): UdpChannels;
  tcp(server: ServerAddress): TcpChannels;
  /** Closes every socket now (queries still waiting end as timeouts). Idle sockets also close by themselves. */
  close(): void;
}

export interface TransportSettings {
  udp?: Partial<UdpSettings>;
  tcp?: Partial<TcpSettings>;
}

export function createTransport(settings: TransportSettings = {}): Transport {
  const udp = new Map<string, UdpChannels>();
  const tcp = new Map<string, TcpChannels>();
  return {
    udp(server) {
      let channels = udp.get(server.label);
      if (!channels) {
        channels = createUdpChannels(server, { socketsPerServer: 4, queriesPerSocket: 128, idleMs: 2000, ...settings.udp });
        udp.set(server.label, channels);
      }
      return channels;
    },
    tcp(server) {
      let channels = tcp.get(server.label);
      if (!channels) {
        channels = createTcpChannels(server, { connectionsPerServer: 2, pipelined: 32, idleMs: 2000, ...settings.tcp });
        tcp.set(server.label, channels);
      }
      return channels;
    },
    close() {
      for (const channels of [...udp.values(), ...tcp.values()]) channels.close();
    },
  };
}

let shared: Transport | undefined;

/**
 * Asks `server` one question. Returns the reply (any RCODE) or `timeout`.
 * Each transport step gets its own `timeoutMs`.
 */
export async function exchange(server: ServerAddress, name: string, type: number, options: ExchangeOptions): Promise<ExchangeResult> {
  const transport = options.transport ?? (shared ??= createTransport());
  const qname = canonicalName(name);
  let edns = true;
  for (;;) {
    const { build, accept } = question(name, type, edns, options.dnssecOk);
    const early = edns ? options.early?.take(server.label, qname, type, options.dnssecOk) : undefined;
    let message = await options.limiter.run(() => early ?? transport.udp(server).exchange(build, accept, options.timeoutMs));
    let tcp = false;
    if (message?.tc) {
      // RFC 1035 §4.2.1 / RFC 7766 §5: a truncated UDP reply means "ask again over TCP".
      tcp = true;
      message = await options.limiter.run(() => transport.tcp(server).exchange(build, accept, options.timeoutMs));
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

/** How a question is put on the wire, and which reply answers it. */
function question(name: string, type: number, edns: boolean, dnssecOk: boolean) {
  const qname = canonicalName(name);
  return {
    build: (id: number) => encodeQuery({ id, name, type, edns, dnssecOk }),
    accept: (message: WireMessage, id: number) => matches(message, id, qname, type),
  };
}

/**
 * Sends now the first attempt {@link exchange} would make for this question
 * (UDP, EDNS on), on `channels`: the same query, matched the same way. For
 * the CLI's early round, handed to the resolver through {@link EarlyAttempts}.
 */
export function sendFirstAttempt(
  channels: UdpChannels,
  name: string,
  type: number,
  options: { timeoutMs: number; dnssecOk: boolean },
): Promise<WireMessage | undefined> {
  const { build, accept } = question(name, type, true, options.dnssecOk);
  return channels.exchange(build, accept, options.timeoutMs);
}

/** RFC 5452 §9.1: accept only a response to this very question (`qname` canonical). */
function matches(message: WireMessage, id: number, qname: string, type: number): boolean {
  if (message.id !== id || message.qr !== 1 || message.opcode !== 0) return false;
  const question = message.questions[0];
  if (!question) {
    // Some servers leave the question out of an error reply (FORMERR, NOTIMP …); an
    // answer without it cannot be tied to our question, so only errors pass.
    return message.questions.length === 0 && message.rcode !== RCODE.NOERROR && message.rcode !== RCODE.NXDOMAIN;
  }
  return message.questions.length === 1 && question.name === qname && question.type === type && question.class === 1;
}
