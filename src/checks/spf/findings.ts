/**
 * The spf check's findings: what each means, and its sentence rendered from
 * the finding's data.
 */

/** What an include or redirect target without a usable record is. */
export function targetState(target: string, state: string, recordCount: string): string {
  if (state === 'nxdomain') return `${target} does not exist`;
  if (state === 'multiple') return `${target} publishes ${recordCount} SPF records`;
  if (state === 'invalid-target') return `"${target}" is not a valid domain name`;
  return `${target} publishes no SPF record`;
}

export const SPF_FINDINGS = {
  'spf/missing': {
    severity: 'high',
    title: 'No SPF record',
    description:
      'The domain publishes no TXT record starting with v=spf1 (RFC 7208 §4.5). Receivers cannot tell which servers may send mail as the domain; Gmail and Yahoo require SPF or DKIM from every sender, and DMARC has one fewer way to pass.',
    /** `nxdomain`: the domain does not exist. */
    message: (data: { domain: string; nxdomain: boolean }) =>
      data.nxdomain ? `${data.domain} does not exist, so it publishes no SPF record` : `${data.domain} publishes no TXT record starting with v=spf1`,
  },
  'spf/multiple-records': {
    severity: 'critical',
    title: 'More than one SPF record',
    description:
      'Two or more TXT records at the domain start with v=spf1. RFC 7208 §4.5 makes that a permerror at every receiver: SPF fails for all mail. Merge them into one record.',
    message: (data: { domain: string; count: number }) => `${data.domain} publishes ${data.count} SPF records; receivers return permerror`,
  },
  'spf/syntax-error': {
    severity: 'critical',
    title: 'SPF syntax error',
    description:
      'A term of the SPF record (or of a record it includes) does not follow the RFC 7208 §12 grammar. Receivers return permerror for the whole record (§4.6), so SPF fails for all mail.',
    /** `domain`: the first record with errors; `count` its errors, `first` the first of them. */
    message: (data: { domain: string; count: number; first: string }) =>
      `The SPF record of ${data.domain} has ${data.count === 1 ? 'a syntax error' : `${data.count} syntax errors`}: ${data.first}`,
  },
  'spf/too-many-lookups': {
    severity: 'critical',
    title: 'More than 10 DNS lookups',
    description:
      'Evaluating the policy needs more than 10 terms that query DNS (include, a, mx, ptr, exists, redirect, counted through every include), or an mx term names more than 10 hosts. RFC 7208 §4.6.4 makes that a permerror: SPF fails for the mail that reaches the 11th lookup.',
    /** Over the limit in total, or (`mxTerm`) an mx term of `mxDomain` naming `mxNames` hosts. */
    message: (data: { domain: string; lookups: number; limit: number; mxDomain: string | null; mxTerm: string | null; mxNames: number | null }) =>
      data.lookups > data.limit
        ? `The SPF policy of ${data.domain} needs ${data.lookups} DNS lookups; the limit is ${data.limit}`
        : `${data.mxDomain}: ${data.mxTerm} names ${data.mxNames} MX hosts (limit ${data.limit})`,
  },
  'spf/void-lookups': {
    severity: 'high',
    title: 'More than 2 void lookups',
    description:
      'More than two terms query names that do not exist or have no records. RFC 7208 §4.6.4 lets receivers return permerror after two such void lookups, and most do.',
    message: (data: { domain: string; voidLookups: number; limit: number }) =>
      `The SPF policy of ${data.domain} makes ${data.voidLookups} void DNS lookups; receivers may return permerror after ${data.limit}`,
  },
  'spf/loop': {
    severity: 'critical',
    title: 'Include or redirect loop',
    description:
      'An include or redirect leads back to a record already being evaluated. Evaluation runs into the lookup limit and ends in permerror at every receiver.',
    /** `loops`: each loop as the walk describes it. */
    message: (data: { loops: string[] }) => `The SPF policy loops: ${data.loops.join('; ')}`,
  },
  'spf/include-missing': {
    severity: 'high',
    title: 'Include or redirect target without a usable SPF record',
    description:
      'An include: or redirect= target publishes no SPF record (or several). RFC 7208 §5.2 and §6.1 make that a permerror, so SPF fails whenever evaluation reaches that term.',
    /** `terms[i]` leads to `targets[i]`, whose `states[i]` is nxdomain, multiple (`recordCounts[i]` records), invalid-target or none. */
    message: (data: { terms: string[]; targets: string[]; states: string[]; recordCounts: string[] }) =>
      data.terms.map((term, index) => `${term}: ${targetState(data.targets[index]!, data.states[index]!, data.recordCounts[index]!)}`).join('; '),
  },
  'spf/permissive-all': {
    severity: 'critical',
    title: 'SPF allows every sender (+all)',
    description:
      'The policy ends in "+all" (or a bare "all"), or includes a record that does (an include matches when the included record passes, RFC 7208 §5.2): every server on the internet passes SPF for this domain, so anyone can send mail that passes as it.',
    /**
     * `via` record: the record of `allDomain` ends in `allTerm`; `via` include:
     * the include chains `paths[i]` reach `ends[i]`, which ends in `endTerms[i]`.
     */
    message: (data: { domain: string; via: string; allDomain: string | null; allTerm: string | null; paths: string[]; ends: string[]; endTerms: string[] }) =>
      data.via === 'record'
        ? `The SPF record of ${data.allDomain} ends in "${data.allTerm}": every server passes SPF for ${data.domain}`
        : `The SPF policy of ${data.domain} includes a record that passes every server (${data.paths
            .map((path, index) => `${path}: ${data.ends[index]} ends in "${data.endTerms[index]}"`)
            .join('; ')}): the include matches every IP, so every server passes SPF for ${data.domain}`,
  },
  'spf/neutral-all': {
    severity: 'medium',
    title: 'SPF ends in ?all',
    description:
      'The policy ends in "?all": mail from unlisted servers is "neutral", which protects nothing. Use ~all (or -all once every sender is listed).',
    message: (data: { allDomain: string }) => `The SPF record of ${data.allDomain} ends in "?all": mail from unlisted servers is neutral`,
  },
  'spf/no-all': {
    severity: 'medium',
    title: 'SPF has no "all" and no redirect',
    description:
      'Without an "all" mechanism or a redirect, mail from unlisted servers gets the default result neutral (RFC 7208 §4.7), which protects nothing.',
    message: (data: { recordDomain: string }) =>
      `The SPF record of ${data.recordDomain} has no "all" mechanism and no redirect: unlisted servers get neutral`,
  },
  'spf/ptr-mechanism': {
    severity: 'low',
    title: 'Deprecated ptr mechanism',
    description:
      'RFC 7208 §5.5 says "ptr" SHOULD NOT be used: it is slow, unreliable and puts load on the reverse DNS of others. Some receivers ignore it, so the hosts it was meant to authorise may fail SPF.',
    /** `terms[i]` is in the record of `domains[i]`. */
    message: (data: { terms: string[]; domains: string[] }) =>
      `The SPF policy uses the deprecated ptr mechanism: ${data.terms.map((term, index) => `${term} in ${data.domains[index]}`).join(', ')}`,
  },
  'spf/record-too-long': {
    severity: 'low',
    title: 'SPF record over 450 octets',
    description:
      'RFC 7208 §3.4 advises keeping SPF records small enough that the DNS answer fits in 512 octets; over 450 octets the answer may need TCP, and some receivers fail to fetch it.',
    /** The record of `domains[i]` is `octets[i]` octets long. */
    message: (data: { domains: string[]; octets: string[] }) =>
      data.domains.map((domain, index) => `The SPF record of ${domain} is ${data.octets[index]} octets`).join('; '),
  },
  'spf/ip-not-authorized': {
    severity: 'high',
    title: 'A sending IP is not authorised by SPF',
    description:
      'A sending IP given with --ip does not get "pass" from check_host() (RFC 7208 §4) for MAIL FROM postmaster@<domain>: its mail fails or soft-fails SPF at receivers.',
    /** `ips[i]` gets `results[i]`, with the matching mechanism or the reason in `details[i]` ('' when neither). */
    message: (data: { ips: string[]; results: string[]; details: string[] }) =>
      data.ips.map((ip, index) => `${ip}: ${data.results[index]}${data.details[index] ? ` (${data.details[index]})` : ''}`).join('; '),
  },
  'spf/terms-after-all': {
    severity: 'low',
    title: 'Terms after "all"',
    description:
      'Mechanisms follow the "all" mechanism. RFC 7208 §5.1: they are never tested, so the hosts they were meant to authorise fail SPF; they make no DNS lookup and do not count toward the limits (§4.6.4). Move them before "all" or remove them.',
    /** `terms[i]` is in the record of `domains[i]`. */
    message: (data: { terms: string[]; domains: string[] }) =>
      `The SPF policy has terms after "all" that are never evaluated: ${data.terms.map((term, index) => `${term} in ${data.domains[index]}`).join(', ')}`,
  },
} as const;

/** The spf check's catalogue. */
export type SpfCatalog = typeof SPF_FINDINGS;
/** One finding id of the spf check. */
export type SpfFindingId = keyof SpfCatalog;
