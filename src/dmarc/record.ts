/**
 * DMARC policy record parsing and validation (pure). RFC 7489 §6.3–§6.4,
 * RFC 9989 §4.7 (tags; pct, rf and ri removed; np, psd and t added).
 * The record uses DKIM's tag-value syntax (RFC 6376 §3.2).
 */
import { isTagName, splitTagList } from '../tag-list.js';

/** A DMARC policy value (RFC 9989 `p`, `sp`, `np`). */
export type DmarcPolicyValue = 'none' | 'quarantine' | 'reject';

/** One `name=value` pair as written, in record order. */
export interface DmarcTag {
  /** Tag name, lower case. */
  name: string;
  /** Value with surrounding whitespace removed. */
  value: string;
}

/** One problem that makes the record syntactically invalid. */
export interface DmarcSyntaxProblem {
  /** The tag concerned, when there is one. */
  tag?: string;
  /** What is wrong, with the offending text. */
  problem: string;
}

/** One entry of a `rua`/`ruf` list (RFC 7489 §6.4 `dmarc-uri`). */
export interface DmarcReportUri {
  /** The list element as written. */
  raw: string;
  /** Which tag it came from. */
  tag: 'rua' | 'ruf';
  /** True when the element is a syntactically valid DMARC URI. */
  valid: boolean;
  /** Why it is invalid. */
  error?: string;
  /** URI scheme, lower case (`mailto`, `https`, …). */
  scheme?: string;
  /** The URI without the `!size` suffix. */
  uri?: string;
  /** For mailto: the mailbox (`local@domain`), decoded. */
  address?: string;
  /** Host that receives the reports: the mailbox domain (mailto) or URI host; lower case, no trailing dot. */
  host?: string;
  /** The `!<size>[kmgt]` limit, as written. */
  maxSize?: string;
}

/** A parsed DMARC record. Values are present only when valid. */
export interface ParsedDmarcRecord {
  /** The record text (character-strings joined). */
  raw: string;
  /** Every tag in record order, duplicates included. */
  tags: DmarcTag[];
  /** Syntax problems: duplicate tags, malformed tags, invalid values. Empty when the record is valid. */
  errors: DmarcSyntaxProblem[];
  /** Tags not defined by RFC 7489 / RFC 9989 (ignored by receivers). */
  unknownTags: string[];
  /** Tags present that RFC 9989 removed (`pct`, `rf`, `ri`). */
  removedTags: string[];
  /** `p`; undefined when absent or invalid (see `pPresent`). */
  p?: DmarcPolicyValue;
  /** True when a `p` tag is written (valid or not). */
  pPresent: boolean;
  sp?: DmarcPolicyValue;
  np?: DmarcPolicyValue;
  /** DKIM alignment, default `r`. */
  adkim: 'r' | 's';
  /** SPF alignment, default `r`. */
  aspf: 'r' | 's';
  /** `pct`, default 100 (RFC 7489 §6.3; removed by RFC 9989). */
  pct: number;
  /** `fo` options, default ["0"]. */
  fo: string[];
  /** `rf` formats, default ["afrf"] (removed by RFC 9989). */
  rf: string[];
  /** `ri` seconds, default 86400 (removed by RFC 9989). */
  ri: number;
  rua: DmarcReportUri[];
  ruf: DmarcReportUri[];
  /** `psd`, default `u` (RFC 9989). */
  psd: 'y' | 'n' | 'u';
  /** `t` test mode, default `n` (RFC 9989). */
  t: 'y' | 'n';
}

/** Tags RFC 7489 and RFC 9989 define. */
export const DMARC_TAGS: readonly string[] = [
  'v',
  'p',
  'sp',
  'np',
  'adkim',
  'aspf',
  'pct',
  'fo',
  'rf',
  'ri',
  'rua',
  'ruf',
  'psd',
  't',
];

/** Tags RFC 9989 removed from the record (it obsoletes RFC 7489). */
export const REMOVED_DMARC_TAGS: readonly string[] = ['pct', 'rf', 'ri'];

const POLICIES: readonly string[] = ['none', 'quarantine', 'reject'];

/**
 * True when a TXT record is a DMARC record: it begins with `v=DMARC1`
 * (RFC 7489 §6.6.3 step 3 / RFC 9989 §4.10 step 2: other records are discarded).
 * The `v` tag name is case-insensitive ABNF; `DMARC1` is a case-sensitive literal (%x44 %x4d …).
 */
