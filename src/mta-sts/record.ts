/**
 * The MTA-STS TXT record at `_mta-sts.<domain>` (RFC 8461 §3.1).
 */
import { versionedFields } from '../tag-list.js';

export interface StsRecord {
  /** The `id` field (1–32 letters and digits). */
  id?: string;
  /** Extension fields, by name. */
  extensions: Record<string, string>;
  /** Why the record is invalid; empty when it is valid. */
  errors: string[];
}

/** RFC 8461 §3.1: sts-id = %s"id=" 1*32(ALPHA / DIGIT). */
const ID = /^[A-Za-z0-9]{1,32}$/;
/** sts-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."). */
const EXT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
/** sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E): visible characters except ";" and "=". */
const EXT_VALUE = /^[\x21-\x3A\x3C\x3E-\x7E]+$/;

/**
 * Whether a TXT string is meant as an MTA-STS record. RFC 8461 §3.1 discards
 * records that do not begin with "v=STSv1;"; records that begin with a
 * miscased or unterminated version are kept here so they can be reported as
 * invalid instead of silently counting as absent.
 */
export function looksLikeStsRecord(text: string): boolean {
  return /^\s*v\s*=\s*stsv1/i.test(text);
}

/** Parses one record (the TXT character-strings already joined). */
export function parseStsRecord(text: string): StsRecord {
  const record: StsRecord = { extensions: {}, errors: [] };
  // RFC 8461 §3.1: sts-field-delim = *WSP ";" *WSP; a trailing delimiter is allowed.
  // sts-version = %s"v=STSv1": case-sensitive, and first.
  for (const field of versionedFields(text, 'v=STSv1', record.errors)) {
    const { name, value } = field;
    if (name === 'id') {
      if (record.id !== undefined) record.errors.push('the id field appears more than once');
      else if (!ID.test(value)) record.errors.push(`id "${value}" is not 1–32 letters and digits`);
      else record.id = value;
    } else if (name === 'v') {
      record.errors.push('the v field appears more than once');
    } else if (!EXT_NAME.test(name) || !EXT_VALUE.test(value)) {
      record.errors.push(`field "${field.text}" is not a valid extension (name=value without spaces)`);
    } else {
      record.extensions[name] = value;
    }
  }
  if (record.id === undefined && !record.errors.some((error) => error.startsWith('id '))) {
    record.errors.push('the id field is missing');
  }
  return record;
}

/** The TXT value to publish for a policy id (RFC 8461 §3.1). */
export function stsRecordValue(id: string): string {
  return `v=STSv1; id=${id}`;
}
