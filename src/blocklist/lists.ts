/**
 * The DNS blocklists mailcheck asks by default, with the return codes each
 * documents (read by ./codes.ts), and the list set a run asks: the defaults
 * with the user's additions, removals and Spamhaus DQS key.
 */
import {
  DBL_CODES,
  ZEN_CODES,
  interpretAdded,
  interpretDbl,
  interpretGeneric,
  interpretMailspike,
  interpretSurbl,
  interpretUribl,
  interpretZen,
  singleCode,
  type CodeMeaning,
  type ListKind,
} from './codes.js';

export { isLoopbackCode, type CodeClass, type CodeMeaning, type ListKind } from './codes.js';

export interface BlocklistDefinition {
  /** The DNS zone queried, lower case, no trailing dot. */
  zone: string;
  /** The zone as shown in reports (differs from `zone` only when it embeds a secret, e.g. a DQS key). */
  displayZone: string;
  /** Operator and list name. */
  name: string;
  kind: ListKind;
  /** The list answers for IPv6 addresses (nibble names, RFC 5782 §2.4). */
  ipv6: boolean;
  /** Where a listed party looks up the listing and asks for removal. */
  removalUrl?: string;
  /** Where the return codes are documented. */
  codesUrl?: string;
  /** Return codes, for the README table (`127.0.0.2` → meaning; ranges written as text). */
  codes: ReadonlyArray<readonly [string, string]>;
  /** Interprets one A record value (already known to be in 127.0.0.0/8). */
  interpret(address: string): CodeMeaning;
  /** Where the definition came from. */
  origin: 'default' | 'added' | 'dqs';
  /**
   * A list added with --blocklist that is not a known public list (an
   * in-house list): it is asked about private and loopback addresses too.
   */
  inHouse?: boolean;
}

function define(definition: Omit<BlocklistDefinition, 'displayZone' | 'origin'> & { displayZone?: string }): BlocklistDefinition {
  return { ...definition, displayZone: definition.displayZone ?? definition.zone, origin: 'default' };
}

/** The default lists, in the order they are reported. */
export const DEFAULT_BLOCKLISTS: readonly BlocklistDefinition[] = [
  define({
    zone: 'zen.spamhaus.org',
    name: 'Spamhaus ZEN (SBL, CSS, XBL, PBL)',
    kind: 'ip',
    ipv6: true,
    removalUrl: 'https://check.spamhaus.org/',
    codesUrl: 'https://docs.spamhaus.com/datasets/docs/source/10-data-type-documentation/datasets/040-zones.html',
    codes: ZEN_CODES,
    interpret: interpretZen,
  }),
  define({
    zone: 'bl.spamcop.net',
    name: 'SpamCop',
    kind: 'ip',
    ipv6: false,
    removalUrl: 'https://www.spamcop.net/bl.shtml',
    codes: [['127.0.0.2', 'listed (reported spam source)']],
    interpret: singleCode('SpamCop'),
  }),
  define({
    zone: 'b.barracudacentral.org',
    name: 'Barracuda Reputation Block List',
    kind: 'ip',
    ipv6: false,
    removalUrl: 'https://www.barracudacentral.org/lookups',
    codes: [['127.0.0.2', 'listed (poor reputation)']],
    interpret: singleCode('Barracuda BRBL'),
  }),
  define({
    zone: 'psbl.surriel.com',
    name: 'Passive Spam Block List (PSBL)',
    kind: 'ip',
    ipv6: false,
    removalUrl: 'https://psbl.org/',
    codes: [['127.0.0.2', 'listed (sent mail to spam traps)']],
    interpret: singleCode('PSBL'),
  }),
  define({
    zone: 'bl.mailspike.net',
    name: 'Mailspike BL',
    kind: 'ip',
    ipv6: false,
    removalUrl: 'https://mailspike.io/',
    codes: [
      ['127.0.0.2', 'Z: part of a distributed spam wave'],
      ['127.0.0.10', 'L5: worst reputation'],
      ['127.0.0.11', 'L4: very bad reputation'],
      ['127.0.0.12', 'L3: bad reputation'],
    ],
    interpret: interpretMailspike,
  }),
  define({
    zone: 'dnsbl-1.uceprotect.net',
    name: 'UCEPROTECT Level 1',
    kind: 'ip',
    ipv6: false,
    removalUrl: 'https://www.uceprotect.net/en/rblcheck.php',
    codes: [['127.0.0.2', 'listed (single IP seen sending to spam traps)']],
    interpret: singleCode('UCEPROTECT L1'),
  }),
  define({
    zone: 'dbl.spamhaus.org',
    name: 'Spamhaus DBL',
    kind: 'domain',
    ipv6: false,
    removalUrl: 'https://check.spamhaus.org/',
    codesUrl: 'https://docs.spamhaus.com/datasets/docs/source/10-data-type-documentation/datasets/040-zones.html',
    codes: DBL_CODES,
    interpret: interpretDbl,
  }),
  define({
    zone: 'multi.surbl.org',
    name: 'SURBL multi',
    kind: 'domain',
    ipv6: false,
    removalUrl: 'https://www.surbl.org/surbl-analysis',
    codes: [
      ['127.0.0.8 (bit 8)', 'PH: phishing'],
      ['127.0.0.16 (bit 16)', 'MW: malware'],
      ['127.0.0.64 (bit 64)', 'ABUSE: spam'],
      ['127.0.0.128 (bit 128)', 'CR: cracked sites'],
      ['127.0.0.1', 'query blocked (public resolver, volume) → query-refused'],
    ],
    interpret: interpretSurbl,
  }),
  define({
    zone: 'multi.uribl.com',
    name: 'URIBL multi',
    kind: 'domain',
    ipv6: false,
    removalUrl: 'https://admin.uribl.com/',
    codes: [
      ['127.0.0.2 (bit 2)', 'black list'],
      ['127.0.0.4 (bit 4)', 'grey list'],
      ['127.0.0.8 (bit 8)', 'red list'],
      ['127.0.0.1 (bit 1)', 'query refused (public resolver, volume) → query-refused'],
    ],
    interpret: interpretUribl,
  }),
];

