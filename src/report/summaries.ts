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
  tls(facts) {
    const hosts = Array.isArray(facts.hosts) ? facts.hosts.filter(isRecord) : [];
    const lines: string[] = [];
    for (const host of hosts) {
      const name = str(host.host) ?? '?';
      const addresses = Array.isArray(host.addresses) ? host.addresses.filter(isRecord) : [];
      if (addresses.length === 0) {
        const problem = str(host.dnsProblem);
        lines.push(`${name}: ${problem ? `addresses unknown (${problem})` : 'no address to probe'}`);
        continue;
      }
      for (const address of addresses) lines.push(`${name} ${str(address.address) ?? '?'}: ${tlsProbeText(address)}`);
    }
    return lines;
  },
  'mta-sts': (facts) => {
    const records = Array.isArray(facts.records) ? facts.records.filter(isRecord) : [];
    const lines: string[] = [];
    if (records.length === 1) lines.push(...recordLine('record', records[0]!.value));
    else if (records.length > 1) lines.push(`${records.length} records at ${str(facts.recordName) ?? '_mta-sts'}`);
    const policy = isRecord(facts.policy) ? facts.policy : undefined;
    // A run without the network (--offline, --replay) never fetched the policy: say so, never imply there is none.
    if (policy?.fetched === false) {
      lines.push(`policy not fetched${str(policy.reason) ? ` (${str(policy.reason)})` : ''}: mode and max_age unknown`);
      return lines;
    }
    if (!policy) return lines;
    const parsed = isRecord(policy.parsed) ? policy.parsed : undefined;
    if (str(policy.fetch) !== 'ok' || num(policy.httpStatus) !== 200 || !parsed) {
      const why = str(policy.fetch) !== 'ok' ? (str(policy.fetch) ?? '?') : `HTTP ${num(policy.httpStatus) ?? '?'}`;
      const error = str(policy.error);
      lines.push(`policy not fetched: ${why}${error && error !== why ? ` (${error})` : ''}`);
      return lines;
    }
    const errors = strings(parsed.errors);
    if (errors.length > 0) {
      lines.push(`policy fetched, invalid: ${errors[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`);
      return lines;
    }
    const maxAge = num(parsed.maxAge);
    lines.push(`policy: mode ${str(parsed.mode) ?? '?'}, max_age ${maxAge === undefined ? '?' : `${maxAge} (${duration(maxAge)})`}, fetched`);
    return lines;
  },
};

/** One address of the tls check: protocol, cipher and certificate expiry, or how the probe ended. */
function tlsProbeText(address: Record<string, unknown>): string {
  const session = isRecord(address.tls) ? address.tls : isRecord(address.legacySession) ? address.legacySession : undefined;
  if (session) {
    const certificate = isRecord(session.certificate) ? session.certificate : undefined;
    const days = num(certificate?.daysToExpiry);
    const expiry =
      days === undefined ? '' : days < 0 ? `, certificate expired ${-days} day${days === -1 ? '' : 's'} ago` : `, certificate expires in ${days} day${days === 1 ? '' : 's'}`;
    const only = address.tls === undefined ? ' only' : '';
    return `${str(session.protocol) ?? '?'}${only} ${str(session.cipher) ?? '?'}${expiry}`;
  }
  const state = str(address.state) ?? '?';
  const text = TLS_STATES[state] ?? state;
  const error = str(address.error) ?? (isRecord(address.error) ? str(address.error.message) : undefined);
  return error ? `${text} (${error})` : text;
}

/** How an SMTP probe without a TLS session ended (src/net/types.ts SmtpProbeState). */
const TLS_STATES: Readonly<Record<string, string>> = {
  unreachable: 'unreachable',
  'smtp-error': 'SMTP error',
  'starttls-missing': 'no STARTTLS',
  'starttls-rejected': 'STARTTLS refused',
  'handshake-failed': 'TLS handshake failed',
};

/** Seconds as the largest whole unit (604800 → 7 days). */
function duration(seconds: number): string {
  const units: Array<[number, string]> = [[86400, 'day'], [3600, 'hour'], [60, 'minute']];
  for (const [size, unit] of units) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size} ${unit}${seconds / size === 1 ? '' : 's'}`;
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

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
