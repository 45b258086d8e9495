/**
 * The SPF macro language (RFC 7208 §7): parsing a macro-string into tokens,
 * validating a domain-spec, and expanding macros for check_host().
 */
import { formatIp, macroIp, type IpAddress } from './ip.js';

/** One piece of a macro-string. */
export type MacroToken =
  | { type: 'literal'; text: string }
  /** `%{…}`: letter, transformers and delimiters (RFC 7208 §7.1). */
  | {
      type: 'macro';
      /** Macro letter, lower case. */
      letter: MacroLetter;
      /** Written in upper case: the value is URL-escaped (§7.3). */
      upper: boolean;
      /** Number of right-hand parts to keep, if given. */
      digits?: number;
      reverse: boolean;
      /** Delimiter characters; "." when none is given. */
      delimiters: string;
      /** The source text, e.g. `%{ir}`. */
      source: string;
    }
  /** `%%`, `%_`, `%-` (§7.1). */
  | { type: 'escape'; text: string; source: string };

export type MacroLetter = 's' | 'l' | 'o' | 'd' | 'i' | 'p' | 'h' | 'c' | 'r' | 't' | 'v';

/** A parsed macro-string. */
export interface MacroString {
  /** The source text. */
  text: string;
  tokens: MacroToken[];
  /** True when at least one `%{…}` macro occurs (the value depends on the message). */
  hasMacros: boolean;
}

/** Where a macro-string is used: explanation text allows SP and the letters c, r and t. */
export type MacroContextKind = 'domain' | 'modifier' | 'explanation';

export class MacroSyntaxError extends Error {
  /** 0-based offset inside the macro-string. */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'MacroSyntaxError';
    this.offset = offset;
  }
}

const LETTERS = new Set(['s', 'l', 'o', 'd', 'i', 'p', 'h', 'c', 'r', 't', 'v']);
// RFC 7208 §7.1: the letters c, r and t are allowed only in "exp" text.
const EXPLANATION_ONLY = new Set(['c', 'r', 't']);

/** Parses a macro-string (RFC 7208 §7.1); throws MacroSyntaxError. */
export function parseMacroString(text: string, kind: MacroContextKind): MacroString {
  const tokens: MacroToken[] = [];
  let literal = '';
  let hasMacros = false;
  const flush = () => {
    if (literal) tokens.push({ type: 'literal', text: literal });
    literal = '';
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    const code = char.charCodeAt(0);
    if (char === '%') {
      const next = text[index + 1];
      if (next === '%' || next === '_' || next === '-') {
        flush();
        tokens.push({ type: 'escape', text: next === '%' ? '%' : next === '_' ? ' ' : '%20', source: `%${next}` });
        index++;
        continue;
      }
      if (next !== '{') {
        // RFC 7208 §7.1: a '%' not followed by '{', '%', '-' or '_' is a syntax error.
        throw new MacroSyntaxError(
          next === undefined ? "'%' at the end is not a macro" : `'%${next}' is not a macro (use %{…}, %%, %_ or %-)`,
          index,
        );
      }
      const close = text.indexOf('}', index + 2);
      if (close < 0) throw new MacroSyntaxError("macro '%{' is not closed by '}'", index);
      const body = text.slice(index + 2, close);
      const source = text.slice(index, close + 1);
      const match = /^([A-Za-z])([0-9]*)([rR]?)([.\-+,/_=]*)$/.exec(body);
      if (!match) throw new MacroSyntaxError(`malformed macro ${source}`, index);
      const letter = match[1]!.toLowerCase();
      if (!LETTERS.has(letter)) throw new MacroSyntaxError(`unknown macro letter '${match[1]}' in ${source}`, index);
      if (kind !== 'explanation' && EXPLANATION_ONLY.has(letter)) {
        throw new MacroSyntaxError(`macro letter '${match[1]}' is allowed only in explanation text (${source})`, index);
      }
      let digits: number | undefined;
      if (match[2]) {
        digits = Number(match[2]);
        // RFC 7208 §7.3: if a DIGIT transformer is specified, its value MUST be nonzero.
        if (digits === 0) throw new MacroSyntaxError(`macro ${source} keeps zero parts`, index);
      }
      flush();
      const token: MacroToken = {
        type: 'macro',
        letter: letter as MacroLetter,
        upper: match[1] !== letter,
        reverse: match[3] !== '',
        delimiters: match[4] || '.',
        source,
      };
      if (digits !== undefined) token.digits = digits;
      tokens.push(token);
      hasMacros = true;
      index = close;
      continue;
    }
    // RFC 7208 §7.1: macro-literal = %x21-24 / %x26-7E; explain-string also allows SP.
    const visible = code >= 0x21 && code <= 0x7e;
    if (!visible && !(kind === 'explanation' && code === 0x20)) {
      throw new MacroSyntaxError(`character ${describeChar(char)} is not allowed`, index);
    }
    literal += char;
  }
  flush();
  return { text, tokens, hasMacros };
}

