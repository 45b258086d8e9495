/**
 * The RFC 7208 conformance suite (openspf.org 2014.04 + 2019.08, as kept by
 * pyspf): every test of ../shared/testdata/spf/rfc7208-tests.yml evaluated by
 * our check_host() through the real resolver, each scenario's zonedata served
 * by the local fixture DNS server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolver } from '../src/dns/resolver.js';
import { startFixtureDnsServer, type FixtureServer } from '../src/testing/fixture-server.js';
import { checkHost } from '../src/spf/evaluate.js';
import { loadSpfSuite, zoneFromSuite } from './helpers/spf-suite.js';

const { present, scenarios } = loadSpfSuite();

describe.skipIf(!present)('RFC 7208 conformance suite', () => {
  it('has 203 tests in 16 scenarios', () => {
    expect(scenarios).toHaveLength(16);
    expect(scenarios.reduce((sum, scenario) => sum + Object.keys(scenario.tests).length, 0)).toBe(203);
  });

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
          const dns = createResolver({ servers: [server.server], timeoutMs: 1000, retries: 0 });
          const mailfrom = String(test.mailfrom ?? '');
          const helo = String(test.helo);
          // RFC 7208 §2.4: with an empty MAIL FROM the HELO identity is checked.
          const domain = mailfrom.includes('@') ? mailfrom.slice(mailfrom.lastIndexOf('@') + 1) : mailfrom || helo;
          const outcome = await checkHost(dns, { ip: String(test.host), domain, sender: mailfrom, helo });
          const accepted = Array.isArray(test.result) ? test.result : [test.result];
          expect(accepted, `${test.spec}: got ${outcome.result} (${outcome.reason ?? outcome.mechanism ?? ''})`).toContain(outcome.result);
          if (test.explanation !== undefined && outcome.result === 'fail') {
            if (test.explanation === 'DEFAULT') {
              expect(outcome.explanation).toBeUndefined();
            } else {
              // Compared without case: IPv6 nibbles in the suite's %{ir} text are upper case,
              // RFC 7208 §7.4's example writes them in lower case; DNS names are case-insensitive.
              expect(outcome.explanation?.toLowerCase()).toBe(test.explanation.toLowerCase());
            }
          }
        });
      }
    });
  }
});
