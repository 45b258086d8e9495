/**
 * One or two lines of key facts per check for the text report (the MX hosts,
 * the SPF lookup count, the DMARC policy …). Facts are data of each check's
 * own shape, so every summariser reads them defensively and returns nothing
 * when the shape is not what it expects.
 *
 * To summarise a new check: add `'<check-id>': (facts) => [lines]` below.
 */

export type FactSummariser = (facts: Readonly<Record<string, unknown>>) => string[];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * A DNS status (dns/types.ts DnsStatus) that says nothing about the data: the
 * query failed, so absence must not be inferred (a timeout is not "no record").
 */
const failed = (status: unknown): status is string => typeof status === 'string' && status !== 'ok' && status !== 'nxdomain' && status !== 'nodata';

/** A published record, quoted. */
const recordLine = (label: string, value: unknown): string[] => {
  const text = str(value);
  return text === undefined ? [] : [`${label}: ${text}`];
};

export const SUMMARISERS: Readonly<Record<string, FactSummariser>> = {
  mx(facts) {
    const hosts = Array.isArray(facts.hosts) ? facts.hosts.filter(isRecord) : [];
    if (facts.nullMx === true) return ['null MX (0 .): the domain accepts no mail'];
    return hosts.map((host) => {
      const name = str(host.exchange) ?? str(host.host) ?? str(host.name) ?? '?';
      const preference = num(host.preference);
      const addresses = [...strings(host.ipv4), ...strings(host.ipv6), ...strings(host.addresses)];
      const unique = [...new Set(addresses)];
      const failures = (['a', 'aaaa'] as const).filter((type) => failed(host[type])).map((type) => `${type.toUpperCase()} ${host[type]}`);
      const shown = unique.length
        ? ` → ${unique.join(', ')}${failures.length ? ` (lookup failed: ${failures.join(', ')})` : ''}`
        : failures.length
          ? ` → addresses unknown (lookup failed: ${failures.join(', ')})`
          : '';
      return `${preference === undefined ? '' : `${preference} `}${name}${shown}`;
    });
  },
  spf(facts) {
    const lines = recordLine('record', facts.record);
    // Without a record read there is nothing to count: 0 would read as a fact.
    if (lines.length === 0) return lines;
    const lookups = num(facts.lookups) ?? num(facts.dnsLookups) ?? num(facts.lookupCount);
    // A walk cut short by DNS failures counted only what it reached.
    const failures = strings(facts.dnsErrors).length;
    if (lookups !== undefined) lines.push(`DNS lookups: ${failures ? `at least ${lookups}` : lookups} of 10${failures ? ` (${failures} lookup(s) failed)` : ''}`);
    return lines;
  },
  dmarc(facts) {
    const lines = recordLine('record', facts.record);
    const policy = str(facts.policy);
    if (policy) {
      const sub = str(facts.subdomainPolicy);
      const foundAt = str(facts.foundAt);
      const inherited = str(facts.source) !== 'domain' && foundAt ? ` (inherited from ${foundAt})` : '';
      lines.push(`policy: ${policy}${sub && sub !== policy ? `, subdomains: ${sub}` : ''}${inherited}`);
    }
    return lines;
  },
  dkim(facts) {
    const keys = Array.isArray(facts.keys) ? facts.keys.filter(isRecord) : [];
    if (keys.length) {
      return keys.map((key) => {
        const bits = num(key.bits);
        const kind = key.revoked === true ? 'revoked' : `${str(key.keyType) ?? '?'}${bits === undefined ? '' : ` ${bits} bits`}`;
        const target = str(key.cnameTarget);
        return `${str(key.selector) ?? '?'}: ${kind}${target ? ` (CNAME → ${target})` : ''}`;
      });
    }
    const found = strings(facts.selectorsFound ?? facts.found);
    if (found.length) return [`selectors: ${found.join(', ')}`];
    const probed = strings(facts.selectorsProbed);
    if (!probed.length) return [];
    // A selector whose query failed may hold the key: say so rather than "no key".
    const unanswered = Array.isArray(facts.failed) ? facts.failed.filter(isRecord) : [];
    if (unanswered.length) {
      return [`no key found at ${probed.length - unanswered.length} of the ${probed.length} selectors probed; ${unanswered.length} lookup(s) failed (${unanswered
        .slice(0, 3)
        .map((probe) => `${str(probe.selector) ?? '?'}: ${str(probe.status) ?? '?'}`)
        .join(', ')}${unanswered.length > 3 ? ', …' : ''})`];
    }
    return [`no key at the ${probed.length} selectors probed`];
  },
  ptr(facts) {
    const addresses = Array.isArray(facts.addresses) ? facts.addresses.filter(isRecord) : [];
    return addresses.map((entry) => {
      const ip = str(entry.ip) ?? '?';
      const names = strings(isRecord(entry.ptr) ? entry.ptr.names : entry.names);
      const status = isRecord(entry.ptr) ? entry.ptr.status : undefined;
      const inconclusive = entry.outcome === 'inconclusive' || entry.forwardConfirmed === null;
      if (!names.length) {
        // A PTR query that timed out or failed says nothing about whether a PTR exists.
        if (failed(status)) return `${ip} → PTR lookup failed: ${status}`;
        if (inconclusive) return `${ip} → PTR unknown${str(entry.failure) ? ` (${str(entry.failure)})` : ''}`;
        return `${ip} → no PTR`;
      }
      const confirmed = entry.forwardConfirmed;
      const mark =
        confirmed === true
          ? ' (forward-confirmed)'
          : confirmed === false
            ? ' (not forward-confirmed)'
            : inconclusive
              ? ` (forward check failed${str(entry.failure) ? `: ${str(entry.failure)}` : ''})`
              : '';
      return `${ip} → ${names.join(', ')}${mark}`;
    });
  },
  'mta-sts': (facts) => {
    const mode = str(facts.mode) ?? (isRecord(facts.policy) ? str(facts.policy.mode) : undefined);
    return mode ? [`policy mode: ${mode}`] : [];
  },
  'tls-rpt': (facts) => recordLine('record', facts.record),
  bimi: (facts) => recordLine('record', facts.record),
};

/** The summary lines of one check (empty when there is nothing to say). */
export function summarise(checkId: string, facts: Readonly<Record<string, unknown>>): string[] {
  const summariser = SUMMARISERS[checkId];
  if (!summariser) return [];
  try {
    return summariser(facts);
  } catch {
    return [];
  }
}