/** Human-readable name of a character for error messages. */
export function describeChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code === 0x20) return 'space';
  if (code >= 0x21 && code <= 0x7e) return `'${char}'`;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

// RFC 7208 §7.1: toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
const TOPLABEL = /^(?:[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9])$/;

/**
 * Parses and validates a domain-spec (RFC 7208 §7.1):
 * `domain-spec = macro-string domain-end`,
 * `domain-end = ( "." toplabel [ "." ] ) / macro-expand`. Throws MacroSyntaxError.
 */
export function parseDomainSpec(text: string): MacroString {
  if (text === '') throw new MacroSyntaxError('the domain is empty', 0);
  const parsed = parseMacroString(text, 'domain');
  const last = parsed.tokens[parsed.tokens.length - 1];
  if (last && last.type !== 'literal') return parsed;
  const tail = last?.type === 'literal' ? last.text : '';
  const match = /\.([^.]*)\.?$/.exec(tail);
  const toplabel = match ? match[1]! : tail.replace(/\.$/, '');
  if (!match || !TOPLABEL.test(toplabel)) {
    const why = !match
      ? `'${text}' is not a domain name (it needs a dot and a top-level label)`
      : /^[0-9]+$/.test(toplabel)
        ? `'${text}' ends in an all-numeric label${/^\d{1,3}(\.\d{1,3}){3}$/.test(text) ? ' (an IP address belongs in ip4:, not here)' : ''}`
        : `'${toplabel}' is not a valid top-level label`;
    throw new MacroSyntaxError(why, Math.max(0, text.length - toplabel.length));
  }
  return parsed;
}

/** What macro expansion needs to know about the check (RFC 7208 §7.3). */
export interface MacroValues {
  /** <sender>: local-part@domain. */
  sender: string;
  localPart: string;
  /** The domain of <sender>. */
  senderDomain: string;
  /** <domain>: the domain currently evaluated. */
  domain: string;
  ip: IpAddress;
  helo: string;
  /** Receiving host (the `r` macro); "unknown" when not given. */
  receiver?: string;
  /** Seconds since the epoch (the `t` macro). */
  timestamp?: number;
  /** Resolves the `p` macro (validated domain name of the client); called only when used. */
  validatedName?: () => Promise<string>;
}

// RFC 3986 §2.3 unreserved characters; everything else is escaped for upper-case macros (RFC 7208 §7.3).
function urlEscape(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

async function letterValue(letter: MacroLetter, values: MacroValues): Promise<string> {
  switch (letter) {
    case 's':
      return values.sender;
    case 'l':
      return values.localPart;
    case 'o':
      return values.senderDomain;
    case 'd':
      return values.domain;
    case 'i':
      return macroIp(values.ip);
    case 'p':
      return values.validatedName ? values.validatedName() : 'unknown';
    case 'v':
      return values.ip.version === 4 ? 'in-addr' : 'ip6';
    case 'h':
      return values.helo;
    case 'c':
      return formatIp(values.ip);
    case 'r':
      return values.receiver ?? 'unknown';
    case 't':
      return String(values.timestamp ?? Math.floor(Date.now() / 1000));
  }
}

/** Expands a parsed macro-string (RFC 7208 §7.3). */
export async function expandMacroString(macro: MacroString, values: MacroValues): Promise<string> {
  let out = '';
  for (const token of macro.tokens) {
    if (token.type === 'literal' || token.type === 'escape') {
      out += token.text;
      continue;
    }
    const raw = await letterValue(token.letter, values);
    // §7.3: split on the delimiters, reverse if asked, keep the right-most DIGIT parts, rejoin with ".".
    const splitter = new RegExp(`[${token.delimiters.replace(/[-\\\]^]/g, (c) => `\\${c}`)}]`);
    let parts = raw.split(splitter);
    if (token.reverse) parts = parts.reverse();
    if (token.digits !== undefined && token.digits < parts.length) parts = parts.slice(parts.length - token.digits);
    let value = parts.join('.');
    if (token.upper) value = urlEscape(value);
    out += value;
  }
  return out;
}

/**
 * Expands a domain-spec into a name to query: the trailing dot is dropped
 * (§7.1 test 7.1/16) and a name over 253 characters loses labels from the
 * left until it fits (§7.3).
 */
export async function expandDomainSpec(spec: MacroString, values: MacroValues): Promise<string> {
  let name = await expandMacroString(spec, values);
  if (name.endsWith('.')) name = name.slice(0, -1);
  while (name.length > 253 && name.includes('.')) name = name.slice(name.indexOf('.') + 1);
  return name;
}

/** True when a name can be put in a DNS query: 1–253 octets, no empty label, no label over 63. */
export function isQueryableName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((label) => label.length > 0 && label.length <= 63);
}
