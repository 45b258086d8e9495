/**
 * What the mx check sees: the MX answer, every exchange with its A/AAAA
 * answers, and with no MX record the domain's own A/AAAA (the implicit MX of
 * RFC 5321 §5.1). All the I/O of the check is here.
 */
import { z } from 'zod';
import { lazySchema } from '../../schema/lazy-schema.js';
import type { CheckContext } from '../../context.js';
import { getMxHosts, type MxHost } from '../../lookups/mx-hosts.js';
import { isDnsFailure, type DnsAnswer } from '../../dns/types.js';
import { dnsStatusSchema } from '../../dns/status-schema.js';

const answerSchema = lazySchema(() =>
  z
    .object({
      status: dnsStatusSchema(),
      ttl: z.number().optional().describe('Smallest TTL of the answer (answered queries only).'),
      ad: z.boolean().optional().describe('The resolver set the AD flag (answered queries only).'),
      cnames: z.array(z.string()).optional().describe('CNAME chain followed (answered queries only).'),
    })
    .describe('How a query ended.'));

const mxRecordSchema = lazySchema(() =>
  z.object({
    preference: z.number().int(),
    exchange: z.string().describe('Host name, lower case; "." for a null MX.'),
  }),
);

const hostSchema = lazySchema(() =>
  z.object({
    exchange: z.string().describe('The exchange as published (a host name, or an IP literal).'),
    preference: z.number().int(),
    ipLiteral: z.boolean().describe('The exchange is written as an IP address (RFC 1035 §3.3.9 wants a name).'),
    cnames: z.array(z.string()).describe('CNAME chain met resolving the exchange (RFC 2181 §10.3 forbids it).'),
    canonical: z.string().nullable().describe('Where that chain ends, when the exchange is an alias.'),
    a: dnsStatusSchema().describe('How the A query ended.'),
    aaaa: dnsStatusSchema().describe('How the AAAA query ended.'),
    ipv4: z.array(z.string()),
    ipv6: z.array(z.string()),
  }),
);

export const mxFactsSchema = lazySchema(() =>
  z.object({
    domain: z.string().describe('The audited domain.'),
    mx: answerSchema().describe('How the MX query ended.'),
    records: z.array(mxRecordSchema()).describe('The MX records as answered, in answer order.'),
    nullMx: z.boolean().describe('The only MX record is the null MX "0 ." (RFC 7505).'),
    nullMxMixed: z.boolean().describe('A null MX is published along with other MX records (RFC 7505 §3 forbids it).'),
    hosts: z.array(hostSchema()).describe('Every exchange other than a null MX, by preference, without duplicates.'),
    implicitMx: z
      .object({ a: answerSchema(), aaaa: answerSchema(), ipv4: z.array(z.string()), ipv6: z.array(z.string()) })
      .optional()
      .describe('With no MX record (NODATA): the domain\'s own A/AAAA answers, where senders fall back to (RFC 5321 §5.1).'),
    ipv6: z
      .boolean()
      .nullable()
      .describe('Some MX host has an IPv6 address (true); none has while every AAAA query answered (false); undetermined: no host has an address, or an AAAA query failed (null).'),
  }),
);

/** What the mx check saw. */
export type MxFacts = z.infer<ReturnType<typeof mxFactsSchema>>;
/** One exchange of the mx facts. */
export type MxHostFacts = MxFacts['hosts'][number];

/** All of the mx check's I/O. */
export async function gatherMx(ctx: CheckContext): Promise<MxFacts> {
  const lookup = await getMxHosts(ctx);
  const { answer } = lookup;
  const hosts = lookup.hosts.map(hostFacts);
  const facts: MxFacts = {
    domain: ctx.domain,
    mx: answerFacts(answer),
    records: answer.status === 'ok' ? answer.records.map((record) => ({ preference: record.preference, exchange: record.exchange === '' ? '.' : record.exchange })) : [],
    nullMx: lookup.nullMx,
    nullMxMixed: lookup.nullMxMixed,
    hosts,
    ipv6: ipv6State(lookup.hosts),
  };
  if (answer.status === 'nodata') {
    // RFC 5321 §5.1: with no MX records, the domain itself is treated as an
    // implicit MX of preference 0; senders deliver to its A/AAAA addresses.
    const [a, aaaa] = await Promise.all([ctx.dns.query(ctx.domain, 'A'), ctx.dns.query(ctx.domain, 'AAAA')]);
    facts.implicitMx = {
      a: answerFacts(a),
      aaaa: answerFacts(aaaa),
      ipv4: a.status === 'ok' ? a.records : [],
      ipv6: aaaa.status === 'ok' ? aaaa.records : [],
    };
  }
  return facts;
}

/** Only concluded when every AAAA answer is conclusive: a timed-out AAAA query might have held one. */
function ipv6State(hosts: readonly MxHost[]): boolean | null {
  if (hosts.some((host) => host.ipv6.length > 0)) return true;
  const reachable = hosts.some((host) => host.ipv4.length > 0);
  if (!reachable || hosts.some((host) => !host.ipLiteral && isDnsFailure(host.aaaa))) return null;
  return false;
}

function answerFacts(answer: DnsAnswer<unknown>): MxFacts['mx'] {
  if (answer.status === 'ok') return { status: answer.status, ttl: answer.ttl, ad: answer.ad, cnames: answer.cnames };
  return { status: answer.status };
}

function hostFacts(host: MxHost): MxHostFacts {
  return {
    exchange: host.exchange,
    preference: host.preference,
    ipLiteral: host.ipLiteral,
    cnames: host.cnames,
    canonical: host.canonical,
    a: host.a.status,
    aaaa: host.aaaa.status,
    ipv4: host.ipv4,
    ipv6: host.ipv6,
  };
}
