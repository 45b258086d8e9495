/**
 * Makes text from outside (addresses, bounce diagnostics, file names) safe to
 * print on a terminal: C0 and C1 control characters, DEL and the Unicode
 * bidirectional overrides are shown as `\xNN` / `\u{NNNN}` instead of being
 * interpreted (an ESC in a diagnostic must not recolour or move the cursor).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control and bidi-override character escaped. */
export function escapeTerminal(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