export function isDmarcRecord(text: string): boolean {
  return /^[vV][ \t]*=[ \t]*DMARC1[ \t]*(?:;|$)/.test(text);
}

/** The record's tags (RFC 6376 §3.2 tag-list), names lower case, and the entries that are not tags. */
function readTags(text: string): { tags: DmarcTag[]; malformed: string[] } {
  const tags: DmarcTag[] = [];
  const malformed: string[] = [];
  for (const field of splitTagList(text)) {
    if (field.kind === 'empty') continue;
    // RFC 6376 §3.2: tag-name = ALPHA *ALNUMPUNC
    if (field.kind === 'malformed' || !isTagName(field.name)) malformed.push(field.text);
    else tags.push({ name: field.name.toLowerCase(), value: field.value });
  }
  return { tags, malformed };
}

/** Parses and validates a DMARC record. The caller has checked `isDmarcRecord`. */
export function parseDmarcRecord(raw: string): ParsedDmarcRecord {
  const { tags, malformed } = readTags(raw);
  const record: ParsedDmarcRecord = {
    raw,
    tags,
    errors: malformed.map((text) => ({ problem: `malformed tag "${text}"` })),
    unknownTags: [],
    removedTags: [],
    pPresent: false,
    adkim: 'r',
    aspf: 'r',
    pct: 100,
    fo: ['0'],
    rf: ['afrf'],
    ri: 86400,
    rua: [],
    ruf: [],
    psd: 'u',
    t: 'n',
  };
  const seen = new Set<string>();
  tags.forEach((tag, index) => {
    if (seen.has(tag.name)) {
      // RFC 6376 §3.2 (used by RFC 7489 §6.3): duplicate tag names make the whole tag-list invalid.
      record.errors.push({ tag: tag.name, problem: `duplicate tag ${tag.name}` });
      return;
    }
    seen.add(tag.name);
    if (!DMARC_TAGS.includes(tag.name)) {
      // RFC 9989 §4.7: unknown tags MUST be ignored.
      record.unknownTags.push(tag.name);
      return;
    }
    if (REMOVED_DMARC_TAGS.includes(tag.name)) record.removedTags.push(tag.name);
    applyTag(record, tag, index);
  });
  return record;
}

function invalid(record: ParsedDmarcRecord, tag: DmarcTag, expected: string): void {
  record.errors.push({ tag: tag.name, problem: `invalid value ${tag.name}=${tag.value} (expected ${expected})` });
}

