/**
 * mailcheck's resolver (placeholder: replaced by the real UDP/TCP transport).
 */
import type { DnsClient } from './types.js';

export interface ResolverOptions {
  /** Servers as ip, ip:port or [v6]:port (later also https:// URLs); default: the system's resolvers. */
  servers?: string[];
  /** Per-query timeout, ms. */
  timeoutMs?: number;
  /** Retries per server after a timeout. */
  retries?: number;
}

export function createResolver(_options: ResolverOptions = {}): DnsClient {
  throw new Error('resolver not implemented yet');
}
