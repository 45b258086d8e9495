/**
 * The mechanisms of RFC 7208 §5 against the client of one evaluation: all,
 * include, a, mx, ptr, ip4/ip6 and exists, and the validated names of the
 * client that "ptr" and the `p` macro use (§5.5, §7.3).
 */
import { formatIp, inNetwork, networkOf, parseIp, reverseName, unmapIpv4 } from './ip.js';
import { expandDomainSpec, isQueryableName, type MacroValues } from './macro.js';
import type { Mechanism } from './parse.js';
import { Abort, countVoid, isValidDomain, query, type DomainOutcome, type State } from './evaluation-state.js';

/** The name a mechanism queries: its domain-spec expanded, or <domain>. */
async function targetName(mechanism: Mechanism, values: MacroValues): Promise<string> {
  if (!mechanism.domainSpec) return values.domain;
  return expandDomainSpec(mechanism.domainSpec, values);
}

/** §5: true/false for a match, or the inner outcome of a matching include. */
export async function matchMechanism(
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
      const inner = await state.evaluateDomain(target.toLowerCase(), depth + 1);
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
export async function validatedName(state: State, domain: string): Promise<string> {
  const names = await validatedNames(state, 0, domain, false).catch(() => [] as string[]);
  const exact = names.find((name) => name === domain);
  const sub = names.find((name) => name.endsWith(`.${domain}`));
  return exact ?? sub ?? names[0] ?? 'unknown';
}
