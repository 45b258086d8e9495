/**
 * The SMTP STARTTLS probe (RFC 5321, RFC 3207): connect to one address of an
 * MX host, read the greeting, EHLO, STARTTLS with SNI set to the MX host name,
 * record the TLS session and the certificate chain, then QUIT. A second
 * connection asks for TLS 1.0/1.1 only, to learn whether the server still
 * accepts them. No message is ever sent (no MAIL FROM, no RCPT TO).
 *
 * The outcome keeps every state apart: no TCP connection is `unreachable`,
 * a server that answers without offering STARTTLS is `starttls-missing`, a
 * failed TLS handshake is `handshake-failed`, and certificate problems are
 * recorded on the session, never folded into the states above.
 */
import net from 'node:net';
import tls from 'node:tls';
import { isIp } from '../is-ip.js';
import type { Duplex } from 'node:stream';
import { createDialogue, PROBE_CODES, ProbeError, type Dialogue, type Reply } from './smtp-dialogue.js';
import { chainsToTrustedRoot, hostnameError, peerChain, TIME_ERRORS } from './certificates.js';
import type { LegacyTlsProbe, SmtpProbeResult, TlsSession } from './types.js';

export { PROBE_CODES } from './smtp-dialogue.js';

export interface SmtpProbeOptions {
  /** TCP port (25 in real use). */
  port: number;
  /** Name sent in EHLO. */
  heloName: string;
  /** Timeout for each phase, ms: the TCP connect, each reply, the TLS handshake. */
  timeoutMs: number;
  /** Trusted roots (undefined: Node's default store). */
  ca?: string[];
  /** The extra roots given by the user (for the date-blind trust check). */
  extraCa?: readonly string[];
  /** Skip the second (TLS 1.0/1.1) connection. */
  skipLegacy?: boolean;
  /** Clock for days-to-expiry (tests). */
  now?: () => Date;
}

function connectTcp(address: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ProbeError('connect', `TCP connect to ${address} port ${port} timed out after ${timeoutMs} ms`, 'ETIMEDOUT'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new ProbeError('connect', `TCP connect to ${address} port ${port} failed: ${error.code ?? error.message}`, error.code));
    });
  });
}

interface TlsUpgradeOptions {
  host: string;
  ca?: string[];
  extraCa?: readonly string[];
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  ciphers?: string;
  timeoutMs: number;
  now: Date;
}

/** STARTTLS's TLS handshake over the connected socket (RFC 3207 §4), never rejecting a certificate: it is judged afterwards. */
function upgrade(socket: net.Socket, options: TlsUpgradeOptions): Promise<{ tlsSocket: tls.TLSSocket; session: TlsSession }> {
  return new Promise((resolve, reject) => {
    const connectOptions: tls.ConnectionOptions = {
      socket,
      rejectUnauthorized: false,
      // RFC 6066 §3: SNI carries a host name, never an IP literal.
      ...(isIp(options.host) === 0 ? { servername: options.host } : {}),
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.minVersion ? { minVersion: options.minVersion } : {}),
      ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
      ...(options.ciphers ? { ciphers: options.ciphers } : {}),
      // Verification happens below with the MX host name; Node's own check must not throw here.
      checkServerIdentity: () => undefined,
    };
    const tlsSocket = tls.connect(connectOptions);
    const timer = setTimeout(() => {
      tlsSocket.destroy();
      reject(new ProbeError('handshake', `TLS handshake did not finish within ${options.timeoutMs} ms`, 'ETIMEDOUT'));
    }, options.timeoutMs);
    tlsSocket.once('secureConnect', () => {
      clearTimeout(timer);
      tlsSocket.removeAllListeners('error');
      const cipher = tlsSocket.getCipher();
      const nameError = hostnameError(options.host, tlsSocket);
      const authError = tlsSocket.authorizationError as unknown;
      const chain = peerChain(tlsSocket, options.now);
      const code = tlsSocket.authorized || !authError ? undefined : authError instanceof Error ? ((authError as NodeJS.ErrnoException).code ?? authError.message) : String(authError);
      let chainTrusted = tlsSocket.authorized;
      if (!chainTrusted && code !== undefined && TIME_ERRORS.has(code)) {
        try {
          chainTrusted = chainsToTrustedRoot(chain.map((certificate) => certificate.pem), options.extraCa);
        } catch {
          chainTrusted = false;
        }
      }
      const session: TlsSession = {
        protocol: tlsSocket.getProtocol() ?? 'unknown',
        cipher: cipher.standardName ?? cipher.name,
        chain,
        authorized: tlsSocket.authorized,
        chainTrusted,
        hostnameMatch: nameError === undefined,
      };
      if (code !== undefined) session.authorizationError = code;
      if (nameError !== undefined) session.hostnameError = nameError;
      resolve({ tlsSocket, session });
    });
    tlsSocket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      tlsSocket.destroy();
      reject(new ProbeError('handshake', `TLS handshake failed: ${error.message}`, error.code));
    });
  });
}

