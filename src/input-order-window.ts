/**
 * Keeps a batch's domains close to input order: a caller writing reports in
 * input order (a document format) then holds at most `maxAhead` finished
 * reports behind a slow domain (src/run.ts, `AuditRunOptions.maxAhead`).
 */

/**
 * The oldest unfinished domain and the domains finished after it: a domain may
 * start when it is fewer than `maxAhead` places after that oldest one. No
 * deadlock: when every worker waits, all domains before `next` are finished,
 * so the oldest unfinished one is `next` itself.
 */
export function inputOrderWindow(maxAhead: number | undefined) {
  let oldest = 0;
  const finishedAhead = new Set<number>();
  let waiters: Array<() => void> = [];
  return {
    mayStart: (index: number) => maxAhead === undefined || index - oldest < Math.max(1, maxAhead),
    wait: () => new Promise<void>((resolve) => waiters.push(resolve)),
    finished(index: number) {
      if (maxAhead === undefined) return;
      finishedAhead.add(index);
      while (finishedAhead.delete(oldest)) oldest++;
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    },
  };
}
