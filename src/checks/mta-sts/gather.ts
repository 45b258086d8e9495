/**
 * The mta-sts check's gather: the TXT record, the MX hosts, and the policy
 * over HTTPS (RFC 8461 §3.3: through mailcheck's resolver, a certificate
 * valid for the policy host, no redirects, a 64 KiB cap, a timeout).
 */
import type { CheckContext } from '../../context.js';
import { isDnsFailure } from '../../dns/types.js';
import { getMxHosts, getMxList } from '../../lookups/mx-hosts.js';
import { coveringPattern, parseStsPolicy, POLICY_MAX_BYTES } from '../../mta-sts/policy.js';
import { looksLikeStsRecord, parseStsRecord } from '../../mta-sts/record.js';
import type { MtaStsFacts, PolicyFacts } from './facts.js';

/** DNS outcomes that say nothing about whether the policy host exists. */
const DNS_FAILURES: ReadonlySet<string> = new Set(['servfail', 'refused', 'timeout']);

const FAILURE_OF = {
  'dns-error': 'no-address',
  'connect-error': 'connect',
  timeout: 'timeout',
  'tls-error': 'tls',
  'http-error': 'http-error',
} as const;

export async function gatherMtaSts(ctx: CheckContext): Promise<MtaStsFacts> {
  const recordName = `_mta-sts.${ctx.domain}`;
  const policyHost = `mta-sts.${ctx.domain}`;
  const policyUrl = `https://${policyHost}/.well-known/mta-sts.txt`;
  // The MX host names are enough here (their addresses are not needed).
  const [mx, txt] = await Promise.all([getMxList(ctx), ctx.dns.query(recordName, 'TXT')]);
  const texts = txt.status === 'ok' ? txt.records.map((strings) => strings.join('')) : [];
  // RFC 8461 §3.1: records that do not begin with "v=STSv1" are discarded.
  const candidates = texts.filter(looksLikeStsRecord);
  const records = candidates.map((value) => {
    const parsed = parseStsRecord(value);
    return { value, id: parsed.id ?? null, errors: parsed.errors };
  });
  const mxHosts = [...new Set(mx.records.map((record) => record.exchange))];
  const facts: MtaStsFacts = {
    domain: ctx.domain,
    recordName,
    policyHost,
    policyUrl,
    txt: { status: txt.status, texts },
    mx: { status: mx.answer.status, nullMx: mx.nullMx, hosts: mxHosts },
    policyHosts: mxHosts,
    records,
    ...(mxHosts.length > 0 ? { mxHosts } : {}),
  };
  if (isDnsFailure(txt) || isDnsFailure(mx.answer) || mx.nullMx || mxHosts.length === 0) return facts;

  // RFC 8461 §3.3: HTTPS GET, certificate valid for the mta-sts host, no redirects, bounded size and time.
  // Started first, so that it runs beside the lookups the proposed policy needs.
  const fetching = candidates.length === 0 || ctx.options.offline ? undefined : ctx.net.fetchHttps(policyUrl, { maxBytes: POLICY_MAX_BYTES });
  fetching?.catch(() => undefined);
  facts.policyHosts = await namesForPolicy(ctx, mxHosts);
  if (candidates.length === 0) return facts;
  if (!fetching) {
    facts.policy = { fetched: false, reason: 'offline' };
    return facts;
  }
  const response = await fetching;
  if (response.status !== 'ok') {
    const policy: PolicyFacts = { fetch: response.status, error: response.message };
    if (response.status === 'dns-error') {
      policy.dnsStatus = response.dnsStatus;
      // A failed lookup says nothing about the policy host: no failure to fix.
      if (!DNS_FAILURES.has(response.dnsStatus)) policy.failure = FAILURE_OF[response.status];
    } else {
      policy.failure = FAILURE_OF[response.status];
    }
    facts.policy = policy;
    return facts;
  }
  const contentType = response.headers['content-type'] ?? '';
  const policy: PolicyFacts = { fetch: 'ok', httpStatus: response.httpStatus, address: response.address, contentType, bytes: response.body.length };
  facts.policy = policy;
  if (response.httpStatus !== 200) {
    // RFC 8461 §3.3: only a 200 is a policy; redirects (3xx) must not be followed.
    policy.failure = 'http-status';
    if (response.headers.location) policy.location = response.headers.location;
    return facts;
  }
  const text = response.body.toString('utf8');
  policy.text = text.slice(0, 4096);
  policy.head = text.split('\n').slice(0, 20).map((line) => line.replace(/\r$/, ''));
  const parsed = parseStsPolicy(text);
  const errors = [...parsed.errors];
  // RFC 8461 §3.2: the media type must be text/plain (parameters such as charset are ignored).
  if (contentType.split(';')[0]!.trim().toLowerCase() !== 'text/plain') errors.unshift(`served as "${contentType || 'no Content-Type'}", not text/plain`);
  if (response.truncated) errors.unshift(`larger than ${POLICY_MAX_BYTES} bytes`);
  policy.parsed = { version: parsed.version ?? null, mode: parsed.mode ?? null, maxAge: parsed.maxAge ?? null, mx: parsed.mx, errors };
  if (errors.length > 0) {
    policy.failure = 'content';
    return facts;
  }
  // RFC 8461 §4.1: every MX host must match a pattern (a wildcard covers exactly one label).
  if (parsed.mode !== 'none') facts.coverage = mxHosts.map((host) => ({ host, pattern: coveringPattern(parsed.mx, host) ?? null }));
  return facts;
}

/**
 * The MX exchanges, each followed by the canonical name it is an alias of (if
 * any). The mx check proposes pointing an aliased MX at that host (RFC 2181
 * §10.3), and senders match the MX record's name against the policy (RFC 8461
 * §4.1): listing both keeps the policy valid before and after.
 */
async function namesForPolicy(ctx: CheckContext, exchanges: readonly string[]): Promise<string[]> {
  const { hosts } = await getMxHosts(ctx);
  const names: string[] = [];
  for (const exchange of exchanges) {
    names.push(exchange);
    const canonical = hosts.find((host) => host.exchange === exchange)?.canonical;
    if (canonical && !names.includes(canonical) && !exchanges.includes(canonical)) names.push(canonical);
  }
  return names;
}
