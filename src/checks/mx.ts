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
import { defineCheck } from './define.js';
import { getMxHosts, type MxHost } from '../lookups/mx-hosts.js';
import { isDnsFailure, type DnsAnswer, type DnsStatus, type MxData } from '../dns/types.js';
import type { Finding, FixRecord } from '../report/schema.js';

const MAIL_HOST_PLACEHOLDER = {
  'MAIL-HOST': 'the host name of the server that receives mail for the domain (it must have an A/AAAA record, not a CNAME)',
};

export const mxCheck = defineCheck({
  id: 'mx',
  title: 'MX records',
  record: { prefix: '', type: 'MX' },
  description:
    'The domain publishes MX records whose exchanges are host names with addresses (RFC 5321 §5.1, RFC 2181 §10.3, RFC 7505).',
  findings: {
    'mx/missing': {
      severity: 'high',
      title: 'No MX record',
      description:
        'The domain publishes no MX record. Senders then fall back to the domain\'s own A/AAAA address (RFC 5321 §5.1 implicit MX), usually a web server that does not accept mail; without an A/AAAA record either, mail to the domain cannot be delivered.',
    },
    'mx/null-mx': {
      severity: 'high',
      title: 'Null MX: the domain accepts no mail',
      description:
        'The domain publishes a null MX ("0 ."), declaring that it accepts no mail (RFC 7505). Nobody can reply or bounce to it, and receivers may reject mail that uses it as sender (RFC 7505 §4.2). A null MX mixed with other MX records is invalid (RFC 7505 §3).',
    },
    'mx/cname-target': {
      severity: 'medium',
      title: 'MX exchange is an alias (CNAME)',
      description:
        'An MX exchange is a CNAME. RFC 2181 §10.3 requires the MX target to be a canonical host name; some senders refuse or mishandle aliases.',
    },
    'mx/ip-literal': {
      severity: 'medium',
      title: 'MX exchange is an IP address',
      description:
        'An MX exchange is written as an IP address. The exchange must be a domain name with an A/AAAA record (RFC 1035 §3.3.9, RFC 5321 §2.3.5); senders look the "name" up and fail.',
    },
    'mx/unresolvable-target': {
      severity: 'high',
      title: 'MX exchange has no address',
      description:
        'An MX exchange has neither an A nor an AAAA record (NXDOMAIN or NODATA), so senders cannot reach it (RFC 5321 §5.1).',
    },
    'mx/no-ipv6': {
      severity: 'info',
      title: 'No MX host has an IPv6 address',
      description: 'None of the MX hosts has an AAAA record, so IPv6-only senders cannot deliver mail to the domain.',
    },
  },
  async run(ctx, emit) {
    const lookup = await getMxHosts(ctx);
    const { answer } = lookup;
    const findings: Finding[] = [];
    const facts: Record<string, unknown> = {
      mx: answerFact(answer),
      records: answer.status === 'ok' ? answer.records.map(recordText) : [],
      nullMx: lookup.nullMx,
      nullMxMixed: lookup.nullMxMixed,
      hosts: lookup.hosts.map(hostFact),
    };

    // A failed MX query says nothing about whether MX records exist.
    if (isDnsFailure(answer)) {
      return { findings, facts, inconclusive: `MX query for ${ctx.domain} failed: ${statusText(answer.status)}` };
    }

    if (answer.status === 'nxdomain') {
      findings.push(
        emit('mx/missing', {
          message: `${ctx.domain} does not exist in DNS (NXDOMAIN): it has no MX record and no address, so no mail can be delivered to it.`,
          evidence: [`MX ${ctx.domain}: NXDOMAIN`],
          fix: {
            summary: `Create ${ctx.domain} in DNS and publish an MX record naming the mail server`,
            records: [{ action: 'add', name: ctx.domain, type: 'MX', value: '10 <MAIL-HOST>' }],
            placeholders: MAIL_HOST_PLACEHOLDER,
            notes: [
              `The name ${ctx.domain} does not exist: check it for typos, and that the domain is registered and delegated to name servers that serve it.`,
              `If the domain is not meant to send or receive mail, publish a null MX instead: ${ctx.domain} MX 0 . (RFC 7505).`,
            ],
          },
        }),
      );
      return { findings, facts };
    }

    if (answer.status === 'nodata') {
      // RFC 5321 §5.1: with no MX records, the domain itself is treated as an
      // implicit MX of preference 0; senders deliver to its A/AAAA addresses.
      const [a, aaaa] = await Promise.all([ctx.dns.query(ctx.domain, 'A'), ctx.dns.query(ctx.domain, 'AAAA')]);
      const addresses = [...okRecords(a), ...okRecords(aaaa)];
      facts.implicitMx = { a: answerFact(a), aaaa: answerFact(aaaa), addresses };
      let message: string;
      if (addresses.length > 0) {
        message = `${ctx.domain} publishes no MX record: senders fall back to its A/AAAA record (implicit MX, RFC 5321 §5.1) and deliver to ${addresses.join(', ')}, which must then accept mail on port 25.`;
      } else if (isDnsFailure(a) || isDnsFailure(aaaa)) {
        message = `${ctx.domain} publishes no MX record; whether mail falls back to an A/AAAA record could not be determined (A: ${statusText(a.status)}, AAAA: ${statusText(aaaa.status)}).`;
      } else {
        message = `${ctx.domain} publishes no MX record and no A/AAAA record to fall back to (RFC 5321 §5.1): mail to the domain cannot be delivered.`;
      }
      findings.push(
        emit('mx/missing', {
          message,
          evidence: [
            `MX ${ctx.domain}: NODATA`,
            `A ${ctx.domain}: ${answerText(a)}`,
            `AAAA ${ctx.domain}: ${answerText(aaaa)}`,
          ],
          fix: {
            summary: `Publish an MX record naming the server that receives mail for ${ctx.domain}`,
            records: [{ action: 'add', name: ctx.domain, type: 'MX', value: '10 <MAIL-HOST>' }],
            placeholders: MAIL_HOST_PLACEHOLDER,
            notes: [
              'Without an MX record, senders deliver to the domain\'s own A/AAAA address (RFC 5321 §5.1), usually a web server.',
              `If the domain sends and receives no mail, publish a null MX instead: ${ctx.domain} MX 0 . (RFC 7505). Senders then stop trying at once, and receivers can reject mail forged with this domain.`,
            ],
          },
        }),
      );
      return { findings, facts };
    }

    const records = answer.records;
    const nullRecords = records.filter((record) => record.exchange === '');
    if (lookup.nullMx) {
      // RFC 7505 §3: the null MX has preference 0; other values are still a null MX.
      const badPreference = nullRecords.filter((record) => record.preference !== 0);
      const note = badPreference.length > 0 ? ' (RFC 7505 §3 also requires preference 0)' : '';
      findings.push(
        emit('mx/null-mx', {
          message: `${ctx.domain} publishes a null MX (${nullRecords.map(recordText).join(', ')})${note}: it accepts no mail, so nobody can reply or bounce to it, and receivers may reject mail that uses it as sender (RFC 7505 §4.2).`,
          evidence: nullRecords.map((record) => `MX ${ctx.domain}: ${recordText(record)}`),
          fix: {
            summary: `Replace the null MX with an MX record naming your mail server, if ${ctx.domain} sends or receives mail`,
            records: [{ action: 'replace', name: ctx.domain, type: 'MX', value: '10 <MAIL-HOST>', current: '0 .' }],
            placeholders: MAIL_HOST_PLACEHOLDER,
            notes: [
              'If the domain deliberately sends and receives no mail, the null MX is correct: keep it and ignore this finding.',
            ],
          },
        }),
      );
      return { findings, facts };
    }

    if (lookup.nullMxMixed) {
      // RFC 7505 §3: "A domain that advertises a null MX MUST NOT advertise any other MX RR."
      const others = records.filter((record) => record.exchange !== '');
      findings.push(
        emit('mx/null-mx', {
          message: `${ctx.domain} publishes a null MX (0 .) together with other MX records (${others.map(recordText).join(', ')}); RFC 7505 §3 forbids mixing them, and senders handle the mix unpredictably.`,
          evidence: records.map((record) => `MX ${ctx.domain}: ${recordText(record)}`),
          fix: {
            summary: 'Remove the null MX record',
            records: nullRecords.map((record) => ({
              action: 'remove' as const,
              name: ctx.domain,
              type: 'MX',
              value: recordText(record),
              current: recordText(record),
            })),
            notes: [
              `If ${ctx.domain} is meant to accept no mail, remove the other MX records instead and keep only ${ctx.domain} MX 0 .`,
            ],
          },
        }),
      );
    }

    const hosts = lookup.hosts;
    const inconclusive: string[] = [];

    // RFC 1035 §3.3.9 / RFC 5321 §2.3.5: the exchange is a domain name, never an address.
    const literals = hosts.filter((host) => host.ipLiteral);
    if (literals.length > 0) {
      const taken = new Set(hosts.map((host) => host.exchange));
      const fixRecords: FixRecord[] = [];
      let counter = 1;
      for (const host of literals) {
        while (taken.has(`mx${counter}.${ctx.domain}`)) counter += 1;
        const name = `mx${counter}.${ctx.domain}`;
        taken.add(name);
        fixRecords.push({ action: 'add', name, type: host.exchange.includes(':') ? 'AAAA' : 'A', value: host.exchange });
        fixRecords.push({
          action: 'replace',
          name: ctx.domain,
          type: 'MX',
          value: `${host.preference} ${name}`,
          current: `${host.preference} ${host.exchange}`,
        });
      }
      findings.push(
        emit('mx/ip-literal', {
          message: `MX exchange${plural(literals)} ${literals.map((host) => host.exchange).join(', ')} ${literals.length > 1 ? 'are IP addresses' : 'is an IP address'}, not a host name; senders look it up as a name and fail (RFC 1035 §3.3.9, RFC 5321 §2.3.5).`,
          evidence: literals.map((host) => `MX ${ctx.domain}: ${host.preference} ${host.exchange}`),
          fix: {
            summary: 'Give each MX server a host name with an address record and name it in the MX record',
            records: fixRecords,
            notes: ['Any host name under your control works; the names above are suggestions.'],
          },
        }),
      );
    }

    // RFC 2181 §10.3: the MX target must not be an alias.
    const aliases = hosts.filter((host) => !host.ipLiteral && host.cnames.length > 0);
    if (aliases.length > 0) {
      findings.push(
        emit('mx/cname-target', {
          message: `MX exchange${plural(aliases)} ${aliases.map((host) => `${host.exchange} (CNAME → ${host.canonical ?? host.cnames.join(' → ')})`).join(', ')} ${aliases.length > 1 ? 'are aliases' : 'is an alias'}; an MX must name a canonical host (RFC 2181 §10.3).`,
          evidence: aliases.map((host) => `${host.exchange} CNAME ${host.cnames.join(' → ')}`),
          fix: {
            summary: 'Point the MX record at the canonical host name instead of the alias',
            records: aliases.map((host) => ({
              action: 'replace' as const,
              name: ctx.domain,
              type: 'MX',
              value: `${host.preference} ${host.canonical ?? host.cnames[host.cnames.length - 1] ?? host.exchange}`,
              current: `${host.preference} ${host.exchange}`,
            })),
          },
        }),
      );
    }

    // RFC 5321 §5.1: an exchange needs an A or AAAA record. NXDOMAIN is about
    // the name, not one type (RFC 8020 §2), so it settles both questions; a
    // failed query settles nothing.
    const unresolvable: MxHost[] = [];
    for (const host of hosts) {
      if (host.ipLiteral || host.ipv4.length > 0 || host.ipv6.length > 0) continue;
      if (isAbsent(host.a, host.aaaa)) unresolvable.push(host);
      else inconclusive.push(`addresses of ${host.exchange}: A ${statusText(host.a.status)}, AAAA ${statusText(host.aaaa.status)}`);
    }
    if (unresolvable.length > 0) {
      const none = hosts.every((host) => host.ipv4.length === 0 && host.ipv6.length === 0);
      const fixRecords: FixRecord[] = unresolvable.map((host) =>
        inDomain(host.canonical ?? host.exchange, ctx.domain)
          ? { action: 'add', name: host.canonical ?? host.exchange, type: 'A', value: '<MAIL-SERVER-IPV4>' }
          : {
              action: 'remove',
              name: ctx.domain,
              type: 'MX',
              value: `${host.preference} ${host.exchange}`,
              current: `${host.preference} ${host.exchange}`,
            },
      );
      // Removing every MX record would leave the domain with none (mx/missing): when no
      // other MX host stays, the records are corrected to the right host name instead.
      const removals = fixRecords.filter((record) => record.action === 'remove');
      const keepsAnMx = answer.records.length > removals.length;
      if (!keepsAnMx) {
        for (const [index, record] of fixRecords.entries()) {
          if (record.action !== 'remove') continue;
          const preference = record.value.split(' ')[0]!;
          fixRecords[index] = { ...record, action: 'replace', value: `${preference} <MAIL-HOST>` };
        }
      }
      const needsHost = !keepsAnMx && removals.length > 0;
      const needsAddress = fixRecords.some((record) => record.action === 'add');
      findings.push(
        emit('mx/unresolvable-target', {
          message: `MX exchange${plural(unresolvable)} ${unresolvable.map((host) => host.exchange).join(', ')} ${unresolvable.length > 1 ? 'have' : 'has'} no A or AAAA record${none ? ': no MX host has an address, so mail to the domain cannot be delivered' : ''}.`,
          evidence: unresolvable.map(
            (host) => `${host.exchange}: A ${answerText(host.a)}, AAAA ${answerText(host.aaaa)}`,
          ),
          fix: {
            summary: needsAddress
              ? 'Publish an address record for each MX host, or remove MX records that name hosts no longer in use'
              : needsHost
                ? 'Correct the MX records to name the host that receives mail for the domain'
                : 'Remove (or correct) the MX records that name hosts without addresses',
            records: fixRecords,
            ...(needsAddress || needsHost
              ? {
                  placeholders: {
                    ...(needsAddress ? { 'MAIL-SERVER-IPV4': "the mail server's IPv4 address (use an AAAA record for IPv6)" } : {}),
                    ...(needsHost ? MAIL_HOST_PLACEHOLDER : {}),
                  },
                }
              : {}),
            notes: [
              'Check each exchange name for typos first: a misspelt provider host name is the usual cause.',
              ...(fixRecords.some((record) => record.action === 'remove')
                ? ['Names outside your domain are fixed in the MX record itself: correct the name to the one your mail provider documents, or remove the record.']
                : []),
            ],
          },
        }),
      );
    }

    // No MX host with an AAAA record. Only concluded when every AAAA answer is
    // conclusive: a timed-out AAAA query might have held one.
    const reachable = hosts.filter((host) => host.ipv4.length > 0 || host.ipv6.length > 0);
    const aaaaFailed = hosts.filter((host) => !host.ipLiteral && isDnsFailure(host.aaaa));
    if (reachable.length > 0 && hosts.every((host) => host.ipv6.length === 0)) {
      if (aaaaFailed.length > 0) {
        facts.ipv6 = `undetermined: AAAA ${aaaaFailed.map((host) => `${host.exchange} ${statusText(host.aaaa.status)}`).join(', ')}`;
      } else {
        const own = reachable.filter((host) => !host.ipLiteral && inDomain(host.canonical ?? host.exchange, ctx.domain));
        findings.push(
          emit('mx/no-ipv6', {
            message: `None of the MX hosts (${reachable.map((host) => host.exchange).join(', ')}) has an IPv6 (AAAA) address; IPv6-only senders cannot deliver mail to ${ctx.domain}.`,
            evidence: reachable.map((host) => `AAAA ${host.exchange}: ${answerText(host.aaaa)}`),
            fix: {
              summary: 'Give the MX hosts IPv6 addresses (AAAA records) once the mail servers accept mail over IPv6',
              ...(own.length > 0
                ? {
                    records: own.map((host) => ({
                      action: 'add' as const,
                      name: host.canonical ?? host.exchange,
                      type: 'AAAA',
                      value: '<MAIL-SERVER-IPV6>',
                    })),
                    placeholders: { 'MAIL-SERVER-IPV6': "the mail server's IPv6 address" },
                  }
                : {}),
              notes: [
                'Publish an AAAA record only for a server that accepts SMTP on that IPv6 address and has reverse DNS for it.',
                ...(own.length < reachable.length ? ['MX hosts run by a provider get IPv6 from the provider.'] : []),
              ],
            },
          }),
        );
      }
    } else if (hosts.some((host) => host.ipv6.length > 0)) {
      facts.ipv6 = true;
    }

    if (inconclusive.length > 0) {
      facts.inconclusive = inconclusive;
      return { findings, facts, inconclusive: `could not resolve ${inconclusive.join('; ')}` };
    }
    return { findings, facts };
  },
});

