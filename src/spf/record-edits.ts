/**
 * Edits of one SPF record's text: a merged record for several records (§4.5),
 * the same record with a safe "all", a starting record, a record that
 * authorises given sending IPs, a record without given terms, and a repaired
 * record for common typing mistakes.
 */
import { matchesSuffix, recognizeProviders, type Provider } from '../providers.js';
import { networkTerm, parseIp, parseIpv4, unmapIpv4 } from './ip.js';
import { findAll, parseRecord, type ParsedRecord, type Qualifier } from './parse.js';

/** A qualifier as written before a term: "+" is the default and left out (RFC 7208 §4.6.2). */
export function qualifierPrefix(qualifier: Qualifier): string {
  return qualifier === '+' ? '' : qualifier;
}

/** The record text of a list of terms. */
export function recordText(terms: readonly string[]): string {
  return ['v=spf1', ...terms].join(' ');
}

/**
 * The record with its "all" set to `qualifier`: the first "all" replaced in
 * place, or, when there is none, one added after the last mechanism (a
 * redirect is then dropped: §6.1 ignores it once there is an "all").
 */
export function withAll(parsed: ParsedRecord, qualifier: Qualifier): string {
  const text = `${qualifierPrefix(qualifier)}all`;
  const all = findAll(parsed);
  if (all) return recordText(parsed.terms.map((term) => (term === all ? text : term.text)));
  const mechanisms = parsed.terms.filter((term) => term.kind === 'mechanism');
  const last = mechanisms[mechanisms.length - 1];
  const out: string[] = last ? [] : [text];
  for (const term of parsed.terms) {
    if (term.kind === 'modifier' && term.name === 'redirect') continue;
    out.push(term.text);
    if (term === last) out.push(text);
  }
  return recordText(out);
}

/**
 * One record from several (§4.5: more than one is a permerror): every
 * mechanism once, in order of appearance; the first exp; a redirect only
 * when no record has "all"; "all" as the records agree, else "~all".
 */
export function mergeRecords(texts: readonly string[]): string {
  const parsedList = texts.map(parseRecord);
  const seen = new Set<string>();
  const mechanisms: string[] = [];
  const alls: Qualifier[] = [];
  let exp: string | undefined;
  let redirect: string | undefined;
  const others: string[] = [];
  for (const parsed of parsedList) {
    for (const term of parsed.terms) {
      if (term.kind === 'modifier') {
        if (term.name === 'exp') exp ??= term.text;
        else if (term.name === 'redirect') redirect ??= term.text;
        else if (!seen.has(term.text.toLowerCase())) {
          seen.add(term.text.toLowerCase());
          others.push(term.text);
        }
        continue;
      }
      if (term.name === 'all') {
        alls.push(term.qualifier);
        continue;
      }
      const key = term.text.toLowerCase().replace(/^\+/, '');
      if (seen.has(key)) continue;
      seen.add(key);
      mechanisms.push(term.text);
    }
  }
  const terms = [...mechanisms];
  if (alls.length > 0) {
    const unique = [...new Set(alls)];
    // A permissive or neutral "all" is never kept; disagreeing records get the safe middle.
    const qualifier: Qualifier = unique.length === 1 && (unique[0] === '-' || unique[0] === '~') ? unique[0] : '~';
    terms.push(`${qualifierPrefix(qualifier)}all`);
  } else if (redirect) {
    terms.push(redirect);
  } else {
    terms.push('~all');
  }
  if (exp) terms.push(exp);
  terms.push(...others);
  return recordText(terms);
}

/**
 * A starting record for a domain without SPF: `mx` when some MX host is not
 * a recognised provider's, each recognised provider's include, any sending
 * IPs given, and "~all". A domain with a null MX sends no mail: "-all".
 */
export function startingRecord(input: { mxHosts: readonly string[]; nullMx: boolean; ips?: readonly string[] }): {
  value: string;
  providers: Provider[];
} {
  if (input.nullMx && (input.ips ?? []).length === 0) return { value: 'v=spf1 -all', providers: [] };
  const providers = recognizeProviders(input.mxHosts, []).filter((provider) => provider.spfInclude);
  const terms: string[] = [];
  const unrecognised = input.mxHosts.filter(
    (host) => !providers.some((provider) => provider.mxSuffixes.some((suffix) => matchesSuffix(host, suffix))),
  );
  if (unrecognised.length > 0) terms.push('mx');
  for (const provider of providers) terms.push(`include:${provider.spfInclude}`);
  terms.push(...ipTerms(input.ips ?? []));
  terms.push('~all');
  return { value: recordText(terms), providers };
}

