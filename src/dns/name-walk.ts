/**
 * Walking a domain name inside a DNS message (RFC 1035 §3.1, §4.1.4): labels
 * in order, compression pointers followed, with the bounds every reader
 * needs. Shared by the presentation-form decoder (./wire.ts) and the
 * canonical-form reader DNSSEC uses (./canonical-rdata.ts).
 */

/** Throws unless `buffer` extends to `end`. */
export function need(buffer: Buffer, end: number): void {
  if (end > buffer.length) throw new Error('DNS message truncated inside a record');
}

/**
 * Calls `onLabel(start, length)` for each label of the name at `at` (`start`
 * is the offset of the label's first octet after its length octet) and
 * returns the offset after the name where it first appears. Throws on a
 * reserved label type, a pointer loop or a name longer than 255 octets
 * (RFC 1035 §2.3.4).
 */
export function walkName(buffer: Buffer, at: number, onLabel: (start: number, length: number) => void): number {
  let next = -1;
  let octets = 1;
  let jumps = 0;
  for (;;) {
    need(buffer, at + 1);
    const length = buffer[at]!;
    if (length === 0) return next === -1 ? at + 1 : next;
    if ((length & 0xc0) === 0xc0) {
      need(buffer, at + 2);
      // A name has at most 127 labels: more jumps than that can only be a loop.
      if (++jumps > 127) throw new Error('DNS name compression loop');
      if (next === -1) next = at + 2;
      at = ((length & 0x3f) << 8) | buffer[at + 1]!;
      continue;
    }
    if ((length & 0xc0) !== 0) throw new Error(`DNS label type 0x${length.toString(16)} is reserved`);
    octets += length + 1;
    if (octets > 255) throw new Error('DNS name longer than 255 octets');
    need(buffer, at + 1 + length);
    onLabel(at + 1, length);
    at += 1 + length;
  }
}
