/**
 * The one place that makes outside strings (DNS data, policy text, logo text,
 * blocklist reasons, file lines) safe to show. Control characters (C0, DEL,
 * C1) and the characters that reorder or hide text (bidi embeddings,
 * overrides and isolates, RFC 9839 §4's "problematic" code points: zero-width
 * joiners and marks, line/paragraph separators, BOM) are shown as `\u{…}`
 * escapes instead of being obeyed: a TXT record cannot recolour a terminal,
 * move the cursor, or reverse the text around it (CVE-2021-42574, "Trojan
 * Source"). Every context escapes this first, then its own syntax.
 */

/** Characters shown as escapes: C0 (but tab), DEL, C1, and invisible or reordering format characters. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/gu;

/** Shows unsafe characters as `\u{…}`; newlines are kept (the caller decides what a newline means). */
export function showUnsafe(text: string): string {
  return text.replace(UNSAFE, (char) => `\\u{${char.codePointAt(0)!.toString(16)}}`);
}

/** For one line of terminal or stderr output: unsafe characters and newlines shown as escapes. */
export function terminalText(text: string): string {
  return showUnsafe(text).replace(/\r?\n/g, '\\n').replace(/\t/g, '\\t');
}

/**
 * A copy of a value (a Report, a result) with every string, keys included,
 * passed through `showUnsafe`: what the text, markdown and HTML reporters
 * render, so no outside string reaches them raw. Numbers and booleans stay.
 */
export function safeStrings<T>(value: T): T {
  if (typeof value === 'string') return showUnsafe(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => safeStrings(item)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[showUnsafe(key)] = safeStrings(item);
    return out as T;
  }
  return value;
}
