/**
 * Small pure helpers shared by the CI reporters (ndjson, csv, markdown, sarif,
 * junit, html): options, severity ordering, the record a finding concerns,
 * and zone-file lines for fix records.
 */
import type { FailOn } from '../baseline.js';
import { SEVERITIES, type CheckResult, type Finding, type FixRecord, type Report, type Severity } from './schema.js';

/** Options every reporter accepts; each uses what it needs. */
export interface FormatOptions {
  /** --fail-on: findings at or above it count as failures (junit, sarif levels, markdown). Default 'high'. */
  failOn?: FailOn;
  /** --min-score, when given. */
  minScore?: number;
  /** Show facts and low-severity detail. */
  verbose?: boolean;
}

export const DEFAULT_FAIL_ON: FailOn = 'high';

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Every finding of a report with its check, most severe first, then in check order. */
export function findingsOf(report: Report): Array<{ check: CheckResult; finding: Finding }> {
  const list: Array<{ check: CheckResult; finding: Finding; order: number }> = [];
  let order = 0;
  for (const check of report.checks) for (const finding of check.findings) list.push({ check, finding, order: order++ });
  list.sort((a, b) => severityRank(a.finding.severity) - severityRank(b.finding.severity) || a.order - b.order);
  return list.map(({ check, finding }) => ({ check, finding }));
}

/** Count of findings per severity. */
export function severityCounts(report: Report): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const check of report.checks) for (const finding of check.findings) counts[finding.severity]++;
  return counts;
}

/** Where each check's main record lives, relative to the domain. */
const CHECK_RECORD: Readonly<Record<string, { prefix: string; type: string }>> = {
  mx: { prefix: '', type: 'MX' },
  spf: { prefix: '', type: 'TXT' },
  dmarc: { prefix: '_dmarc.', type: 'TXT' },
  dkim: { prefix: '_domainkey.', type: 'TXT' },
  'mta-sts': { prefix: '_mta-sts.', type: 'TXT' },
  'tls-rpt': { prefix: '_smtp._tls.', type: 'TXT' },
  bimi: { prefix: 'default._bimi.', type: 'TXT' },
  dnssec: { prefix: '', type: 'DS' },
  dane: { prefix: '', type: 'TLSA' },
  ptr: { prefix: '', type: 'PTR' },
  tls: { prefix: '', type: 'MX' },
  blocklist: { prefix: '', type: 'A' },
};

/** The DNS record a finding concerns: its first fix record, else the check's main record. */
export function recordOf(domain: string, checkId: string, finding: Finding): { name: string; type: string } {
  const first = finding.fix?.records?.[0];
  if (first) return { name: first.name, type: first.type };
  const where = CHECK_RECORD[checkId] ?? { prefix: '', type: 'TXT' };
  return { name: `${where.prefix}${domain}`, type: where.type };
}

/** Escapes one character-string for a master file: quotes, backslashes, and bytes outside printable ASCII as \DDD (RFC 1035 §5.1). */
function quoteCharacterString(bytes: Uint8Array): string {
  let out = '"';
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte > 0x7e) out += `\\${String(byte).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out}"`;
}

/** A TXT value as quoted character-strings of at most 255 octets each (RFC 1035 §3.3.14, RFC 7208 §3.3). */
export function quoteTxt(value: string): string {
  const bytes = new TextEncoder().encode(value);
  if (bytes.length === 0) return '""';
  const parts: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + 255, bytes.length);
    // Do not cut a UTF-8 sequence in two: back off to the start of a character.
    while (end < bytes.length && end > start && (bytes[end]! & 0xc0) === 0x80) end--;
    parts.push(quoteCharacterString(bytes.subarray(start, end)));
    start = end;
  }
  return parts.join(' ');
}

/** The record data as written in a zone file. */
export function zoneValue(type: string, value: string): string {
  return type.toUpperCase() === 'TXT' ? quoteTxt(value) : value;
}

/** A fix record as zone-file lines (a comment for removals and replaced values). */
export function zoneLines(record: FixRecord): string[] {
  const owner = `${record.name.replace(/\.$/, '')}.`;
  const ttl = record.ttl !== undefined ? `${record.ttl} ` : '';
  const line = (value: string) => `${owner} ${ttl}IN ${record.type} ${zoneValue(record.type, value)}`;
  if (record.action === 'remove') return [`; remove: ${line(record.current ?? record.value)}`];
  const lines: string[] = [];
  if (record.action === 'replace' && record.current !== undefined) lines.push(`; replaces: ${line(record.current)}`);
  lines.push(line(record.value));
  return lines;
}
