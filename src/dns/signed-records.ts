/**
 * The records a signed reply carries for DNSSEC validation (src/dnssec/),
 * kept on the resolver's answers as `dnssec`.
 */
import type { DnssecRecords } from './types.js';
import type { WireMessage } from './wire.js';

/** The signed records of a chain's hops, together. */
export function joinDnssec(first: DnssecRecords | undefined, second: DnssecRecords | undefined): DnssecRecords | undefined {
  if (!first || !second) return first ?? second;
  return { answer: [...first.answer, ...second.answer], authority: [...first.authority, ...second.authority] };
}

/**
 * The records a signed reply brings for DNSSEC validation (src/dnssec/), or
 * undefined when it carried no RRSIG (RFC 4035 §3.1: a signed zone answers a
 * DO query with the RRSIGs of each RRset, and NSEC/NSEC3 for a denial).
 */
export function signedRecords(message: WireMessage): DnssecRecords | undefined {
  const pick = (records: WireMessage['answers']) =>
    records
      .filter((record) => record.canonical !== undefined && record.class === 1)
      .map((record) => ({ name: record.name, type: record.type, ttl: record.ttl, rdata: record.canonical!.toString('base64') }));
  if (!message.answers.some((record) => record.canonical) && !message.authorities.some((record) => record.canonical)) return undefined;
  return { answer: pick(message.answers), authority: pick(message.authorities) };
}

