/**
 * Attributes each query log entry to whoever asked, without keeping the log:
 * a caller runs its queries inside `queryScope.run(listener, …)`, and the
 * resolver's `onQuery` hook (`dispatchQuery`) hands every entry to the listener
 * of the asynchronous context that asked. The runner counts each domain's wire
 * queries this way in large batches, where the resolver keeps no log.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DnsAnswer, DnsClient, QueryLogEntry, RecordData, RRType } from './types.js';

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
  if (!dispatchesQueries(dns)) Object.defineProperty(dns, DISPATCHES_QUERIES, { value: true, enumerable: false });
  return dns;
}

/**
 * A DnsClient whose `query` takes a listener for the log entries of that
 * query (and of the CNAME targets it follows). Passing it is cheaper than
 * `queryScope.run`: an AsyncLocalStorage in use makes every promise of the
 * process pay for async hooks (about a tenth of a batch's CPU on Node 20).
 */
export interface ListeningDnsClient {
  query<T extends RRType>(name: string, type: T, listener?: QueryListener): Promise<DnsAnswer<RecordData[T]>>;
}

const TAKES_LISTENER = Symbol.for('mailcheck.takesQueryListener');

/** The client as a ListeningDnsClient when it is one. */
export function listeningClient(dns: DnsClient): ListeningDnsClient | undefined {
  return (dns as unknown as Record<symbol, unknown>)[TAKES_LISTENER] === true ? (dns as unknown as ListeningDnsClient) : undefined;
}

export function markTakesListener<T extends DnsClient>(dns: T): T {
  Object.defineProperty(dns, TAKES_LISTENER, { value: true, enumerable: false });
  return dns;
}
