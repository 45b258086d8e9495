/**
 * The RFC 7208 conformance suite through the command line: every test of
 * ../shared/testdata/spf/rfc7208-tests.yml run as `mailcheck spf <domain>
 * --ip <host> [--sender <mailfrom>] --helo <helo> --format json` (the CLI's
 * own entry point, in process; the malformed identities also through the
 * built binary), each scenario's zonedata served by the fixture DNS server.
 * A receiver evaluates what the client sent (§4.3): malformed identities are
 * evaluated to `none`, not refused as usage errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { runCli } from './helpers/cli.js';
import { loadSpfSuite, zoneFromSuite, type SuiteTest } from './helpers/spf-suite.js';

const { present, scenarios } = loadSpfSuite();

/** The command line a receiver would run for one suite test. */
function argvFor(test: SuiteTest, server: string): string[] {
  const mailfrom = String(test.mailfrom ?? '');
  const helo = String(test.helo);
  // RFC 7208 §2.4: with an empty MAIL FROM the HELO identity is checked.
  const domain = mailfrom.includes('@') ? mailfrom.slice(mailfrom.lastIndexOf('@') + 1) : mailfrom || helo;
  return [
    'spf',
    domain,
    '--ip',
    String(test.host),
    ...(mailfrom !== '' ? ['--sender', mailfrom] : []),
    '--helo',
    helo,
    '--format',
    'json',
    '--resolver',
    server,
    '--timeout',
    '2000',
    '--retries',
    '1',
  ];
}

async function runInProcess(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (chunk: string, callback?: (error?: Error | null) => void) => ((stdout += chunk), callback?.(), true) },
    stderr: { write: (chunk: string, callback?: (error?: Error | null) => void) => ((stderr += chunk), callback?.(), true) },
    env: {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Exit codes of `mailcheck spf --ip`: 0 pass, 3 temperror, 1 any other result. */
const exitFor = (result: string) => (result === 'pass' ? 0 : result === 'temperror' ? 3 : 1);

describe.skipIf(!present)('RFC 7208 conformance suite through mailcheck spf', () => {
  for (const scenario of scenarios) {
    describe(scenario.description, () => {
      let server: FixtureServer;
      beforeAll(async () => {
        server = await startFixtureDnsServer(zoneFromSuite(scenario.zonedata));
      });
      afterAll(async () => {
        await server.close();
      });

      for (const [name, test] of Object.entries(scenario.tests)) {
        it(name, async () => {
          const { code, stdout, stderr } = await runInProcess(argvFor(test, server.server));
          const accepted = Array.isArray(test.result) ? test.result : [test.result];
          expect(stderr, `${test.spec}`).toBe('');
          const json = JSON.parse(stdout) as { result: string };
          expect(accepted, `${test.spec}: got ${json.result}`).toContain(json.result);
          expect(code).toBe(exitFor(json.result));
        }, 30_000);
      }
    });
  }
});

describe('malformed identities through the built binary are evaluated, not refused (RFC 7208 §4.3)', () => {
  let server: FixtureServer;
  beforeAll(async () => {
    server = await startFixtureDnsServer({ zone: { 'example.test': { TXT: ['v=spf1 -all'] } } });
  });
  afterAll(async () => {
    await server?.close();
  });
  const cases: Array<[string, string[], string]> = [
    ['a label over 63 octets', [`${'a'.repeat(64)}.example.test`], 'none'],
    ['an empty label', ['a..example.test'], 'none'],
    ['a single label', ['localhost'], 'none'],
    ['a domain literal', ['[192.0.2.1]'], 'none'],
    ['a HELO identity that is a single label', ['a2345678', '--helo', 'a2345678'], 'none'],
    // §4.3: a local part may hold a space; the domain's policy decides.
    ['a local part with a space', ['example.test', '--sender', 'some one@example.test'], 'fail'],
  ];
  for (const [what, args, expected] of cases) {
    it(what, async () => {
      const [domain, ...rest] = args;
      const result = await runCli(['spf', domain!, '--ip', '192.0.2.1', ...rest, '--format', 'json', '--resolver', server.server, '--timeout', '2000']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout)).toMatchObject({ result: expected });
    }, 30_000);
  }

  it('without --ip the tree still needs a valid domain (exit 2)', async () => {
    const result = await runCli(['spf', 'a..example.test', '--resolver', server.server]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  }, 30_000);
});
