/**
 * `mailcheck spf <domain>` (placeholder).
 */
import type { DnsClient } from '../dns/types.js';

export interface SpfCommandInput {
  domain: string;
  /** Client IP to evaluate check_host() for; without it the include tree is printed. */
  ip?: string;
  sender?: string;
  helo?: string;
  format: 'text' | 'json';
  color: boolean;
}

export async function spfCommand(_input: SpfCommandInput, _dns: DnsClient): Promise<{ output: string; exitCode: number }> {
  return { output: 'not implemented yet\n', exitCode: 2 };
}
