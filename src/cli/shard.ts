/**
 * `--shard <i>/<n>`: a stable share of a domain list, so one list can be
 * audited on n machines (or CI jobs, or Kubernetes Job indexes) without any
 * coordination. A domain belongs to shard 1 + (H mod n), where H is the first
 * four octets of SHA-256 over the normalised domain (A-label, lower case, no
 * trailing dot) read as an unsigned big-endian number: the same domain lands
 * in the same shard on every machine, every run and every order of the list,
 * so reruns and baselines line up.
 */
import { createHash } from 'node:crypto';
import { parseDomain } from '../domain.js';

export interface Shard {
  /** 1-based: 1 … count. */
  index: number;
  count: number;
}

/** Parses `i/n` (1 ≤ i ≤ n ≤ 1,000,000); throws an Error with a one-line message. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d{1,7})\s*\/\s*(\d{1,7})\s*$/.exec(text);
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || count > 1_000_000 || index < 1 || index > count) {
    throw new Error(`--shard "${text}" is not i/n with 1 ≤ i ≤ n. Use e.g. --shard 1/4 (the first of four shards)`);
  }
  return { index, count };
}

/** The shard (1-based) a normalised domain belongs to among `count`. */
export function shardOf(domain: string, count: number): number {
  const digest = createHash('sha256').update(domain, 'utf8').digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

export function inShard(domain: string, shard: Shard): boolean {
  return shard.count === 1 || shardOf(domain, shard.count) === shard.index;
}

/** The inputs (as the user wrote them) whose domains fall in `shard`; all of them without one. */
export function selectShard(inputs: readonly string[], shard: Shard | undefined): string[] {
  if (!shard) return [...inputs];
  return inputs.filter((input) => {
    const parsed = parseDomain(input);
    return parsed.ok && inShard(parsed.domain, shard);
  });
}
