/**
 * Attributes each query log entry to whoever asked, without keeping the log:
 * a caller runs its queries inside `queryScope.run(listener, …)`, and the
 * resolver's `onQuery` hook (`dispatchQuery`) hands every entry to the listener
 * of the asynchronous context that asked. The runner counts each domain's wire
 * queries this way in large batches, where the resolver keeps no log.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DnsClient, QueryLogEntry } from './types.js';

export type QueryListener = (entry: QueryLogEntry) => void;

export const queryScope = new AsyncLocalStorage<QueryListener>();

/** An `onQuery` hook for createResolver: delivers the entry to the asking context's listener. */
export function dispatchQuery(entry: QueryLogEntry): void {
  queryScope.getStore()?.(entry);
}

/** Marks a DnsClient whose resolver dispatches every entry with `dispatchQuery`. */
export const DISPATCHES_QUERIES = Symbol.for('mailcheck.dispatchesQueries');

export function dispatchesQueries(dns: DnsClient): boolean {
  return (dns as unknown as Record<symbol, unknown>)[DISPATCHES_QUERIES] === true;
}

export function markDispatching<T extends DnsClient>(dns: T): T {
  Object.defineProperty(dns, DISPATCHES_QUERIES, { value: true, enumerable: false });
  return dns;
}
