/**
 * The SMTP TLS Reporting record at `_smtp._tls.<domain>` (RFC 8460 §3):
 * `v=TLSRPTv1` first, then `rua` with mailto: or https: destinations.
 */
import { versionedFields } from '../tag-list.js';

/** A parsed TLS-RPT record. */
export interface TlsRptRecord {
  /** The rua destinations, in order. */
  rua: string[];
  /** Extension fields, by name. */
  extensions: Record<string, string>;
  /** Why the record is invalid; empty when valid. */
  errors: string[];
}

/** tlsrpt-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."). */
const EXT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
/** tlsrpt-ext-value = 1*(%x21-3A / %x3C / %x3E-7E). */
const EXT_VALUE = /^[\x21-\x3A\x3C\x3E-\x7E]+$/;
const MAILTO = /^mailto:[^@\s,;!]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/i;

/** Whether a TXT string is meant as a TLS-RPT record (miscased versions included, to be reported). */
export function looksLikeTlsRptRecord(text: string): boolean {
  return /^\s*v\s*=\s*tlsrptv1/i.test(text);
}

function checkUri(uri: string): string | undefined {
  // RFC 8460 §3: rua URIs are mailto: (§5.3) or https: (§5.4).
  if (/^mailto:/i.test(uri)) return MAILTO.test(uri) ? undefined : `"${uri}" is not a valid mailto: address`;
  if (/^https:/i.test(uri)) {
    try {
      new URL(uri);
      return undefined;
    } catch {
      return `"${uri}" is not a valid https: URL`;
    }
  }
  return `"${uri}" is neither mailto: nor https:`;
}

/** Parses one record (character-strings joined). */
export function parseTlsRptRecord(text: string): TlsRptRecord {
  const record: TlsRptRecord = { rua: [], extensions: {}, errors: [] };
  // RFC 8460 §3: field-delim = *WSP ";" *WSP; a trailing delimiter is allowed.
  // tlsrpt-version = %s"v=TLSRPTv1" (case-sensitive, first).
  let ruaSeen = false;
  for (const field of versionedFields(text, 'v=TLSRPTv1', record.errors)) {
    const { name, value } = field;
    if (name === 'rua') {
      if (ruaSeen) {
        record.errors.push('the rua field appears more than once (list several URIs separated by commas)');
        continue;
      }
      ruaSeen = true;
      // tlsrpt-rua = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
      for (const uri of value.split(',').map((part) => part.trim())) {
        if (uri === '') {
          record.errors.push('empty URI in rua');
          continue;
        }
        const error = checkUri(uri);
        if (error) record.errors.push(error);
        else record.rua.push(uri);
      }
    } else if (name === 'v') {
      record.errors.push('the v field appears more than once');
    } else if (!EXT_NAME.test(name) || !EXT_VALUE.test(value)) {
      record.errors.push(`field "${field.text}" is not a valid extension`);
    } else {
      record.extensions[name] = value;
    }
  }
  if (!ruaSeen) record.errors.push('the rua field is missing');
  return record;
}

/** The record value for a list of destinations. */
export function tlsRptValue(rua: readonly string[]): string {
  return `v=TLSRPTv1; rua=${rua.join(',')}`;
}
