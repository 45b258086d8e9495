/**
 * Zone records stored packed: one Map entry per owner name whose value is a
 * single string holding all its records, decoded when a name is looked up.
 * A million-record zone would otherwise keep a million record objects (with
 * their data objects and strings) alive for the whole audit.
 */
import type { RecordData, RRType } from './types.js';
import type { ZoneRecord } from './zone-file.js';

/** Records of one owner that are checked for duplicates through a set of keys, not one by one. */
const LINEAR_DEDUPE_LIMIT = 16;

/** Separates the records of an owner; fields are separated by tabs. Neither occurs in a payload. */
const RECORD_SEPARATOR = '\n';

/** A value kept as written (no JSON): printable ASCII that does not start like JSON or a shared payload. */
function isPlain(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text) && !/^["[{#]/.test(text);
}

/** Payloads at least this long that many records repeat (a DKIM key, an SPF policy) are kept once, as "#n". */
const SHARED_PAYLOAD_LENGTH = 48;
/** Most characters of shared payloads kept per zone. */
const SHARED_PAYLOAD_BUDGET = 4_000_000;

/**
 * The record's data as text, the same text for the same data (duplicates are
 * found by it): names and addresses as written, an MX as "preference
 * exchange", anything else as JSON (which escapes tabs and newlines).
 */
function payloadOf(type: string, data: ZoneRecord['data']): string {
  if (typeof data === 'string') return isPlain(data) ? data : JSON.stringify(data);
  if (type === 'MX') {
    const mx = data as RecordData['MX'];
    if (isPlain(mx.exchange)) return `${mx.preference} ${mx.exchange}`;
  }
  return JSON.stringify(data);
}

function dataOf(type: string, payload: string): ZoneRecord['data'] {
  const first = payload[0];
  if (first === '"' || first === '[' || first === '{') return JSON.parse(payload) as ZoneRecord['data'];
  if (type === 'MX') {
    const space = payload.indexOf(' ');
    return { preference: Number(payload.slice(0, space)), exchange: payload.slice(space + 1) } satisfies RecordData['MX'];
  }
  return payload as RecordData[RRType];
}

/** Long payloads, each kept once: "#n" in a record is the n-th. */
interface PayloadPool {
  refs: Map<string, string>;
  payloads: string[];
  chars: number;
}

/** One record of an owner: "type TAB ttl TAB line TAB payload". */
function encode(record: ZoneRecord, pool: PayloadPool): string {
  let payload = payloadOf(record.type, record.data);
  if (payload.length >= SHARED_PAYLOAD_LENGTH) {
    let ref = pool.refs.get(payload);
    if (ref === undefined && pool.chars + payload.length <= SHARED_PAYLOAD_BUDGET) {
      ref = `#${pool.payloads.length}`;
      pool.refs.set(payload, ref);
      pool.payloads.push(payload);
      pool.chars += payload.length;
    }
    if (ref !== undefined) payload = ref;
  }
  return `${record.type}\t${record.ttl}\t${record.line}\t${payload}`;
}

function decode(name: string, text: string, pool: PayloadPool): ZoneRecord {
  const first = text.indexOf('\t');
  const second = text.indexOf('\t', first + 1);
  const third = text.indexOf('\t', second + 1);
  const type = text.slice(0, first);
  const payload = text[third + 1] === '#' ? pool.payloads[Number(text.slice(third + 2))]! : text.slice(third + 1);
  return { name, type, ttl: Number(text.slice(first + 1, second)), data: dataOf(type, payload), line: Number(text.slice(second + 1, third)) };
}

/** Type and payload of an encoded record: what makes two records identical. */
function identityOf(text: string): string {
  const first = text.indexOf('\t');
  const third = text.indexOf('\t', text.indexOf('\t', first + 1) + 1);
  return `${text.slice(0, first)}\t${text.slice(third + 1)}`;
}

/**
 * A string built from pieces, as one flat string: V8 keeps a concatenation as
 * a tree of its parts, which would keep every piece alive.
 */
function flat(text: string): string {
  return /[^\x00-\xff]/.test(text) ? text : Buffer.from(text, 'latin1').toString('latin1');
}

/** Zone records packed per owner name, identical records kept once. */
export interface PackedRecords {
  /** Adds a record (in file order); an identical one already at its name (same type and data) is dropped (RFC 2181 §5). */
  add(record: ZoneRecord): void;
  /** Ends adding: large owners are packed like the others. */
  finish(): void;
  /** The records of a name, every type together, in the order added; undefined for a name that owns none. */
  recordsOf(name: string): ZoneRecord[] | undefined;
  /** Whether `name` owns any record. */
  has(name: string): boolean;
  /** Whether `name` owns a record of `type`. */
  owns(name: string, type: string): boolean;
  /** Every owner name, in the order first seen. */
  names(): IterableIterator<string>;
  /** Owners of SOA records. */
  readonly soaOwners: ReadonlySet<string>;
  /** Records kept. */
  readonly size: number;
}

export function createPackedRecords(): PackedRecords {
  /** An owner's records joined by newlines; while adding, a large owner's records as an array. */
  const owners = new Map<string, string | string[]>();
  // Keys of the records of large owners, only while adding (a hostile zone may hold 100,000 records at one name).
  const largeKeys = new Map<string, Set<string>>();
  const soaOwners = new Set<string>();
  const pool: PayloadPool = { refs: new Map(), payloads: [], chars: 0 };
  let size = 0;
  const split = (held: string | string[]) => (Array.isArray(held) ? held : held.split(RECORD_SEPARATOR));
  return {
    add(record) {
      const encoded = encode(record, pool);
      const held = owners.get(record.name);
      if (record.type === 'SOA') soaOwners.add(record.name);
      if (held === undefined) {
        owners.set(record.name, encoded);
        size++;
        return;
      }
      const identity = identityOf(encoded);
      const large = largeKeys.get(record.name);
      if (large) {
        if (large.has(identity)) return;
        large.add(identity);
        (held as string[]).push(encoded);
        size++;
        return;
      }
      const list = split(held);
      if (list.some((other) => identityOf(other) === identity)) return;
      size++;
      if (list.length + 1 >= LINEAR_DEDUPE_LIMIT) {
        largeKeys.set(record.name, new Set([...list.map(identityOf), identity]));
        owners.set(record.name, [...list, encoded]);
        return;
      }
      owners.set(record.name, flat(`${held as string}${RECORD_SEPARATOR}${encoded}`));
    },
    finish() {
      for (const name of largeKeys.keys()) owners.set(name, (owners.get(name) as string[]).join(RECORD_SEPARATOR));
      largeKeys.clear();
      // Only lookups by number from here on.
      pool.refs.clear();
    },
    recordsOf(name) {
      const held = owners.get(name);
      return held === undefined ? undefined : split(held).map((text) => decode(name, text, pool));
    },
    has: (name) => owners.has(name),
    owns(name, type) {
      const held = owners.get(name);
      if (held === undefined) return false;
      return split(held).some((text) => text.startsWith(`${type}\t`));
    },
    names: () => owners.keys(),
    soaOwners,
    get size() {
      return size;
    },
  };
}
