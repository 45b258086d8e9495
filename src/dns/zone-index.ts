/**
 * Answering from zone files (`--zone`, `--offline`): the records of parsed
 * zones indexed by owner name, what a zone file lacks to stand for a zone,
 * and the resolver override that answers the names the zones define.
 */
import type { DnsAnswer, RecordData, RRType } from './types.js';
import type { Zone, ZoneRecord } from './zone-file.js';
import { createPackedRecords, type PackedRecords } from './zone-store.js';
import { expectUnknownNames } from './unknown-names.js';

/** The records of a set of zones, indexed by owner name. */
export interface ZoneIndex {
  /**
   * The records a name owns, every type together, identical records kept
   * once; undefined for a name that owns none. (Stored as compactly as a
   * million-record zone needs: one packed string per name, decoded here.)
   */
  recordsOf(name: string): readonly ZoneRecord[] | undefined;
  /** Whether `name` is defined (owns records) or is an empty non-terminal above defined names. */
  defines(name: string): boolean;
  /**
   * Whether the zones speak for `name`: it is at or below an apex (an origin
   * or an SOA owner) and not below a delegation (an NS RRset away from an
   * apex). Offline, a name they do not speak for is unknown, not absent.
   */
  covers(name: string): boolean;
}

/** Records of one type at a name, in file order. */
function ofType(records: readonly ZoneRecord[], type: string): ZoneRecord[] {
  return records.filter((record) => record.type === type);
}

/**
 * Indexes zones. Empty non-terminals (RFC 8020 §2: they exist) are the
 * ancestors of owner names at or below a zone's apex (its origin or an SOA
 * owner); names above the apex are left to the servers. One packed zone (as
 * `readZoneFile` reads it) is used as it is, never copied.
 */
export function indexZones(zones: readonly Zone[]): ZoneIndex {
  const apexes = new Set<string>();
  for (const zone of zones) {
    if (zone.origin) apexes.add(zone.origin);
    if (zone.packed) for (const owner of zone.packed.soaOwners) apexes.add(owner);
    else for (const record of zone.records) if (record.type === 'SOA') apexes.add(record.name);
  }
  const belowApex = (name: string) => {
    for (const apex of apexes) if (name === apex || name.endsWith(`.${apex}`)) return true;
    return false;
  };
  let store: PackedRecords;
  if (zones.length === 1 && zones[0]!.packed) {
    store = zones[0]!.packed;
  } else {
    // Identical records are one record (RFC 2181 §5: an RRset has no duplicates), across zones too.
    store = createPackedRecords();
    for (const zone of zones) {
      if (!zone.packed) for (const record of zone.records) store.add(record);
      else for (const name of zone.packed.names()) for (const record of zone.packed.recordsOf(name)!) store.add(record);
    }
    store.finish();
  }
  const ancestors = new Set<string>();
  const delegations = new Set<string>();
  for (const name of store.names()) {
    // A name's ancestors up to the first one known: an owner's own ancestors are walked from it.
    for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1)) {
      const ancestor = name.slice(dot + 1);
      if (ancestors.has(ancestor) || store.has(ancestor)) break;
      if (belowApex(ancestor)) ancestors.add(ancestor);
    }
    if (!apexes.has(name) && store.owns(name, 'NS')) delegations.add(name);
  }
  const recordsOf = (name: string): readonly ZoneRecord[] | undefined => store.recordsOf(name);
  const defines = (name: string) => store.has(name) || ancestors.has(name);
  const covers = (name: string) => {
    if (!belowApex(name)) return false;
    // RFC 1034 §4.2.1: below a zone cut the child zone's servers speak, not this file
    // (its own records there, glue, still answer: they are defined).
    const labels = name.split('.');
    for (let i = 1; i < labels.length; i++) {
      const ancestor = labels.slice(i).join('.');
      if (apexes.has(ancestor)) return true;
      if (delegations.has(ancestor)) return false;
    }
    return true;
  };
  return { recordsOf, defines, covers };
}

/**
 * What a zone file lacks to stand for a zone: with `--offline` an origin
 * without SOA or NS reads as an apex that publishes nothing, silently.
 */
