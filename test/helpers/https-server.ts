/**
 * A local HTTPS server for MTA-STS policy tests: one address, one port, and
 * per host name (the Host header) a canned response. Certificates are chosen
 * by SNI, so one host can present a certificate for the wrong name.
 */
import https from 'node:https';
import type net from 'node:net';
import tls from 'node:tls';

export interface HttpsRoute {
  status?: number;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Stall: accept the request and never answer. */
  hang?: boolean;
}

export interface HttpsServerOptions {
  address: string;
  port?: number;
  /** Default certificate (chain and key, PEM). */
  tls: { chainPem: string; keyPem: string };
  /** Certificates for particular SNI names. */
  sni?: Record<string, { chainPem: string; keyPem: string }>;
  /** Host name → route by request path ('/.well-known/mta-sts.txt'); unlisted paths are 404. */
  routes: Record<string, Record<string, HttpsRoute>>;
}

export interface LocalHttpsServer {
  port: number;
  /** Requests received, as `host path`. */
  requests(): string[];
  close(): Promise<void>;
}

export async function startHttpsServer(options: HttpsServerOptions): Promise<LocalHttpsServer> {
  const contexts = new Map<string, tls.SecureContext>();
  for (const [name, pair] of Object.entries(options.sni ?? {})) {
    contexts.set(name, tls.createSecureContext({ cert: pair.chainPem, key: pair.keyPem }));
  }
  const log: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = https.createServer(
    {
      cert: options.tls.chainPem,
      key: options.tls.keyPem,
      SNICallback: (servername, callback) => callback(null, contexts.get(servername.toLowerCase())),
    },
    (request, response) => {
      const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
      const path = (request.url ?? '/').split('?')[0]!;
      log.push(`${host} ${path}`);
      const route = options.routes[host]?.[path];
      if (!route) {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found\n');
        return;
      }
      if (route.hang) return;
      response.writeHead(route.status ?? 200, { 'content-type': 'text/plain', ...(route.headers ?? {}) });
      response.end(route.body ?? '');
    },
  );
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined);
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.address, () => resolve((server.address() as net.AddressInfo).port));
  });
  return {
    port,
    requests: () => [...log],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
