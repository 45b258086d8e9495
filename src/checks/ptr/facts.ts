/**
 * What the ptr check sees: every address of every MX host and every sending
 * IP named with --ip, each with its PTR answer and the forward look-ups of
 * the PTR names. All the I/O of the check is here.
 */
import { z } from 'zod';
import { lazySchema } from '../../schema/lazy-schema.js';
import type { CheckContext } from '../../context.js';
import { getMxHosts } from '../../lookups/mx-hosts.js';
import { lookupReverse, parseIp } from '../../lookups/reverse.js';
import { isDnsFailure } from '../../dns/types.js';
import { dnsStatusSchema } from '../../dns/status-schema.js';

const addressSchema = lazySchema(() =>
  z.object({
    ip: z.string().describe('The address, canonical text.'),
    version: z.union([z.literal(4), z.literal(6)]),
    mxHosts: z.array(z.string()).describe('MX hosts (canonical names) that have this address.'),
    sending: z.boolean().describe('Named with --ip.'),
    reverseName: z.string().describe('The name the PTR query asks (in-addr.arpa / ip6.arpa).'),
    ptr: z.object({ status: dnsStatusSchema(), names: z.array(z.string()) }).describe('The PTR answer: its status and names.'),
    forward: z
      .array(z.object({ name: z.string(), type: z.enum(['A', 'AAAA']), status: dnsStatusSchema(), addresses: z.array(z.string()) }))
      .describe('Each PTR name looked up forward.'),
    forwardConfirmed: z.boolean().nullable().describe('A PTR name resolves back to the address; null when a query failed first.'),
    confirmedNames: z.array(z.string()).describe('The PTR names that resolve back to the address.'),
    outcome: z.enum(['confirmed', 'mismatch', 'missing', 'inconclusive']),
    failure: z.string().optional().describe('For an inconclusive outcome: which query failed and how.'),
  }),
);

export const ptrFactsSchema = lazySchema(() =>
  z.object({
    domain: z.string().describe('The audited domain.'),
    mx: z
      .object({ status: dnsStatusSchema(), nullMx: z.boolean(), hosts: z.number().int().describe('How many MX hosts (other than a null MX).') })
      .describe('The MX answer the MX host addresses come from.'),
    addresses: z.array(addressSchema()).describe('Every address checked: the MX hosts\' in MX order, then the sending IPs.'),
    unresolved: z.array(z.string()).describe('MX or MX host address queries that failed, so some addresses are unknown ("A mx2.example.com: timeout").'),
    invalidIps: z.array(z.string()).describe('--ip values that are not IP addresses.'),
  }),
);

/** What the ptr check saw. */
export type PtrFacts = z.infer<ReturnType<typeof ptrFactsSchema>>;
/** One address of the ptr facts. */
export type PtrAddressFacts = PtrFacts['addresses'][number];

/** All of the ptr check's I/O. */
export async function gatherPtr(ctx: CheckContext): Promise<PtrFacts> {
  const mx = await getMxHosts(ctx);
  const subjects = new Map<string, { ip: string; version: 4 | 6; mxHosts: string[]; sending: boolean }>();
  const add = (text: string, source: { mxHost?: string; sending?: boolean }) => {
    const parsed = parseIp(text);
    if (!parsed) return false;
    const subject = subjects.get(parsed.text) ?? { ip: parsed.text, version: parsed.version, mxHosts: [], sending: false };
    if (source.mxHost && !subject.mxHosts.includes(source.mxHost)) subject.mxHosts.push(source.mxHost);
    if (source.sending) subject.sending = true;
    subjects.set(parsed.text, subject);
    return true;
  };

  // What could not be learnt about the MX hosts' addresses.
  const unresolved: string[] = [];
  if (isDnsFailure(mx.answer)) unresolved.push(`MX ${ctx.domain}: ${mx.answer.status}`);
  for (const host of mx.hosts) {
    const name = host.canonical ?? host.exchange;
    for (const address of [...host.ipv4, ...host.ipv6]) add(address, { mxHost: name });
    if (host.ipLiteral) continue;
    if (isDnsFailure(host.a)) unresolved.push(`A ${host.exchange}: ${host.a.status}`);
    if (isDnsFailure(host.aaaa)) unresolved.push(`AAAA ${host.exchange}: ${host.aaaa.status}`);
  }
  const invalidIps: string[] = [];
  for (const ip of ctx.options.ips ?? []) if (!add(ip, { sending: true })) invalidIps.push(ip);

  const list = [...subjects.values()];
  const lookups = await Promise.all(list.map((subject) => lookupReverse(ctx, subject.ip)));
  return {
    domain: ctx.domain,
    mx: { status: mx.answer.status, nullMx: mx.nullMx, hosts: mx.hosts.length },
    addresses: list.map((subject, index) => {
      const lookup = lookups[index]!;
      return {
        ...subject,
        reverseName: lookup.reverseName,
        ptr: { status: lookup.ptrStatus, names: lookup.names },
        forward: lookup.forward.map((check) => ({ name: check.name, type: check.type, status: check.status, addresses: check.addresses })),
        forwardConfirmed: lookup.outcome === 'confirmed' ? true : lookup.outcome === 'inconclusive' ? null : false,
        confirmedNames: lookup.confirmedNames,
        outcome: lookup.outcome,
        ...(lookup.failure ? { failure: lookup.failure } : {}),
      };
    }),
    unresolved,
    invalidIps,
  };
}
