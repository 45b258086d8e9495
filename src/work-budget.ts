/**
 * The computing budget of one audit: the pure steps whose work grows with
 * outside input (reading a BIMI logo, flattening an SPF tree) run under it.
 * Each such step calls its checkpoint as it goes; once the audit's steps
 * together have computed for longer than the budget, the step stops with a
 * WorkBudgetExceeded error, which ends the check inconclusive (run-check.ts)
 * instead of letting a hostile domain hold the audit for minutes.
 *
 * The budget follows the audit through its promises (AsyncLocalStorage), so
 * the steps need no extra parameter; outside an audit (the message command,
 * tests of the pure functions) nothing is bounded.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

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

interface Budget {
  limitMs: number;
  spentMs: number;
}

const current = new AsyncLocalStorage<Budget>();

/**
 * The budget of the audit that has the process to itself (the command line
 * auditing one domain), kept in a variable: AsyncLocalStorage, once used,
 * makes every promise of the process pay for async hooks (Node 20 and 22),
 * several milliseconds of a one-domain audit.
 */
let alone: Budget | undefined;

/**
 * Runs `fn` (an audit) with a fresh computing budget of `limitMs`.
 * `aloneInProcess`: nothing else runs in this process meanwhile, audit or
 * other budgeted work (the caller vouches for it).
 */
export function withWorkBudget<T>(limitMs: number, fn: () => T, aloneInProcess = false): T {
  const budget = { limitMs, spentMs: 0 };
  if (!aloneInProcess || alone !== undefined) return current.run(budget, fn);
  alone = budget;
  const release = () => {
    if (alone === budget) alone = undefined;
  };
  try {
    const result = fn();
    if (result instanceof Promise) result.then(release, release);
    else release();
    return result;
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * Runs a synchronous, input-sized step under the current audit's budget.
 * `checkpoint` throws WorkBudgetExceeded once the budget is spent; the time
 * the step took is charged to the audit either way.
 */
export function budgeted<T>(step: string, fn: (checkpoint: () => void) => T): T {
  const budget = current.getStore() ?? alone;
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
