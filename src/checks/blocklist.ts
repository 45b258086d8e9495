/**
 * blocklist: are the domain's mail servers, the sending IPs named with --ip,
 * or the domain itself on widely used DNS blocklists? (RFC 5782)
 *
 * IP lists are asked about every address of every MX host and every --ip
 * address (reversed octets, RFC 5782 §2.1; reversed nibbles for IPv6, §2.4);
 * domain lists about the domain (§3). All queries go out at once. Answers are
 * read with each list's documented return codes (src/blocklist/lists.ts): a
 * listing says which sub-list, a policy listing (Spamhaus PBL) is reported
 * apart, and the codes lists use to refuse a query (public resolver, volume)
 * are never taken for a listing or for a clean result. A list that does not
 * answer is inconclusive for that key.
 */
import { defineCheck } from './define.js';
import type { Finding, Fix } from '../report/schema.js';
import { getMxHosts } from '../lookups/mx-hosts.js';
import { parseIp, type ParsedIp } from '../lookups/reverse.js';
import { isDnsFailure } from '../dns/types.js';
import { selectBlocklists, type BlocklistDefinition } from '../blocklist/lists.js';
import { listsTestNegative, queryList, type ListAnswer, type ListOutcome } from '../blocklist/query.js';
import { notQueriedReason, unmapIpv4 } from '../blocklist/addresses.js';

interface AddressTarget {
  ip: ParsedIp;
  /** Where the address came from: `MX <host>` or `--ip`. */
  sources: string[];
  notQueried?: string;
}

