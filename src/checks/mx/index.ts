/**
 * mx: the domain's MX records (RFC 5321 §5.1) and what they point at.
 *
 * Verifies that the domain publishes MX records (or says why not: no MX and
 * the implicit-MX fallback to the domain's A/AAAA record, a null MX per
 * RFC 7505, or a domain that does not exist), that every exchange is a host
 * name rather than an alias (RFC 2181 §10.3) or an IP literal (RFC 1035
 * §3.3.9), that every exchange has an address, and whether any MX host is
 * reachable over IPv6.
 */
import { defineCheck, type FindingSpec } from '../define.js';
import { gatherMx, mxFactsSchema, type MxFacts } from './facts.js';
import { judgeMx } from './judge.js';

export type { MxFacts, MxHostFacts } from './facts.js';

const plural = (list: readonly unknown[]): string => (list.length > 1 ? 's' : '');

/** Why no MX record means no delivery, or where mail goes instead. */
type MissingData = {
  domain: string;
  /** nxdomain: the name does not exist; fallback: A/AAAA to fall back to; undetermined: those queries failed; no-address: none. */
  reason: 'nxdomain' | 'fallback' | 'undetermined' | 'no-address';
  /** The implicit MX's addresses. */
  addresses: string[];
  /** How the domain's A and AAAA queries ended (null for NXDOMAIN, where they are not asked). */
  a: string | null;
  aaaa: string | null;
};

export const MX_FINDINGS = {
  'mx/missing': {
    severity: 'high',
    title: 'No MX record',
    description:
      'The domain publishes no MX record. Senders then fall back to the domain\'s own A/AAAA address (RFC 5321 §5.1 implicit MX), usually a web server that does not accept mail; without an A/AAAA record either, mail to the domain cannot be delivered.',
    message: (data) => {
      switch (data.reason) {
        case 'nxdomain':
          return `${data.domain} does not exist in DNS (NXDOMAIN): it has no MX record and no address, so no mail can be delivered to it.`;
        case 'fallback':
          return `${data.domain} publishes no MX record: senders fall back to its A/AAAA record (implicit MX, RFC 5321 §5.1) and deliver to ${data.addresses.join(', ')}, which must then accept mail on port 25.`;
        case 'undetermined':
          return `${data.domain} publishes no MX record; whether mail falls back to an A/AAAA record could not be determined (A: ${data.a}, AAAA: ${data.aaaa}).`;
        case 'no-address':
          return `${data.domain} publishes no MX record and no A/AAAA record to fall back to (RFC 5321 §5.1): mail to the domain cannot be delivered.`;
      }
    },
  } satisfies FindingSpec<MissingData>,
  'mx/null-mx': {
    severity: 'high',
    title: 'Null MX: the domain accepts no mail',
    description:
      'The domain publishes a null MX ("0 ."), declaring that it accepts no mail (RFC 7505). Nobody can reply or bounce to it, and receivers may reject mail that uses it as sender (RFC 7505 §4.2). A null MX mixed with other MX records is invalid (RFC 7505 §3).',
    message: (data) =>
      data.mixed
        ? `${data.domain} publishes a null MX (0 .) together with other MX records (${data.records.join(', ')}); RFC 7505 §3 forbids mixing them, and senders handle the mix unpredictably.`
        : `${data.domain} publishes a null MX (${data.records.join(', ')})${data.preferenceNotZero ? ' (RFC 7505 §3 also requires preference 0)' : ''}: it accepts no mail, so nobody can reply or bounce to it, and receivers may reject mail that uses it as sender (RFC 7505 §4.2).`,
  } satisfies FindingSpec<{
    domain: string;
    /** A null MX among other MX records (then `records` are the others), or alone (`records` are the null MX records). */
    mixed: boolean;
    records: string[];
    /** A lone null MX with a preference other than 0. */
    preferenceNotZero: boolean;
  }>,
  'mx/cname-target': {
    severity: 'medium',
    title: 'MX exchange is an alias (CNAME)',
    description:
      'An MX exchange is a CNAME. RFC 2181 §10.3 requires the MX target to be a canonical host name; some senders refuse or mishandle aliases.',
    message: (data) =>
      `MX exchange${plural(data.exchanges)} ${data.exchanges.map((exchange, index) => `${exchange} (CNAME → ${data.targets[index]})`).join(', ')} ${data.exchanges.length > 1 ? 'are aliases' : 'is an alias'}; an MX must name a canonical host (RFC 2181 §10.3).`,
  } satisfies FindingSpec<{ exchanges: string[]; /** Where each alias leads (its canonical name, or its CNAME chain). */ targets: string[] }>,
  'mx/ip-literal': {
    severity: 'medium',
    title: 'MX exchange is an IP address',
    description:
      'An MX exchange is written as an IP address. The exchange must be a domain name with an A/AAAA record (RFC 1035 §3.3.9, RFC 5321 §2.3.5); senders look the "name" up and fail.',
    message: (data) =>
      `MX exchange${plural(data.exchanges)} ${data.exchanges.join(', ')} ${data.exchanges.length > 1 ? 'are IP addresses' : 'is an IP address'}, not a host name; senders look it up as a name and fail (RFC 1035 §3.3.9, RFC 5321 §2.3.5).`,
  } satisfies FindingSpec<{ exchanges: string[] }>,
  'mx/unresolvable-target': {
    severity: 'high',
    title: 'MX exchange has no address',
    description:
      'An MX exchange has neither an A nor an AAAA record (NXDOMAIN or NODATA), so senders cannot reach it (RFC 5321 §5.1).',
    message: (data) =>
      `MX exchange${plural(data.exchanges)} ${data.exchanges.join(', ')} ${data.exchanges.length > 1 ? 'have' : 'has'} no A or AAAA record${data.noHostHasAddress ? ': no MX host has an address, so mail to the domain cannot be delivered' : ''}.`,
  } satisfies FindingSpec<{ exchanges: string[]; noHostHasAddress: boolean }>,
  'mx/no-ipv6': {
    severity: 'info',
    title: 'No MX host has an IPv6 address',
    description: 'None of the MX hosts has an AAAA record, so IPv6-only senders cannot deliver mail to the domain.',
    message: (data) =>
      `None of the MX hosts (${data.hosts.join(', ')}) has an IPv6 (AAAA) address; IPv6-only senders cannot deliver mail to ${data.domain}.`,
  } satisfies FindingSpec<{ domain: string; hosts: string[] }>,
};

