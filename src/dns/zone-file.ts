/**
 * Zone files: an RFC 1035 §5 master-file parser, fed line by line (a large
 * file is read as a stream and its records stored compactly). Answering from
 * the parsed zones (`--zone`, `--offline`) is src/dns/zone-index.ts.
 *
 * Supported: $ORIGIN and $TTL (RFC 2308 §4) directives, `@`, relative and
 * absolute names, a blank owner repeating the previous one, TTL and class in
 * either order, parentheses spanning lines, `;` comments, quoted strings with
 * `\X` and `\DDD` escapes, TXT made of several character-strings, TTLs with
 * units (1h, 2d), and the RFC 3597 generic `\# <length> <hex>` RDATA.
 * Types mailcheck asks for (A AAAA MX TXT CNAME PTR NS SOA TLSA DS DNSKEY) are
 * decoded into the resolver's shapes; other types are accepted and make their
 * owner name exist, but are not served.
 */
import type { RecordData, RRType } from './types.js';
import { formatIp, parseIpv4, parseIpv6 } from '../ip.js';
import { RR_TYPES } from './record-types.js';
import { createZoneTokenizer, linesOf, ZoneFileError, type Token } from './zone-tokens.js';
import { createPackedRecords, type PackedRecords } from './zone-store.js';

export { ZoneFileError };

/** One resource record of a zone file. */
export interface ZoneRecord {
  /** Owner name, lower case, no trailing dot. */
  name: string;
  /** Type mnemonic, upper case (TYPE123 for unknown numeric types). */
  type: string;
  ttl: number;
  /** Decoded data for the types mailcheck asks for; the RDATA text for others. */
  data: RecordData[RRType] | string;
  /** Line the record starts on. */
  line: number;
}

export interface Zone {
  /** The $ORIGIN in force at the end of the file (or the one given), if any. */
  origin?: string;
  /** The records in file order (a zone read by `readZoneFile` builds them on first use, grouped by owner). */
  records: ZoneRecord[];
  /** The records packed per owner, identical ones once (zones read by `readZoneFile`, which answers use instead of `records`). */
  packed?: PackedRecords;
}

export interface ParseZoneOptions {
  /** Origin before any $ORIGIN (like a zone statement's name). */
  origin?: string;
  /** TTL for records before any $TTL or explicit TTL (default 3600). */
  defaultTtl?: number;
  /** Name of the file, for error messages. */
  source?: string;
  /** Keep the records packed per owner (`Zone.packed`) instead of one object each: for large files. */
  packed?: boolean;
}

const SERVED_TYPES: ReadonlySet<string> = new Set<RRType>(RR_TYPES);
const KNOWN_CLASSES = new Set(['IN', 'CH', 'HS', 'CS']);
/** Types accepted without decoding (they still make the owner exist). */
const OTHER_TYPES = new Set(['SPF', 'SRV', 'CAA', 'HINFO', 'RP', 'NAPTR', 'SSHFP', 'HTTPS', 'SVCB', 'LOC', 'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM', 'CDS', 'CDNSKEY', 'OPENPGPKEY', 'SMIMEA', 'URI', 'DNAME', 'AFSDB', 'CERT', 'KX', 'DHCID', 'TKEY', 'ZONEMD']);

/** A TTL: seconds, or BIND-style units (1w2d3h4m5s). RFC 2181 §8: 0 to 2^31-1. */
function parseTtl(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const match = /^(?:\d+[wdhms])+$/i.test(text);
  if (!match) return undefined;
  const factor: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
  let total = 0;
  for (const [, value, unit] of text.toLowerCase().matchAll(/(\d+)([wdhms])/g)) total += Number(value) * factor[unit!]!;
  return total;
}

function isTtl(text: string): boolean {
  return parseTtl(text) !== undefined;
}

export function parseZoneFile(rawText: string, options: ParseZoneOptions = {}): Zone {
  const parser = createZoneParser(options);
  for (const line of linesOf(rawText)) parser.feed(line);
  return parser.end();
}

/** A zone parser fed one line at a time (`parseZoneFile` for text in memory, `readZoneFile` for a file). */
export interface ZoneParser {
  /** The next line of the file, with its "\n". */
  feed(chunk: string): void;
  /** The end of the file: the zone. */
  end(): Zone;
}

