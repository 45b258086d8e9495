/**
 * What each blocklist's answers mean. RFC 5782 fixes only the mechanics (an A
 * record in 127.0.0.0/8 means "listed", a TXT record may give the reason); the
 * meaning of each return code is every list's own, so the readings live here,
 * next to the list table (./lists.ts), documented in the README's reputation
 * section.
 *
 * Besides listing codes, several lists answer with codes that report a problem
 * with the query itself (public resolver, too many queries, mistyped zone).
 * Those are never listings: they come back as `refused`.
 */

/**
 * IP lists are keyed by address (RFC 5782 §2.1, §2.4), domain lists by name
 * (RFC 5782 §3). A list added without saying which (`both`) is asked about the
 * addresses and the domain: a list answers NXDOMAIN for keys it does not hold.
 */
export type ListKind = 'ip' | 'domain' | 'both';

/**
 * What one A record from a list means:
 * - `listing`: the key is on the list (a reputation listing);
 * - `policy`: the key is on a policy list ("should not send directly", e.g. Spamhaus PBL), not a spam listing;
 * - `refused`: the list declined to answer this query (public resolver, volume, bad key): not a listing, not clean.
 */
/**
 * `unknown`: a code the list does not document. It is never a listing: a
 * refusal or a resolver answering every name looks just like it.
 */
export type CodeClass = 'listing' | 'policy' | 'refused' | 'unknown';

export interface CodeMeaning {
  class: CodeClass;
  /** Sub-list or short label, e.g. `SBL`, `PBL`, `black`. */
  subList: string;
  /** What the code means, in the list operator's terms. */
  meaning: string;
}

type Octets = [number, number, number, number];

function octets(address: string): Octets {
  const parts = address.split('.').map(Number);
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0, parts[3] ?? 0];
}

/** An A record value inside 127.0.0.0/8, where RFC 5782 §2.1 puts every listing value. */
export function isLoopbackCode(address: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}

// ---------------------------------------------------------------------------
// Spamhaus (https://docs.spamhaus.com/datasets/docs/source/10-data-type-documentation/datasets/040-zones.html)

/**
 * Spamhaus answers queries it will not serve with codes in 127.255.255.0/24,
 * on every zone (Spamhaus news, 2019-09-30 "DNSBL return codes: technical
 * update"; enforced on the public mirrors since 2021). They must never be read
 * as listings.
 */
function spamhausError(o: Octets): CodeMeaning | undefined {
  if (o[1] !== 255 || o[2] !== 255) return undefined;
  switch (o[3]) {
    case 252:
      return { class: 'refused', subList: 'error', meaning: 'typing error in the DNSBL name (the zone queried does not exist)' };
    case 254:
      return {
        class: 'refused',
        subList: 'error',
        meaning: 'query came through a public or open resolver, or one without attributable reverse DNS',
      };
    case 255:
      return { class: 'refused', subList: 'error', meaning: 'excessive number of queries from this resolver' };
    default:
      return { class: 'refused', subList: 'error', meaning: 'query error code (for example an invalid or unauthorised DQS key)' };
  }
}

export function interpretZen(address: string): CodeMeaning {
  const o = octets(address);
  const error = spamhausError(o);
  if (error) return error;
  if (o[1] === 0 && o[2] === 0) {
    switch (o[3]) {
      case 2:
        return { class: 'listing', subList: 'SBL', meaning: 'Spamhaus SBL: direct spam source or spam operation' };
      case 3:
        return { class: 'listing', subList: 'SBL CSS', meaning: 'Spamhaus CSS: snowshoe spam source detected by automation' };
      case 4:
      case 5:
      case 6:
      case 7:
        return { class: 'listing', subList: 'XBL', meaning: 'Spamhaus XBL: compromised host (botnet, malware, open proxy)' };
      case 9:
        return { class: 'listing', subList: 'SBL DROP', meaning: 'Spamhaus DROP/EDROP: hijacked or criminal network' };
      case 10:
        return { class: 'policy', subList: 'PBL', meaning: 'Spamhaus PBL (ISP-maintained): end-user range that should not send mail directly' };
      case 11:
        return { class: 'policy', subList: 'PBL', meaning: 'Spamhaus PBL (Spamhaus-maintained): end-user range that should not send mail directly' };
      case 30:
        return { class: 'listing', subList: 'BCL', meaning: 'Spamhaus BCL: botnet controller' };
      default:
        break;
    }
  }
  return { class: 'unknown', subList: 'unknown code', meaning: `return code ${address} is not in Spamhaus's documented table` };
}

