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
  blocklist(facts) {
    const summary = isRecord(facts.summary) ? facts.summary : undefined;
    const lists = Array.isArray(facts.lists) ? facts.lists.length : undefined;
    if (!summary || lists === undefined) return [];
    const addresses = Array.isArray(facts.addresses) ? facts.addresses.filter((entry) => isRecord(entry) && entry.notQueried === undefined).length : 0;
    const count = (key: string, label: string) => {
      const value = num(summary[key]) ?? 0;
      return value > 0 ? [`${value} ${label}`] : [];
    };
    const outcomes = [
      `${num(summary.listed) ?? 0} listed`,
      ...count('policyListed', 'policy-listed'),
      ...count('refused', 'refused'),
      ...count('inconclusive', 'inconclusive'),
    ];
    const lines = [
      `${lists} list${lists === 1 ? '' : 's'} asked about ${addresses} address${addresses === 1 ? '' : 'es'} and the domain (${num(summary.queries) ?? 0} queries): ${outcomes.join(', ')}`,
    ];
    const unanswered = strings(facts.inconclusiveLists);
    if (unanswered.length > 0) lines.push(`no answer from: ${unanswered.join(', ')}`);
    const notSent = Array.isArray(facts.addresses)
      ? facts.addresses.filter(isRecord).filter((entry) => str(entry.notQueried) !== undefined)
      : [];
    if (notSent.length > 0) {
      const inHouse = Array.isArray(facts.lists) && facts.lists.some((list) => isRecord(list) && list.inHouse === true);
      lines.push(
        `not sent to ${inHouse ? 'public lists' : 'the lists'}: ${notSent.map((entry) => `${str(entry.address) ?? '?'} (${str(entry.notQueried)})`).join(', ')}`,
      );
    }
    return lines;
  },
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