export function createZoneParser(options: ParseZoneOptions = {}): ZoneParser {
  const source = options.source ?? 'zone';
  let origin = options.origin !== undefined ? absolute(options.origin) : undefined;
  let defaultTtl = options.defaultTtl ?? 3600;
  let lastTtl: number | undefined;
  let sawTtlDirective = false;
  let previousOwner: string | undefined;
  const records: ZoneRecord[] = [];
  const packed = options.packed ? createPackedRecords() : undefined;
  let firstChunk = true;

  function absolute(name: string): string {
    return name.replace(/\.$/, '').toLowerCase();
  }

  /** A name as written → lower case, absolute, no trailing dot (RFC 1035 §5.1: relative names get the origin). */
  function resolveName(token: Token, line: number): string {
    const raw = token.raw;
    if (/\\(\.|046)/.test(raw)) throw new ZoneFileError(`names with an escaped dot are not supported: ${raw}`, line, source);
    if (raw === '@') {
      if (origin === undefined) throw new ZoneFileError('"@" used before any $ORIGIN', line, source);
      return origin;
    }
    const name = token.text.toLowerCase();
    if (name.endsWith('.')) return flat(name.slice(0, -1));
    if (origin === undefined) throw new ZoneFileError(`relative name "${raw}" used before any $ORIGIN`, line, source);
    return origin === '' ? name : flat(`${name}.${origin}`);
  }

  const tokenizer = createZoneTokenizer(source, (entry) => {
    const { tokens, line } = entry;
    const first = tokens[0]!;
    if (!entry.blankOwner && !first.quoted && first.text.startsWith('$')) {
      const directive = first.text.toUpperCase();
      if (directive === '$ORIGIN') {
        // RFC 1035 §5.1: $ORIGIN <domain-name>; a relative name is taken relative to the current origin.
        if (!tokens[1]) throw new ZoneFileError('$ORIGIN needs a domain name', line, source);
        origin = tokens[1].text.endsWith('.') || origin === undefined ? absolute(tokens[1].text) : resolveName(tokens[1], line);
      } else if (directive === '$TTL') {
        // RFC 2308 §4: $TTL sets the TTL of records that have none.
        const ttl = tokens[1] ? parseTtl(tokens[1].text) : undefined;
        if (ttl === undefined) throw new ZoneFileError('$TTL needs a time value', line, source);
        defaultTtl = ttl;
        sawTtlDirective = true;
      } else if (directive === '$INCLUDE') {
        throw new ZoneFileError('$INCLUDE is not supported: give each file with its own --zone', line, source);
      } else {
        throw new ZoneFileError(`unknown directive ${first.text}`, line, source);
      }
      return;
    }

    let index = 0;
    let owner: string;
    if (entry.blankOwner) {
      if (previousOwner === undefined) throw new ZoneFileError('record without an owner name', line, source);
      owner = previousOwner;
    } else {
      owner = resolveName(first, line);
      index = 1;
    }
    // RFC 1035 §5.1: [<TTL>] [<class>] or [<class>] [<TTL>] before the type.
    let ttl: number | undefined;
    let cls: string | undefined;
    for (let step = 0; step < 2 && index < tokens.length; step++) {
      const word = tokens[index]!.text;
      if (ttl === undefined && isTtl(word)) {
        ttl = parseTtl(word);
        index++;
      } else if (cls === undefined && KNOWN_CLASSES.has(word.toUpperCase())) {
        cls = word.toUpperCase();
        index++;
      }
    }
    if (cls !== undefined && cls !== 'IN') throw new ZoneFileError(`class ${cls} is not supported (only IN)`, line, source);
    const typeToken = tokens[index];
    if (!typeToken) throw new ZoneFileError('record without a type', line, source);
    const type = typeToken.text.toUpperCase();
    const rdata = tokens.slice(index + 1);
    if (!SERVED_TYPES.has(type) && !OTHER_TYPES.has(type) && !/^TYPE\d+$/.test(type)) {
      throw new ZoneFileError(`unknown record type "${typeToken.text}"`, line, source);
    }
    // RFC 2308 §4: $TTL gives the TTL of records without one; before any $TTL,
    // the last explicit TTL carries on (RFC 1035 §5.1).
    const effectiveTtl = ttl ?? (!sawTtlDirective && lastTtl !== undefined ? lastTtl : defaultTtl);
    if (ttl !== undefined) lastTtl = ttl;
    // One string per run of records with the same owner, however it was written.
    if (owner !== previousOwner) previousOwner = owner;
    const record = { name: previousOwner, type: internType(type), ttl: effectiveTtl, data: parseRdata(type, rdata, line), line };
    if (packed) packed.add(record);
    else records.push(record);
  });

  function parseRdata(type: string, rdata: Token[], line: number): RecordData[RRType] | string {
    const fail = (message: string): never => {
      throw new ZoneFileError(`${type}: ${message}`, line, source);
    };
    const count = (n: number) => {
      if (rdata.length < n) fail(`expected ${n} fields, found ${rdata.length}`);
    };
    const integer = (token: Token | undefined, max: number, what: string): number => {
      if (!token || !/^\d+$/.test(token.text) || Number(token.text) > max) fail(`${what} must be a number from 0 to ${max}`);
      return Number(token!.text);
    };
    const hex = (tokens: Token[], what: string): string => {
      const value = tokens.map((token) => token.text).join('').toLowerCase();
      if (value === '' || !/^[0-9a-f]*$/.test(value) || value.length % 2 !== 0) fail(`${what} must be hexadecimal`);
      return value;
    };
    const generic = rdata[0]?.raw === '\\#';
    if (generic) {
      // RFC 3597 §5: \# <length> <hex>. Decoded only for the types kept as text.
      const length = integer(rdata[1], 65535, 'generic RDATA length');
      const value = length === 0 ? '' : hex(rdata.slice(2), 'generic RDATA');
      if (value.length / 2 !== length) fail(`generic RDATA has ${value.length / 2} octets, not ${length}`);
      if (SERVED_TYPES.has(type)) fail('the generic \\# form is only supported for types mailcheck does not ask for');
      return `\\# ${length} ${value}`;
    }
    switch (type) {
      case 'A': {
        count(1);
        const address = parseIpv4(rdata[0]!.text);
        if (!address) return fail(`"${rdata[0]!.text}" is not an IPv4 address`);
        return formatIp(address);
      }
      case 'AAAA': {
        count(1);
        const address = parseIpv6(rdata[0]!.text);
        if (!address) return fail(`"${rdata[0]!.text}" is not an IPv6 address`);
        return formatIp(address);
      }
      case 'MX': {
        count(2);
        const preference = integer(rdata[0], 65535, 'preference');
        // RFC 7505 §3: the null MX's exchange is the root, "." ('' here).
        const exchange = rdata[1]!.raw === '.' ? '' : resolveName(rdata[1]!, line);
        return sharedValue(`${preference} ${exchange}`, () => ({ preference, exchange }));
      }
      case 'TXT': {
        count(1);
        // RFC 1035 §3.3.14: one or more <character-string>s, each at most 255 octets (§3.3).
        for (const token of rdata) if (token.size > 255) fail(`a character-string is ${token.size} octets; split it into strings of at most 255`);
        const strings = rdata.map((token) => shared(token.text));
        return sharedValue(JSON.stringify(strings), () => strings);
      }
      case 'CNAME':
      case 'PTR':
      case 'NS': {
        count(1);
        return resolveName(rdata[0]!, line);
      }
      case 'SOA': {
        count(7);
        const times = rdata.slice(2, 7).map((token) => parseTtl(token.text));
        if (times.some((value) => value === undefined)) fail('serial, refresh, retry, expire and minimum must be numbers');
        const [serial, refresh, retry, expire, minimum] = times as number[];
        return { mname: resolveName(rdata[0]!, line), rname: resolveName(rdata[1]!, line), serial: serial!, refresh: refresh!, retry: retry!, expire: expire!, minimum: minimum! };
      }
      case 'TLSA': {
        // RFC 6698 §2.2: usage selector matching-type data (hex, whitespace allowed).
        count(4);
        return {
          usage: integer(rdata[0], 255, 'usage'),
          selector: integer(rdata[1], 255, 'selector'),
          matchingType: integer(rdata[2], 255, 'matching type'),
          data: hex(rdata.slice(3), 'certificate association data'),
        };
      }
      case 'DS': {
        // RFC 4034 §5.3: key-tag algorithm digest-type digest (hex, whitespace allowed).
        count(4);
        return {
          keyTag: integer(rdata[0], 65535, 'key tag'),
          algorithm: integer(rdata[1], 255, 'algorithm'),
          digestType: integer(rdata[2], 255, 'digest type'),
          digest: hex(rdata.slice(3), 'digest'),
        };
      }
      case 'DNSKEY': {
        // RFC 4034 §2.2: flags protocol algorithm public-key (base64, whitespace allowed).
        count(4);
        const publicKey = rdata.slice(3).map((token) => token.text).join('');
        if (!/^[A-Za-z0-9+/]+=*$/.test(publicKey)) fail('public key must be base64');
        return {
          flags: integer(rdata[0], 65535, 'flags'),
          protocol: integer(rdata[1], 255, 'protocol'),
          algorithm: integer(rdata[2], 255, 'algorithm'),
          publicKey,
        };
      }
      default:
        return rdata.map((token) => (token.quoted ? `"${token.raw}"` : token.raw)).join(' ');
    }
  }

  return {
    feed(chunk) {
      // A byte-order mark some editors write is not part of the first owner name.
      tokenizer.feed(firstChunk ? chunk.replace(/^\uFEFF/, '') : chunk);
      firstChunk = false;
    },
    end() {
      tokenizer.end();
      if (!packed) return { ...(origin !== undefined ? { origin } : {}), records };
      packed.finish();
      let unpacked: ZoneRecord[] | undefined;
      return {
        ...(origin !== undefined ? { origin } : {}),
        get records() {
          unpacked ??= [...packed.names()].flatMap((name) => packed.recordsOf(name)!);
          return unpacked;
        },
        packed,
      };
    },
  };
}

