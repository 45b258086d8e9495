/**
 * The lexical part of an RFC 1035 §5 master file, fed one line at a time so a
 * large zone file is never held whole: lines are joined inside parentheses,
 * comments dropped, quoted strings and `\X` / `\DDD` escapes decoded. Each
 * complete entry (one record or directive) is handed on as soon as it ends.
 */

/** A problem in a zone file, with where it is. */
export class ZoneFileError extends Error {
  override name = 'ZoneFileError';
  constructor(
    message: string,
    readonly line: number,
    readonly source: string,
  ) {
    super(`${source}:${line}: ${message}`);
  }
}

/** A token of an entry: its text (escapes decoded for quoted and plain tokens alike) and how it was written. */
export interface Token {
  text: string;
  /** Octets after unescaping (character-strings can hold any octet). */
  size: number;
  quoted: boolean;
  /** The token as written (escapes kept), for names. */
  raw: string;
}

export interface Entry {
  line: number;
  /** The entry began with whitespace: its owner is the previous one (RFC 1035 §5.1). */
  blankOwner: boolean;
  tokens: Token[];
}

export interface ZoneTokenizer {
  /** The next piece of the file: a line with its "\n" (the last one may have none). */
  feed(chunk: string): void;
  /** The end of the file. */
  end(): void;
}

/** Splits master-file text into entries, handing each to `onEntry` once it is complete. */
export function createZoneTokenizer(source: string, onEntry: (entry: Entry) => void): ZoneTokenizer {
  let current: Entry | undefined;
  let depth = 0;
  let line = 1;
  let atLineStart = true;
  // A token still open at the end of a chunk: a quoted string spanning lines, or a plain token whose escaped line break continues it.
  let open: { raw: string; tokenLine: number; quoted: boolean } | undefined;

  const finishEntry = () => {
    if (current && current.tokens.length > 0) onEntry(current);
    current = undefined;
  };
  const pushToken = (raw: string, quoted: boolean) => {
    // Most tokens are plain ASCII without escapes: their text is what was written.
    if (!raw.includes('\\') && /^[\x00-\x7f]*$/.test(raw)) {
      current!.tokens.push({ text: raw, size: raw.length, quoted, raw });
      return;
    }
    const buffer = unescape(raw);
    current!.tokens.push({ text: buffer.toString('utf8'), size: buffer.length, quoted, raw });
  };

  /**
   * Scans token characters from `i` until the token ends or the chunk does,
   * checking escapes; returns the new index and whether a quoted token closed.
   * The token's raw text is the slice scanned (escapes as written).
   */
  function readToken(text: string, i: number, quoted: boolean, state: { raw: string; closed: boolean }): number {
    const start = i;
    while (i < text.length) {
      const c = text[i]!;
      if (quoted && c === '"') {
        state.raw += text.slice(start, i);
        state.closed = true;
        return i + 1;
      }
      if (!quoted && (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ';' || c === '(' || c === ')' || c === '"')) break;
      if (c === '\n') line++;
      if (c === '\\') {
        // RFC 1035 §5.1: \DDD is the octet with that decimal value; \X is X itself.
        const digits = /^\d{3}/.exec(text.slice(i + 1, i + 4));
        if (digits) {
          if (Number(digits[0]) > 255) throw new ZoneFileError(`escape \\${digits[0]} is not an octet`, line, source);
          i += 4;
          continue;
        }
        if (i + 1 >= text.length) throw new ZoneFileError('backslash at the end of the file', line, source);
        // \X: X may be a character outside the BMP (two UTF-16 units).
        i += 1 + String.fromCodePoint(text.codePointAt(i + 1)!).length;
        continue;
      }
      i++;
    }
    state.raw += text.slice(start, i);
    return i;
  }

  function feed(text: string): void {
    let i = 0;
    if (open) {
      // The rest of a token that crossed a line break.
      const state = { raw: open.raw, closed: !open.quoted };
      i = readToken(text, 0, open.quoted, state);
      if (i === text.length && (open.quoted ? !state.closed : text.endsWith('\\\n'))) {
        open.raw = state.raw;
        return;
      }
      pushToken(state.raw, open.quoted);
      open = undefined;
    }
    while (i < text.length) {
      const char = text[i]!;
      if (atLineStart && depth === 0) {
        finishEntry();
        current = { line, blankOwner: char === ' ' || char === '\t', tokens: [] };
        atLineStart = false;
      }
      if (char === '\n') {
        line++;
        i++;
        atLineStart = true;
        continue;
      }
      if (char === '\r' || char === ' ' || char === '\t') {
        i++;
        continue;
      }
      if (char === ';') {
        // RFC 1035 §5.1: a semicolon starts a comment that runs to the end of the line.
        while (i < text.length && text[i] !== '\n') i++;
        continue;
      }
      if (char === '(') {
        // RFC 1035 §5.1: parentheses group data that crosses a line boundary.
        depth++;
        i++;
        continue;
      }
      if (char === ')') {
        if (depth === 0) throw new ZoneFileError('")" without "("', line, source);
        depth--;
        i++;
        continue;
      }
      const quoted = char === '"';
      // An unterminated string runs to the end of the file: report where it opened.
      const tokenLine = line;
      if (quoted) i++;
      const state = { raw: '', closed: !quoted };
      i = readToken(text, i, quoted, state);
      if (quoted ? !state.closed : i === text.length && text.endsWith('\\\n')) {
        open = { raw: state.raw, tokenLine, quoted };
        return;
      }
      pushToken(state.raw, quoted);
    }
  }

  return {
    feed,
    end() {
      if (open?.quoted) throw new ZoneFileError('unterminated quoted string', open.tokenLine, source);
      if (open) pushToken(open.raw, false);
      if (depth !== 0) throw new ZoneFileError('"(" without ")"', line, source);
      finishEntry();
    },
  };
}

/** Cuts text into lines, each with its "\n" (the last one as it ends), for `feed`. */
export function* linesOf(text: string): Generator<string> {
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\n', at);
    const next = end === -1 ? text.length : end + 1;
    yield text.slice(at, next);
    at = next;
  }
}

/** The octets a token stands for: RFC 1035 §5.1 escapes decoded (checked while scanning), other characters in UTF-8. */
function unescape(raw: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; ) {
    if (raw[i] === '\\') {
      const digits = /^\d{3}/.exec(raw.slice(i + 1, i + 4));
      if (digits) {
        bytes.push(Number(digits[0]));
        i += 4;
        continue;
      }
      i++;
    }
    const chunk = String.fromCodePoint(raw.codePointAt(i)!);
    const code = chunk.charCodeAt(0);
    if (code < 0x80) bytes.push(code);
    else bytes.push(...Buffer.from(chunk, 'utf8'));
    i += chunk.length;
  }
  return Buffer.from(bytes);
}
