/**
 * The outcome of one DNS query (dns/types.ts DnsStatus) as a zod schema, for
 * the checks' facts: a check records how each lookup ended, so that a failed
 * lookup is never read as an absence.
 */
import { z } from 'zod';
import { lazySchema } from '../schema/lazy-schema.js';
import type { DnsStatus } from './types.js';

const STATUSES = ['ok', 'nxdomain', 'nodata', 'servfail', 'refused', 'timeout'] as const satisfies readonly DnsStatus[];
/** Every status is listed: a status added to DnsStatus and not here is a compile error. */
const everyStatus: [Exclude<DnsStatus, (typeof STATUSES)[number]>] extends [never] ? true : never = true;
void everyStatus;

/** ok, nxdomain, nodata (answers), servfail, refused, timeout (failures that say nothing about the data). */
export const dnsStatusSchema = lazySchema(() =>
  z.enum(STATUSES).describe('How the DNS query ended: ok, nxdomain, nodata, or a failure (servfail, refused, timeout).'),
);
