/**
 * Local SMTP "hosts" for the tls and dane tests: smtp-server instances on
 * several 127.0.0.x addresses sharing one port (the SMTP port is a single
 * audit option; Linux routes all of 127/8 to the loopback interface). A host
 * can offer STARTTLS with a given certificate, hide STARTTLS, speak only
 * TLS 1.0, or accept TCP and never greet. An address with no server gives a
 * refused connection.
 */
import net from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface SmtpHostSpec {
  /** 127.0.0.x address to listen on. */
  address: string;
  /** Certificate chain and key (PEM); omitted: smtp-server's built-in certificate (expired, self-signed, CN=localhost). */
  tls?: { chainPem: string; keyPem: string };
  /** Do not announce STARTTLS. */
  noStarttls?: boolean;
  /** Offer only TLS 1.0. */
  tls10Only?: boolean;
  /** Accept TLS 1.0 and 1.1 besides 1.2/1.3. */
  legacyToo?: boolean;
  /** Accept TCP connections and never send a greeting. */
  silent?: boolean;
  /** Greeting name (default: the address). */
  name?: string;
}

export interface SmtpHosts {
  port: number;
  /** EHLO names each address received, in order. */
  ehloNames(address: string): string[];
  /** Number of MAIL FROM commands received (must stay 0: probes never send mail). */
  mailCommands(): number;
  close(): Promise<void>;
}

type Closable = { close(callback: () => void): void };

function listen(server: net.Server, port: number, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, address, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function closeAll(servers: Closable[]): Promise<void> {
  return Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(() => undefined);
}

/** Starts every host on one shared port (a free one unless given). */
export async function startSmtpHosts(specs: SmtpHostSpec[], options: { port?: number } = {}): Promise<SmtpHosts> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const ehlo = new Map<string, string[]>();
    let mail = 0;
    const servers: Closable[] = [];
    const sockets = new Set<net.Socket>();
    let port = options.port ?? 0;
    try {
      for (const spec of specs) {
        let netServer: net.Server;
        if (spec.silent) {
          netServer = net.createServer((socket) => {
            sockets.add(socket);
            socket.on('error', () => undefined);
            socket.on('close', () => sockets.delete(socket));
          });
          servers.push(netServer);
        } else {
          const smtpOptions: SMTPServerOptions = {
            name: spec.name ?? spec.address,
            logger: false,
            authOptional: true,
            disabledCommands: spec.noStarttls ? ['AUTH', 'STARTTLS'] : ['AUTH'],
            hideSTARTTLS: spec.noStarttls ?? false,
            ...(spec.tls ? { key: spec.tls.keyPem, cert: spec.tls.chainPem } : {}),
            ...(spec.tls10Only ? { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
            ...(spec.legacyToo ? { minVersion: 'TLSv1', maxVersion: 'TLSv1.3', ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
            ...(!spec.tls10Only && !spec.legacyToo ? { minVersion: 'TLSv1.2' } : {}),
            onMailFrom(_address, _session, callback) {
              mail += 1;
              callback(new Error('no mail accepted here'));
            },
            onData(stream, _session, callback) {
              stream.resume();
              stream.on('end', () => callback(new Error('no mail accepted here')));
            },
          } as SMTPServerOptions;
          const smtp = new SMTPServer(smtpOptions);
          // smtp-server emits 'error' on every failed handshake: without a listener the process would die.
          smtp.on('error', () => undefined);
          smtp.server.on('connection', (socket: net.Socket) => {
            sockets.add(socket);
            socket.on('close', () => sockets.delete(socket));
          });
          netServer = smtp.server;
          servers.push(smtp as unknown as Closable);
          trackEhlo(smtp, spec.address, ehlo);
        }
        port = await listen(netServer, port, spec.address);
      }
      return {
        port,
        ehloNames: (address) => ehlo.get(address) ?? [],
        mailCommands: () => mail,
        async close() {
          for (const socket of sockets) socket.destroy();
          await closeAll(servers);
        },
      };
    } catch (error) {
      for (const socket of sockets) socket.destroy();
      await closeAll(servers).catch(() => undefined);
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.port !== undefined) throw error;
    }
  }
  throw new Error('could not find a port free on every test address');
}

/** Records EHLO names by reading the plain-text commands as they arrive (smtp-server has no EHLO hook). */
function trackEhlo(smtp: SMTPServer, address: string, ehlo: Map<string, string[]>): void {
  smtp.server.on('connection', (socket: net.Socket) => {
    socket.on('data', (chunk: Buffer) => {
      const match = /^EHLO ([^\r\n]+)/im.exec(chunk.toString('latin1'));
      if (match) ehlo.set(address, [...(ehlo.get(address) ?? []), match[1]!]);
    });
  });
}

/** The SMTP lab: one host per TLS situation, each at its own 127.0.0.x address. */
export const LAB = {
  good: { host: 'good.tls-lab.test', address: '127.0.0.21' },
  expired: { host: 'expired.tls-lab.test', address: '127.0.0.22' },
  wrongHost: { host: 'wronghost.tls-lab.test', address: '127.0.0.23' },
  selfSigned: { host: 'selfsigned.tls-lab.test', address: '127.0.0.24' },
  expiring: { host: 'expiring.tls-lab.test', address: '127.0.0.25' },
  plain: { host: 'plain.tls-lab.test', address: '127.0.0.26' },
  tls10: { host: 'tls10.tls-lab.test', address: '127.0.0.27' },
  legacy: { host: 'legacy.tls-lab.test', address: '127.0.0.28' },
  /** Nothing listens here: connections are refused. */
  closed: { host: 'closed.tls-lab.test', address: '127.0.0.29' },
  /** Accepts TCP, never greets. */
  silent: { host: 'silent.tls-lab.test', address: '127.0.0.30' },
  /** smtp-server's built-in certificate: expired, self-signed, CN=localhost. */
  builtin: { host: 'builtin.tls-lab.test', address: '127.0.0.31' },
} as const;

export type LabName = keyof typeof LAB;

/** Starts every lab host (except `closed`) on one port with certificates from `ca`. */
export async function startSmtpLab(ca: import('./test-ca.js').TestCa): Promise<SmtpHosts> {
  const { daysFromNow } = await import('./test-ca.js');
  const valid = (host: string) => ca.issue({ commonName: host });
  const certificate = (issued: { chainPem: string; keyPem: string }) => ({ chainPem: issued.chainPem, keyPem: issued.keyPem });
  return startSmtpHosts([
    { address: LAB.good.address, tls: certificate(valid(LAB.good.host)) },
    { address: LAB.expired.address, tls: certificate(ca.issue({ commonName: LAB.expired.host, notBefore: daysFromNow(-400), notAfter: daysFromNow(-3) })) },
    { address: LAB.wrongHost.address, tls: certificate(ca.issue({ commonName: 'other.example.test' })) },
    { address: LAB.selfSigned.address, tls: certificate(ca.selfSigned({ commonName: LAB.selfSigned.host })) },
    { address: LAB.expiring.address, tls: certificate(ca.issue({ commonName: LAB.expiring.host, notAfter: daysFromNow(5) })) },
    { address: LAB.plain.address, noStarttls: true },
    { address: LAB.tls10.address, tls: certificate(valid(LAB.tls10.host)), tls10Only: true },
    { address: LAB.legacy.address, tls: certificate(valid(LAB.legacy.host)), legacyToo: true },
    { address: LAB.silent.address, silent: true },
    { address: LAB.builtin.address },
  ]);
}