/** NXDOMAIN or NODATA for both address types, or NXDOMAIN for either (RFC 8020 §2: the name has no records at all). */
function isAbsent(a: DnsAnswer<string>, aaaa: DnsAnswer<string>): boolean {
  const absent = (answer: DnsAnswer<string>) => answer.status === 'nxdomain' || answer.status === 'nodata';
  if (absent(a) && absent(aaaa)) return true;
  return (a.status === 'nxdomain' && aaaa.status !== 'ok') || (aaaa.status === 'nxdomain' && a.status !== 'ok');
}

/** `name` is the domain itself or below it (so its owner can publish records there). */
function inDomain(name: string, domain: string): boolean {
  return name === domain || name.endsWith(`.${domain}`);
}

function recordText(record: MxData): string {
  return `${record.preference} ${record.exchange === '' ? '.' : record.exchange}`;
}

function okRecords(answer: DnsAnswer<string>): string[] {
  return answer.status === 'ok' ? answer.records : [];
}

function statusText(status: DnsStatus): string {
  return status === 'ok' ? 'answered' : status.toUpperCase();
}

function answerText(answer: DnsAnswer<string>): string {
  if (answer.status === 'ok') return answer.records.join(', ');
  return statusText(answer.status);
}

function answerFact(answer: DnsAnswer<unknown>): Record<string, unknown> {
  if (answer.status === 'ok') return { status: answer.status, ttl: answer.ttl, ad: answer.ad, cnames: answer.cnames };
  return { status: answer.status };
}

function hostFact(host: MxHost): Record<string, unknown> {
  return {
    exchange: host.exchange,
    preference: host.preference,
    ipLiteral: host.ipLiteral,
    cnames: host.cnames,
    canonical: host.canonical,
    a: host.a.status,
    aaaa: host.aaaa.status,
    ipv4: host.ipv4,
    ipv6: host.ipv6,
  };
}

function plural(list: readonly unknown[]): string {
  return list.length > 1 ? 's' : '';
}
