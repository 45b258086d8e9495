/**
 * What the blocklist check sees: every list asked, every address and the
 * domain, and each (list, key) answer read with the list's return codes. All
 * the I/O of the check is here: the queries, and the RFC 5782 §5
 * test-negative entry of a list that lists anything (a sinkhole's answers are
 * set aside here, as the list is asked).
 */
import { z } from 'zod';
import { lazySchema } from '../../schema/lazy-schema.js';
import type { CheckContext } from '../../context.js';
import { getMxHosts } from '../../lookups/mx-hosts.js';
import { parseIp, type ParsedIp } from '../../lookups/reverse.js';
import { isDnsFailure } from '../../dns/types.js';
import { dnsStatusSchema } from '../../dns/status-schema.js';
import { selectBlocklists, type BlocklistDefinition } from '../../blocklist/lists.js';
import { listsTestNegative, queryList, type ListAnswer, type ListOutcome } from '../../blocklist/query.js';
import { notQueriedReason, unmapIpv4 } from '../../blocklist/addresses.js';

const listSchema = lazySchema(() =>
  z.object({
    zone: z.string().describe('The zone as shown (a DQS key masked as <DQS-KEY>).'),
    name: z.string(),
    kind: z.enum(['ip', 'domain', 'both']),
    ipv6: z.boolean().describe('The list answers for IPv6 addresses.'),
    origin: z.enum(['default', 'added', 'dqs']),
    inHouse: z.boolean().optional().describe('Added with --blocklist and not a known public list: asked about private addresses too.'),
    removalUrl: z.string().optional().describe('Where a listed party looks the listing up and asks for removal.'),
  }),
);

const resultSchema = lazySchema(() =>
  z.object({
    list: z.string().describe('The list\'s zone, as shown.'),
    key: z.string().describe('What was asked about: an address or the domain.'),
    query: z.string().describe('The name queried.'),
    dnsStatus: dnsStatusSchema(),
    outcome: z.enum(['listed', 'policy-listed', 'not-listed', 'refused', 'unexpected', 'inconclusive']),
    answers: z.array(z.string()).describe('The A records answered.'),
    codes: z
      .array(z.object({ address: z.string(), class: z.enum(['listing', 'policy', 'refused', 'unknown']), subList: z.string(), meaning: z.string() }))
      .describe('Each 127.0.0.0/8 answer read with the list\'s documented codes.'),
    reason: z.string().optional().describe('The TXT reason published with a listing.'),
    note: z.string().optional().describe('Why an answer was set aside.'),
  }),
);

const countsSchema = lazySchema(() =>
  z.object({
    queries: z.number().int(),
    listed: z.number().int(),
    policyListed: z.number().int(),
    notListed: z.number().int(),
    refused: z.number().int(),
    unexpected: z.number().int(),
    inconclusive: z.number().int(),
  }),
);

export const blocklistFactsSchema = lazySchema(() =>
  z.object({
    domain: z.string().describe('The audited domain (asked of the domain lists).'),
    offline: z.boolean().describe('Offline without a replay: no list was asked (every answer would be unknown).'),
    lists: z.array(listSchema()).describe('Every list asked.'),
    addresses: z
      .array(z.object({ address: z.string(), version: z.union([z.literal(4), z.literal(6)]), sources: z.array(z.string()), notQueried: z.string().optional() }))
      .describe('Every address with where it came from (`MX <host>`, `--ip`); `notQueried` says why public lists were not asked about it.'),
    results: z.array(resultSchema()).describe('Every (list, key) answer, in the order asked: the addresses\', then the domain\'s.'),
    summary: countsSchema().describe('The answers counted by outcome.'),
    mx: z
      .object({ status: dnsStatusSchema(), nullMx: z.boolean(), hosts: z.number().int(), unresolvedHosts: z.array(z.string()) })
      .nullable()
      .describe('The MX answer the addresses come from (null when nothing was asked).'),
    notAsked: z.array(z.object({ key: z.string(), list: z.string(), reason: z.string() })).describe('Pairs not asked (an IPv6 address, a list without IPv6 data).'),
    invalidIps: z.array(z.string()).describe('--ip values that are not IP addresses.'),
    inconclusiveLists: z.array(z.string()).describe('Lists none of whose answers was usable (timeout, SERVFAIL, REFUSED).'),
    untrustedLists: z.array(z.string()).describe('Lists whose RFC 5782 §5 test-negative entry is listed: none of their answers counts.'),
    notes: z.array(z.string()).describe('Answers set aside, and why.'),
  }),
);