export const blocklistCheck = defineCheck({
  id: 'blocklist',
  title: 'DNS blocklists',
  record: { prefix: '', type: 'A' },
  // The lists' own DNS servers answer; no zone file of the user's holds them.
  offline: { skip: 'offline: blocklist lookups ask the lists\' own DNS servers' },
  description:
    'Looks up the MX host addresses and the --ip sending addresses on DNS blocklists (Spamhaus ZEN, SpamCop, Barracuda, PSBL, ' +
    'Mailspike, UCEPROTECT L1) and the domain on domain lists (Spamhaus DBL, SURBL, URIBL), reading each list\'s return codes (RFC 5782).',
  findings: {
    'blocklist/ip-listed': {
      severity: 'high',
      title: 'IP address is on a blocklist',
      description:
        'An MX host address or a sending address is listed on a reputation blocklist (for example Spamhaus SBL/CSS/XBL, SpamCop, ' +
        'Barracuda). Receivers that consult the list reject or junk mail from it.',
    },
    'blocklist/domain-listed': {
      severity: 'high',
      title: 'Domain is on a domain blocklist',
      description:
        'The domain is listed on a domain blocklist (Spamhaus DBL, SURBL, URIBL). Receivers junk or reject mail whose sender ' +
        'domain or links carry a listed domain.',
    },
    'blocklist/policy-listed': {
      severity: 'low',
      title: 'IP address is on a policy blocklist',
      description:
        'The address is on a policy list (Spamhaus PBL): its network owner says it should not send mail directly to other ' +
        'servers. This is not a spam listing, but receivers using ZEN refuse direct mail from it.',
    },
    'blocklist/query-refused': {
      severity: 'info',
      title: 'Blocklist refused the query',
      description:
        'A list answered with an error code instead of a result (Spamhaus 127.255.255.252–255, URIBL or SURBL 127.0.0.1): ' +
        'typically because the query came through a public or shared resolver. The answer is neither a listing nor a clean ' +
        'result; query through your own resolver or with a Spamhaus DQS key.',
    },
  },
  async run(ctx, emit) {
    const findings: Finding[] = [];
    if (ctx.options.offline && !ctx.options.replay) {
      // Offline, every name outside the local zones "does not exist": a blocklist
      // answer would read as "not listed" without any list having been asked.
      // A replay answers what it captured, and SERVFAIL (inconclusive) for the rest.
      return { findings, facts: {}, skipped: 'offline: blocklists are not queried' };
    }
    const lists = selectBlocklists({
      add: ctx.options.blocklists,
      drop: ctx.options.noBlocklists,
      spamhausKey: ctx.options.spamhausKey,
    });
    if (lists.length === 0) return { findings, facts: { lists: [] }, skipped: 'no blocklist selected (--no-blocklist all)' };
    const ipLists = lists.filter((list) => list.kind !== 'domain');
    const domainLists = lists.filter((list) => list.kind !== 'ip');

    // Addresses: every MX host's, then the sending IPs the user named.
    const targets = new Map<string, AddressTarget>();
    const addTarget = (text: string, source: string): boolean => {
      const parsed = parseIp(text);
      if (!parsed) return false;
      const ip = unmapIpv4(parsed);
      const existing = targets.get(ip.text);
      if (existing) {
        if (!existing.sources.includes(source)) existing.sources.push(source);
        return true;
      }
      const target: AddressTarget = { ip, sources: [source] };
      const reason = notQueriedReason(ip);
      if (reason) target.notQueried = reason;
      targets.set(ip.text, target);
      return true;
    };

    // The domain lists need no MX answer: asked now, while the MX hosts resolve.
    const domainAnswers = Promise.all(domainLists.map((list) => queryList(ctx.dns, list, ctx.domain)));
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
    const notAsked: Array<{ key: string; list: string; reason: string }> = [];
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
    const answers = [...(await Promise.all(jobs.map((job) => queryList(ctx.dns, job.list, job.key)))), ...(await domainAnswers)];
    // A list that lists something is asked its test-negative entry (RFC 5782 §5):
    // when that is listed too, none of its answers is a listing.
    const listing = lists.filter((list) => answers.some((answer) => answer.list === list.displayZone && (answer.outcome === 'listed' || answer.outcome === 'policy-listed')));
    const sinkholes = (await Promise.all(listing.map(async (list) => ({ list, name: await listsTestNegative(ctx.dns, list) })))).filter(
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

    // Facts: every list asked, per key, with the answer.
    const results: Record<string, Record<string, Omit<ListAnswer, 'list' | 'key'>>> = {};
    for (const answer of answers) {
      const { list, key, ...rest } = answer;
      (results[key] ??= {})[list] = rest;
    }
    const count = (outcome: ListOutcome) => answers.filter((answer) => answer.outcome === outcome).length;
    const summary = {
      queries: answers.length,
      listed: count('listed'),
      policyListed: count('policy-listed'),
      notListed: count('not-listed'),
      refused: count('refused'),
      unexpected: count('unexpected'),
      inconclusive: count('inconclusive'),
    };
    const inconclusiveLists = lists
      .filter((list) => {
        const mine = answers.filter((answer) => answer.list === list.displayZone);
        return mine.length > 0 && mine.every((answer) => answer.outcome === 'inconclusive');
      })
      .map((list) => list.displayZone);
    const facts: Record<string, unknown> = {
      lists: lists.map((list) => ({ zone: list.displayZone, name: list.name, kind: list.kind, ipv6: list.ipv6, origin: list.origin, ...(list.inHouse ? { inHouse: true } : {}) })),
      domain: ctx.domain,
      addresses: [...targets.values()].map((target) => ({
        address: target.ip.text,
        version: target.ip.version,
        sources: target.sources,
        ...(target.notQueried ? { notQueried: target.notQueried } : {}),
      })),
      results,
      summary,
      mx: { status: mx.answer.status, nullMx: mx.nullMx, hosts: mx.hosts.length, unresolvedHosts },
    };
    if (notAsked.length > 0) facts.notAsked = notAsked;
    if (invalidIps.length > 0) facts.invalidIps = invalidIps;
    if (inconclusiveLists.length > 0) facts.inconclusiveLists = inconclusiveLists;
    if (sinkholes.length > 0) facts.untrustedLists = sinkholes.map(({ list }) => list.displayZone);
    const unexpected = answers.filter((answer) => answer.note);
    if (unexpected.length > 0) facts.notes = unexpected.map((answer) => `${answer.query}: ${answer.note}`);

    const describeTarget = (key: string) => {
      const target = targets.get(key);
      return target ? `${key} (${target.sources.join(', ')})` : key;
    };
    const listByZone = new Map(lists.map((list) => [list.displayZone, list]));
    const isAddress = (answer: ListAnswer) => targets.has(answer.key);

    // Listings, by kind of key.
    const ipListed = answers.filter((answer) => answer.outcome === 'listed' && isAddress(answer));
    if (ipListed.length > 0) {
      const keys = unique(ipListed.map((answer) => answer.key));
      findings.push(
        emit('blocklist/ip-listed', {
          message: `${keys.map((key) => `${key} is listed on ${ipListed.filter((a) => a.key === key).map(describeListing).join(', ')}`).join('; ')}`,
          evidence: ipListed.map((answer) => `${describeTarget(answer.key)}: ${evidenceLine(answer, 'listing')}`),
          fix: delistFix(
            'Find and stop what got the address listed (compromised account or host, open relay, bad list hygiene), then request removal from each list',
            ipListed,
            listByZone,
          ),
        }),
      );
    }
    const policyListed = answers.filter(
      (answer) =>
        (answer.outcome === 'policy-listed' || answer.outcome === 'listed') && answer.codes.some((code) => code.class === 'policy'),
    );
    if (policyListed.length > 0) {
      const keys = unique(policyListed.map((answer) => answer.key));
      findings.push(
        emit('blocklist/policy-listed', {
          message: `${keys.join(', ')} ${keys.length === 1 ? 'is' : 'are'} on a policy list (${unique(policyListed.map((a) => a.list)).join(', ')}): the network owner says ${keys.length === 1 ? 'it' : 'they'} should not send mail directly`,
          evidence: policyListed.map((answer) => `${describeTarget(answer.key)}: ${evidenceLine(answer, 'policy')}`),
          fix: {
            summary: 'Send through your provider\'s outbound relay, or, for a real mail server with a static address and proper reverse DNS, have the address removed from the PBL',
            notes: [
              'Spamhaus PBL: look the address up at https://check.spamhaus.org/ and follow the PBL removal steps.',
              'Code 127.0.0.10 means the ISP maintains the entry: ask the ISP (network owner) to change it.',
            ],
          },
        }),
      );
    }
    const domainListed = answers.filter((answer) => answer.outcome === 'listed' && !isAddress(answer));
    if (domainListed.length > 0) {
      findings.push(
        emit('blocklist/domain-listed', {
          message: `${ctx.domain} is listed on ${domainListed.map(describeListing).join(', ')}`,
          evidence: domainListed.map((answer) => `${answer.key}: ${evidenceLine(answer, 'listing')}`),
          fix: delistFix(
            'Find and remove the cause (compromised site, abused redirector, spam linking to the domain), then request removal from each list',
            domainListed,
            listByZone,
          ),
        }),
      );
    }

    // Refusals: never a listing, never clean.
    const refused = answers.filter((answer) => answer.outcome === 'refused');
    if (refused.length > 0) {
      const byList = new Map<string, ListAnswer[]>();
      for (const answer of refused) byList.set(answer.list, [...(byList.get(answer.list) ?? []), answer]);
      const refusingSpamhaus = refused.some((answer) => /spamhaus\.(org|net)$/.test(answer.list));
      findings.push(
        emit('blocklist/query-refused', {
          message: `${[...byList.keys()].join(', ')} refused ${refused.length === 1 ? 'the query' : `${refused.length} queries`} (${unique(
            refused.flatMap((answer) => answer.codes.filter((code) => code.class === 'refused').map((code) => `${code.address}: ${code.meaning}`)),
          ).join('; ')}); these answers say nothing about listing`,
          evidence: refused.map((answer) => `${answer.query}: ${answer.answers.join(', ')} (${refusedMeaning(answer)})`),
          fix: {
            summary: refusingSpamhaus
              ? 'Query the blocklists through your own recursive resolver (--resolver), or pass a Spamhaus DQS key with --spamhaus-key'
              : 'Query the blocklists through your own recursive resolver (--resolver) instead of a public or shared one',
            notes: [
              'Public resolvers (8.8.8.8, 1.1.1.1, 9.9.9.9, many ISP and cloud resolvers) are refused by Spamhaus, URIBL and SURBL.',
              'A local caching resolver (unbound, BIND) on a host with its own reverse DNS can query them directly: mailcheck --resolver 127.0.0.1 …',
              'Spamhaus offers a free Data Query Service key for low-volume use: mailcheck --spamhaus-key <KEY> … queries <KEY>.zen.dq.spamhaus.net and <KEY>.dbl.dq.spamhaus.net.',
            ],
          },
        }),
      );
    }

    // Conclusions: a failed MX lookup leaves the MX addresses unchecked; no usable
    // answer at all leaves nothing checked.
    // An answer set aside (outside 127/8, undocumented codes, a sinkhole) says nothing either way.
    const usable = answers.filter(
      (answer) => answer.outcome !== 'inconclusive' && answer.outcome !== 'refused' && answer.outcome !== 'unexpected',
    );
    let inconclusive: string | undefined;
    if (isDnsFailure(mx.answer)) {
      inconclusive = `MX lookup for ${ctx.domain} failed (${mx.answer.status}): the mail servers' addresses were not checked`;
    } else if (answers.length > 0 && usable.length === 0) {
      inconclusive =
        summary.refused > 0
          ? `no blocklist gave a usable answer (${summary.refused} refused, ${summary.inconclusive} timed out or failed)`
          : `no blocklist answered (${summary.inconclusive} queries timed out or failed)`;
    }
    if (inconclusive) return { findings, facts, inconclusive };
    // Refused lists were not checked: the result is not a clean pass even when
    // the only finding is the (unscored) refusal.
    if (refused.length > 0 && findings.every((finding) => finding.severity === 'info')) return { findings, facts, status: 'warn' };
    return { findings, facts };
  },
});

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function describeListing(answer: ListAnswer): string {
  const subLists = unique(answer.codes.filter((code) => code.class === 'listing').map((code) => code.subList));
  return subLists.length > 0 ? `${answer.list} (${subLists.join(', ')})` : answer.list;
}

function evidenceLine(answer: ListAnswer, kind: 'listing' | 'policy'): string {
  const codes = answer.codes
    .filter((code) => code.class === kind)
    .map((code) => `${code.address} ${code.subList}: ${code.meaning}`)
    .join('; ');
  const reason = answer.reason ? ` — "${answer.reason}"` : '';
  return `${answer.list} ${codes}${reason}`;
}

function refusedMeaning(answer: ListAnswer): string {
  return unique(answer.codes.filter((code) => code.class === 'refused').map((code) => code.meaning)).join('; ');
}

function delistFix(summary: string, listed: ListAnswer[], lists: Map<string, BlocklistDefinition>): Fix {
  const notes = unique(
    listed.map((answer) => {
      const list = lists.get(answer.list);
      return list?.removalUrl ? `${answer.list}: look up and request removal at ${list.removalUrl}` : `${answer.list}: see the list operator's removal process`;
    }),
  );
  return { summary, notes };
}