/**
 * The state a failed read ends the probe in: a garbled, endless or cut reply
 * is that, whatever the phase; a timeout (or another socket error) is the
 * phase's own `otherwise`.
 */
function failedState(error: unknown, otherwise: SmtpProbeResult['state']): SmtpProbeResult['state'] {
  const code = (error as { code?: string } | null)?.code;
  if (code === PROBE_CODES.malformed) return 'malformed-reply';
  if (code === PROBE_CODES.tooLong) return 'reply-too-long';
  if (code === PROBE_CODES.closed || code === 'ECONNRESET' || code === 'EPIPE') return 'connection-closed';
  return otherwise;
}

/** EHLO keywords (RFC 5321 §4.1.1.1): the reply lines after the first, first word, upper case. */
function ehloKeywords(lines: string[]): string[] {
  return lines.slice(1).map((line) => (line.trim().split(/\s+/)[0] ?? '').toUpperCase());
}

/** How long to wait for the reply to QUIT: politeness, not information. */
const QUIT_WAIT_MS = 2000;

/** QUIT politely (RFC 5321 §4.1.1.10) and close, without waiting long. */
async function quit(dialogue: Dialogue, stream: Duplex): Promise<void> {
  try {
    dialogue.send('QUIT');
    await dialogue.read('ehlo', QUIT_WAIT_MS);
  } catch {
    // The server may close without answering; nothing more to do.
  } finally {
    stream.destroy();
  }
}

interface DialogueOutcome {
  result: SmtpProbeResult;
  tlsSocket?: tls.TLSSocket;
}

/**
 * One connection: banner, EHLO, STARTTLS, handshake with the given TLS
 * settings. Fills `result` as it goes.
 */
