/**
 * check_host() as RFC 7208 defines it (§4–§6, macros §7): the result for one
 * client IP, MAIL FROM and HELO, the mechanism that matched, the `exp=`
 * explanation on fail, and a trace of every record, term and DNS query.
 * All DNS goes through the given DnsClient.
 */
import type { DnsClient } from '../dns/types.js';
import { parseIp, unmapIpv4 } from './ip.js';
import { expandDomainSpec, expandMacroString, isQueryableName, parseMacroString, type MacroValues } from './macro.js';
import { countsAsLookup, formatSyntaxError, parseRecord, selectSpfRecords, type ParsedRecord, type Qualifier } from './parse.js';
import {
  Abort,
  countLookup,
  isValidDomain,
  query,
  type DecisionStep,
  type DomainOutcome,
  type SpfResult,
  type State,
  type TraceEntry,
} from './evaluation-state.js';
import { matchMechanism, validatedName } from './mechanisms.js';

export { isValidDomain, type DecisionStep, type SpfResult, type TraceEntry } from './evaluation-state.js';

export interface CheckHostInput {
  /** The SMTP client's IP address. */
  ip: string;
  /** The domain whose policy is evaluated (normally the MAIL FROM domain, or the HELO name). */
  domain: string;
  /** MAIL FROM address; empty or absent: postmaster@<helo> (RFC 7208 §2.4). */
  sender?: string;
  /** HELO/EHLO name; defaults to <domain>. */
  helo?: string;
  /** Name of the receiving host, for the `r` macro. */
  receiver?: string;
  /** DNS-querying terms allowed (RFC 7208 §4.6.4: 10). */
  maxLookups?: number;
  /** Void lookups allowed (§4.6.4: 2). */
  maxVoidLookups?: number;
  /** Overall time limit, ms (§4.6.4: at least 20 s). */
  timeoutMs?: number;
}

export interface CheckHostResult {
  result: SpfResult;
  /** The mechanism that matched (innermost), e.g. `ip4:192.0.2.0/24`. */
  mechanism?: string;
  /** The domain whose record held the matching mechanism. */
  mechanismDomain?: string;
  /** The terms that led to the result, outermost first (includes and redirects, then the mechanism). */
  path: DecisionStep[];
  /** The `exp=` explanation, on fail only, when the domain publishes one that resolves (§6.2). */
  explanation?: string;
  /** Why the result is none, permerror or temperror, or that no mechanism matched. */
  reason?: string;
  /** DNS-querying terms evaluated (§4.6.4). */
  lookups: number;
  /** Lookups that returned NXDOMAIN or no records (§4.6.4). */
  voidLookups: number;
  trace: TraceEntry[];
}

const QUALIFIER_RESULT: Record<Qualifier, SpfResult> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };

/** check_host() (RFC 7208 §4). Never throws for DNS or policy problems. */
export async function checkHost(dns: DnsClient, input: CheckHostInput): Promise<CheckHostResult> {
  const trace: TraceEntry[] = [];
  const parsedIp = parseIp(input.ip.trim());
  const domain = input.domain.replace(/\.$/, '').toLowerCase();
  const base = { path: [], lookups: 0, voidLookups: 0, trace };
  if (!parsedIp) return { ...base, result: 'permerror', reason: `"${input.ip}" is not an IP address` };
  // RFC 7208 §5 and §5.6: an IPv4-mapped IPv6 address is evaluated as IPv4.
  const ip = unmapIpv4(parsedIp);
  const helo = input.helo ?? domain;
  // §2.4: with an empty MAIL FROM, the sender is postmaster@<HELO name>.
  let sender = input.sender && input.sender.length > 0 ? input.sender : `postmaster@${helo}`;
  const at = sender.lastIndexOf('@');
  // §4.3: a sender without a local-part uses "postmaster".
  let localPart = at < 0 ? 'postmaster' : sender.slice(0, at);
  const senderDomain = at < 0 ? sender : sender.slice(at + 1);
  if (localPart === '') localPart = 'postmaster';
  if (at < 0 || at === 0) sender = `${localPart}@${senderDomain}`;

  const state: State = {
    dns,
    ip,
    macro: { sender, localPart, senderDomain, ip, helo, receiver: input.receiver ?? 'unknown', timestamp: Math.floor(Date.now() / 1000) },
    lookups: 0,
    voids: 0,
    maxLookups: input.maxLookups ?? 10,
    maxVoids: input.maxVoidLookups ?? 2,
    deadline: Date.now() + (input.timeoutMs ?? 20_000),
    trace,
    evaluateDomain: (target, depth) => evaluateDomain(state, target, depth),
  };
  let validated: Promise<string> | undefined;
  state.macro.validatedName = () => (validated ??= validatedName(state, domain));

  // §4.3: initial processing.
  if (!isValidDomain(domain)) {
    trace.push({ depth: 0, domain, step: 'record', detail: `"${input.domain}" is not a valid multi-label domain name (RFC 7208 §4.3)` });
    return { ...base, result: 'none', reason: `"${input.domain}" is not a valid domain name` };
  }
  let outcome: DomainOutcome;
  try {
    outcome = await evaluateDomain(state, domain, 0);
  } catch (error) {
    if (!(error instanceof Abort)) throw error;
    trace.push({ depth: 0, domain, step: 'error', detail: `${error.result}: ${error.reason}` });
    return { ...base, result: error.result, reason: error.reason, lookups: state.lookups, voidLookups: state.voids };
  }
  const result: CheckHostResult = {
    result: outcome.result,
    path: outcome.path,
    lookups: state.lookups,
    voidLookups: state.voids,
    trace,
  };
  if (outcome.mechanism) result.mechanism = outcome.mechanism;
  if (outcome.mechanismDomain) result.mechanismDomain = outcome.mechanismDomain;
  if (outcome.reason) result.reason = outcome.reason;
  if (outcome.result === 'fail' && outcome.expFrom) {
    const explanation = await explain(state, outcome.expFrom.record, outcome.expFrom.domain);
    if (explanation !== undefined) result.explanation = explanation;
  }
  return result;
}

