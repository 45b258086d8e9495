/**
 * The exact DMARC records to publish for each finding (pure). Records keep the
 * published tags and their order, changing only what the fix is about.
 */
import type { Fix } from '../report/schema.js';
import {
  cleanTags,
  removeTags,
  serializeTags,
  setTag,
  type DmarcReportUri,
  type DmarcTag,
  type ParsedDmarcRecord,
} from './record.js';
import { reportAuthorizationName } from './report-auth.js';

/** Placeholder for the mailbox that receives aggregate reports. */
export const REPORT_MAILBOX = '<REPORT-MAILBOX>';

const REPORT_MAILBOX_HELP =
  'A mailbox that receives DMARC aggregate reports (for example a dmarc-reports mailbox at your domain, or the address your DMARC report service gives you).';

/** The first record to publish when a domain has none: monitoring mode with reports. */
export function starterRecord(): string {
  return `v=DMARC1; p=none; rua=mailto:${REPORT_MAILBOX}`;
}

export function missingFix(domain: string): Fix {
  const value = starterRecord();
  return {
    summary: `Publish a DMARC record at _dmarc.${domain}`,
    records: [{ action: 'add', name: `_dmarc.${domain}`, type: 'TXT', value }],
    placeholders: { 'REPORT-MAILBOX': REPORT_MAILBOX_HELP },
    notes: [
      'p=none only monitors: read the aggregate reports until every legitimate sender passes SPF or DKIM in alignment.',
      `Then move to enforcement: v=DMARC1; p=quarantine; rua=mailto:${REPORT_MAILBOX}, and finally v=DMARC1; p=reject; rua=mailto:${REPORT_MAILBOX}.`,
    ],
  };
}

export function multipleRecordsFix(domain: string, records: readonly string[]): Fix {
  return {
    summary: `Keep one DMARC record at _dmarc.${domain} and remove the others`,
    records: records.slice(1).map((value) => ({
      action: 'remove' as const,
      name: `_dmarc.${domain}`,
      type: 'TXT',
      value,
      current: value,
    })),
    notes: [
      'Receivers discard every DMARC record when a name holds more than one (RFC 9989 §4.10), so the domain has no policy today.',
      'The record kept is the first one listed in the evidence; merge anything you need from the others into it.',
    ],
  };
}

/** Syntax errors: the record with duplicates, malformed and invalid tags dropped. */
export function syntaxErrorFix(recordName: string, record: ParsedDmarcRecord): Fix {
  let tags = cleanTags(record);
  const pInvalid = record.errors.some((error) => error.tag === 'p' && error.problem.startsWith('invalid value'));
  if (pInvalid) tags = setTag(tags, 'p', 'none');
  const notes = ['Duplicate tags, malformed tags and tags with invalid values were dropped; the first occurrence of each tag is kept.'];
  if (pInvalid) notes.push('The invalid p tag was replaced with p=none, the policy receivers apply today; raise it once reports are clean.');
  return {
    summary: `Correct the DMARC record at ${recordName}`,
    records: [{ action: 'replace', name: recordName, type: 'TXT', value: serializeTags(tags), current: record.raw }],
    notes,
  };
}

/** The tags to build on for the record at `recordName`. */
function baseTags(record: ParsedDmarcRecord): DmarcTag[] {
  return cleanTags(record);
}