/** What the blocklist check saw. */
export type BlocklistFacts = z.infer<ReturnType<typeof blocklistFactsSchema>>;
/** One (list, key) answer of the blocklist facts. */
export type BlocklistResult = BlocklistFacts['results'][number];

/** All of the blocklist check's I/O. */
export async function gatherBlocklist(ctx: CheckContext): Promise<BlocklistFacts> {
  const empty = (offline: boolean): BlocklistFacts => ({
    domain: ctx.domain,
    offline,
    lists: [],
    addresses: [],
    results: [],
    summary: countOutcomes([]),
    mx: null,
    notAsked: [],
    invalidIps: [],
    inconclusiveLists: [],
    untrustedLists: [],
    notes: [],
  });
  // Offline, every name outside the local zones "does not exist": a blocklist
  // answer would read as "not listed" without any list having been asked.
  // A replay answers what it captured, and SERVFAIL (inconclusive) for the rest.
  if (ctx.options.offline && !ctx.options.replay) return empty(true);
  const lists = selectBlocklists({ add: ctx.options.blocklists, drop: ctx.options.noBlocklists, spamhausKey: ctx.options.spamhausKey });
  if (lists.length === 0) return empty(false);
  const ipLists = lists.filter((list) => list.kind !== 'domain');
  const domainLists = lists.filter((list) => list.kind !== 'ip');

  // Addresses: every MX host's, then the sending IPs the user named.
  const targets = new Map<string, { ip: ParsedIp; sources: string[]; notQueried?: string }>();
  const addTarget = (text: string, source: string): boolean => {
    const parsed = parseIp(text);
    if (!parsed) return false;
    const ip = unmapIpv4(parsed);
    const existing = targets.get(ip.text);
    if (existing) {
      if (!existing.sources.includes(source)) existing.sources.push(source);
      return true;
    }
    const reason = notQueriedReason(ip);
    targets.set(ip.text, { ip, sources: [source], ...(reason ? { notQueried: reason } : {}) });
    return true;
  };

  // A list that lists something is asked its test-negative entry (RFC 5782 §5),
  // as soon as the first listing shows: alongside the listing's TXT reason, not after it.
  const testNegatives = new Map<BlocklistDefinition, Promise<string | undefined>>();
  const onListed = (list: BlocklistDefinition) => {
    if (testNegatives.has(list)) return;
    const pending = listsTestNegative(ctx.dns, list);
    pending.catch(() => undefined); // Awaited below.
    testNegatives.set(list, pending);
  };
  // The domain lists need no MX answer: asked now, while the MX hosts resolve.
  const domainAnswers = Promise.all(domainLists.map((list) => queryList(ctx.dns, list, ctx.domain, onListed)));
  domainAnswers.catch(() => undefined); // Awaited below.
  const mx = await getMxHosts(ctx);
  const unresolvedHosts: string[] = [];
  for (const host of mx.hosts) {
    for (const address of [...host.ipv4, ...host.ipv6]) addTarget(address, `MX ${host.exchange}`);
    for (const answer of [host.a, host.aaaa]) {
      if (isDnsFailure(answer)) unresolvedHosts.push(`${host.exchange} (${answer.status})`);
    }
  }
  const invalidIps: string[] = [];
  for (const ip of ctx.options.ips ?? []) {
    if (!addTarget(ip, '--ip')) invalidIps.push(ip);
  }

  // Every (list, key) pair, all in flight at once.
  const jobs: Array<{ list: BlocklistDefinition; key: string }> = [];
  const notAsked: BlocklistFacts['notAsked'] = [];
  for (const target of targets.values()) {
    for (const list of ipLists) {
      // Public lists only hold public addresses; an in-house list may well hold private ones.
      if (target.notQueried && !list.inHouse) continue;
      if (target.ip.version === 6 && !list.ipv6) {
        notAsked.push({ key: target.ip.text, list: list.displayZone, reason: 'the list has no IPv6 data' });
        continue;
      }
      jobs.push({ list, key: target.ip.text });
    }
  }
  const answers = [...(await Promise.all(jobs.map((job) => queryList(ctx.dns, job.list, job.key, onListed)))), ...(await domainAnswers)];
  // When a list's test-negative entry is listed too, none of its answers is a listing.
  const listing = lists.filter((list) => answers.some((answer) => answer.list === list.displayZone && (answer.outcome === 'listed' || answer.outcome === 'policy-listed')));
  const sinkholes = (await Promise.all(listing.map(async (list) => ({ list, name: await (testNegatives.get(list) ?? listsTestNegative(ctx.dns, list)) })))).filter(
    (entry): entry is { list: BlocklistDefinition; name: string } => entry.name !== undefined,
  );
  for (const { list, name } of sinkholes) {
    for (const answer of answers) {
      if (answer.list !== list.displayZone || (answer.outcome !== 'listed' && answer.outcome !== 'policy-listed')) continue;
      answer.outcome = 'unexpected';
      delete answer.reason;
      answer.note = `${name} (the test entry RFC 5782 §5 says is never listed) is listed too: the resolver or list answers every name; not counted as a listing`;
    }
  }

  return {
    domain: ctx.domain,
    offline: false,
    lists: lists.map((list) => ({
      zone: list.displayZone,
      name: list.name,
      kind: list.kind,
      ipv6: list.ipv6,
      origin: list.origin,
      ...(list.inHouse ? { inHouse: true } : {}),
      ...(list.removalUrl ? { removalUrl: list.removalUrl } : {}),
    })),
    addresses: [...targets.values()].map((target) => ({
      address: target.ip.text,
      version: target.ip.version,
      sources: target.sources,
      ...(target.notQueried ? { notQueried: target.notQueried } : {}),
    })),
    results: answers.map(resultFacts),
    summary: countOutcomes(answers),
    mx: { status: mx.answer.status, nullMx: mx.nullMx, hosts: mx.hosts.length, unresolvedHosts },
    notAsked,
    invalidIps,
    inconclusiveLists: lists
      .filter((list) => {
        const mine = answers.filter((answer) => answer.list === list.displayZone);
        return mine.length > 0 && mine.every((answer) => answer.outcome === 'inconclusive');
      })
      .map((list) => list.displayZone),
    untrustedLists: sinkholes.map(({ list }) => list.displayZone),
    notes: answers.filter((answer) => answer.note).map((answer) => `${answer.query}: ${answer.note}`),
  };
}

/** One answer, keys in a fixed order. */
function resultFacts(answer: ListAnswer): BlocklistResult {
  return {
    list: answer.list,
    key: answer.key,
    query: answer.query,
    dnsStatus: answer.dnsStatus,
    outcome: answer.outcome,
    answers: answer.answers,
    codes: answer.codes,
    ...(answer.reason !== undefined ? { reason: answer.reason } : {}),
    ...(answer.note !== undefined ? { note: answer.note } : {}),
  };
}

function countOutcomes(answers: readonly ListAnswer[]): BlocklistFacts['summary'] {
  const count = (outcome: ListOutcome) => answers.filter((answer) => answer.outcome === outcome).length;
  return {
    queries: answers.length,
    listed: count('listed'),
    policyListed: count('policy-listed'),
    notListed: count('not-listed'),
    refused: count('refused'),
    unexpected: count('unexpected'),
    inconclusive: count('inconclusive'),
  };
}
