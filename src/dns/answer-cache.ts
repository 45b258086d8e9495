/**
 * The resolver's cache of questions: key → the promise of its answer, shared
 * by every asker (one in flight is asked once), optionally bounded for large
 * batches, where most names belong to one domain and are never asked again.
 *
 * The bound drops answers least recently used first, by the "second chance"
 * (CLOCK) approximation: the Map is in order of arrival; an answer used since
 * it arrived (or since the last pass) moves to the back once instead of being
 * dropped. A hit then only sets a flag: moving the entry to the back of the
 * Map on every hit cost about a second of CPU per 4,000-domain batch. Only
 * settled answers are dropped: one still in flight keeps sharing its promise.
 */

interface Entry<T> {
  result: Promise<T>;
  /** The result has settled (only those may be dropped). */
  settled: boolean;
  /** Asked again since it arrived or since the last eviction pass. */
  used: boolean;
}

export interface AnswerCache<T> {
  /** The cached promise for `key` (counted as a use), or undefined. */
  get(key: string): Promise<T> | undefined;
  /** Caches `result` under `key`. */
  set(key: string, result: Promise<T>): void;
  readonly size: number;
}

/**
 * A cache holding at most `limit` settled answers (default: no limit).
 * Eviction runs once the cache holds a sixteenth more than the limit, so it
 * may briefly hold that much; walking the Map from its front then stays cheap.
 */
export function createAnswerCache<T>(limit?: number): AnswerCache<T> {
  const entries = new Map<string, Entry<T>>();
  const bound = limit !== undefined ? Math.max(1, limit) : undefined;
  const slack = bound !== undefined ? Math.floor(bound / 16) : 0;

  const evict = (keep: number) => {
    for (const [key, entry] of entries) {
      if (entries.size <= keep) break;
      if (!entry.settled) continue;
      entries.delete(key);
      if (entry.used) {
        // Iteration reaches it again at the back, unflagged.
        entry.used = false;
        entries.set(key, entry);
      }
    }
  };

  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entry.used = true;
      return entry.result;
    },
    set(key, result) {
      const entry: Entry<T> = { result, settled: false, used: false };
      entries.set(key, entry);
      if (bound === undefined) return;
      const settle = () => {
        entry.settled = true;
        if (entries.size > bound + slack) evict(bound);
      };
      result.then(settle, settle);
    },
    get size() {
      return entries.size;
    },
  };
}
