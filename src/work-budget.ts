/**
 * The computing budget of one audit: the pure steps whose work grows with
 * outside input (reading a BIMI logo, flattening an SPF tree) run under it.
 * Each such step calls its checkpoint as it goes; once the audit's steps
 * together have computed for longer than the budget, the step stops with a
 * WorkBudgetExceeded error, which ends the check inconclusive (run-check.ts)
 * instead of letting a hostile domain hold the audit for minutes.
 *
 * The budget travels in the audit's check context (CheckContext.budget), not
 * in an AsyncLocalStorage: once one is used, every promise of the process
 * pays for async hooks (Node 20 and 22), a few percent of a batch's CPU.
 * Without a budget (the message command, tests of the pure functions)
 * nothing is bounded.
 */

/**
 * Default computing budget of one audit's input-sized steps, ms. A normal
 * audit spends a few milliseconds in them (all checks: about 240 ms of CPU);
 * the budget is generous because a loaded machine stretches the time a
 * synchronous step takes.
 */
export const DEFAULT_WORK_BUDGET_MS = 10_000;

/** Thrown when an audit's computing budget is spent. */
export class WorkBudgetExceeded extends Error {
  readonly code = 'EWORKBUDGET';
}

/** One audit's budget: shared by all its checks, charged by every budgeted step. */
export interface WorkBudget {
  readonly limitMs: number;
  spentMs: number;
}

/** A fresh budget of `limitMs` for one audit. */
export function createWorkBudget(limitMs: number = DEFAULT_WORK_BUDGET_MS): WorkBudget {
  return { limitMs, spentMs: 0 };
}

/**
 * Runs a synchronous, input-sized step under `budget` (an audit's; none:
 * unbounded). `checkpoint` throws WorkBudgetExceeded once the budget is
 * spent; the time the step took is charged to the audit either way.
 */
export function budgeted<T>(budget: WorkBudget | undefined, step: string, fn: (checkpoint: () => void) => T): T {
  if (!budget) return fn(() => undefined);
  const started = performance.now();
  const checkpoint = () => {
    if (budget.spentMs + (performance.now() - started) >= budget.limitMs) {
      throw new WorkBudgetExceeded(`${step} stopped: the audit's computing budget of ${budget.limitMs} ms for input-sized work is spent`);
    }
  };
  try {
    checkpoint();
    return fn(checkpoint);
  } finally {
    budget.spentMs += performance.now() - started;
  }
}
