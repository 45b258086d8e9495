/**
 * Politeness towards shared resolvers: at most `rate` queries per second to
 * one server (a token bucket holding one second's worth, so a single audit's
 * burst goes out at once and only batches are paced), and back-off when the
 * server starts refusing: a burst of REFUSED or SERVFAIL answers (many in a
 * short window, most of the answers) halves the rate, which then creeps back
 * up while answers are good again (additive increase, multiplicative
 * decrease). A resolver that rate-limits its clients answers REFUSED or
 * SERVFAIL, or drops queries; pushing on would only make it worse.
 */

/** Default queries per second to a resolver that is not on this machine. */
export const DEFAULT_RATE = 200;

/** What one answer from the server was, for the back-off. */
export type PaceOutcome = 'answer' | 'refusal';

export interface Pacer {
  /** Resolves when the next query to this server may be sent. */
  acquire(): Promise<void>;
  /** Tells the pacer how the server answered. */
  record(outcome: PaceOutcome): void;
  /** The current rate (queries per second). */
  readonly rate: number;
}

/** A window of this long decides whether refusals come in a burst, ms. */
const WINDOW_MS = 1000;
/** Refusals in one window (and more than half of the answers) that make a burst. */
const BURST = 5;
/** The rate never drops below this, queries per second. */
const FLOOR = 1;

export function createPacer(limit: number, now: () => number = () => performance.now()): Pacer {
  let rate = limit;
  let tokens = limit;
  let refilled = now();
  const waiting: Array<() => void> = [];
  let timer: NodeJS.Timeout | undefined;
  let windowStart = now();
  let answers = 0;
  let refusals = 0;
  let lastBackoff = -Infinity;

  const refill = () => {
    const at = now();
    tokens = Math.min(rate, tokens + ((at - refilled) / 1000) * rate);
    refilled = at;
  };

  const release = () => {
    timer = undefined;
    refill();
    while (tokens >= 1 && waiting.length > 0) {
      tokens -= 1;
      waiting.shift()!();
    }
    schedule();
  };

  const schedule = () => {
    if (timer || waiting.length === 0) return;
    timer = setTimeout(release, Math.max(1, Math.ceil(((1 - tokens) / rate) * 1000)));
  };

  return {
    acquire() {
      refill();
      if (waiting.length === 0 && tokens >= 1) {
        tokens -= 1;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        waiting.push(resolve);
        schedule();
      });
    },
    record(outcome) {
      const at = now();
      if (at - windowStart > WINDOW_MS) {
        windowStart = at;
        answers = 0;
        refusals = 0;
      }
      answers++;
      if (outcome === 'refusal') refusals++;
      if (refusals >= BURST && refusals * 2 > answers && at - lastBackoff >= WINDOW_MS) {
        // Multiplicative decrease, at most once a window.
        lastBackoff = at;
        rate = Math.max(FLOOR, rate / 2);
        tokens = Math.min(tokens, rate);
      } else if (outcome === 'answer' && rate < limit) {
        // Additive increase: back to the limit after a few hundred good answers.
        rate = Math.min(limit, rate + limit / 200);
      }
    },
    get rate() {
      return rate;
    },
  };
}

/** True for an address on this machine (127.0.0.0/8, ::1, localhost): no need to pace. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) || bare === '::1' || bare === 'localhost' || /^::ffff:127\./.test(bare);
}
