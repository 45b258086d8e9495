// Network guard for CLI processes spawned by the tests (node --import this
// file): like test/setup/network-guard.ts for the test workers, any connection
// outside 127.0.0.0/8 and ::1, any DNS port 53, and any use of Node's own
// resolver throws, so a check that tries to leave the machine fails its test.
import dgram from 'node:dgram';
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

function loopback(host) {
  const bare = String(host ?? 'localhost').replace(/^\[|\]$/g, '').replace(/%.*$/, '').toLowerCase();
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) return bare === '::1' || /^::ffff:127\./.test(bare);
  return bare === 'localhost';
}

function check(host, port) {
  if (!loopback(host) || Number(port) === 53) {
    throw new Error(`mailcheck test guard: connection to ${host}:${port} refused (tests stay on 127.0.0.0/8)`);
  }
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guarded(...args) {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  if (first && typeof first === 'object') {
    // An HTTPS agent passes path: null for TCP; only a real path is a local socket.
    if (first.path == null) check(first.host ?? 'localhost', first.port);
  } else if (typeof first === 'number' || /^\d+$/.test(String(first))) {
    check(typeof args[1] === 'string' ? args[1] : 'localhost', first);
  }
  return connect.apply(this, args);
};

const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function guarded(...args) {
  const long = typeof args[3] === 'number';
  const port = long ? args[3] : args[1];
  const address = long ? args[4] : args[2];
  if (typeof port === 'number') check(typeof address === 'string' ? address : '127.0.0.1', port);
  return send.apply(this, args);
};

for (const target of [dns, dns.promises]) {
  for (const key of Object.keys(target)) {
    if (!/^(resolve|reverse)/.test(key) || typeof target[key] !== 'function') continue;
    target[key] = () => {
      throw new Error(`mailcheck test guard: Node's resolver (dns.${key}) is not used by mailcheck`);
    };
  }
  const lookup = target.lookup;
  target.lookup = function guarded(hostname, ...rest) {
    // IP literals (a bind to 0.0.0.0, a connect to 127.0.0.1) need no resolver; names other than localhost are refused.
    if (!net.isIP(String(hostname)) && !loopback(hostname)) throw new Error(`mailcheck test guard: lookup of ${hostname} refused`);
    return lookup.call(this, hostname, ...rest);
  };
}
syncBuiltinESMExports();
