/**
 * Resource record data in canonical form (RFC 4034 §6.2), the octets DNSSEC
 * signatures cover: names expanded from message compression and lower-cased
 * where that section says. Read from the reply buffer by ./wire.ts.
 */
import { need, walkName } from './name-walk.js';

/** The type numbers this file needs (RFC 1035 §3.2.2, RFC 4034 §3.1, §4.1). */
const T = { NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, RRSIG: 46, NSEC: 47 } as const;

/** Types whose RDATA names are lower-cased in canonical form (RFC 4034 §6.2 item 3, less NSEC per RFC 6840 §5.1). */
const LOWERCASED_NAME_TYPES: ReadonlySet<number> = new Set([T.NS, T.CNAME, T.SOA, T.PTR, T.MX, T.RRSIG]);

/**
 * The name at `at` as uncompressed wire octets (RFC 4034 §6.2 item 2),
 * lower-cased when `lower` (US-ASCII letters only, RFC 4034 §6.1).
 */
export function nameWire(buffer: Buffer, at: number, lower: boolean): { wire: Buffer; next: number } {
  const parts: Buffer[] = [];
  const next = walkName(buffer, at, (start, length) => {
    const label = Buffer.from(buffer.subarray(start - 1, start + length));
    if (lower) for (let index = 1; index < label.length; index++) if (label[index]! >= 0x41 && label[index]! <= 0x5a) label[index] = label[index]! | 0x20;
    parts.push(label);
  });
  parts.push(Buffer.from([0]));
  return { wire: Buffer.concat(parts), next };
}

/**
 * RDATA in canonical form (RFC 4034 §6.2): names expanded (RFC 3597 §4 allows
 * compression only in the well-known types, which are the ones expanded here)
 * and lower-cased for the types RFC 4034 §6.2 lists (RFC 6840 §5.1: not in NSEC).
 */
export function canonicalRdata(buffer: Buffer, type: number, start: number, length: number): Buffer {
  const end = start + length;
  const lower = LOWERCASED_NAME_TYPES.has(type);
  const tail = (from: number) => {
    if (from > end) throw new Error(`RDATA of type ${type} overruns its length`);
    return buffer.subarray(from, end);
  };
  switch (type) {
    case T.NS:
    case T.CNAME:
    case T.PTR:
      return nameWire(buffer, start, lower).wire;
    case T.MX: {
      need(buffer, start + 3);
      const exchange = nameWire(buffer, start + 2, lower);
      return Buffer.concat([buffer.subarray(start, start + 2), exchange.wire]);
    }
    case T.SOA: {
      const mname = nameWire(buffer, start, lower);
      const rname = nameWire(buffer, mname.next, lower);
      return Buffer.concat([mname.wire, rname.wire, tail(rname.next)]);
    }
    case T.RRSIG: {
      // RFC 4034 §3.1: 18 fixed octets, then the signer's name (never compressed), then the signature.
      need(buffer, start + 19);
      const signer = nameWire(buffer, start + 18, true);
      return Buffer.concat([buffer.subarray(start, start + 18), signer.wire, tail(signer.next)]);
    }
    case T.NSEC: {
      const next = nameWire(buffer, start, false);
      return Buffer.concat([next.wire, tail(next.next)]);
    }
    default:
      return Buffer.from(buffer.subarray(start, end));
  }
}
