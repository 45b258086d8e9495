/**
 * Names whose existence is unknown: offline (`--zone … --offline`), a name
 * outside the zone files is answered SERVFAIL with `outside` set, never
 * NXDOMAIN, since the zone files say nothing about it. A check that touched
 * such a name cannot conclude from it; the runner names those names in its
 * result. Collection follows the asynchronous context: a check runs inside
 * `collectUnknownNames`, and shared lookups (context.ts) pass what they met
 * on to every check that awaits them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DnsAnswer } from './types.js';

const collectors = new AsyncLocalStorage<Set<string>>();

/**
 * Set once a resolver with overrides exists (zone files, --offline): only
 * overrides answer "outside the zone files". Until then there is nothing to
 * collect, and no AsyncLocalStorage is used: once used, it makes every
 * promise of the process pay for async hooks (Node 20 and 22), about a tenth
 * of a one-domain audit's CPU.
 */
let collecting = false;

/** Called by a resolver that has overrides, before it answers anything. */
export function expectUnknownNames(): void {
  collecting = true;
}

/** Runs `work` collecting into `into` every unknown name met on its way. */
export function collectUnknownNames<T>(into: Set<string>, work: () => Promise<T>): Promise<T> {
  return collecting ? collectors.run(into, work) : work();
}

/** Adds names to the collector of the current context, if any. */
export function noteUnknownNames(names: Iterable<string>): void {
  const store = collectors.getStore();
  if (!store) return;
  for (const name of names) store.add(name);
}

/** Notes the name of an answer that stands for "outside the zone files". */
export function noteIfUnknown(answer: DnsAnswer<unknown>): void {
  if (answer.status === 'servfail' && answer.outside !== undefined) noteUnknownNames([answer.outside]);
}

/** Most names quoted in one message; the rest are counted. */
const MAX_NAMED = 5;

/** "a.example, b.example and 3 more": the names for a message. */
export function describeUnknownNames(names: ReadonlySet<string> | readonly string[]): string {
  // The root has the empty name: shown as ".", as DNS tools write it.
  const list = [...names].sort().map((name) => (name === '' ? '.' : name));
  const shown = list.slice(0, MAX_NAMED).join(', ');
  return list.length > MAX_NAMED ? `${shown} and ${list.length - MAX_NAMED} more` : shown;
}
