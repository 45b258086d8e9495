/**
 * `npm run demo`: audits two bundled example domains (one healthy, one
 * broken) through the real CLI code path, offline:
 * - the fixture DNS server (fixtures/demo-*.json) runs in-process on
 *   127.0.0.1 and answers every query of the run (`--resolver`);
 * - the healthy domain's MTA-STS policy is served over HTTPS on 127.0.0.1 by
 *   a small server started here, with a key and a self-signed certificate
 *   made for this run (./demo-certificate.ts); the certificate is written
 *   to a temporary file passed with `--ca-file` and removed afterwards, the
 *   key never leaves memory;
 * - SMTP probing is off (`--no-smtp`): the MX addresses are documentation
 *   ranges that are looked up, never contacted.
 *
 * - then the bundled message fixtures/demo-message.eml is audited with
 *   `mailcheck message` against the same server (text output only).
 *
 * Extra arguments are passed to the CLI: `npm run demo -- --format json`,
 * `npm run demo -- -v`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from './main.js';
import { processIo, type CliIo } from './io.js';
import { makeDemoCertificate, type DemoCertificate } from './demo-certificate.js';
import { EXIT } from '../exit-code.js';
import { FIXTURES_DIR, loadFixture, startFixtureDnsServer } from '../testing/fixture-server.js';

/** The bundled fixtures (fixtures/<name>.json) and the domains they serve. */
export const DEMO_FIXTURES = ['demo-good', 'demo-broken', 'demo-message'] as const;
export const DEMO_DOMAINS = ['good.example', 'broken.example'] as const;

/** The bundled message audited after the domains (text output only), and the options it passes on. */
export const DEMO_MESSAGE = path.join(FIXTURES_DIR, 'demo-message.eml');
const MESSAGE_EXTRA = new Set(['-v', '--verbose', '--color', '--no-color']);

/** The host the demo serves over HTTPS, and its certificate's name. */
const HTTPS_HOST = 'mta-sts.good.example';

/** Files the demo HTTPS server serves: Host → path → file in fixtures/. */
const HTTPS_FILES: Record<string, Record<string, string>> = {
  [HTTPS_HOST]: { '/.well-known/mta-sts.txt': 'demo-mta-sts.good.example.txt' },
};

/** The CLI arguments the demo runs with; `extra` goes last. */
export function demoArguments(
  dnsServer: string,
  httpsPort: number,
  extra: readonly string[] = [],
  caFile = '<demo-certificate.pem>',
): string[] {
  return [
    ...DEMO_DOMAINS,
    '--resolver',
    dnsServer,
    '--timeout',
    '1000',
    '--no-smtp',
    '--https-port',
    String(httpsPort),
    '--ca-file',
    caFile,
    ...extra,
  ];
}

/** The HTTPS server for the demo's MTA-STS policy, on 127.0.0.1 and a free port. */
async function startHttpsServer(tls: DemoCertificate): Promise<Server> {
  const server = createServer(
    { key: tls.keyPem, cert: tls.certPem },
    (request, response) => {
      const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
      const file = HTTPS_FILES[host]?.[(request.url ?? '').split('?')[0]!];
      if (!file) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' }).end(readFileSync(path.join(FIXTURES_DIR, file)));
    },
  );
  // A failed handshake must not end the demo.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return server;
}

/**
 * Runs the demo and returns an exit code: 0 when the reports were printed
 * (the broken domain's findings are the point of the demo, not a failure),
 * the CLI's code for usage or internal errors.
 */
export async function runDemo(extra: readonly string[] = [], io: CliIo = processIo()): Promise<number> {
  const dns = await startFixtureDnsServer(DEMO_FIXTURES.map((name) => loadFixture(name)));
  let https: Server | undefined;
  const tlsDir = mkdtempSync(path.join(tmpdir(), 'mailcheck-demo-'));
  try {
    const tls = makeDemoCertificate(HTTPS_HOST);
    const caFile = path.join(tlsDir, 'demo-certificate.pem');
    writeFileSync(caFile, tls.certPem);
    https = await startHttpsServer(tls);
    const httpsPort = (https.address() as AddressInfo).port;
    const args = demoArguments(dns.server, httpsPort, extra, caFile);
    io.stderr.write(
      `mailcheck demo: a DNS server on ${dns.server} serves ${DEMO_DOMAINS.join(' and ')} from fixtures/, ` +
        `an HTTPS server on 127.0.0.1:${httpsPort} the MTA-STS policy; nothing leaves this machine.\n` +
        `$ mailcheck ${args.join(' ')}\n\n`,
    );
    const code = await main(args, io);
    if (code === EXIT.usage || code === EXIT.internal) return code;
    // The message audit joins the text output; JSON and the other formats stay one document.
    const format = extra.indexOf('--format');
    if (format >= 0 && extra[format + 1] !== 'text') return EXIT.ok;
    const relative = path.relative(process.cwd(), DEMO_MESSAGE);
    const messageFile = relative.startsWith('..') || path.isAbsolute(relative) ? DEMO_MESSAGE : relative;
    const messageArgs = ['message', messageFile, '--resolver', dns.server, '--timeout', '1000', ...extra.filter((arg) => MESSAGE_EXTRA.has(arg))];
    io.stderr.write(`\n$ mailcheck ${messageArgs.join(' ')}\n\n`);
    await new Promise<void>((resolve) => io.stdout.write('\n', () => resolve()));
    const messageCode = await main(messageArgs, io);
    return messageCode === EXIT.usage || messageCode === EXIT.internal ? messageCode : EXIT.ok;
  } finally {
    if (https) {
      https.closeAllConnections();
      await new Promise<void>((resolve) => https!.close(() => resolve()));
    }
    await dns.close();
    rmSync(tlsDir, { recursive: true, force: true });
  }
}
