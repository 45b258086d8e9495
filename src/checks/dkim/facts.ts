/**
 * What the dkim check saw: the selectors it chose and why, each selector's
 * TXT answer, and every key record found, parsed and measured.
 */
import { z } from 'zod';
import { lazySchema } from '../../schema/lazy-schema.js';
import { dnsStatusSchema } from '../../dns/status-schema.js';

/** One DKIM key record found at a selector (RFC 6376 §3.6.1). */
export const dkimKeyFactSchema = lazySchema(() =>
  z.object({
    selector: z.string(),
    name: z.string().describe('The name queried: <selector>._domainkey.<domain>.'),
    cnames: z.array(z.string()).describe('The CNAME chain followed, targets in order.'),
    cnameTarget: z.string().nullable().describe('Where the record really lives when delegated (the last CNAME target).'),
    record: z.string().describe('The key record (character-strings joined; the first when several are published).'),
    recordCount: z.number().describe('How many key records the name holds (more than one is ambiguous, RFC 6376 §3.6.2.2).'),
    version: z.string().nullable().describe('v=, when written.'),
    keyType: z.string().describe('The decoded key\'s type, else k= (default rsa).'),
    bits: z.number().nullable().describe('RSA modulus length (256 for ed25519); null when the key does not decode.'),
    keyEncoding: z.enum(['spki', 'pkcs1', 'raw']).nullable(),
    hashAlgorithms: z.array(z.string()).nullable().describe('h=, when written.'),
    services: z.array(z.string()),
    flags: z.array(z.string()).describe('t= flags (y: testing, s: strict).'),
    testing: z.boolean().describe('t=y.'),
    revoked: z.boolean().describe('An empty p=: the key is revoked.'),
    errors: z.array(z.string()).describe('Why the record is unusable; empty when usable.'),
  }),
);

export const dkimFactsSchema = lazySchema(() =>
  z.object({
    domain: z.string().describe('The audited domain.'),
    domainkey: dnsStatusSchema().describe('How the TXT query at _domainkey.<domain> ended: NXDOMAIN proves no selector holds a key (RFC 8020).'),
    selectorsOnly: z.boolean().describe('Only the selectors given were probed (--dkim-selector from a message\'s signatures).'),
    selectorsProbed: z.array(z.string()).describe('The selectors asked, in order.'),
    selectorSources: z
      .array(z.object({ selector: z.string(), source: z.string().describe('option, provider:<id> or generic.') }))
      .describe('Where each selector of the plan came from, in plan order.'),
    providers: z
      .array(z.object({ id: z.string(), name: z.string(), via: z.array(z.enum(['mx', 'spf'])) }))
      .describe('Providers recognised from the MX hosts and SPF includes.'),
    mxHosts: z.array(z.string()),
    spfIncludes: z.array(z.string()),
    invalidSelectors: z.array(z.string()).describe('Selectors given that are not domain-name labels (not asked).'),
    probes: z
      .array(z.object({ selector: z.string(), name: z.string(), status: dnsStatusSchema(), found: z.boolean().describe('A key record is published there.') }))
      .describe('Every selector query, in selector order.'),
    keys: z.array(dkimKeyFactSchema()).describe('The key records found.'),
  }),
);

/** What the dkim check saw. */
export type DkimFacts = z.infer<ReturnType<typeof dkimFactsSchema>>;
export type DkimKeyFact = z.infer<ReturnType<typeof dkimKeyFactSchema>>;