/** ip4:/ip6: terms for sending IPs (IPv4-mapped addresses as ip4). */
export function ipTerms(ips: readonly string[]): string[] {
  const out: string[] = [];
  for (const text of ips) {
    const parsed = parseIp(text.trim());
    if (!parsed) continue;
    const ip = unmapIpv4(parsed);
    const term = networkTerm({ version: ip.version, bytes: ip.bytes, prefix: ip.version === 4 ? 32 : 128 });
    if (!out.includes(term)) out.push(term);
  }
  return out;
}

/**
 * The record with ip terms added so that they are evaluated before the term
 * that decided against them: before `beforeIndex` (a 1-based term index of
 * the root record) when given, else before the "all", else after the last
 * mechanism.
 */
export function withIps(parsed: ParsedRecord, ips: readonly string[], beforeIndex?: number): string {
  const present = new Set(parsed.terms.map((term) => term.text.toLowerCase().replace(/^\+/, '')));
  const add = ipTerms(ips).filter((term) => !present.has(term));
  const terms = parsed.terms;
  let position = beforeIndex !== undefined ? terms.findIndex((term) => term.index === beforeIndex) : -1;
  if (position < 0) {
    const all = findAll(parsed);
    position = all ? terms.indexOf(all) : terms.reduce((last, term, index) => (term.kind === 'mechanism' ? index + 1 : last), 0);
  }
  const texts = terms.map((term) => term.text);
  texts.splice(position, 0, ...add);
  return recordText(texts);
}

/** The record without the terms at the given 1-based indexes. */
export function withoutTerms(parsed: ParsedRecord, indexes: readonly number[]): string {
  return recordText(parsed.terms.filter((term) => !indexes.includes(term.index)).map((term) => term.text));
}

const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/g;

/**
 * Repairs the common publishing mistakes that make a record a permerror:
 * a Unicode dash for "-", stray whitespace characters, an address in a:, mx:
 * or include:, ip4:/ip6: swapped, a port after an address, leading zeros in
 * a prefix length, "redirect:"/"exp:" for "redirect="/"exp=", a repeated
 * redirect or exp. Returns the repaired record only if it then parses cleanly.
 */
export function repairRecord(text: string): string | null {
  let fixed = text.replace(DASHES, '-').replace(/[\t\r\n\u00a0\u2000-\u200b\u3000]+/g, ' ');
  if (!/^v=spf1(?: |$)/i.test(fixed)) return null;
  const terms = fixed.slice(6).split(' ').filter((term) => term !== '');
  const out: string[] = [];
  const modifiersSeen = new Set<string>();
  for (const raw of terms) {
    let term = raw
      .replace(/^([+\-~?]?)(redirect|exp):/i, '$1$2=')
      .replace(/^[+]?(redirect|exp)=/i, '$1=')
      // Trailing punctuation after "all" ("-all.", "~all,").
      .replace(/^([+\-~?]?all)[.,;]+$/i, '$1');
    // A bare address or network gets its mechanism name.
    if (/^[+\-~?]?[0-9a-fA-F:.]+(?:\/\d+)?$/.test(term) && parseIp(term.replace(/^[+\-~?]/, '').split('/')[0]!)) {
      term = term.replace(/^([+\-~?]?)/, '$1ip4:');
    }
    const ipTarget = /^([+\-~?]?)(?:a|mx|include|ip4|ip6|ip|ipv4|ipv6):([^/]+)(\/\d+)?$/i.exec(term);
    if (ipTarget) {
      // An address, or an IPv4 address followed by a port.
      const text = ipTarget[2]!;
      const withoutPort = /^(.+):\d{1,5}$/.exec(text)?.[1];
      const addressText = parseIp(text) ? text : withoutPort && parseIpv4(withoutPort) ? withoutPort : undefined;
      if (addressText) {
        const address = parseIp(addressText)!;
        const prefix = ipTarget[3] ? `/${Number(ipTarget[3].slice(1))}` : '';
        term = `${ipTarget[1]}ip${address.version}:${addressText}${prefix}`;
      }
    }
    term = term.replace(/^([+\-~?]?ip[46]:[^/]+\/)0+(\d)/i, '$1$2');
    const modifier = /^(redirect|exp)=/i.exec(term);
    if (modifier) {
      const name = modifier[1]!.toLowerCase();
      if (modifiersSeen.has(name)) continue;
      modifiersSeen.add(name);
    }
    out.push(term);
  }
  fixed = recordText(out);
  return parseRecord(fixed).errors.length === 0 ? fixed : null;
}
