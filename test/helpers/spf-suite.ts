/**
 * The RFC 7208 conformance suite (../shared/testdata/spf/rfc7208-tests.yml):
 * its YAML shapes, the suite read once for every test file that runs it, and
 * its zonedata read as a fixture zone for the local DNS server.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadAll } from 'js-yaml';
import type { FixtureZone } from '../../src/testing/fixture-server.js';

const SUITE = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'testdata', 'spf', 'rfc7208-tests.yml');

export interface SuiteTest {
  spec: string | number;
  helo: string;
  host: string;
  mailfrom: string;
  result: string | string[];
  explanation?: string;
}

export interface Scenario {
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
export function zoneFromSuite(zonedata: Scenario['zonedata']): FixtureZone {
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

/**
 * The suite's scenarios, and whether the file is there. With `CI` set a
 * missing suite is an error, never a skip.
 */
export function loadSpfSuite(): { present: boolean; scenarios: Scenario[] } {
  const present = existsSync(SUITE);
  if (!present && process.env.CI) {
    throw new Error(`${SUITE} is missing: the RFC 7208 conformance suite must run in CI`);
  }
  const scenarios = present ? (loadAll(readFileSync(SUITE, 'utf8')) as Scenario[]).filter((doc) => doc && doc.tests) : [];
  return { present, scenarios };
}
