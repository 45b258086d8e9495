/**
 * The dane check's facts: per MX host, its TLSA lookup, the records, whether
 * they are DNSSEC-authenticated (and what decided it), and per address the
 * match against the certificate chain the host presented.
 */
import { z } from 'zod';
import { lazySchema } from '../../schema/lazy-schema.js';
import { stateSource, validationFacts } from '../../lookups/dnssec-validated.js';

export const addressFacts = lazySchema(() =>
  z.object({
    address: z.string(),
    result: z.enum(['match', 'mismatch', 'no-tls', 'untested']).describe('The presented chain matches a usable TLSA record, matches none, no TLS session was made, or the address was not probed.'),
    matched: z.array(z.string()).describe('The TLSA records that matched.'),
    notes: z.array(z.string()),
    leaf: z.object({ subject: z.string(), sha256: z.string(), spkiSha256: z.string() }).optional().describe('The presented leaf certificate, for the fix.'),
    detail: z.string().optional().describe('Why there was no TLS session, or no probe.'),
  }),
);
export type AddressFacts = z.infer<ReturnType<typeof addressFacts>>;

export const hostFacts = lazySchema(() =>
  z.object({
    host: z.string().describe('The MX host.'),
    tlsaName: z.string().describe('_25._tcp.<host> (RFC 7672 §2.2.1).'),
    lookup: z.enum(['ok', 'nxdomain', 'nodata', 'servfail', 'refused', 'timeout']).describe('Outcome of the TLSA query.'),
    authenticated: z.boolean().optional().describe('The TLSA RRset is DNSSEC-authenticated.'),
    dnssec: z.enum(['authenticated', 'unauthenticated', 'unknown', 'bogus']).optional().describe('authenticated, known not to be, cannot be told, or failing validation.'),
    dnssecReason: z.string().optional().describe('What was observed, when not authenticated.'),
    records: z.array(z.string()).optional().describe('The TLSA records, "usage selector matching-type data".'),
    usable: z.array(z.string()).optional().describe('The records SMTP clients use (RFC 7672 §3.1.3).'),
    zone: z.string().nullable().optional().describe('The DNSSEC state of the host\'s zone (src/lookups/dnssec.ts).'),
    zoneApex: z.string().nullable().optional().describe('The apex of the host\'s zone.'),
    validation: validationFacts().nullable().optional().describe('mailcheck\'s own validation of the TLSA RRset.'),
    source: stateSource().optional().describe('What decided `dnssec`: mailcheck\'s validation, or the resolver\'s AD flag (no trust anchor reaches the zone).'),
    addresses: z.array(addressFacts()).optional(),
  }),
);
export type HostFacts = z.infer<ReturnType<typeof hostFacts>>;

export const daneFacts = lazySchema(() =>
  z.object({
    domain: z.string(),
    now: z.number().describe('The time signatures were checked against (seconds since the epoch).'),
    mx: z.object({ status: z.string(), nullMx: z.boolean(), count: z.number() }).describe('The MX answer the TLSA names come from.'),
    offline: z.boolean().describe('Answers came from zone files or a capture (--offline).'),
    resolverValidates: z.boolean().describe('The resolver sets the AD flag (on the root DNSKEY or an answer of this audit).'),
    hosts: z.array(hostFacts()).describe('Hosts with TLSA records first, then the hosts whose lookup did not return records.'),
  }),
);
export type DaneFacts = z.infer<ReturnType<typeof daneFacts>>;
