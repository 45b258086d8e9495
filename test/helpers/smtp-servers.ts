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
  /**
   * A scripted server instead of smtp-server: `broken-tls` accepts STARTTLS and
   * then sends garbage, `starttls-454` refuses STARTTLS, `banner-554` greets
   * with 554 (RFC 5321 §3.1 "no SMTP service here").
   */
  script?: 'broken-tls' | 'starttls-454' | 'banner-554';
}

export interface SmtpHosts {
  port: number;
  /** Leaf certificate (PEM) each address presents, where the test made it. */
  leafPem: Record<string, string>;
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
        if (spec.script) {
          netServer = scriptedServer(spec.script, sockets, ehlo, spec.address);
          servers.push(netServer);
        } else if (spec.silent) {
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
      const leafPem: Record<string, string> = {};
      for (const spec of specs) if (spec.tls) leafPem[spec.address] = spec.tls.chainPem.split(/(?<=-----END CERTIFICATE-----\n?)/)[0]!;
      return {
        port,
        leafPem,
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

/** A few lines of SMTP that misbehave in one chosen way. */
function scriptedServer(script: NonNullable<SmtpHostSpec['script']>, sockets: Set<net.Socket>, ehlo: Map<string, string[]>, address: string): net.Server {
  return net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    if (script === 'banner-554') {
      socket.write('554 5.7.1 no SMTP service for you\r\n');
    } else {
      socket.write(`220 ${address} ESMTP scripted\r\n`);
    }
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let index: number;
      while ((index = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, index).replace(/\r$/, '');
        buffer = buffer.slice(index + 1);
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'EHLO') {
          ehlo.set(address, [...(ehlo.get(address) ?? []), line.slice(5)]);
          socket.write(`250-${address}\r\n250-PIPELINING\r\n250 STARTTLS\r\n`);
        } else if (verb === 'STARTTLS') {
          if (script === 'starttls-454') {
            socket.write('454 4.7.0 TLS not available due to local problem\r\n');
          } else {
            socket.write('220 2.0.0 Ready to start TLS\r\n');
            socket.end('this is not a TLS handshake\r\n');
          }
        } else if (verb === 'QUIT') {
          socket.end('221 2.0.0 Bye\r\n');
        } else {
          socket.write('502 5.5.2 command not recognised\r\n');
        }
      }
    });
  });
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
  /** Accepts STARTTLS, then answers the handshake with garbage. */
  brokenTls: { host: 'brokentls.tls-lab.test', address: '127.0.0.32' },
  /** Offers STARTTLS, then refuses it with 454. */
  starttls454: { host: 'starttls454.tls-lab.test', address: '127.0.0.33' },
  /** Greets with 554. */
  banner554: { host: 'banner554.tls-lab.test', address: '127.0.0.34' },
} as const;

export type LabName = keyof typeof LAB;

/** Starts every lab host (except `closed`) on one port with certificates from `ca`. */
export async function startSmtpLab(ca: import('./test-ca.js').TestCa): Promise<SmtpHosts> {
  const { daysFromNow } = await import('./test-ca.js');
  const valid = (host: string) => ca.issue({ commonName: host });
  const certificate = (issued: { chainPem: string; keyPem: string }) => ({ chainPem: issued.chainPem, keyPem: issued.keyPem });
  return startSmtpHosts([
    // The good server also answers for dual.tls-lab.test (an MX name with an IPv4 and an IPv6 address).
    { address: LAB.good.address, tls: certificate(ca.issue({ commonName: LAB.good.host, altNames: [LAB.good.host, 'dual.tls-lab.test'] })) },
    { address: LAB.expired.address, tls: certificate(ca.issue({ commonName: LAB.expired.host, notBefore: daysFromNow(-400), notAfter: daysFromNow(-3) })) },
    { address: LAB.wrongHost.address, tls: certificate(ca.issue({ commonName: 'other.example.test' })) },
    { address: LAB.selfSigned.address, tls: certificate(ca.selfSigned({ commonName: LAB.selfSigned.host })) },
    { address: LAB.expiring.address, tls: certificate(ca.issue({ commonName: LAB.expiring.host, notAfter: daysFromNow(5) })) },
    { address: LAB.plain.address, noStarttls: true },
    { address: LAB.tls10.address, tls: certificate(valid(LAB.tls10.host)), tls10Only: true },
    { address: LAB.legacy.address, tls: certificate(valid(LAB.legacy.host)), legacyToo: true },
    { address: LAB.silent.address, silent: true },
    { address: LAB.builtin.address },
    { address: LAB.brokenTls.address, script: 'broken-tls' },
    { address: LAB.starttls454.address, script: 'starttls-454' },
    { address: LAB.banner554.address, script: 'banner-554' },
  ]);
}
