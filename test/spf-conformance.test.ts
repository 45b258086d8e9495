/**
 * The RFC 7208 conformance suite (openspf.org 2014.04 + 2019.08, as kept by
 * pyspf): every test of ../shared/testdata/spf/rfc7208-tests.yml evaluated by
 * our check_host() through the real resolver, each scenario's zonedata served
 * by the local fixture DNS server.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAll } from 'js-yaml';
import { createResolver } from '../src/dns/resolver.js';
import { startFixtureDnsServer, type FixtureServer, type FixtureZone } from '../src/fixture-server.js';
import { checkHost } from '../src/spf/evaluate.js';

const SUITE = path.resolve(import.meta.dirname, '..', '..', 'shared', 'testdata', 'spf', 'rfc7208-tests.yml');

interface SuiteTest {
  spec: string | number;
  helo: string;
  host: string;
  mailfrom: string;
  result: string | string[];
  explanation?: string;
}

interface Scenario {
  description: string;
  tests: Record<string, SuiteTest>;
  zonedata: Record<string, Array<string | Record<string, unknown>>>;
}

/** Types the evaluator asks for; a TIMEOUT entry makes each of them time out unless records of it came first. */
const QUERIED_TYPES = ['A', 'AAAA', 'MX', 'TXT', 'PTR', 'CNAME'];

/**
 * Suite zonedata → fixture zone. SPF entries are served as TXT when the name
 * has no TXT entries of its own ("TXT: NONE" means no TXT). A bare TIMEOUT
 * item makes every type time out except those whose records precede it (as
 * the suite's reference driver reads it).
 */
function zoneFromSuite(zonedata: Scenario['zonedata']): FixtureZone {
  const zone: FixtureZone['zone'] = {};
  for (const [owner, entries] of Object.entries(zonedata)) {
    const hasTxt = entries.some((entry) => typeof entry === 'object' && 'TXT' in entry);
    const node: Record<string, unknown[]> = {};
    const seenBeforeTimeout = new Set<string>();
    let timeout = false;
    for (const entry of entries) {
      if (entry === 'TIMEOUT') {
        timeout = true;
        continue;
      }
      for (const [rawType, value] of Object.entries(entry)) {
        if (rawType === 'TXT' && value === 'NONE') {
          node.TXT ??= [];
          continue;
        }
        const type = rawType === 'SPF' ? (hasTxt ? 'SPF' : 'TXT') : rawType;
        let record: unknown = value;
        if (type === 'MX') {
          const [preference, host] = value as [number, string];
          record = [preference, host === '' ? '.' : host];
        }
        if (type === 'TXT' || type === 'SPF') record = Array.isArray(value) ? value.map(String) : String(value);
        (node[type] ??= []).push(record);
        if (!timeout) seenBeforeTimeout.add(type);
      }
    }
    if (timeout) {
      if (seenBeforeTimeout.size === 0) {
        zone[owner.toLowerCase()] = 'TIMEOUT';
        continue;
      }
      for (const type of QUERIED_TYPES) if (!seenBeforeTimeout.has(type)) (node as Record<string, unknown>)[type] = 'TIMEOUT';
    }
    zone[owner.toLowerCase()] = node as FixtureZone['zone'][string];
  }
  return { description: 'RFC 7208 suite scenario', zone };
}

const present = existsSync(SUITE);
if (!present && process.env.CI) {
  throw new Error(`${SUITE} is missing: the RFC 7208 conformance suite must run in CI`);
}
const scenarios: Scenario[] = present
  ? (loadAll(readFileSync(SUITE, 'utf8')) as Scenario[]).filter((doc) => doc && doc.tests)
  : [];

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
          const dns = createResolver({ servers: [server.server], timeoutMs: 200, retries: 0 });
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
