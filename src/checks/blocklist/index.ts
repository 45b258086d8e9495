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
import { defineCheck, type FindingSpec } from '../define.js';
import { blocklistFactsSchema, gatherBlocklist, type BlocklistFacts } from './facts.js';
import { judgeBlocklist } from './judge.js';

export type { BlocklistFacts, BlocklistResult } from './facts.js';

export const BLOCKLIST_FINDINGS = {
  'blocklist/ip-listed': {
    severity: 'high',
    title: 'IP address is on a blocklist',
    description:
      'An MX host address or a sending address is listed on a reputation blocklist (for example Spamhaus SBL/CSS/XBL, SpamCop, ' +
      'Barracuda). Receivers that consult the list reject or junk mail from it.',
    message: (data) => data.addresses.map((address, index) => `${address} is listed on ${data.listings[index]}`).join('; '),
  } satisfies FindingSpec<{ addresses: string[]; /** Per address, the lists (with sub-lists) that list it. */ listings: string[] }>,
  'blocklist/domain-listed': {
    severity: 'high',
    title: 'Domain is on a domain blocklist',
    description:
      'The domain is listed on a domain blocklist (Spamhaus DBL, SURBL, URIBL). Receivers junk or reject mail whose sender ' +
      'domain or links carry a listed domain.',
    message: (data) => `${data.domain} is listed on ${data.listings.join(', ')}`,
  } satisfies FindingSpec<{ domain: string; /** Each list (with its sub-lists) that lists the domain. */ listings: string[] }>,
  'blocklist/policy-listed': {
    severity: 'low',
    title: 'IP address is on a policy blocklist',
    description:
      'The address is on a policy list (Spamhaus PBL): its network owner says it should not send mail directly to other ' +
      'servers. This is not a spam listing, but receivers using ZEN refuse direct mail from it.',
    message: (data) => {
      const one = data.addresses.length === 1;
      return `${data.addresses.join(', ')} ${one ? 'is' : 'are'} on a policy list (${data.lists.join(', ')}): the network owner says ${one ? 'it' : 'they'} should not send mail directly`;
    },
  } satisfies FindingSpec<{ addresses: string[]; lists: string[] }>,
  'blocklist/query-refused': {
    severity: 'info',
    title: 'Blocklist refused the query',
    description:
      'A list answered with an error code instead of a result (Spamhaus 127.255.255.252–255, URIBL or SURBL 127.0.0.1): ' +
      'typically because the query came through a public or shared resolver. The answer is neither a listing nor a clean ' +
      'result; query through your own resolver or with a Spamhaus DQS key.',
    message: (data) =>
      `${data.lists.join(', ')} refused ${data.queries === 1 ? 'the query' : `${data.queries} queries`} (${data.codes.join('; ')}); these answers say nothing about listing`,
  } satisfies FindingSpec<{ lists: string[]; queries: number; /** The refusal codes met, with their meanings. */ codes: string[] }>,
};

export const blocklistCheck = defineCheck({
  id: 'blocklist',
  title: 'DNS blocklists',
  record: { prefix: '', type: 'A' },
  score: { area: 'sending', weight: 14 },
  // The lists' own DNS servers answer; no zone file of the user's holds them.
  offline: { skip: 'offline: blocklist lookups ask the lists\' own DNS servers' },
  description:
    'Looks up the MX host addresses and the --ip sending addresses on DNS blocklists (Spamhaus ZEN, SpamCop, Barracuda, PSBL, ' +
    'Mailspike, UCEPROTECT L1) and the domain on domain lists (Spamhaus DBL, SURBL, URIBL), reading each list\'s return codes (RFC 5782).',
  findings: BLOCKLIST_FINDINGS,
  // Built when first read (the JSON Schema, tests), never during an audit.
  get facts() {
    return blocklistFactsSchema();
  },
  gather: gatherBlocklist,
  judge: judgeBlocklist,
  summarise: summariseBlocklist,
});

/** How many lists asked about how many addresses, the outcomes, lists that did not answer, addresses not sent. */
function summariseBlocklist(facts: BlocklistFacts): string[] {
  if (facts.offline || facts.mx === null) return [];
  const lists = facts.lists.length;
  const addresses = facts.addresses.filter((entry) => entry.notQueried === undefined).length;
  const { summary } = facts;
  const count = (value: number, label: string) => (value > 0 ? [`${value} ${label}`] : []);
  const outcomes = [`${summary.listed} listed`, ...count(summary.policyListed, 'policy-listed'), ...count(summary.refused, 'refused'), ...count(summary.inconclusive, 'inconclusive')];
  const lines = [
    `${lists} list${lists === 1 ? '' : 's'} asked about ${addresses} address${addresses === 1 ? '' : 'es'} and the domain (${summary.queries} queries): ${outcomes.join(', ')}`,
  ];
  if (facts.inconclusiveLists.length > 0) lines.push(`no answer from: ${facts.inconclusiveLists.join(', ')}`);
  const notSent = facts.addresses.filter((entry) => entry.notQueried !== undefined);
  if (notSent.length > 0) {
    const inHouse = facts.lists.some((list) => list.inHouse === true);
    lines.push(`not sent to ${inHouse ? 'public lists' : 'the lists'}: ${notSent.map((entry) => `${entry.address} (${entry.notQueried})`).join(', ')}`);
  }
  return lines;
}
