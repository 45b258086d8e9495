/**
 * `name=value;` lists: the syntax of DKIM key records and signatures
 * (RFC 6376 §3.2), which DMARC (RFC 7489 §6.4) and BIMI records reuse, and of
 * the MTA-STS and TLS-RPT TXT records (RFC 8461 §3.1, RFC 8460 §3), which
 * follow the same shape with stricter spacing. This module only splits; each
 * record's parser judges names, values, duplicates and order in its own terms.
 */

/**
 * Which spacing rules apply.
 * - `rfc6376`: `tag-spec = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]`:
 *   white space is trimmed around each tag, its name and its value.
 * - `rfc8461`: `field-delim = *WSP ";" *WSP` (RFC 8461 §3.1, RFC 8460 §3):
 *   only spaces and tabs around the delimiters are trimmed; a field is
 *   `name "=" value` with nothing around the "=".
 */
export type TagListSyntax = 'rfc6376' | 'rfc8461';

/** One field of a tag-list, in record order. */
export type TagListField =
  /** `name=value`; `text` is the field as written (trimmed). */
  | { kind: 'tag'; text: string; name: string; value: string }
  /** Nothing between two ";" (RFC 6376 §3.2 has no empty tag-spec). */
  | { kind: 'empty'; text: '' }
  /** No "=", or nothing before it. */
  | { kind: 'malformed'; text: string };

/** RFC 6376 §3.2: `tag-name = ALPHA *ALNUMPUNC` (ALNUMPUNC = ALPHA / DIGIT / "_"). */
const TAG_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** True when `name` is a tag-name by RFC 6376 §3.2. */
export function isTagName(name: string): boolean {
  return TAG_NAME.test(name);
}

/** Spaces and tabs (RFC 5234 WSP) at either end. */
const EDGE_WSP = /^[ \t]+|[ \t]+$/g;

/**
 * Splits `text` at each ";" into fields. A trailing ";" is allowed by every
 * grammar here (RFC 6376 §3.2 `tag-list = tag-spec *( ";" tag-spec ) [ ";" ]`,
 * RFC 8461 §3.1 `*(sts-field-delim sts-field) [sts-field-delim]`), so an empty
 * last field is dropped; an empty field elsewhere is kept as `empty`.
 */
export function splitTagList(text: string, syntax: TagListSyntax = 'rfc6376'): TagListField[] {
  const trim = syntax === 'rfc6376' ? (part: string) => part.trim() : (part: string) => part.replace(EDGE_WSP, '');
  const fields: TagListField[] = text.split(';').map((segment) => {
    const field = trim(segment);
    if (field === '') return { kind: 'empty', text: '' };
    const equals = field.indexOf('=');
    if (equals <= 0) return { kind: 'malformed', text: field };
    const name = field.slice(0, equals);
    const value = field.slice(equals + 1);
    return syntax === 'rfc6376'
      ? { kind: 'tag', text: field, name: name.trim(), value: value.trim() }
      : { kind: 'tag', text: field, name, value };
  });
  if (fields.at(-1)?.kind === 'empty') fields.pop();
  return fields;
}

/** A `name=value` field. */
export type TagField = Extract<TagListField, { kind: 'tag' }>;

/**
 * The fields of an MTA-STS (RFC 8461 §3.1) or TLS-RPT (RFC 8460 §3) record
 * after its version, which must come first and match `version` exactly
 * (case-sensitive). Problems with the version, and empty or malformed
 * fields, are added to `errors`; the `name=value` fields are returned in order.
 */
export function versionedFields(text: string, version: string, errors: string[]): TagField[] {
  const [first, ...fields] = splitTagList(text, 'rfc8461');
  const found = first?.text ?? '';
  if (found !== version) errors.push(`the record must start with "${version};" (found "${found}")`);
  const tags: TagField[] = [];
  for (const field of fields) {
    if (field.kind === 'empty') errors.push('empty field (";;")');
    else if (field.kind === 'malformed') errors.push(`field "${field.text}" is not name=value`);
    else tags.push(field);
  }
  return tags;
}
