/**
 * The mta-sts check's facts: the TXT records at `_mta-sts.<domain>`, the MX
 * hosts, and what fetching the policy showed (RFC 8461 §3.1–§3.3).
 */
import { z } from 'zod';
import { lazySchema } from '../../schema/lazy-schema.js';

const dnsStatus = lazySchema(() => z.enum(['ok', 'nxdomain', 'nodata', 'servfail', 'refused', 'timeout']));

/** The policy as parsed (RFC 8461 §3.2), with every problem found. */
const parsedPolicy = lazySchema(() =>
  z.object({
    version: z.string().nullable(),
    mode: z.enum(['enforce', 'testing', 'none']).nullable(),
    maxAge: z.number().nullable(),
    mx: z.array(z.string()),
    /** Parse errors, and the serving problems: wrong media type, over 64 KiB. */
    errors: z.array(z.string()),
  }),
);

/** What fetching the policy showed. */
const policyFacts = lazySchema(() =>
  z.union([
    z.object({ fetched: z.literal(false), reason: z.string() }),
    z.object({
      /** The fetch outcome (src/net/types.ts HttpsResult status). */
      fetch: z.enum(['ok', 'dns-error', 'connect-error', 'tls-error', 'timeout', 'http-error']),
      /** The error message, for a fetch that did not get an answer. */
      error: z.string().optional(),
      /** For `dns-error`: the worst DNS outcome of the policy host's address lookups. */
      dnsStatus: dnsStatus().optional(),
      /** What went wrong, in the terms the fix's notes use. */
      failure: z.enum(['no-address', 'connect', 'timeout', 'tls', 'http-status', 'http-error', 'content']).optional(),
      httpStatus: z.number().optional(),
      /** The Location header of a redirect (not followed: RFC 8461 §3.3). */
      location: z.string().optional(),
      address: z.string().optional(),
      contentType: z.string().optional(),
      bytes: z.number().optional(),
      /** The start of the body (4096 characters at most). */
      text: z.string().optional(),
      /** The first 20 lines of the body. */
      head: z.array(z.string()).optional(),
      parsed: parsedPolicy().optional(),
    }),
  ]),
);
export type PolicyFacts = z.infer<ReturnType<typeof policyFacts>>;

export const mtaStsFacts = lazySchema(() =>
  z.object({
    domain: z.string(),
    recordName: z.string(),
    policyHost: z.string(),
    policyUrl: z.string(),
    /** The TXT lookup at recordName. */
    txt: z.object({ status: dnsStatus(), texts: z.array(z.string()) }),
    /** The MX lookup: its status, a null MX, the exchanges (each once). */
    mx: z.object({ status: dnsStatus(), nullMx: z.boolean(), hosts: z.array(z.string()) }),
    /** The names a proposed policy lists: every MX exchange, and the canonical host of an aliased one. */
    policyHosts: z.array(z.string()),
    /** The records that begin with v=STSv1 (RFC 8461 §3.1), parsed. */
    records: z.array(z.object({ value: z.string(), id: z.string().nullable(), errors: z.array(z.string()) })),
    policy: policyFacts().optional(),
    /** Each MX host and the policy pattern that covers it (RFC 8461 §4.1), for a valid policy. */
    coverage: z.array(z.object({ host: z.string(), pattern: z.string().nullable() })).optional(),
    /** Kept for the JSON's readers: the MX hosts (same as mx.hosts). */
    mxHosts: z.array(z.string()).optional(),
  }),
);
export type MtaStsFacts = z.infer<ReturnType<typeof mtaStsFacts>>;