export function interpretDbl(address: string): CodeMeaning {
  const o = octets(address);
  const error = spamhausError(o);
  if (error) return error;
  if (o[1] === 0 && o[2] === 1) {
    switch (o[3]) {
      case 2:
        return { class: 'listing', subList: 'DBL spam', meaning: 'Spamhaus DBL: low-reputation (spam) domain' };
      case 4:
        return { class: 'listing', subList: 'DBL phish', meaning: 'Spamhaus DBL: phishing domain' };
      case 5:
        return { class: 'listing', subList: 'DBL malware', meaning: 'Spamhaus DBL: malware domain' };
      case 6:
        return { class: 'listing', subList: 'DBL botnet C&C', meaning: 'Spamhaus DBL: botnet command-and-control domain' };
      case 102:
        return { class: 'listing', subList: 'DBL abused-legit spam', meaning: 'Spamhaus DBL: abused legitimate domain used for spam' };
      case 103:
        return { class: 'listing', subList: 'DBL abused redirector', meaning: 'Spamhaus DBL: abused legitimate redirector or URL shortener' };
      case 104:
        return { class: 'listing', subList: 'DBL abused-legit phish', meaning: 'Spamhaus DBL: abused legitimate domain used for phishing' };
      case 105:
        return { class: 'listing', subList: 'DBL abused-legit malware', meaning: 'Spamhaus DBL: abused legitimate domain used for malware' };
      case 106:
        return { class: 'listing', subList: 'DBL abused-legit botnet C&C', meaning: 'Spamhaus DBL: abused legitimate domain hosting botnet C&C' };
      case 255:
        // Documented as an error: an IP address was queried against the domain list.
        return { class: 'refused', subList: 'error', meaning: 'IP queries are not allowed on the DBL' };
      default:
        break;
    }
  }
  return { class: 'unknown', subList: 'unknown code', meaning: `return code ${address} is not in Spamhaus's documented table` };
}

const SPAMHAUS_ERROR_CODES: ReadonlyArray<readonly [string, string]> = [
  ['127.255.255.252', 'error: typing error in the DNSBL name → query-refused'],
  ['127.255.255.254', 'error: query through a public/open resolver → query-refused'],
  ['127.255.255.255', 'error: excessive number of queries → query-refused'],
  ['other 127.255.255.x', 'error (e.g. invalid DQS key) → query-refused'],
];

export const ZEN_CODES: ReadonlyArray<readonly [string, string]> = [
  ['127.0.0.2', 'SBL: spam source or operation'],
  ['127.0.0.3', 'SBL CSS: snowshoe spam'],
  ['127.0.0.4–127.0.0.7', 'XBL: compromised host'],
  ['127.0.0.9', 'SBL DROP/EDROP: hijacked network'],
  ['127.0.0.10', 'PBL, ISP-maintained (policy) → policy-listed'],
  ['127.0.0.11', 'PBL, Spamhaus-maintained (policy) → policy-listed'],
  ['127.0.0.30', 'BCL: botnet controller'],
  ...SPAMHAUS_ERROR_CODES,
];

export const DBL_CODES: ReadonlyArray<readonly [string, string]> = [
  ['127.0.1.2', 'spam domain'],
  ['127.0.1.4', 'phishing domain'],
  ['127.0.1.5', 'malware domain'],
  ['127.0.1.6', 'botnet C&C domain'],
  ['127.0.1.102–127.0.1.106', 'abused legitimate domain (spam, redirector, phish, malware, C&C)'],
  ['127.0.1.255', 'error: IP query on a domain list → query-refused'],
  ...SPAMHAUS_ERROR_CODES,
];

// ---------------------------------------------------------------------------
// Bitmask domain lists: SURBL and URIBL encode sub-lists as bits of the last octet.

export function interpretSurbl(address: string): CodeMeaning {
  const o = octets(address);
  // SURBL answers 127.0.0.1 when it blocks the querying resolver (public resolvers, volume).
  if (o[1] === 0 && o[2] === 0 && o[3] === 1) {
    return { class: 'refused', subList: 'blocked', meaning: 'SURBL blocked the query (public resolver or excessive volume)' };
  }
  const bits: Array<[number, string]> = [
    [8, 'PH (phishing)'],
    [16, 'MW (malware)'],
    [64, 'ABUSE (spam)'],
    [128, 'CR (cracked sites)'],
  ];
  const names = bits.filter(([bit]) => (o[3] & bit) !== 0).map(([, label]) => label);
  if (names.length === 0) {
    return { class: 'unknown', subList: 'unknown code', meaning: `return code ${address} is not in SURBL's documented bitmask` };
  }
  return { class: 'listing', subList: names.join(' + '), meaning: `SURBL: ${names.join(', ')}` };
}

