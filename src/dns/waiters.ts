/**
 * Queries waiting for their reply on a shared socket, and the random ids
 * that tell them apart.
 */
import { randomFillSync } from 'node:crypto';
import type { WireMessage } from './wire.js';

/** One query waiting on a socket. */
export interface Waiter {
  /** Whether a reply answers this very query (RFC 5452 §9.1). */
  accept(message: WireMessage): boolean;
  /** Ends the wait with the reply, or `undefined` for no reply (timeout, socket gone). */
  settle(message: WireMessage | undefined): void;
  timer: NodeJS.Timeout;
}

// Ids come from the operating system's CSPRNG (RFC 5452 §9.2: unpredictable),
// drawn 512 at a time rather than one system call per query.
const randomOctets = Buffer.alloc(1024);
let randomAt = randomOctets.length;

/** A random 16-bit message id (RFC 1035 §4.1.1). */
export function randomId(): number {
  if (randomAt >= randomOctets.length) {
    randomFillSync(randomOctets);
    randomAt = 0;
  }
  const id = randomOctets.readUInt16BE(randomAt);
  randomAt += 2;
  return id;
}

/** A random id no query waiting on the same socket uses. */
export function freeId(waiting: ReadonlyMap<number, unknown>): number {
  for (;;) {
    const id = randomId();
    if (!waiting.has(id)) return id;
  }
}
