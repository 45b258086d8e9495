/**
 * Network guard for the test suite (registered in vitest.config.ts as a setup
 * file, so it runs in every test worker before any test file).
 *
 * Tests may only talk to 127.0.0.0/8 and ::1. Any attempt to reach another
 * address throws synchronously, which fails the test that tried:
 * - TCP and TLS: `net.Socket.prototype.connect` (every `net.connect`,
 *   `tls.connect`, HTTP agent … ends there) and `tls.connect` itself;
 * - UDP: `dgram.Socket.prototype.send` and `.connect`;
 * - Node's own DNS (`dns.resolve*`, `dns.reverse`, `dns.lookup` and their
 *   promise and Resolver forms), which does not go through the patched sockets:
 *   a library that silently falls back to the system resolver (mailauth does
 *   when no resolver is passed) is caught here.
 * Port 53 is refused even on loopback: a local stub resolver (127.0.0.53,
 * dnsmasq) forwards to the internet, and fixture servers never use port 53.
 * Host names are allowed only when they are `localhost`.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';

const GUARDED = Symbol.for('mailcheck.networkGuard');

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.x.y.z). */
export function isLoopbackAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (net.isIPv4(host)) return host.split('.')[0] === '127';
  if (net.isIPv6(host)) {
    const lower = host.toLowerCase();
    if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(lower);
    return mapped !== null && mapped[1]!.split('.')[0] === '127';
  }
  return /^localhost\.?$/i.test(host);
}

function blocked(what: string): Error {
  return new Error(`test tried to reach ${what}: tests may only use 127.0.0.0/8`);
}

function check(host: string | undefined, port: number | string | undefined, fallbackHost: string): void {
  const target = host === undefined || host === '' ? fallbackHost : host;
  const label = port === undefined ? target : `${target.includes(':') ? `[${target}]` : target}:${port}`;
  if (!isLoopbackAddress(target)) throw blocked(label);
  if (Number(port) === 53) throw blocked(`${label} (port 53 is a real resolver, fixture servers use their own port)`);
}

/** Reads host/port out of the several call forms of `socket.connect`. */
function connectTarget(args: unknown[]): { host?: string; port?: number | string; path?: string } {
  let first = args[0];
  // net.connect() hands Socket#connect an already-normalised [options, cb] array.
  if (Array.isArray(first)) first = first[0];
  if (first !== null && typeof first === 'object') {
    const options = first as { host?: string; port?: number | string; path?: string };
    return { host: options.host, port: options.port, path: options.path };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first };
  return { port: first as number | string, host: typeof args[1] === 'string' ? args[1] : undefined };
}

function install(): void {
  const marker = globalThis as Record<symbol, unknown>;
  if (marker[GUARDED]) return;
  marker[GUARDED] = true;

  const socketConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = connectTarget(args);
    // Unix sockets and named pipes are local by construction.
    // An HTTP(S) agent passes `path: null` for TCP connections: only a real path is a local socket.
    if (target.path == null) check(target.host, target.port, 'localhost');
    return (socketConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof socketConnect;

  const tlsConnect = tls.connect;
  (tls as { connect: unknown }).connect = function guardedTlsConnect(...args: unknown[]) {
    const first = args[0];
    const options = (first !== null && typeof first === 'object' ? first : (args.find((a) => a !== null && typeof a === 'object') ?? {})) as tls.ConnectionOptions;
    // A TLS session over an existing socket was checked when that socket connected.
    if (!options.socket) {
      const port = typeof first === 'number' || typeof first === 'string' ? first : options.port;
      const host = typeof args[1] === 'string' ? args[1] : options.host;
      if (options.path == null) check(host, port, 'localhost');
    }
    return (tlsConnect as (...a: unknown[]) => tls.TLSSocket)(...args);
  };

  const udpSend = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function guardedSend(this: dgram.Socket, ...args: unknown[]) {
    // send(msg, offset, length, port, address, cb) or send(msg, port, address, cb); a
    // connected socket passes no port (it was checked at connect time).
    const long = typeof args[3] === 'number' || (typeof args[4] === 'string' && typeof args[3] !== 'function');
    const port = long ? args[3] : args[1];
    const address = long ? args[4] : args[2];
    if (typeof port === 'number' || (typeof port === 'string' && port !== '')) {
      check(typeof address === 'string' ? address : undefined, port as number | string, defaultUdpHost(this));
    }
    return (udpSend as (...a: unknown[]) => void).apply(this, args);
  } as typeof udpSend;

  const udpConnect = dgram.Socket.prototype.connect;
  dgram.Socket.prototype.connect = function guardedUdpConnect(this: dgram.Socket, ...args: unknown[]) {
    check(typeof args[1] === 'string' ? args[1] : undefined, args[0] as number, defaultUdpHost(this));
    return (udpConnect as (...a: unknown[]) => void).apply(this, args);
  } as typeof udpConnect;

  guardNodeDns();
  // ESM named imports of builtins (`import { connect } from 'node:tls'`) see the patches too.
  syncBuiltinESMExports();
}

function defaultUdpHost(socket: dgram.Socket): string {
  const type = (socket as unknown as { type?: string }).type;
  return type === 'udp6' ? '::1' : '127.0.0.1';
}

/** Node's resolver speaks to its servers through c-ares, not through the sockets patched above. */
function guardNodeDns(): void {
  const checkServers = (servers: string[]) => {
    // No configured servers: c-ares falls back to 127.0.0.1:53, a real resolver if one runs there.
    if (servers.length === 0) throw blocked('the system resolver (no servers configured)');
    for (const server of servers) {
      const match = /^\[(.+)\](?::(\d+))?$/.exec(server) ?? /^([^:]+)(?::(\d+))?$/.exec(server);
      const host = match ? match[1]! : server;
      check(host, match?.[2] ?? 53, host);
    }
  };
  const wrapResolve = (target: Record<string, unknown>, getServers: (self: unknown) => string[]) => {
    for (const key of Object.keys(target)) {
      if (!/^resolve|^reverse$/.test(key) || typeof target[key] !== 'function') continue;
      const original = target[key] as (...a: unknown[]) => unknown;
      target[key] = function guardedResolve(this: unknown, ...args: unknown[]) {
        checkServers(getServers(this));
        return original.apply(this, args);
      };
    }
  };
  const wrapLookup = (target: { lookup: unknown }) => {
    const original = target.lookup as (...a: unknown[]) => unknown;
    target.lookup = function guardedLookup(this: unknown, hostname: unknown, ...rest: unknown[]) {
      // An IP literal resolves to itself (sockets bind through lookup('0.0.0.0')); the
      // connect that follows is checked by the socket patches.
      if (typeof hostname === 'string' && net.isIP(hostname) === 0 && !isLoopbackAddress(hostname)) throw blocked(hostname);
      return original.call(this, hostname, ...rest);
    };
  };
  wrapResolve(dns as unknown as Record<string, unknown>, () => dns.getServers());
  wrapResolve(dns.promises as unknown as Record<string, unknown>, () => dns.promises.getServers());
  wrapResolve(dns.Resolver.prototype as unknown as Record<string, unknown>, (self) => (self as dns.Resolver).getServers());
  wrapResolve(dns.promises.Resolver.prototype as unknown as Record<string, unknown>, (self) => (self as dns.promises.Resolver).getServers());
  wrapLookup(dns);
  wrapLookup(dns.promises);
}

install();
