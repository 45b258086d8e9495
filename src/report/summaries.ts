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
