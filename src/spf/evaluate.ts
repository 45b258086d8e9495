/**
 * check_host() as RFC 7208 defines it (§4–§6, macros §7): the result for one
 * client IP, MAIL FROM and HELO, the mechanism that matched, the `exp=`
 * explanation on fail, and a trace of every record, term and DNS query.
 * All DNS goes through the given DnsClient.
 */
import type { DnsAnswer, DnsClient, RRType, RecordData } from '../dns/types.js';
import { formatIp, inNetwork, networkOf, parseIp, reverseName, unmapIpv4, type IpAddress } from './ip.js';
import { expandDomainSpec, expandMacroString, isQueryableName, parseMacroString, type MacroValues } from './macro.js';
import { countsAsLookup, formatSyntaxError, parseRecord, selectSpfRecords, type Mechanism, type ParsedRecord, type Qualifier } from './parse.js';

export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror';

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

/** One line of the evaluation trace. */
export interface TraceEntry {
  /** Include/redirect depth, 0 for the domain asked about. */
  depth: number;
  /** The domain whose record is being evaluated. */
  domain: string;
  step: 'record' | 'query' | 'term' | 'redirect' | 'explanation' | 'error';
  detail: string;
}

/** A term on the path to the decision, outermost first. */
export interface DecisionStep {
  domain: string;
  /** The term as written (`include:…`, `redirect=…`, `-all`). */
  term: string;
  /** 1-based term index in that domain's record. */
  index: number;
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

interface State {
  dns: DnsClient;
  ip: IpAddress;
  macro: Omit<MacroValues, 'domain'>;
  lookups: number;
  voids: number;
  maxLookups: number;
  maxVoids: number;
  deadline: number;
  trace: TraceEntry[];
}

/** Terminates evaluation with temperror or permerror. */
class Abort extends Error {
  constructor(
    readonly result: 'temperror' | 'permerror',
    readonly reason: string,
  ) {
    super(reason);
  }
}

interface DomainOutcome {
  result: SpfResult;
  path: DecisionStep[];
  mechanism?: string;
  mechanismDomain?: string;
  reason?: string;
  /** The record and domain whose exp= applies (the last record of a redirect chain). */
  expFrom?: { record: ParsedRecord; domain: string };
}

const QUALIFIER_RESULT: Record<Qualifier, SpfResult> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };

/**
 * RFC 7208 §4.3: a domain that is malformed or not multi-label gives "none".
 * Labels: 1–63 octets of letters, digits, hyphen or underscore; the top label not all-numeric.
 */
export function isValidDomain(domain: string): boolean {
  const name = domain.endsWith('.') ? domain.slice(0, -1) : domain;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((label) => /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(label))) return false;
  return !/^[0-9]+$/.test(labels[labels.length - 1]!);
}

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