/**
 * A name built from pieces, as one flat string: V8 keeps a concatenation as
 * a pair of pointers to its parts, which a million owner names would double.
 */
function flat(text: string): string {
  return /[^\x00-\xff]/.test(text) ? text : Buffer.from(text, 'latin1').toString('latin1');
}

/** Character-strings many records repeat (an SPF policy for every domain of a host), one copy each. */
const SHARED_STRINGS = new Map<string, string>();
function shared(text: string): string {
  if (text.length > 255) return text;
  let copy = SHARED_STRINGS.get(text);
  if (copy === undefined && SHARED_STRINGS.size < 4096) SHARED_STRINGS.set(text, (copy = text));
  return copy ?? text;
}

/**
 * Record data many records repeat (the same SPF policy or MX host for every
 * domain of a host), one frozen copy each: answers hand out the same value.
 */
const SHARED_VALUES = new Map<string, object>();
function sharedValue<T extends object>(key: string, make: () => T): T {
  if (key.length > 512) return make();
  let value = SHARED_VALUES.get(key) as T | undefined;
  if (value === undefined) {
    value = Object.freeze(make());
    if (SHARED_VALUES.size < 4096) SHARED_VALUES.set(key, value);
  }
  return value;
}

/** One copy of each type mnemonic, shared by every record of that type. */
const TYPE_NAMES = new Map<string, string>();
function internType(type: string): string {
  let shared = TYPE_NAMES.get(type);
  if (shared === undefined && TYPE_NAMES.size < 1024) TYPE_NAMES.set(type, (shared = type));
  return shared ?? type;
}

/**
 * Reads and parses a zone file as a stream, line by line: the file is never
 * held whole, only its records. `limit`: the most bytes read (the caller says
 * so in its error).
 */
export async function readZoneFile(file: string, options: ParseZoneOptions = {}): Promise<Zone> {
  const { createReadStream } = await import('node:fs');
  const parser = createZoneParser({ source: file, packed: true, ...options });
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = rest + (chunk as string);
    const last = text.lastIndexOf('\n');
    if (last === -1) {
      rest = text;
      continue;
    }
    for (const line of linesOf(text.slice(0, last + 1))) parser.feed(line);
    rest = text.slice(last + 1);
  }
  if (rest !== '') parser.feed(rest);
  return parser.end();
}

export { indexZones, zoneOverride, zoneWarnings, type ZoneIndex, type ZoneOverrideOptions } from './zone-index.js';