/** The Spamhaus zones a DQS key replaces (https://docs.spamhaus.com, "Data Query Service"). */
const DQS_REPLACEMENTS: Readonly<Record<string, string>> = {
  'zen.spamhaus.org': 'zen.dq.spamhaus.net',
  'dbl.spamhaus.org': 'dbl.dq.spamhaus.net',
};

/** Options that shape the list set (the CLI's --blocklist, --no-blocklist, --spamhaus-key). */
export interface ListSelection {
  /** Zones to add: `ip:<zone>` an IP list, `domain:<zone>` a domain list, a bare `<zone>` is asked about both. */
  add?: readonly string[];
  /** Zones to drop (as given, or their DQS form); `all` drops every default list. */
  drop?: readonly string[];
  /** Spamhaus DQS key: the Spamhaus zones are queried as `<key>.zen.dq.spamhaus.net` and `<key>.dbl.dq.spamhaus.net`. */
  spamhausKey?: string;
}

/** Normalizes a zone as typed: lower case, no trailing or leading dot. */
export function normalizeZone(zone: string): string {
  return zone.trim().toLowerCase().replace(/^\.+|\.+$/g, '');
}

/** The lists to ask, from the defaults and the user's additions and removals. */
export function selectBlocklists(selection: ListSelection = {}): BlocklistDefinition[] {
  const drop = new Set((selection.drop ?? []).map(normalizeZone));
  const dropAll = drop.has('all');
  const key = selection.spamhausKey?.trim();
  const lists: BlocklistDefinition[] = [];
  for (const list of DEFAULT_BLOCKLISTS) {
    if (dropAll || drop.has(list.zone)) continue;
    const dqs = DQS_REPLACEMENTS[list.zone];
    if (key && dqs) {
      if (drop.has(dqs)) continue;
      // The key is a credential: reports show the zone without it.
      lists.push({ ...list, zone: `${key.toLowerCase()}.${dqs}`, displayZone: `<DQS-KEY>.${dqs}`, name: `${list.name} via DQS`, origin: 'dqs' });
    } else {
      lists.push(list);
    }
  }
  for (const entry of selection.add ?? []) {
    const parsed = parseAddedZone(entry);
    if (!parsed) continue;
    if (drop.has(parsed.zone)) continue;
    if (lists.some((list) => list.zone === parsed.zone || list.displayZone === parsed.zone)) continue;
    const known = DEFAULT_BLOCKLISTS.find((list) => list.zone === parsed.zone);
    if (known) {
      lists.push({ ...known, origin: 'added' });
      continue;
    }
    lists.push({
      zone: parsed.zone,
      displayZone: parsed.zone,
      name: parsed.zone,
      kind: parsed.kind,
      ipv6: parsed.kind !== 'domain',
      codes: [['any 127.x.x.x', 'listed']],
      interpret: interpretAdded(parsed.zone, parsed.kind),
      origin: 'added',
      ...(interpretAdded(parsed.zone, parsed.kind) === interpretGeneric ? { inHouse: true } : {}),
    });
  }
  return lists;
}

function parseAddedZone(entry: string): { zone: string; kind: ListKind } | null {
  const match = /^(ip|domain):(.*)$/i.exec(entry.trim());
  const prefix = match?.[1]?.toLowerCase();
  const kind: ListKind = prefix === 'domain' ? 'domain' : prefix === 'ip' ? 'ip' : 'both';
  const zone = normalizeZone(match ? (match[2] ?? '') : entry);
  if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(zone)) return null;
  return { zone, kind };
}
