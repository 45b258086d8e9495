/** The mta-sts check's key lines for the text report: the record, then the policy's mode and max_age. */
import type { MtaStsFacts } from './facts.js';

/** Seconds as the largest whole unit (604800 → 7 days). */
function duration(seconds: number): string {
  const units: Array<[number, string]> = [[86400, 'day'], [3600, 'hour'], [60, 'minute']];
  for (const [size, unit] of units) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size} ${unit}${seconds / size === 1 ? '' : 's'}`;
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

export function summariseMtaSts(facts: MtaStsFacts): string[] {
  const records = facts.records ?? [];
  const lines: string[] = [];
  if (records.length === 1 && records[0]!.value) lines.push(`record: ${records[0]!.value}`);
  else if (records.length > 1) lines.push(`${records.length} records at ${facts.recordName}`);
  const policy = facts.policy;
  if (!policy) return lines;
  // A run without the network (--offline, --replay) never fetched the policy: say so, never imply there is none.
  if ('fetched' in policy) {
    lines.push(`policy not fetched${policy.reason ? ` (${policy.reason})` : ''}: mode and max_age unknown`);
    return lines;
  }
  const parsed = policy.parsed;
  if (policy.fetch !== 'ok' || policy.httpStatus !== 200 || !parsed) {
    const why = policy.fetch !== 'ok' ? policy.fetch : `HTTP ${policy.httpStatus ?? '?'}`;
    const error = policy.error;
    lines.push(`policy not fetched: ${why}${error && error !== why ? ` (${error})` : ''}`);
    return lines;
  }
  if (parsed.errors.length > 0) {
    lines.push(`policy fetched, invalid: ${parsed.errors[0]}${parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more)` : ''}`);
    return lines;
  }
  const maxAge = parsed.maxAge;
  lines.push(`policy: mode ${parsed.mode ?? '?'}, max_age ${maxAge === null ? '?' : `${maxAge} (${duration(maxAge)})`}, fetched`);
  return lines;
}