/** §4.4–§4.7 for one domain: fetch, select, parse and evaluate its record. */
async function evaluateDomain(state: State, domain: string, depth: number): Promise<DomainOutcome> {
  const answer = await query(state, depth, domain, domain, 'TXT');
  // §4.4: a DNS error or timeout fetching the record is a temperror.
  if (answer.status === 'servfail' || answer.status === 'refused' || answer.status === 'timeout') {
    throw new Abort('temperror', `DNS ${answer.status} fetching the TXT records of ${domain}`);
  }
  const records = answer.status === 'ok' ? selectSpfRecords(answer.records) : [];
  if (records.length === 0) {
    state.trace.push({ depth, domain, step: 'record', detail: 'no SPF record' });
    const why = answer.status === 'nxdomain' ? `${domain} does not exist` : `${domain} publishes no SPF record`;
    return { result: 'none', path: [], reason: why };
  }
  // §4.5: more than one record is a permerror.
  if (records.length > 1) {
    state.trace.push({ depth, domain, step: 'record', detail: `${records.length} SPF records` });
    throw new Abort('permerror', `${domain} publishes ${records.length} SPF records (RFC 7208 §4.5)`);
  }
  const record = parseRecord(records[0]!);
  state.trace.push({ depth, domain, step: 'record', detail: record.text });
  // §4.6: a syntax error anywhere in the record is a permerror.
  if (record.errors.length > 0) {
    throw new Abort('permerror', `syntax error in the SPF record of ${domain}: ${formatSyntaxError(record.errors[0]!)}`);
  }
  const values: MacroValues = { ...state.macro, domain };
  for (const mechanism of record.mechanisms) {
    if (countsAsLookup(mechanism)) countLookup(state, mechanism.text);
    const inner = await matchMechanism(state, mechanism, values, domain, depth);
    if (inner === false) {
      state.trace.push({ depth, domain, step: 'term', detail: `${mechanism.text}: no match` });
      continue;
    }
    const result = QUALIFIER_RESULT[mechanism.qualifier];
    state.trace.push({ depth, domain, step: 'term', detail: `${mechanism.text}: match → ${result}` });
    const step = { domain, term: mechanism.text, index: mechanism.index };
    const outcome: DomainOutcome = {
      result,
      path: [step, ...(inner === true ? [] : inner.path)],
      mechanism: inner === true ? mechanism.text : (inner.mechanism ?? mechanism.text),
      mechanismDomain: inner === true ? domain : (inner.mechanismDomain ?? domain),
      expFrom: { record, domain },
    };
    return outcome;
  }
  // §6.1: redirect applies when no mechanism matched (an "all" would always have matched).
  if (record.redirect) {
    countLookup(state, record.redirect.text);
    const target = await expandDomainSpec(record.redirect.value, values);
    state.trace.push({ depth, domain, step: 'redirect', detail: `${record.redirect.text} → ${target}` });
    // §6.1: a malformed target or a target without an SPF record is a permerror.
    if (!isValidDomain(target)) throw new Abort('permerror', `redirect target "${target}" is not a valid domain name (RFC 7208 §6.1)`);
    const inner = await evaluateDomain(state, target.toLowerCase(), depth + 1);
    if (inner.result === 'none') {
      throw new Abort('permerror', `redirect target ${target} publishes no SPF record (RFC 7208 §6.1)`);
    }
    return { ...inner, path: [{ domain, term: record.redirect.text, index: record.redirect.index }, ...inner.path] };
  }
  // §4.7: no match and no redirect: neutral.
  state.trace.push({ depth, domain, step: 'term', detail: 'no mechanism matched: neutral (RFC 7208 §4.7)' });
  return { result: 'neutral', path: [], reason: `no mechanism in the SPF record of ${domain} matched`, expFrom: { record, domain } };
}

/**
 * §6.2: the explanation. Any problem (a malformed name, a DNS error, no or
 * several TXT records, non-ASCII text, a macro syntax error) means "as if
 * there were no exp". Its lookup does not count toward the limits.
 */
async function explain(state: State, record: ParsedRecord, domain: string): Promise<string | undefined> {
  if (!record.exp) return undefined;
  const values: MacroValues = { ...state.macro, domain };
  try {
    const name = await expandDomainSpec(record.exp.value, values);
    if (!isQueryableName(name)) return undefined;
    const answer = await state.dns.query(name, 'TXT').catch(() => ({ status: 'servfail' }) as const);
    state.trace.push({ depth: 0, domain, step: 'explanation', detail: `${name} TXT: ${answer.status}` });
    if (answer.status !== 'ok' || answer.records.length !== 1) return undefined;
    const text = answer.records[0]!.join('');
    // §6.2: the explanation string is US-ASCII.
    if (!/^[\x20-\x7e]*$/.test(text)) return undefined;
    const parsed = parseMacroString(text, 'explanation');
    return await expandMacroString(parsed, values);
  } catch (error) {
    if (error instanceof Abort) return undefined;
    if (error instanceof Error && error.name === 'MacroSyntaxError') return undefined;
    throw error;
  }
}
