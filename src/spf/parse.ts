/**
 * SPF record discovery and parsing (RFC 7208 §4.5, §4.6.1, §5, §6 and the
 * §12 grammar). The parser never throws: every term is returned, and each
 * syntax error names the offending term and where it is.
 */
import { parseIpv4, parseIpv6, type IpNetwork } from './ip.js';
import { MacroSyntaxError, describeChar, parseDomainSpec, parseMacroString, type MacroString } from './macro.js';

export type Qualifier = '+' | '-' | '~' | '?';
export type MechanismName = 'all' | 'include' | 'a' | 'mx' | 'ptr' | 'ip4' | 'ip6' | 'exists';

/** A mechanism with its qualifier (RFC 7208 §4.6.2, §5). */
export interface Mechanism {
  kind: 'mechanism';
  name: MechanismName;
  /** The qualifier; "+" when none is written (§4.6.2). */
  qualifier: Qualifier;
  /** The term as written. */
  text: string;
  /** 1-based index of the term in the record (the version is not counted). */
  index: number;
  /** 1-based column of the term's first character in the record. */
  column: number;
  /** Target of include, a, mx, ptr, exists (absent when the mechanism uses <domain>). */
  domainSpec?: MacroString;
  /** ip4/ip6: the network. */
  network?: IpNetwork;
  /** a/mx: the IPv4 prefix length (default 32). */
  cidr4: number;
  /** a/mx: the IPv6 prefix length (default 128). */
  cidr6: number;
}

/** A modifier (RFC 7208 §6): redirect, exp or an unknown one (ignored). */
export interface Modifier {
  kind: 'modifier';
  /** Name, lower case. */
  name: string;
  value: MacroString;
  text: string;
  index: number;
  column: number;
}

export type Term = Mechanism | Modifier;

/** One syntax error: which term, where, and what is wrong. */
export interface SpfSyntaxError {
  /** The offending term as written. */
  term: string;
  /** 1-based index of the term (0 for the version itself). */
  index: number;
  /** 1-based column of the error in the record text. */
  column: number;
  message: string;
}

export interface ParsedRecord {
  /** The record text. */
  text: string;
  /** Every well-formed term, in order. */
  terms: Term[];
  mechanisms: Mechanism[];
  redirect?: Modifier;
  exp?: Modifier;
  /** Unknown modifiers (ignored by check_host(), §6). */
  unknownModifiers: Modifier[];
  /** Syntax errors; any error makes the whole record a permerror (§4.6). */
  errors: SpfSyntaxError[];
}

/** RFC 7208 §4.5: a record starts with "v=spf1" (any case) followed by a space or the end. */
export function isSpfRecord(text: string): boolean {
  return /^v=spf1(?: |$)/i.test(text);
}

/**
 * RFC 7208 §4.5 (and §3.3): from the TXT records at a name, the SPF records:
 * each record's character-strings joined without separator, then only those
 * beginning with the version.
 */
export function selectSpfRecords(txtRecords: readonly (readonly string[])[]): string[] {
  return txtRecords.map((strings) => strings.join('')).filter(isSpfRecord);
}

const MECHANISMS = new Set<MechanismName>(['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists']);
// RFC 7208 §12: name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
const MODIFIER_NAME = /^[A-Za-z][A-Za-z0-9\-_.]*/;

/** Parses one SPF record (which must start with the version). */
export function parseRecord(text: string): ParsedRecord {
  const record: ParsedRecord = { text, terms: [], mechanisms: [], unknownModifiers: [], errors: [] };
  if (!isSpfRecord(text)) {
    record.errors.push({ term: text.split(' ')[0] ?? '', index: 0, column: 1, message: 'the record does not start with "v=spf1"' });
    return record;
  }
  // §4.6.1: terms are separated by one or more spaces (SP only; other whitespace is not a separator).
  let index = 0;
  const pattern = / +([^ ]+)/g;
  pattern.lastIndex = 6;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    index++;
    const termText = match[1]!;
    const column = match.index + match[0].length - termText.length + 1;
    const result = parseTerm(termText, index, column);
    if ('message' in result) {
      record.errors.push(result);
      continue;
    }
    if (result.kind === 'modifier') {
      if (result.name === 'redirect' || result.name === 'exp') {
        // RFC 7208 §6: redirect and exp MUST NOT appear more than once each.
        if (record[result.name]) {
          record.errors.push({ term: termText, index, column, message: `"${result.name}" appears more than once` });
          continue;
        }
        record[result.name] = result;
      } else {
        record.unknownModifiers.push(result);
      }
    } else {
      record.mechanisms.push(result);
    }
    record.terms.push(result);
  }
  return record;
}

