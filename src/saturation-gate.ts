/**
 * How many domains a batch keeps in flight: up to its concurrency while the
 * process is waiting on the network, fewer while its one thread is the
 * bottleneck.
 *
 * Why: with answers that come back at once (a resolver on this machine, a
 * warm cache, a zone file) a batch is bound by the CPU of its one thread.
 * More domains in flight then overlap no waiting; they only make each domain
 * last longer, so its objects outlive V8's young-generation collections, are
 * promoted, and cost the full collections more than the overlap saves (the
 * 3,986-domain corpus batch took 15 to 25 % more CPU at 16 in flight than at
 * 1). With a resolver tens of milliseconds away the event loop is mostly idle
 * and the full concurrency is what keeps the batch fast.
 *
 * So the number of domains allowed in flight (the target) changes once per
 * window of {@link GateSettings.windowMs}, by the event loop's utilization
 * over that window (the share of time it spent running code rather than
 * waiting, `performance.eventLoopUtilization`): it doubles when the loop
 * waited for part of the window and every allowed domain was in flight, and
 * goes down by one when the loop was busy all along; never below
 * {@link GateSettings.floor}, never above the concurrency. A batch against a
 * resolver 40 ms away reaches 16 in flight after three windows; one against
 * a local server settles at two or three, where the loop stays busy.
 */

export interface GateSettings {
  /** Domains always allowed in flight (when the concurrency allows as many). */
  floor: number;
  /** Length of one measuring window, ms. */
  windowMs: number;
  /** Event-loop utilization (0–1) at or above which the loop counts as busy. */
  busy: number;
}

export const DEFAULT_GATE_SETTINGS: GateSettings = { floor: 2, windowMs: 50, busy: 0.9 };

/** Time and load, injected so that the gate is tested on data. */
export interface GateClock {
  now(): number;
  /** Event-loop utilization (0–1) since the previous call. */
  utilization(): number;
  sleep(ms: number): Promise<void>;
}

export interface SaturationGate {
  /** Resolves when one more domain may start. */
  admit(): Promise<void>;
  /** A domain admitted earlier is done. */
  release(): void;
  /** Domains allowed in flight now. */
  readonly target: number;
}

/** The process's own clock and event-loop utilization. */
export function processClock(): GateClock {
  let mark = performance.eventLoopUtilization();
  return {
    now: () => performance.now(),
    utilization() {
      const current = performance.eventLoopUtilization();
      const { utilization } = performance.eventLoopUtilization(current, mark);
      mark = current;
      return utilization;
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

export function createSaturationGate(concurrency: number, clock: GateClock = processClock(), settings: GateSettings = DEFAULT_GATE_SETTINGS): SaturationGate {
  const limit = Math.max(1, Math.floor(concurrency));
  const floor = Math.min(limit, Math.max(1, settings.floor));
  let target = floor;
  let inFlight = 0;
  /** The most domains in flight during the current window. */
  let peak = 0;
  let windowStart = clock.now();
  clock.utilization();

  /** Closes the window once it has lasted windowMs, and moves the target by what it saw. */
  const measure = () => {
    // A timer may fire a little before its time as performance.now() counts it
    // (libuv counts from the loop's clock, read at the start of the turn): a
    // window that has lasted 80 % of its length counts as over, so that each
    // parked caller's sleep closes one.
    if (clock.now() - windowStart < settings.windowMs * 0.8) return;
    const busy = clock.utilization() >= settings.busy;
    if (busy) target = Math.max(floor, target - 1);
    // Up only if the allowance was used: a batch held back by something else
    // (its output, the input-order window) says nothing about the CPU.
    else if (peak >= target) target = Math.min(limit, target * 2);
    windowStart = clock.now();
    peak = inFlight;
  };

  return {
    async admit() {
      measure();
      while (inFlight >= target) {
        await clock.sleep(settings.windowMs);
        measure();
      }
      inFlight++;
      peak = Math.max(peak, inFlight);
    },
    release() {
      inFlight--;
    },
    get target() {
      return target;
    },
  };
}
