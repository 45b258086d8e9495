/**
 * `npm run demo`: audits two bundled example domains (one healthy, one
 * broken) through the real CLI code path, against the fixture DNS server
 * started in-process on 127.0.0.1. Works offline: every DNS query goes to the
 * local server, SMTP probing is off, and the fixtures publish nothing that
 * would make a check connect anywhere (their addresses are documentation
 * ranges that are only looked up, never contacted).
 *
 * Extra arguments are passed to the CLI: `npm run demo -- --format json`,
 * `npm run demo -- -v`.
 */
import { main, processIo, type CliIo } from './cli.js';
import { EXIT } from './exit-code.js';
import { loadFixture, startFixtureDnsServer } from './fixture-server.js';

/** The bundled fixtures (fixtures/<name>.json) and the domains they serve. */
export const DEMO_FIXTURES = ['demo-good', 'demo-broken'] as const;
export const DEMO_DOMAINS = ['good.example', 'broken.example'] as const;

/** The CLI arguments the demo runs with, given the fixture server's address; `extra` goes last. */
export function demoArguments(server: string, extra: readonly string[] = []): string[] {
  return [...DEMO_DOMAINS, '--resolver', server, '--timeout', '1000', '--no-smtp', ...extra];
}

/**
 * Runs the demo and returns an exit code: 0 when the reports were printed
 * (the broken domain's findings are the point of the demo, not a failure),
 * the CLI's code for usage or internal errors.
 */
export async function runDemo(extra: readonly string[] = [], io: CliIo = processIo()): Promise<number> {
  const server = await startFixtureDnsServer(DEMO_FIXTURES.map((name) => loadFixture(name)));
  try {
    const args = demoArguments(server.server, extra);
    io.stderr.write(
      `mailcheck demo: a DNS server on ${server.server} serves ${DEMO_DOMAINS.join(' and ')} from fixtures/; nothing leaves this machine.\n` +
        `$ mailcheck ${args.join(' ')}\n\n`,
    );
    const code = await main(args, io);
    return code === EXIT.usage || code === EXIT.internal ? code : EXIT.ok;
  } finally {
    await server.close();
  }
}
