/** The DNS transcript --verbose prints on stderr. */
import type { QueryLogEntry } from '../dns/types.js';

/** What stands in the transcript for the Spamhaus DQS key (as the blocklist check shows it in reports). */
export const DQS_KEY_PLACEHOLDER = '<DQS-KEY>';

/**
 * The DNS transcript for --verbose: one line per query, in the order asked.
 * Labels equal to one of `secrets` (the Spamhaus DQS key, which is part of
 * the query names) are shown as <DQS-KEY>: stderr often ends up in CI logs.
 */
export function renderTranscript(log: readonly QueryLogEntry[], secrets: readonly string[] = []): string {
  const hidden = new Set(secrets.map((secret) => secret.toLowerCase()).filter(Boolean));
  const mask = (name: string) => {
    // The root zone (asked for its DNSKEY) has the empty name: shown as ".", as DNS tools write it.
    if (name === '' || name === '.') return '.';
    return hidden.size === 0 ? name : name.split('.').map((label) => (hidden.has(label.toLowerCase()) ? DQS_KEY_PLACEHOLDER : label)).join('.');
  };
  const lines = [...log]
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((entry) => {
      const ms = `${Math.round(entry.ms)} ms`.padStart(7);
      const outcome = entry.status.toUpperCase().padEnd(8);
      const via = entry.cached ? 'cache' : `${entry.server}${entry.tcp ? ' tcp' : ''}`;
      return `dns ${ms}  ${outcome}  ${mask(entry.name)} ${entry.type}  (${via})`;
    });
  const wire = log.filter((entry) => !entry.cached).length;
  lines.push(`dns ${wire} quer${wire === 1 ? 'y' : 'ies'} on the wire, ${log.length - wire} answered from the cache`);
  return `${lines.join('\n')}\n`;
}