export function interpretUribl(address: string): CodeMeaning {
  const o = octets(address);
  // URIBL: "All queries that we refuse, we return a 127.0.0.1 response to, as bit 0x1 is not used for domain classification."
  if ((o[3] & 1) === 1) {
    return { class: 'refused', subList: 'refused', meaning: 'URIBL refused the query (public resolver or excessive volume)' };
  }
  const bits: Array<[number, string]> = [
    [2, 'black'],
    [4, 'grey'],
    [8, 'red'],
  ];
  const names = bits.filter(([bit]) => (o[3] & bit) !== 0).map(([, label]) => label);
  if (names.length === 0) {
    return { class: 'unknown', subList: 'unknown code', meaning: `return code ${address} is not in URIBL's documented bitmask` };
  }
  return { class: 'listing', subList: names.join(' + '), meaning: `URIBL ${names.join(', ')} list` };
}

// ---------------------------------------------------------------------------
// Single-code IP lists.

export function singleCode(listName: string): (address: string) => CodeMeaning {
  return (address) =>
    address === '127.0.0.2'
      ? { class: 'listing', subList: listName, meaning: `listed on ${listName}` }
      : { class: 'unknown', subList: 'unknown code', meaning: `return code ${address} is not the one ${listName} documents (127.0.0.2)` };
}

export function interpretMailspike(address: string): CodeMeaning {
  const o = octets(address);
  if (o[1] === 0 && o[2] === 0) {
    switch (o[3]) {
      case 2:
        return { class: 'listing', subList: 'Z', meaning: 'Mailspike Z: part of a distributed spam wave' };
      case 10:
        return { class: 'listing', subList: 'L5', meaning: 'Mailspike reputation L5: worst reputation' };
      case 11:
        return { class: 'listing', subList: 'L4', meaning: 'Mailspike reputation L4: very bad reputation' };
      case 12:
        return { class: 'listing', subList: 'L3', meaning: 'Mailspike reputation L3: bad reputation' };
      default:
        break;
    }
  }
  return { class: 'unknown', subList: 'unknown code', meaning: `return code ${address} is not in Mailspike's documented table` };
}

/**
 * Lists added with --blocklist: an answer in 127.0.0.0/8 is a listing (RFC 5782
 * §2.1), except 127.0.0.1, which RFC 5782 §5 reserves as never listed and many
 * lists return for a refused query.
 */
export function interpretGeneric(address: string): CodeMeaning {
  if (address === '127.0.0.1') {
    return { class: 'unknown', subList: 'unknown code', meaning: '127.0.0.1 is never a listing (RFC 5782 §5); lists return it for refused queries' };
  }
  return { class: 'listing', subList: 'listed', meaning: `listed (return code ${address})` };
}

/** The reading of a zone added with --blocklist: its family's codes where it is a known family's zone. */
export function interpretAdded(zone: string, kind: ListKind): (address: string) => CodeMeaning {
  if (isSpamhausZone(zone)) return interpretSpamhausFamily(kind);
  if (zone === 'uribl.com' || zone.endsWith('.uribl.com')) return interpretUribl;
  if (zone === 'surbl.org' || zone.endsWith('.surbl.org')) return interpretSurbl;
  return interpretGeneric;
}

// ---------------------------------------------------------------------------

function isSpamhausZone(zone: string): boolean {
  return zone.endsWith('.spamhaus.org') || zone.endsWith('.spamhaus.net');
}

/**
 * Other Spamhaus zones (sbl, xbl, pbl, their DQS forms) share the error codes
 * and the ZEN or DBL code tables: DBL codes are in 127.0.1.0/24, ZEN codes in
 * 127.0.0.0/24, so the answer itself says which table applies.
 */
function interpretSpamhausFamily(kind: ListKind): (address: string) => CodeMeaning {
  if (kind === 'domain') return interpretDbl;
  if (kind === 'ip') return interpretZen;
  return (address) => (address.startsWith('127.0.1.') ? interpretDbl(address) : interpretZen(address));
}
