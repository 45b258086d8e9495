/**
 * The real NetClient (placeholder: replaced by the SMTP/HTTPS implementation).
 */
import type { AuditOptions } from '../context.js';
import type { DnsClient } from '../dns/types.js';
import type { NetClient } from './types.js';

export function createNetClient(_dns: DnsClient, _options: Readonly<AuditOptions>): NetClient {
  const missing = async (): Promise<never> => {
    throw new Error('network probes not implemented yet');
  };
  return { fetchHttps: missing, probeSmtp: missing };
}