function applyTag(record: ParsedDmarcRecord, tag: DmarcTag, index: number): void {
  const value = tag.value;
  const lower = value.toLowerCase();
  switch (tag.name) {
    case 'v':
      // RFC 7489 §6.3: v MUST be the first tag, with the value DMARC1.
      if (index !== 0 || value !== 'DMARC1') invalid(record, tag, 'DMARC1 as the first tag');
      return;
    case 'p':
    case 'sp':
    case 'np':
      if (tag.name === 'p') record.pPresent = true;
      // RFC 9989 §4.7 p/sp/np: none, quarantine or reject.
      if (POLICIES.includes(lower)) record[tag.name] = lower as DmarcPolicyValue;
      else invalid(record, tag, 'none, quarantine or reject');
      return;
    case 'adkim':
    case 'aspf':
      if (lower === 'r' || lower === 's') record[tag.name] = lower;
      else invalid(record, tag, 'r or s');
      return;
    case 'pct':
      // RFC 7489 §6.3: pct is an integer 0–100.
      if (/^\d{1,3}$/.test(value) && Number(value) <= 100) record.pct = Number(value);
      else invalid(record, tag, 'an integer from 0 to 100');
      return;
    case 'fo': {
      // RFC 7489 §6.4: dmarc-fo = ( "0" / "1" / "d" / "s" ) *( *WSP ":" *WSP ( … ) )
      const options = lower.split(':').map((option) => option.trim());
      if (options.every((option) => ['0', '1', 'd', 's'].includes(option))) record.fo = options;
      else invalid(record, tag, 'a colon-separated list of 0, 1, d, s');
      return;
    }
    case 'rf': {
      // RFC 7489 §6.4: dmarc-rfmt = Keyword *( *WSP ":" *WSP Keyword )
      const formats = lower.split(':').map((format) => format.trim());
      if (formats.every((format) => /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(format))) record.rf = formats;
      else invalid(record, tag, 'a colon-separated list of report formats such as afrf');
      return;
    }
    case 'ri':
      // RFC 7489 §6.4: dmarc-ainterval = 1*DIGIT (a 32-bit unsigned integer, §6.3)
      if (/^\d{1,10}$/.test(value) && Number(value) <= 0xffffffff) record.ri = Number(value);
      else invalid(record, tag, 'a number of seconds');
      return;
    case 'rua':
    case 'ruf':
      record[tag.name] = parseReportUriList(value, tag.name);
      return;
    case 'psd':
      if (lower === 'y' || lower === 'n' || lower === 'u') record.psd = lower;
      else invalid(record, tag, 'y, n or u');
      return;
    case 't':
      if (lower === 'y' || lower === 'n') record.t = lower;
      else invalid(record, tag, 'y or n');
      return;
  }
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** True for a host name of LDH labels (A-labels), at least two labels. */
export function isHostName(name: string): boolean {
  const labels = name.split('.');
  return name.length <= 253 && labels.length >= 2 && labels.every((label) => LABEL.test(label));
}

/**
 * Parses a `rua`/`ruf` value: a comma-separated list of DMARC URIs
 * (RFC 7489 §6.4: dmarc-uri = URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]).
 */
export function parseReportUriList(value: string, tag: 'rua' | 'ruf'): DmarcReportUri[] {
  return value.split(',').map((element) => parseReportUri(element.trim(), tag));
}

function parseReportUri(raw: string, tag: 'rua' | 'ruf'): DmarcReportUri {
  const entry: DmarcReportUri = { raw, tag, valid: false };
  if (raw === '') return { ...entry, error: 'empty URI' };
  let uri = raw;
  const size = /!(\d+[kmgt]?)$/i.exec(raw);
  if (size) {
    entry.maxSize = size[1];
    uri = raw.slice(0, size.index);
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):(.+)$/.exec(uri);
  if (!scheme) return { ...entry, error: 'not a URI (a scheme such as mailto: is required)' };
  entry.scheme = scheme[1].toLowerCase();
  entry.uri = uri;
  if (entry.scheme === 'mailto') {
    let address: string;
    try {
      address = decodeURIComponent(scheme[2].split('?')[0]);
    } catch {
      return { ...entry, error: 'undecodable mailto URI' };
    }
    const at = address.lastIndexOf('@');
    const local = at > 0 ? address.slice(0, at) : '';
    const host = at > 0 ? address.slice(at + 1).toLowerCase().replace(/\.$/, '') : '';
    if (!local || /[\s,;<>]/.test(local) || !isHostName(host)) {
      return { ...entry, error: 'mailto URI without a valid mailbox' };
    }
    return { ...entry, valid: true, address: `${local}@${host}`, host };
  }
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return { ...entry, error: 'unparsable URI' };
  }
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  return host ? { ...entry, valid: true, host } : { ...entry, valid: true };
}

/** Serialises tags as a record value: `name=value` joined with "; ". */
export function serializeTags(tags: readonly DmarcTag[]): string {
  return tags.map((tag) => `${tag.name}=${tag.value}`).join('; ');
}

/**
 * The record's tags with duplicates, malformed and invalid-valued tags dropped
 * (first occurrence kept), `v=DMARC1` first. The base for fix records.
 */
export function cleanTags(record: ParsedDmarcRecord): DmarcTag[] {
  const badTags = new Set(record.errors.filter((error) => error.problem.startsWith('invalid value')).map((error) => error.tag));
  const seen = new Set<string>(['v']);
  const out: DmarcTag[] = [{ name: 'v', value: 'DMARC1' }];
  for (const tag of record.tags) {
    if (seen.has(tag.name)) continue;
    seen.add(tag.name);
    if (badTags.has(tag.name)) continue;
    out.push(tag);
  }
  return out;
}

/** Returns tags with `name` set to `value`: replaced in place, else inserted after the tag `after` (null: at the end). */
export function setTag(tags: readonly DmarcTag[], name: string, value: string, after: string | null = 'v'): DmarcTag[] {
  if (tags.some((tag) => tag.name === name)) {
    return tags.map((tag) => (tag.name === name ? { name, value } : tag));
  }
  const out = [...tags];
  const index = after === null ? -1 : out.findIndex((tag) => tag.name === after);
  out.splice(index < 0 ? out.length : index + 1, 0, { name, value });
  return out;
}

/** Returns tags without the named ones. */
export function removeTags(tags: readonly DmarcTag[], names: readonly string[]): DmarcTag[] {
  return tags.filter((tag) => !names.includes(tag.name));
}
