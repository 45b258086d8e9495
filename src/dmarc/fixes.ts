/**
 * The exact DMARC records to publish for each finding (pure). Records keep the
 * published tags and their order, changing only what the fix is about.
 */
import type { Fix } from '../schema/report.js';
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

/**
 * One change a finding asks of the published record. The fixes of one check
 * compose: every finding that replaces the same record proposes the same
 * target, the published record with every edit applied (`composedFix`), so
 * applying any one of them never undoes another.
 */
export interface RecordEdit {
  /** The finding that asks for the change (or, for a step no finding asks for, a label naming it). */
  id: string;
  /** The change in a few words ("p=quarantine", "pct removed"), for the other fixes' notes. */
  change: string;
  apply(tags: DmarcTag[]): DmarcTag[];
}

/** Syntax errors: duplicates, malformed and invalid tags dropped (the base of every target), an invalid p set to none. */
export function syntaxErrorEdit(record: ParsedDmarcRecord): RecordEdit {
  const pInvalid = pIsInvalid(record);
  return {
    id: 'dmarc/syntax-error',
    change: pInvalid ? 'invalid tags dropped, p=none' : 'invalid and duplicate tags dropped',
    apply: (tags) => (pInvalid ? setTag(tags, 'p', 'none') : tags),
  };
}

function pIsInvalid(record: ParsedDmarcRecord): boolean {
  return record.errors.some((error) => error.tag === 'p' && error.problem.startsWith('invalid value'));
}

/** p=none on the record itself: p=quarantine. */
export function policyNoneEdit(): RecordEdit {
  return { id: 'dmarc/policy-none', change: 'p=quarantine', apply: (tags) => setTag(tags, 'p', 'quarantine') };
}

/** Tags removed (pct, t, sp=none, unknown or removed tags). */
export function withoutTagsEdit(id: string, names: readonly string[]): RecordEdit {
  return { id, change: `${names.join(', ')} removed`, apply: (tags) => removeTags(tags, names) };
}

/** No rua: an aggregate report address added at the end. */
export function noReportingEdit(): RecordEdit {
  return {
    id: 'dmarc/no-reporting',
    change: `rua=mailto:${REPORT_MAILBOX} added`,
    apply: (tags) => setTag(tags, 'rua', `mailto:${REPORT_MAILBOX}`, null),
  };
}

function repairUri(uri: DmarcReportUri): string | undefined {
  if (uri.valid) return uri.raw;
  // A bare mailbox is the usual mistake: give it its scheme.
  if (/^[^\s@:,;]+@[a-z0-9.-]+\.[a-z]{2,}$/i.test(uri.raw)) return `mailto:${uri.raw}`;
  return undefined;
}

/** Invalid rua/ruf URIs: repaired (bare mailboxes get mailto:) or dropped; a rua left empty gets the placeholder. */
export function invalidReportUriEdit(record: ParsedDmarcRecord): RecordEdit {
  return {
    id: 'dmarc/invalid-report-uri',
    change: 'report URIs repaired',
    apply: (input) => {
      let tags = input;
      for (const name of ['rua', 'ruf'] as const) {
        const list = record[name];
        if (!list.some((uri) => !uri.valid)) continue;
        const kept = list.map(repairUri).filter((uri): uri is string => uri !== undefined);
        if (kept.length > 0) tags = setTag(tags, name, kept.join(','));
        else if (name === 'rua') tags = setTag(tags, name, `mailto:${REPORT_MAILBOX}`);
        else tags = removeTags(tags, [name]);
      }
      return tags;
    },
  };
}

/** The record with every edit applied, in order, to its clean tags. */
export function targetTags(record: ParsedDmarcRecord, edits: readonly RecordEdit[]): DmarcTag[] {
  return edits.reduce((tags, edit) => edit.apply(tags), cleanTags(record));
}

/** What the finding `edit.id` shows: its own summary and notes, and the one target record of all `edits`. */
export interface ComposedFixInput {
  summary: string;
  notes?: string[];
}

/**
 * The fix of one finding among several that replace the same record: the
 * target value carries every edit, and a note names what the others change.
 */
export function composedFix(
  recordName: string,
  record: ParsedDmarcRecord,
  edits: readonly RecordEdit[],
  edit: RecordEdit,
  input: ComposedFixInput,
): Fix {
  const value = serializeTags(targetTags(record, edits));
  const notes = [...(input.notes ?? [])];
  const others = edits.filter((other) => other !== edit);
  if (others.length > 0) {
    notes.push(`This record also carries the fixes of the other DMARC findings: ${others.map((other) => `${other.change} (${other.id})`).join('; ')}.`);
  }
  return {
    summary: input.summary,
    records: [{ action: 'replace', name: recordName, type: 'TXT', value, current: record.raw }],
    ...(value.includes(REPORT_MAILBOX) ? { placeholders: { 'REPORT-MAILBOX': REPORT_MAILBOX_HELP } } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** The summary and notes of the syntax-error fix. */
export function syntaxErrorFixText(recordName: string, record: ParsedDmarcRecord): ComposedFixInput {
  const notes = ['Duplicate tags, malformed tags and tags with invalid values were dropped; the first occurrence of each tag is kept.'];
  if (pIsInvalid(record)) notes.push('The invalid p tag was replaced with p=none, the policy receivers apply today; raise it once reports are clean.');
  return { summary: `Correct the DMARC record at ${recordName}`, notes };
}

/** The summary and notes of the policy-none fix on the record itself: the path on to p=reject. */
export function policyNoneFixText(record: ParsedDmarcRecord, edits: readonly RecordEdit[]): ComposedFixInput {
  const reject = serializeTags(setTag(targetTags(record, edits), 'p', 'reject'));
  return {
    summary: 'Publish p=quarantine',
    notes: [
      'Before enforcing, check the aggregate reports: every legitimate sender must pass SPF or DKIM in alignment.',
      `Once quarantine causes no loss of legitimate mail, publish p=reject: ${reject}`,
    ],
  };
}

/**
 * p=none inherited from a parent: the domain publishes its own record (the
 * parent's sp/np governs it today). When the domain holds several records
 * (all discarded), the one that dmarc/multiple-records keeps is replaced.
 */
export function inheritedPolicyNoneFix(domain: string, recordName: string, record: ParsedDmarcRecord, ownRecords: readonly string[]): Fix {
  const rua = record.rua.filter((uri) => uri.valid).map((uri) => uri.raw);
  const ruaValue = rua.length > 0 ? rua.join(',') : `mailto:${REPORT_MAILBOX}`;
  const value = `v=DMARC1; p=quarantine; rua=${ruaValue}`;
  const name = `_dmarc.${domain}`;
  const notes = [
    `Alternatively raise sp (and np) on ${recordName} to cover every subdomain.`,
    `Once reports show all legitimate mail passing, publish ${value.replace('p=quarantine', 'p=reject')}.`,
  ];
  if (ownRecords.length > 1) notes.push(`${name} holds ${ownRecords.length} DMARC records: this replaces the first, and the others are removed (dmarc/multiple-records).`);
  return {
    summary: `Publish p=quarantine for ${domain}`,
    records: [
      ownRecords.length > 1
        ? { action: 'replace', name, type: 'TXT', value, current: ownRecords[0]! }
        : { action: 'add', name, type: 'TXT', value },
    ],
    ...(rua.length > 0 ? {} : { placeholders: { 'REPORT-MAILBOX': REPORT_MAILBOX_HELP } }),
    notes,
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
