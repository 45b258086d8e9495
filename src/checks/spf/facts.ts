/**
 * What the spf check saw: the domain's SPF policy walked through its
 * includes and redirects (RFC 7208 §4.6.4 counts), the MX hosts a starting
 * record or an "-all" relies on, and check_host() for each sending IP.
 */
import { z } from 'zod';
import { lazySchema } from '../../schema/lazy-schema.js';
import { dnsStatusSchema } from '../../dns/status-schema.js';
import type { SpfNode } from '../../spf/walk.js';

const qualifier = lazySchema(() => z.enum(['+', '-', '~', '?']));

/** One term of a walked record. */
const termSchema = lazySchema(() =>
  z.object({
    term: z.string(),
    index: z.number().describe('1-based position in the record.'),
    lookups: z.number().describe('DNS lookups the term costs (RFC 7208 §4.6.4).'),
    void: z.boolean().optional().describe('Its lookup found nothing (NXDOMAIN or no records).'),
    mxNames: z.number().optional().describe('How many MX hosts an mx term names.'),
    networks: z.array(z.string()).optional().describe('Networks the term resolves to.'),
    macro: z.boolean().optional().describe('Its target holds macros: not queried.'),
    ignored: z.boolean().optional(),
    dnsError: z.string().optional(),
    unreachable: z.boolean().optional().describe('After "all": never evaluated (RFC 7208 §5.1).'),
  }),
);

/** One node of the include/redirect tree (the root is the domain's own record). */
export const spfNodeSchema = lazySchema((): z.ZodType<SpfNode> =>
  z.lazy(() =>
    z.object({
      domain: z.string(),
      via: z.enum(['root', 'include', 'redirect']),
      term: z.string().optional().describe('The parent\'s term that leads here.'),
      termIndex: z.number().optional(),
      qualifier: qualifier().optional(),
      status: z.enum(['ok', 'none', 'nxdomain', 'multiple', 'dns-error', 'loop', 'macro', 'invalid-target', 'truncated']),
      record: z.string().optional(),
      records: z.array(z.string()).optional(),
      syntaxErrors: z.array(z.string()).optional(),
      error: z.string().optional(),
      lookups: z.number(),
      totalLookups: z.number(),
      voidLookups: z.number(),
      totalVoidLookups: z.number(),
      all: qualifier().optional(),
      terms: z.array(termSchema()),
      children: z.array(spfNodeSchema()),
    }),
  ),
);

/** check_host() for one sending IP (RFC 7208 §4). */
export const spfIpResultSchema = lazySchema(() =>
  z.object({
    ip: z.string(),
    result: z.enum(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror']),
    lookups: z.number(),
    voidLookups: z.number(),
    mechanism: z.string().optional(),
    mechanismDomain: z.string().optional(),
    explanation: z.string().optional(),
    reason: z.string().optional(),
  }),
);

export const spfFactsSchema = lazySchema(() =>
  z.object({
    domain: z.string().describe('The audited domain.'),
    record: z.string().nullable().describe('The domain\'s SPF record; null when there is none, several, or it could not be read.'),
    records: z.array(z.string()).describe('Every SPF record found at the domain.'),
    tree: spfNodeSchema().describe('The root node of the include/redirect tree.'),
    lookups: z.number().describe('DNS lookups of the whole policy (RFC 7208 §4.6.4).'),
    lookupLimit: z.number(),
    voidLookups: z.number(),
    voidLookupLimit: z.number(),
    all: qualifier().nullable().describe('The effective all: the root\'s, or that of the end of its redirect chain.'),
    allSource: z.string().nullable(),
    networks: z.object({ ip4: z.array(z.string()), ip6: z.array(z.string()), complete: z.boolean() }),
    macroTargets: z.array(z.string()).describe('Targets with macros: checked for syntax, not queried.'),
    dnsErrors: z.array(z.string()).describe('DNS failures met during the walk.'),
    merged: z
      .object({ record: z.string(), lookups: z.number() })
      .nullable()
      .describe('Several records: the one record they merge into, and its lookups.'),
    mx: z
      .object({
        status: dnsStatusSchema().describe('How the MX query ended.'),
        nullMx: z.boolean(),
        hosts: z.array(z.string()),
      })
      .nullable()
      .describe('The MX hosts (a new record covers them); null when the SPF record could not be read.'),
    knownSendersCovered: z
      .boolean()
      .describe('The policy authorises every known sender (MX addresses, --ip, recognised providers): an all may then be -all, else ~all.'),
    ipResults: z.array(spfIpResultSchema()).describe('With --ip: check_host() for each sending IP.'),
    proposedLookups: z
      .number()
      .nullable()
      .describe('The lookups of the record the fixes propose (completed once the fixes are composed); null when none is proposed.'),
  }),
);

/** What the spf check saw. */
export type SpfFacts = z.infer<ReturnType<typeof spfFactsSchema>>;
export type SpfIpResult = z.infer<ReturnType<typeof spfIpResultSchema>>;