function parseTerm(text: string, index: number, column: number): Term | SpfSyntaxError {
  const fail = (message: string, offset = 0): SpfSyntaxError => ({ term: text, index, column: column + offset, message });
  // RFC 7208 §3.1 / §12: records are 7-bit ASCII visible characters separated by SP.
  for (let offset = 0; offset < text.length; offset++) {
    const code = text.charCodeAt(offset);
    if (code < 0x21 || code > 0x7e) {
      const hint = text[offset] === '\u2013' || text[offset] === '\u2014' ? ' (a dash that is not the ASCII "-")' : '';
      return fail(`character ${describeChar(text[offset]!)}${hint} is not allowed in SPF records`, offset);
    }
  }
  let qualifier: Qualifier | undefined;
  let body = text;
  if ('+-~?'.includes(text[0]!)) {
    qualifier = text[0] as Qualifier;
    body = text.slice(1);
  }
  const offsetOf = (bodyOffset: number) => bodyOffset + (qualifier ? 1 : 0);
  const nameMatch = MODIFIER_NAME.exec(body);
  // §4.6.1: a term whose name is followed by "=" is a modifier.
  if (nameMatch && body[nameMatch[0].length] === '=') {
    const name = nameMatch[0].toLowerCase();
    if (qualifier) return fail(`modifier "${nameMatch[0]}" cannot take a qualifier`);
    const valueText = body.slice(nameMatch[0].length + 1);
    const valueOffset = offsetOf(nameMatch[0].length + 1);
    try {
      // §6.1/§6.2: redirect and exp take a domain-spec; other modifiers a macro-string (§A/3).
      const value = name === 'redirect' || name === 'exp' ? parseDomainSpec(valueText) : parseMacroString(valueText, 'modifier');
      return { kind: 'modifier', name, value, text, index, column };
    } catch (error) {
      if (error instanceof MacroSyntaxError) return fail(`${name}=: ${error.message}`, valueOffset + error.offset);
      throw error;
    }
  }
  if (body.startsWith('=') || (!nameMatch && body.includes('='))) {
    return fail('a modifier name must start with a letter');
  }
  const mechanismMatch = /^[A-Za-z][A-Za-z0-9]*/.exec(body);
  if (!mechanismMatch) {
    if (body === '') return fail('a qualifier without a mechanism');
    const bare = body.split('/')[0]!;
    const hint = parseIpv4(bare) ? ' (an address needs "ip4:" before it)' : parseIpv6(bare) ? ' (an address needs "ip6:" before it)' : '';
    return fail(`"${text}" is not a mechanism or modifier${hint}`);
  }
  const lowered = mechanismMatch[0].toLowerCase();
  if (!MECHANISMS.has(lowered as MechanismName)) {
    const name = lowered;
    const hint =
      name === 'redirect' || name === 'exp'
        ? ` (a modifier: write ${name}=…)`
        : name === 'ip' || name === 'ipv4' || name === 'ipv6'
          ? ` (the mechanisms are ip4: and ip6:)`
          : '';
    return fail(`unknown mechanism "${mechanismMatch[0]}"${hint}`);
  }
  const name = lowered as MechanismName;
  const rest = body.slice(mechanismMatch[0].length);
  const restOffset = offsetOf(mechanismMatch[0].length);
  const mechanism: Mechanism = { kind: 'mechanism', name, qualifier: qualifier ?? '+', text, index, column, cidr4: 32, cidr6: 128 };
  const domainSpec = (specText: string, offset: number): SpfSyntaxError | undefined => {
    try {
      mechanism.domainSpec = parseDomainSpec(specText);
      return undefined;
    } catch (error) {
      if (error instanceof MacroSyntaxError) return fail(`${name}: ${error.message}`, offset + error.offset);
      throw error;
    }
  };
  switch (name) {
    case 'all':
      // §5.1: all = "all" (no argument, no CIDR).
      if (rest !== '') return fail('"all" takes no argument', restOffset);
      return mechanism;
    case 'include':
    case 'exists': {
      // §5.2, §5.7: include/exists = name ":" domain-spec (no CIDR).
      if (!rest.startsWith(':')) return fail(`"${name}" needs ":" and a domain`, restOffset);
      return domainSpec(rest.slice(1), restOffset + 1) ?? mechanism;
    }
    case 'ptr': {
      // §5.5: PTR = "ptr" [ ":" domain-spec ]
      if (rest === '') return mechanism;
      if (!rest.startsWith(':')) return fail('"ptr" takes only ":" and a domain (no CIDR)', restOffset);
      return domainSpec(rest.slice(1), restOffset + 1) ?? mechanism;
    }
    case 'a':
    case 'mx': {
      // §5.3, §5.4: name [ ":" domain-spec ] [ dual-cidr-length ]
      if (rest === '') return mechanism;
      let specText: string | undefined;
      let cidrText = rest;
      if (rest.startsWith(':')) {
        const split = /^:(.*?)((?:\/[0-9]+)?(?:\/\/[0-9]+)?)$/.exec(rest)!;
        specText = split[1]!;
        cidrText = split[2]!;
      } else if (!rest.startsWith('/')) {
        return fail(`unexpected ${describeChar(rest[0]!)} after "${name}"`, restOffset);
      }
      if (specText !== undefined) {
        const error = domainSpec(specText, restOffset + 1);
        if (error) return error;
      }
      const cidrOffset = restOffset + rest.length - cidrText.length;
      const cidr = /^(?:\/([0-9]+))?(?:\/\/([0-9]+))?$/.exec(cidrText);
      if (!cidr) return fail(`"${cidrText}" is not a CIDR length (use /n for IPv4, //n for IPv6)`, cidrOffset);
      if (cidr[1] !== undefined) {
        const value = cidrLength(cidr[1], 32);
        if (value === null) return fail(`IPv4 prefix length /${cidr[1]} is not 0–32 without leading zeros`, cidrOffset);
        mechanism.cidr4 = value;
      }
      if (cidr[2] !== undefined) {
        const value = cidrLength(cidr[2], 128);
        if (value === null) return fail(`IPv6 prefix length //${cidr[2]} is not 0–128 without leading zeros`, cidrOffset);
        mechanism.cidr6 = value;
      }
      return mechanism;
    }
    case 'ip4':
    case 'ip6': {
      // §5.6: ip4 = "ip4" ":" ip4-network [ ip4-cidr-length ]; ip6 likewise.
      if (!rest.startsWith(':')) return fail(`"${name}" needs ":" and an address`, restOffset);
      const value = rest.slice(1);
      const slash = value.indexOf('/');
      const addressText = slash < 0 ? value : value.slice(0, slash);
      const address = name === 'ip4' ? parseIpv4(addressText) : parseIpv6(addressText);
      if (!address) {
        const hint =
          name === 'ip4' && /^\d{1,3}(\.\d{1,3}){1,2}$/.test(addressText)
            ? ' (write all four octets and a prefix, e.g. 192.0.2.0/24)'
            : name === 'ip4' && /:\d+$/.test(addressText)
              ? ' (a port number is not allowed)'
              : name === 'ip4' && parseIpv6(addressText)
                ? ' (an IPv6 address belongs in ip6:)'
                : name === 'ip6' && parseIpv4(addressText)
                  ? ' (an IPv4 address belongs in ip4:)'
                  : '';
        return fail(`"${addressText}" is not a valid ${name === 'ip4' ? 'IPv4' : 'IPv6'} address${hint}`, restOffset + 1);
      }
      let prefix = name === 'ip4' ? 32 : 128;
      if (slash >= 0) {
        const lengthText = value.slice(slash + 1);
        const length = cidrLength(lengthText, prefix);
        if (length === null) return fail(`prefix length "/${lengthText}" is not 0–${prefix} without leading zeros`, restOffset + 1 + slash);
        prefix = length;
      }
      mechanism.network = { version: address.version, bytes: address.bytes, prefix };
      return mechanism;
    }
  }
}

// §12: ip4-cidr-length = "/" ("0" / %x31-39 0*1DIGIT), value 0–32; ip6 likewise up to 128.
function cidrLength(text: string, max: number): number | null {
  if (!/^(?:0|[1-9][0-9]{0,2})$/.test(text)) return null;
  const value = Number(text);
  return value <= max ? value : null;
}

/** True for terms that cause DNS lookups and count toward the limit of 10 (RFC 7208 §4.6.4). */
export function countsAsLookup(term: Term): boolean {
  if (term.kind === 'modifier') return term.name === 'redirect';
  return term.name === 'include' || term.name === 'a' || term.name === 'mx' || term.name === 'ptr' || term.name === 'exists';
}

/** Formats a syntax error for messages and evidence. */
export function formatSyntaxError(error: SpfSyntaxError): string {
  return error.index === 0
    ? `${error.message}`
    : `term ${error.index} "${error.term}" (column ${error.column}): ${error.message}`;
}

/** The `all` mechanism of a record, if any (the first one: later terms are never reached). */
export function findAll(record: ParsedRecord): Mechanism | undefined {
  return record.mechanisms.find((mechanism) => mechanism.name === 'all');
}