export function zoneWarnings(zone: Zone): string[] {
  const origin = zone.origin;
  if (origin === undefined) {
    const soa = zone.packed ? zone.packed.soaOwners.size > 0 : zone.records.some((record) => record.type === 'SOA');
    const empty = zone.packed ? zone.packed.size === 0 : zone.records.length === 0;
    return soa || empty ? [] : ['has no $ORIGIN and no SOA record: no name is known to be inside it'];
  }
  const originRecords = zone.packed ? (zone.packed.recordsOf(origin) ?? []) : zone.records.filter((record) => record.name === origin);
  const atOrigin = new Set(originRecords.map((record) => record.type));
  // RFC 1035 §5.2: a zone's master file holds exactly one SOA, at its top, and the NS RRset there.
  const missing = ['SOA', 'NS'].filter((type) => !atOrigin.has(type));
  return missing.length === 0 ? [] : [`has no ${missing.join(' and no ')} record at its origin ${origin || '.'}: is it the whole zone?`];
}

export interface ZoneOverrideOptions {
  /**
   * --offline: names inside the zones that they do not define do not exist;
   * names outside them are unknown (SERVFAIL with `outside`, never NXDOMAIN).
   */
  offline?: boolean;
  /**
   * Resolves a name outside the zones (a CNAME target that leaves them), when
   * not offline: normally the resolver itself.
   */
  resolveOutside?: (name: string, type: RRType) => Promise<DnsAnswer<RecordData[RRType]>>;
}

type AnyAnswer = DnsAnswer<RecordData[RRType]>;

const EMPTY_NODE: readonly ZoneRecord[] = [];

/** Most CNAMEs followed within the zones. */
const MAX_CHAIN = 8;

/**
 * The resolver override for `--zone` (and `--offline`): answers for the names
 * the zones define, `undefined` (ask the servers) for other names, or when
 * offline NXDOMAIN for names the zones speak for and SERVFAIL (`outside`) for
 * the rest. Wildcards (`*.example.com`) answer names
 * below them that the zones do not define (RFC 4592 §3.3.1, basic form).
 */
export function zoneOverride(zones: readonly Zone[] | ZoneIndex, options: ZoneOverrideOptions = {}) {
  // Offline, names outside the zones are answered as unknown (./unknown-names.ts).
  if (options.offline) expectUnknownNames();
  const index = Array.isArray(zones) ? indexZones(zones as Zone[]) : (zones as ZoneIndex);

  /** The node answering for `name`: itself, a covering wildcard, or none. */
  function nodeFor(name: string): readonly ZoneRecord[] | undefined {
    const own = index.recordsOf(name);
    if (own) return own;
    if (index.defines(name)) return EMPTY_NODE; // An empty non-terminal exists and owns nothing.
    // RFC 4592 §3.3.1: the wildcard of the closest encloser answers for a name that does not exist.
    const labels = name.split('.');
    for (let i = 1; i < labels.length; i++) {
      const encloser = labels.slice(i).join('.');
      if (index.defines(encloser)) return index.recordsOf(`*.${encloser}`);
    }
    return undefined;
  }

  async function answer(name: string, type: RRType, chain: string[]): Promise<AnyAnswer | undefined> {
    const node = nodeFor(name);
    if (!node) {
      // Offline, the zones answer NXDOMAIN only for names they speak for; of any
      // other name nothing is known (the zone files are not all of DNS).
      const offlineAnswer = (): AnyAnswer =>
        index.covers(name) ? { status: 'nxdomain', ad: false, cnames: chain } : { status: 'servfail', outside: name };
      if (chain.length === 0) return options.offline ? offlineAnswer() : undefined;
      if (options.offline || !options.resolveOutside) return offlineAnswer();
      const rest = await options.resolveOutside(name, type);
      if (rest.status === 'ok' || rest.status === 'nxdomain' || rest.status === 'nodata') {
        return { ...rest, ad: false, cnames: [...chain, ...rest.cnames] };
      }
      return rest;
    }
    const records = ofType(node, type);
    if (records.length > 0) {
      return {
        status: 'ok',
        records: records.map((record) => record.data as RecordData[RRType]),
        ttl: records.reduce((min, record) => Math.min(min, record.ttl), Number.POSITIVE_INFINITY),
        ad: false,
        cnames: chain,
      };
    }
    const alias = type === 'CNAME' ? undefined : node.find((record) => record.type === 'CNAME');
    if (alias) {
      const target = alias.data as string;
      // RFC 1034 §3.6.2: a loop or an overlong chain is an error.
      if (target === name || chain.includes(target) || chain.length >= MAX_CHAIN) return { status: 'servfail' };
      return answer(target, type, [...chain, target]);
    }
    return { status: 'nodata', ad: false, cnames: chain };
  }

  return (name: string, type: RRType): Promise<AnyAnswer | undefined> => answer(name.toLowerCase().replace(/\.$/, ''), type, []);
}