async function query<T extends RRType>(state: State, depth: number, domain: string, name: string, type: T): Promise<DnsAnswer<RecordData[T]>> {
  if (Date.now() > state.deadline) throw new Abort('temperror', 'the evaluation exceeded its time limit (RFC 7208 §4.6.4)');
  let answer: DnsAnswer<RecordData[T]>;
  try {
    answer = await state.dns.query(name, type);
  } catch (error) {
    // A name that cannot be put in a query (RFC 1035 §2.3.4) cannot exist: treated as NXDOMAIN.
    if (error instanceof Error && (error as { code?: string }).code === 'EBADNAME') {
      state.trace.push({ depth, domain, step: 'query', detail: `${name} ${type}: not a valid DNS name (${error.message})` });
      return { status: 'nxdomain', ad: false, cnames: [] };
    }
    throw new Abort('temperror', `DNS query ${name} ${type} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const detail =
    answer.status === 'ok'
      ? `${name} ${type}: ${answer.records.map((record) => describeRecord(type, record)).join(', ')}`
      : `${name} ${type}: ${answer.status}`;
  state.trace.push({ depth, domain, step: 'query', detail });
  return answer;
}

function describeRecord(type: RRType, record: unknown): string {
  if (type === 'TXT') return JSON.stringify((record as string[]).join(''));
  if (type === 'MX') {
    const mx = record as RecordData['MX'];
    return `${mx.preference} ${mx.exchange || '.'}`;
  }
  return String(record);
}

function countVoid(state: State, depth: number, domain: string, name: string): void {
  state.voids++;
  // RFC 7208 §4.6.4: more than two void lookups is a permerror.
  if (state.voids > state.maxVoids) {
    throw new Abort('permerror', `more than ${state.maxVoids} void DNS lookups (the last: ${name}; RFC 7208 §4.6.4)`);
  }
  state.trace.push({ depth, domain, step: 'query', detail: `void lookup ${state.voids} of ${state.maxVoids} allowed: ${name}` });
}

function countLookup(state: State, term: string): void {
  state.lookups++;
  // RFC 7208 §4.6.4: at most 10 terms that cause DNS lookups; more is a permerror.
  if (state.lookups > state.maxLookups) {
    throw new Abort('permerror', `more than ${state.maxLookups} DNS-querying terms (the 11th: ${term}; RFC 7208 §4.6.4)`);
  }
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

/** The name a mechanism queries: its domain-spec expanded, or <domain>. */
async function targetName(mechanism: Mechanism, values: MacroValues): Promise<string> {
  if (!mechanism.domainSpec) return values.domain;
  return expandDomainSpec(mechanism.domainSpec, values);
}

/** §5: true/false for a match, or the inner outcome of a matching include. */
async function matchMechanism(
  state: State,
  mechanism: Mechanism,
  values: MacroValues,
  domain: string,
  depth: number,
): Promise<boolean | DomainOutcome> {
  const ip = state.ip;
  switch (mechanism.name) {
    case 'all':
      // §5.1: all always matches.
      return true;
    case 'ip4':
    case 'ip6':
      // §5.6: compare the client address with the network (IPv4 clients never match ip6).
      return inNetwork(ip, mechanism.network!);
    case 'include': {
      const target = await targetName(mechanism, values);
      // §5.2 with §4.3: a malformed target gives "none", which an include turns into permerror.
      if (!isValidDomain(target)) throw new Abort('permerror', `include target "${target}" is not a valid domain name (RFC 7208 §5.2)`);
      const inner = await evaluateDomain(state, target.toLowerCase(), depth + 1);
      // §5.2 table: pass matches; fail, softfail, neutral do not; none is a permerror.
      if (inner.result === 'pass') return inner;
      if (inner.result === 'none') throw new Abort('permerror', `include target ${target} publishes no SPF record (RFC 7208 §5.2)`);
      return false;
    }
    case 'a': {
      const target = await targetName(mechanism, values);
      // RFC 7208 leaves unqueryable targets (empty or long labels) undefined; they match nothing here.
      if (!isQueryableName(target)) return false;
      return matchAddresses(state, depth, domain, target, mechanism);
    }
    case 'mx': {
      const target = await targetName(mechanism, values);
      if (!isQueryableName(target)) return false;
      const answer = await query(state, depth, domain, target, 'MX');
      if (answer.status === 'servfail' || answer.status === 'refused' || answer.status === 'timeout') {
        throw new Abort('temperror', `DNS ${answer.status} for ${target} MX (${mechanism.text})`);
      }
      if (answer.status !== 'ok' || answer.records.length === 0) {
        countVoid(state, depth, domain, `${target} MX`);
        return false;
      }
      // §4.6.4: an "mx" evaluation must not look up more than 10 exchange names.
      if (answer.records.length > 10) {
        throw new Abort('permerror', `${target} has ${answer.records.length} MX records; "mx" allows at most 10 (RFC 7208 §4.6.4)`);
      }
      const exchanges = [...answer.records].sort((x, y) => x.preference - y.preference).map((record) => record.exchange);
      for (const exchange of exchanges) {
        // A null MX (RFC 7505) names no host.
        if (exchange === '' || !isQueryableName(exchange)) continue;
        if (await matchAddresses(state, depth, domain, exchange, mechanism, false)) return true;
      }
      return false;
    }
    case 'ptr': {
      const target = (await targetName(mechanism, values)).toLowerCase();
      const names = await validatedNames(state, depth, domain, true);
      // §5.5: a validated name equal to the target or ending in ".target" matches.
      return names.some((name) => name === target || name.endsWith(`.${target}`));
    }
    case 'exists': {
      const target = await targetName(mechanism, values);
      if (!isQueryableName(target)) return false;
      // §5.7: always an A query, whatever the client's address family.
      const answer = await query(state, depth, domain, target, 'A');
      if (answer.status === 'servfail' || answer.status === 'refused' || answer.status === 'timeout') {
        throw new Abort('temperror', `DNS ${answer.status} for ${target} A (${mechanism.text})`);
      }
      if (answer.status !== 'ok' || answer.records.length === 0) {
        countVoid(state, depth, domain, `${target} A`);
        return false;
      }
      return true;
    }
  }
}

/** §5.3: A or AAAA (by the client's family) of `name`, compared with the mechanism's prefix length. */
async function matchAddresses(
  state: State,
  depth: number,
  domain: string,
  name: string,
  mechanism: Mechanism,
  countVoids = true,
): Promise<boolean> {
  const ip = state.ip;
  const type = ip.version === 4 ? 'A' : 'AAAA';
  const answer = await query(state, depth, domain, name, type);
  // §5: an RCODE other than 0 or 3, or a timeout, makes check_host() return temperror.
  if (answer.status === 'servfail' || answer.status === 'refused' || answer.status === 'timeout') {
    throw new Abort('temperror', `DNS ${answer.status} for ${name} ${type} (${mechanism.text})`);
  }
  if (answer.status !== 'ok' || answer.records.length === 0) {
    if (countVoids) countVoid(state, depth, domain, `${name} ${type}`);
    return false;
  }
  const prefix = ip.version === 4 ? mechanism.cidr4 : mechanism.cidr6;
  return answer.records.some((text) => {
    const address = parseIp(text);
    return address !== null && inNetwork(ip, networkOf(unmapIpv4(address), prefix));
  });
}

/**
 * §5.5: the client's validated names. PTR lookup (an error: no names), then
 * for at most 10 names an address lookup; names whose addresses include the
 * client are validated. Errors on the address lookups skip that name.
 */
async function validatedNames(state: State, depth: number, domain: string, countVoids: boolean): Promise<string[]> {
  const reverse = reverseName(state.ip);
  const answer = await query(state, depth, domain, reverse, 'PTR');
  if (answer.status === 'nxdomain' || answer.status === 'nodata' || (answer.status === 'ok' && answer.records.length === 0)) {
    if (countVoids) countVoid(state, depth, domain, `${reverse} PTR`);
    return [];
  }
  // §5.5: a DNS error on the PTR lookup: the mechanism does not match.
  if (answer.status !== 'ok') return [];
  const type = state.ip.version === 4 ? 'A' : 'AAAA';
  const names: string[] = [];
  // §4.6.4: only the first 10 PTR names are used; the rest are ignored.
  for (const ptr of answer.records.slice(0, 10)) {
    const name = ptr.toLowerCase().replace(/\.$/, '');
    if (!isQueryableName(name)) continue;
    const addresses = await query(state, depth, domain, name, type);
    if (addresses.status !== 'ok') continue;
    const ok = addresses.records.some((text) => {
      const address = parseIp(text);
      return address !== null && formatIp(unmapIpv4(address)) === formatIp(state.ip);
    });
    if (ok) names.push(name);
  }
  return names;
}

/** §7.3: the `p` macro: a validated name, preferring <domain> itself, then a subdomain of it; else "unknown". */
async function validatedName(state: State, domain: string): Promise<string> {
  const names = await validatedNames(state, 0, domain, false).catch(() => [] as string[]);
  const exact = names.find((name) => name === domain);
  const sub = names.find((name) => name.endsWith(`.${domain}`));
  return exact ?? sub ?? names[0] ?? 'unknown';
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