async function runDialogue(
  host: string,
  address: string,
  options: SmtpProbeOptions,
  tlsSettings: Pick<TlsUpgradeOptions, 'minVersion' | 'maxVersion' | 'ciphers'>,
  prefix: string,
): Promise<DialogueOutcome> {
  const started = Date.now();
  const result: SmtpProbeResult = {
    host,
    address,
    port: options.port,
    state: 'unreachable',
    starttlsOffered: false,
    transcript: [],
    durationMs: 0,
  };
  const finish = (): DialogueOutcome => {
    result.durationMs = Date.now() - started;
    return { result };
  };

  let socket: net.Socket;
  try {
    socket = await connectTcp(address, options.port, options.timeoutMs);
  } catch (error) {
    const probeError = error as ProbeError;
    result.error = { stage: 'connect', message: probeError.message, ...(probeError.code ? { code: probeError.code } : {}) };
    return finish();
  }
  socket.on('error', () => {
    // Errors are reported through the dialogue; this keeps a late reset from crashing the process.
  });
  const dialogue = createDialogue(socket, result.transcript, prefix, options.timeoutMs);

  const fail = (state: SmtpProbeResult['state'], error: unknown) => {
    const probeError = error instanceof ProbeError ? error : new ProbeError('banner', String(error));
    result.state = state;
    result.error = { stage: probeError.stage, message: probeError.message, ...(probeError.code ? { code: probeError.code } : {}) };
  };

  // RFC 5321 §4.3.1 / §3.1: the greeting is a 220 reply; 554 (or a 4xx) refuses the session.
  let banner: Reply;
  try {
    banner = await dialogue.read('banner');
  } catch (error) {
    // Connected but silent: as untestable as a refused connection. Anything else the server did is what it is.
    fail(failedState(error, 'unreachable'), error);
    socket.destroy();
    return finish();
  }
  result.banner = banner.lines.join('\n');
  if (banner.code !== 220) {
    fail('session-refused', new ProbeError('banner', `greeting was ${banner.code}, not 220`, String(banner.code)));
    await quit(dialogue, socket);
    return finish();
  }

  // RFC 5321 §4.1.1.1: EHLO; RFC 3207 §4: STARTTLS is announced as an EHLO keyword.
  let ehlo: Reply;
  try {
    dialogue.send(`EHLO ${options.heloName}`);
    ehlo = await dialogue.read('ehlo');
  } catch (error) {
    fail(failedState(error, 'smtp-error'), error);
    socket.destroy();
    return finish();
  }
  result.ehlo = ehlo.lines;
  if (ehlo.code !== 250) {
    fail('session-refused', new ProbeError('ehlo', `EHLO was answered ${ehlo.code}`, String(ehlo.code)));
    await quit(dialogue, socket);
    return finish();
  }
  result.starttlsOffered = ehloKeywords(ehlo.lines).includes('STARTTLS');
  if (!result.starttlsOffered) {
    result.state = 'starttls-missing';
    await quit(dialogue, socket);
    return finish();
  }

  // RFC 3207 §4: 220 means "ready to start TLS"; 454 and 501 are refusals.
  let ready: Reply;
  try {
    dialogue.send('STARTTLS');
    ready = await dialogue.read('starttls');
  } catch (error) {
    fail(failedState(error, 'starttls-rejected'), error);
    socket.destroy();
    return finish();
  }
  if (ready.code !== 220) {
    fail('starttls-rejected', new ProbeError('starttls', `STARTTLS was answered ${ready.code}`, String(ready.code)));
    await quit(dialogue, socket);
    return finish();
  }

  dialogue.detach();
  try {
    const { tlsSocket, session } = await upgrade(socket, {
      host,
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.extraCa ? { extraCa: options.extraCa } : {}),
      ...tlsSettings,
      // The handshake is its own phase with its own timeout: a slow greeting must
      // not leave it a millisecond and turn a working server into a failed handshake.
      timeoutMs: options.timeoutMs,
      now: options.now ? options.now() : new Date(),
    });
    result.state = 'tls';
    result.session = session;
    result.transcript.push(`${prefix}-- TLS ${session.protocol} ${session.cipher}`);
    tlsSocket.on('error', () => {
      // A reset after QUIT is not news.
    });
    dialogue.attach(tlsSocket);
    await quit(dialogue, tlsSocket);
    socket.destroy();
    return finish();
  } catch (error) {
    fail('handshake-failed', error);
    result.transcript.push(`${prefix}-- ${(error as Error).message}`);
    socket.destroy();
    return finish();
  }
}

/** TLS settings that allow only TLS 1.0 and 1.1 (OpenSSL 3 needs security level 0 for them). */
const LEGACY_TLS = { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } as const;

/** Probes one address of an MX host. Never throws. */
export async function probeSmtp(host: string, address: string, options: SmtpProbeOptions): Promise<SmtpProbeResult> {
  const started = Date.now();
  const { result } = await runDialogue(host, address, options, {}, '');
  // Only a server that reached the TLS handshake can tell us about TLS 1.0/1.1.
  if (!options.skipLegacy && (result.state === 'tls' || result.state === 'handshake-failed')) {
    const { transcript, ...legacy } = await probeLegacy(host, address, options);
    result.legacy = legacy;
    for (const line of transcript) result.transcript.push(line);
  }
  result.durationMs = Date.now() - started;
  return result;
}

async function probeLegacy(host: string, address: string, options: SmtpProbeOptions): Promise<LegacyTlsProbe & { transcript: string[] }> {
  const { result } = await runDialogue(host, address, options, LEGACY_TLS, 'legacy ');
  if (result.state === 'tls' && result.session) {
    return { result: 'accepted', protocol: result.session.protocol, session: result.session, transcript: result.transcript };
  }
  if (result.state === 'handshake-failed') {
    return { result: 'refused', error: result.error?.message ?? 'handshake failed', transcript: result.transcript };
  }
  return { result: 'untested', error: result.error?.message ?? result.state, transcript: result.transcript };
}
