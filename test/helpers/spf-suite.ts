/**
 * The RFC 7208 conformance suite's YAML shapes, and its zonedata read as a
 * fixture zone for the local DNS server.
 */
import type { FixtureZone } from '../../src/testing/fixture-server.js';

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
