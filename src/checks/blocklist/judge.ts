/**
 * The blocklist check's judge: pure, from the facts alone.
 */
import type { Emit, Judgement } from '../define.js';
import type { Finding, Fix } from '../../schema/report.js';
import type { BlocklistFacts, BlocklistResult } from './facts.js';
import type { BLOCKLIST_FINDINGS } from './index.js';

export function judgeBlocklist(facts: BlocklistFacts, emit: Emit<typeof BLOCKLIST_FINDINGS>): Judgement {
  const findings: Finding[] = [];
  if (facts.offline) return { findings, skipped: 'offline: blocklists are not queried' };
  if (facts.lists.length === 0) return { findings, skipped: 'no blocklist selected (--no-blocklist all)' };
  const answers = facts.results;
  const sources = new Map(facts.addresses.map((entry) => [entry.address, entry.sources]));
  const describeTarget = (key: string) => {
    const from = sources.get(key);
    return from ? `${key} (${from.join(', ')})` : key;
  };
  const isAddress = (answer: BlocklistResult) => sources.has(answer.key);

  // Listings, by kind of key.
  const ipListed = answers.filter((answer) => answer.outcome === 'listed' && isAddress(answer));
  if (ipListed.length > 0) {
    const keys = unique(ipListed.map((answer) => answer.key));
    findings.push(
      emit('blocklist/ip-listed', {
        data: { addresses: keys, listings: keys.map((key) => ipListed.filter((answer) => answer.key === key).map(describeListing).join(', ')) },
        evidence: ipListed.map((answer) => `${describeTarget(answer.key)}: ${evidenceLine(answer, 'listing')}`),
        fix: delistFix(
          'Find and stop what got the address listed (compromised account or host, open relay, bad list hygiene), then request removal from each list',
          ipListed,
          facts,
        ),
      }),
    );
  }
  const policyListed = answers.filter(
    (answer) => (answer.outcome === 'policy-listed' || answer.outcome === 'listed') && answer.codes.some((code) => code.class === 'policy'),
  );
  if (policyListed.length > 0) {
    findings.push(
      emit('blocklist/policy-listed', {
        data: { addresses: unique(policyListed.map((answer) => answer.key)), lists: unique(policyListed.map((answer) => answer.list)) },
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
        data: { domain: facts.domain, listings: domainListed.map(describeListing) },
        evidence: domainListed.map((answer) => `${answer.key}: ${evidenceLine(answer, 'listing')}`),
        fix: delistFix(
          'Find and remove the cause (compromised site, abused redirector, spam linking to the domain), then request removal from each list',
          domainListed,
          facts,
        ),
      }),
    );
  }

  // Refusals: never a listing, never clean.
  const refused = answers.filter((answer) => answer.outcome === 'refused');
  if (refused.length > 0) {
    const refusingSpamhaus = refused.some((answer) => /spamhaus\.(org|net)$/.test(answer.list));
    findings.push(
      emit('blocklist/query-refused', {
        data: {
          lists: unique(refused.map((answer) => answer.list)),
          queries: refused.length,
          codes: unique(refused.flatMap((answer) => answer.codes.filter((code) => code.class === 'refused').map((code) => `${code.address}: ${code.meaning}`))),
        },
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
  const usable = answers.filter((answer) => answer.outcome !== 'inconclusive' && answer.outcome !== 'refused' && answer.outcome !== 'unexpected');
  const mxStatus = facts.mx?.status;
  let inconclusive: string | undefined;
  if (mxStatus === 'servfail' || mxStatus === 'refused' || mxStatus === 'timeout') {
    inconclusive = `MX lookup for ${facts.domain} failed (${mxStatus}): the mail servers' addresses were not checked`;
  } else if (answers.length > 0 && usable.length === 0) {
    inconclusive =
      facts.summary.refused > 0
        ? `no blocklist gave a usable answer (${facts.summary.refused} refused, ${facts.summary.inconclusive} timed out or failed)`
        : `no blocklist answered (${facts.summary.inconclusive} queries timed out or failed)`;
  }
  if (inconclusive) return { findings, inconclusive };
  // Refused lists were not checked: the result is not a clean pass even when
  // the only finding is the (unscored) refusal.
  if (refused.length > 0 && findings.every((finding) => finding.severity === 'info')) return { findings, status: 'warn' };
  return { findings };
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function describeListing(answer: BlocklistResult): string {
  const subLists = unique(answer.codes.filter((code) => code.class === 'listing').map((code) => code.subList));
  return subLists.length > 0 ? `${answer.list} (${subLists.join(', ')})` : answer.list;
}

function evidenceLine(answer: BlocklistResult, kind: 'listing' | 'policy'): string {
  const codes = answer.codes
    .filter((code) => code.class === kind)
    .map((code) => `${code.address} ${code.subList}: ${code.meaning}`)
    .join('; ');
  const reason = answer.reason ? ` — "${answer.reason}"` : '';
  return `${answer.list} ${codes}${reason}`;
}

function refusedMeaning(answer: BlocklistResult): string {
  return unique(answer.codes.filter((code) => code.class === 'refused').map((code) => code.meaning)).join('; ');
}

function delistFix(summary: string, listed: BlocklistResult[], facts: BlocklistFacts): Fix {
  const removal = new Map(facts.lists.map((list) => [list.zone, list.removalUrl]));
  const notes = unique(
    listed.map((answer) => {
      const url = removal.get(answer.list);
      return url ? `${answer.list}: look up and request removal at ${url}` : `${answer.list}: see the list operator's removal process`;
    }),
  );
  return { summary, notes };
}