export const mxCheck = defineCheck({
  id: 'mx',
  title: 'MX records',
  record: { prefix: '', type: 'MX' },
  score: { area: 'receiving', weight: 30 },
  description:
    'The domain publishes MX records whose exchanges are host names with addresses (RFC 5321 §5.1, RFC 2181 §10.3, RFC 7505).',
  findings: MX_FINDINGS,
  // Built when first read (the JSON Schema, tests), never during an audit.
  get facts() {
    return mxFactsSchema();
  },
  gather: gatherMx,
  judge: judgeMx,
  summarise: summariseMx,
});

/** One line per MX host: preference, name, addresses (or which lookups failed). */
function summariseMx(facts: MxFacts): string[] {
  if (facts.nullMx) return ['null MX (0 .): the domain accepts no mail'];
  return facts.hosts.map((host) => {
    const unique = [...new Set([...host.ipv4, ...host.ipv6])];
    // A lookup that failed says nothing about the addresses: never shown as none.
    const failures = (['a', 'aaaa'] as const).filter((type) => isFailure(host[type])).map((type) => `${type.toUpperCase()} ${host[type]}`);
    const shown = unique.length
      ? ` → ${unique.join(', ')}${failures.length ? ` (lookup failed: ${failures.join(', ')})` : ''}`
      : failures.length
        ? ` → addresses unknown (lookup failed: ${failures.join(', ')})`
        : '';
    return `${host.preference} ${host.exchange}${shown}`;
  });
}

function isFailure(status: string): boolean {
  return status !== 'ok' && status !== 'nxdomain' && status !== 'nodata';
}