/** p=none: the same record with p=quarantine, and the path on to p=reject. */
export function policyNoneFix(
  domain: string,
  recordName: string,
  record: ParsedDmarcRecord,
  inherited: boolean,
): Fix {
  if (inherited) {
    // The inherited record's sp/np governs this domain: publish the domain's own record.
    const rua = record.rua.filter((uri) => uri.valid).map((uri) => uri.raw);
    const ruaValue = rua.length > 0 ? rua.join(',') : `mailto:${REPORT_MAILBOX}`;
    const value = `v=DMARC1; p=quarantine; rua=${ruaValue}`;
    return {
      summary: `Publish p=quarantine for ${domain}`,
      records: [{ action: 'add', name: `_dmarc.${domain}`, type: 'TXT', value }],
      ...(rua.length > 0 ? {} : { placeholders: { 'REPORT-MAILBOX': REPORT_MAILBOX_HELP } }),
      notes: [
        `Alternatively raise sp (and np) on ${recordName} to cover every subdomain.`,
        `Once reports show all legitimate mail passing, publish ${value.replace('p=quarantine', 'p=reject')}.`,
      ],
    };
  }
  const quarantine = serializeTags(setTag(baseTags(record), 'p', 'quarantine'));
  const reject = serializeTags(setTag(baseTags(record), 'p', 'reject'));
  return {
    summary: 'Publish p=quarantine',
    records: [{ action: 'replace', name: recordName, type: 'TXT', value: quarantine, current: record.raw }],
    notes: [
      'Before enforcing, check the aggregate reports: every legitimate sender must pass SPF or DKIM in alignment.',
      `Once quarantine causes no loss of legitimate mail, publish p=reject: ${reject}`,
    ],
  };
}

/** A replacement of the record without the given tags. */
export function withoutTagsFix(summary: string, recordName: string, record: ParsedDmarcRecord, names: string[], notes: string[] = []): Fix {
  const value = serializeTags(removeTags(baseTags(record), names));
  return {
    summary,
    records: [{ action: 'replace', name: recordName, type: 'TXT', value, current: record.raw }],
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** No rua: the record with an aggregate report address added. */
export function noReportingFix(recordName: string, record: ParsedDmarcRecord): Fix {
  const value = serializeTags(setTag(baseTags(record), 'rua', `mailto:${REPORT_MAILBOX}`, null));
  return {
    summary: 'Add a rua address to receive DMARC aggregate reports',
    records: [{ action: 'replace', name: recordName, type: 'TXT', value, current: record.raw }],
    placeholders: { 'REPORT-MAILBOX': REPORT_MAILBOX_HELP },
  };
}

function repairUri(uri: DmarcReportUri): string | undefined {
  if (uri.valid) return uri.raw;
  // A bare mailbox is the usual mistake: give it its scheme.
  if (/^[^\s@:,;]+@[a-z0-9.-]+\.[a-z]{2,}$/i.test(uri.raw)) return `mailto:${uri.raw}`;
  return undefined;
}

/** Invalid rua/ruf URIs: the record with them repaired (bare mailboxes) or dropped. */
export function invalidReportUriFix(recordName: string, record: ParsedDmarcRecord): Fix {
  let tags = baseTags(record);
  let usesPlaceholder = false;
  for (const name of ['rua', 'ruf'] as const) {
    const list = record[name];
    if (!list.some((uri) => !uri.valid)) continue;
    const kept = list.map(repairUri).filter((uri): uri is string => uri !== undefined);
    if (kept.length > 0) tags = setTag(tags, name, kept.join(','));
    else if (name === 'rua') {
      tags = setTag(tags, name, `mailto:${REPORT_MAILBOX}`);
      usesPlaceholder = true;
    } else tags = removeTags(tags, [name]);
  }
  return {
    summary: 'Write every report address as a mailto: URI',
    records: [{ action: 'replace', name: recordName, type: 'TXT', value: serializeTags(tags), current: record.raw }],
    ...(usesPlaceholder ? { placeholders: { 'REPORT-MAILBOX': REPORT_MAILBOX_HELP } } : {}),
  };
}

/** Unauthorised destinations: the record each destination must publish (RFC 7489 §7.1). */
export function unauthorizedDestinationFix(policyDomain: string, hosts: readonly string[]): Fix {
  return {
    summary: `Have ${hosts.join(', ')} authorise reports for ${policyDomain}`,
    records: hosts.map((host) => ({
      action: 'add' as const,
      name: reportAuthorizationName(policyDomain, host),
      type: 'TXT',
      value: 'v=DMARC1',
    })),
    notes: [
      'These records go in the destination domains\' zones: ask their operators (or your DMARC report service) to publish them.',
      'A destination may instead publish v=DMARC1 once at *._report._dmarc.<its domain> to accept reports for every domain.',
      'Otherwise use a report mailbox inside your own Organizational Domain.',
    ],
  };
}
