/**
 * The mx check's judge: pure, from the facts alone.
 */
import type { Emit, Judgement } from '../define.js';
import type { DnsStatus } from '../../dns/types.js';
import type { Finding, Fix, FixRecord } from '../../schema/report.js';
import type { MxFacts, MxHostFacts } from './facts.js';
import type { MX_FINDINGS } from './index.js';

const MAIL_HOST_PLACEHOLDER = {
  'MAIL-HOST': 'the host name of the server that receives mail for the domain (it must have an A/AAAA record, not a CNAME)',
};

type MxRecordFacts = MxFacts['records'][number];

export function judgeMx(facts: MxFacts, emit: Emit<typeof MX_FINDINGS>): Judgement {
  const { domain } = facts;
  const findings: Finding[] = [];
  const status = facts.mx.status;

  // A failed MX query says nothing about whether MX records exist.
  if (status === 'servfail' || status === 'refused' || status === 'timeout') {
    return { findings, inconclusive: `MX query for ${domain} failed: ${statusText(status)}` };
  }

  if (status === 'nxdomain') {
    findings.push(
      emit('mx/missing', {
        data: { domain, reason: 'nxdomain', addresses: [], a: null, aaaa: null },
        evidence: [`MX ${domain}: NXDOMAIN`],
        fix: nxdomainFix(domain),
      }),
    );
    return { findings };
  }

  if (status === 'nodata') {
    // RFC 5321 §5.1: with no MX records, the domain itself is treated as an
    // implicit MX of preference 0; senders deliver to its A/AAAA addresses.
    const implicit = facts.implicitMx ?? { a: { status: 'timeout' as const }, aaaa: { status: 'timeout' as const }, ipv4: [], ipv6: [] };
    const addresses = [...implicit.ipv4, ...implicit.ipv6];
    const reason = addresses.length > 0 ? 'fallback' : isFailure(implicit.a.status) || isFailure(implicit.aaaa.status) ? 'undetermined' : 'no-address';
    findings.push(
      emit('mx/missing', {
        data: { domain, reason, addresses, a: statusText(implicit.a.status), aaaa: statusText(implicit.aaaa.status) },
        evidence: [
          `MX ${domain}: NODATA`,
          `A ${domain}: ${answerText(implicit.a.status, implicit.ipv4)}`,
          `AAAA ${domain}: ${answerText(implicit.aaaa.status, implicit.ipv6)}`,
        ],
        fix: noMxFix(domain),
      }),
    );
    return { findings };
  }

  const nullRecords = facts.records.filter((record) => record.exchange === '.');
  if (facts.nullMx) {
    // RFC 7505 §3: the null MX has preference 0; other values are still a null MX.
    findings.push(
      emit('mx/null-mx', {
        data: { domain, mixed: false, records: nullRecords.map(recordText), preferenceNotZero: nullRecords.some((record) => record.preference !== 0) },
        evidence: nullRecords.map((record) => `MX ${domain}: ${recordText(record)}`),
        fix: {
          summary: `Replace the null MX with an MX record naming your mail server, if ${domain} sends or receives mail`,
          records: [{ action: 'replace', name: domain, type: 'MX', value: '10 <MAIL-HOST>', current: '0 .' }],
          placeholders: MAIL_HOST_PLACEHOLDER,
          notes: ['If the domain deliberately sends and receives no mail, the null MX is correct: keep it and ignore this finding.'],
        },
      }),
    );
    return { findings };
  }

  if (facts.nullMxMixed) {
    // RFC 7505 §3: "A domain that advertises a null MX MUST NOT advertise any other MX RR."
    const others = facts.records.filter((record) => record.exchange !== '.');
    findings.push(
      emit('mx/null-mx', {
        data: { domain, mixed: true, records: others.map(recordText), preferenceNotZero: false },
        evidence: facts.records.map((record) => `MX ${domain}: ${recordText(record)}`),
        fix: {
          summary: 'Remove the null MX record',
          records: nullRecords.map((record) => ({ action: 'remove' as const, name: domain, type: 'MX', value: recordText(record), current: recordText(record) })),
          notes: [`If ${domain} is meant to accept no mail, remove the other MX records instead and keep only ${domain} MX 0 .`],
        },
      }),
    );
  }

  const hosts = facts.hosts;
  const inconclusive: string[] = [];

  // RFC 1035 §3.3.9 / RFC 5321 §2.3.5: the exchange is a domain name, never an address.
  const literals = hosts.filter((host) => host.ipLiteral);
  if (literals.length > 0) {
    findings.push(
      emit('mx/ip-literal', {
        data: { exchanges: literals.map((host) => host.exchange) },
        evidence: literals.map((host) => `MX ${domain}: ${host.preference} ${host.exchange}`),
        fix: literalFix(domain, hosts, literals),
      }),
    );
  }

  // RFC 2181 §10.3: the MX target must not be an alias.
  const aliases = hosts.filter((host) => !host.ipLiteral && host.cnames.length > 0);
  if (aliases.length > 0) {
    findings.push(
      emit('mx/cname-target', {
        data: { exchanges: aliases.map((host) => host.exchange), targets: aliases.map((host) => host.canonical ?? host.cnames.join(' → ')) },
        evidence: aliases.map((host) => `${host.exchange} CNAME ${host.cnames.join(' → ')}`),
        fix: {
          summary: 'Point the MX record at the canonical host name instead of the alias',
          records: aliases.map((host) => ({
            action: 'replace' as const,
            name: domain,
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
  const unresolvable: MxHostFacts[] = [];
  for (const host of hosts) {
    if (host.ipLiteral || host.ipv4.length > 0 || host.ipv6.length > 0) continue;
    if (isAbsent(host.a, host.aaaa)) unresolvable.push(host);
    else inconclusive.push(`addresses of ${host.exchange}: A ${statusText(host.a)}, AAAA ${statusText(host.aaaa)}`);
  }
  if (unresolvable.length > 0) {
    findings.push(
      emit('mx/unresolvable-target', {
        data: { exchanges: unresolvable.map((host) => host.exchange), noHostHasAddress: hosts.every((host) => host.ipv4.length === 0 && host.ipv6.length === 0) },
        evidence: unresolvable.map((host) => `${host.exchange}: A ${answerText(host.a, host.ipv4)}, AAAA ${answerText(host.aaaa, host.ipv6)}`),
        fix: unresolvableFix(domain, facts.records.length, unresolvable),
      }),
    );
  }

  // No MX host with an AAAA record, concluded only when every AAAA answer is conclusive.
  const reachable = hosts.filter((host) => host.ipv4.length > 0 || host.ipv6.length > 0);
  const aaaaFailed = hosts.some((host) => !host.ipLiteral && isFailure(host.aaaa));
  if (reachable.length > 0 && hosts.every((host) => host.ipv6.length === 0) && !aaaaFailed) {
    const own = reachable.filter((host) => !host.ipLiteral && inDomain(host.canonical ?? host.exchange, domain));
    findings.push(
      emit('mx/no-ipv6', {
        data: { domain, hosts: reachable.map((host) => host.exchange) },
        evidence: reachable.map((host) => `AAAA ${host.exchange}: ${answerText(host.aaaa, host.ipv6)}`),
        fix: {
          summary: 'Give the MX hosts IPv6 addresses (AAAA records) once the mail servers accept mail over IPv6',
          ...(own.length > 0
            ? {
                records: own.map((host) => ({ action: 'add' as const, name: host.canonical ?? host.exchange, type: 'AAAA', value: '<MAIL-SERVER-IPV6>' })),
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

  if (inconclusive.length > 0) return { findings, inconclusive: `could not resolve ${inconclusive.join('; ')}` };
  return { findings };
}

function nxdomainFix(domain: string): Fix {
  return {
    summary: `Create ${domain} in DNS and publish an MX record naming the mail server`,
    records: [{ action: 'add', name: domain, type: 'MX', value: '10 <MAIL-HOST>' }],
    placeholders: MAIL_HOST_PLACEHOLDER,
    notes: [
      `The name ${domain} does not exist: check it for typos, and that the domain is registered and delegated to name servers that serve it.`,
      `If the domain is not meant to send or receive mail, publish a null MX instead: ${domain} MX 0 . (RFC 7505).`,
    ],
  };
}

function noMxFix(domain: string): Fix {
  return {
    summary: `Publish an MX record naming the server that receives mail for ${domain}`,
    records: [{ action: 'add', name: domain, type: 'MX', value: '10 <MAIL-HOST>' }],
    placeholders: MAIL_HOST_PLACEHOLDER,
    notes: [
      'Without an MX record, senders deliver to the domain\'s own A/AAAA address (RFC 5321 §5.1), usually a web server.',
      `If the domain sends and receives no mail, publish a null MX instead: ${domain} MX 0 . (RFC 7505). Senders then stop trying at once, and receivers can reject mail forged with this domain.`,
    ],
  };
}

/** A host name under the domain for each literal (mx1, mx2 … not yet taken), and the MX pointed at it. */
function literalFix(domain: string, hosts: readonly MxHostFacts[], literals: readonly MxHostFacts[]): Fix {
  const taken = new Set(hosts.map((host) => host.exchange));
  const records: FixRecord[] = [];
  let counter = 1;
  for (const host of literals) {
    while (taken.has(`mx${counter}.${domain}`)) counter += 1;
    const name = `mx${counter}.${domain}`;
    taken.add(name);
    records.push({ action: 'add', name, type: host.exchange.includes(':') ? 'AAAA' : 'A', value: host.exchange });
    records.push({ action: 'replace', name: domain, type: 'MX', value: `${host.preference} ${name}`, current: `${host.preference} ${host.exchange}` });
  }
  return {
    summary: 'Give each MX server a host name with an address record and name it in the MX record',
    records,
    notes: ['Any host name under your control works; the names above are suggestions.'],
  };
}

function unresolvableFix(domain: string, recordCount: number, unresolvable: readonly MxHostFacts[]): Fix {
  const records: FixRecord[] = unresolvable.map((host) =>
    inDomain(host.canonical ?? host.exchange, domain)
      ? { action: 'add', name: host.canonical ?? host.exchange, type: 'A', value: '<MAIL-SERVER-IPV4>' }
      : { action: 'remove', name: domain, type: 'MX', value: `${host.preference} ${host.exchange}`, current: `${host.preference} ${host.exchange}` },
  );
  // Removing every MX record would leave the domain with none (mx/missing): when no
  // other MX host stays, the records are corrected to the right host name instead.
  const removals = records.filter((record) => record.action === 'remove');
  const keepsAnMx = recordCount > removals.length;
  if (!keepsAnMx) {
    for (const [index, record] of records.entries()) {
      if (record.action !== 'remove') continue;
      const preference = record.value.split(' ')[0]!;
      records[index] = { ...record, action: 'replace', value: `${preference} <MAIL-HOST>` };
    }
  }
  const needsHost = !keepsAnMx && removals.length > 0;
  const needsAddress = records.some((record) => record.action === 'add');
  return {
    summary: needsAddress
      ? 'Publish an address record for each MX host, or remove MX records that name hosts no longer in use'
      : needsHost
        ? 'Correct the MX records to name the host that receives mail for the domain'
        : 'Remove (or correct) the MX records that name hosts without addresses',
    records,
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
      ...(records.some((record) => record.action === 'remove')
        ? ['Names outside your domain are fixed in the MX record itself: correct the name to the one your mail provider documents, or remove the record.']
        : []),
    ],
  };
}

function isFailure(status: DnsStatus): boolean {
  return status === 'servfail' || status === 'refused' || status === 'timeout';
}

/** NXDOMAIN or NODATA for both address types, or NXDOMAIN for either (RFC 8020 §2: the name has no records at all). */
function isAbsent(a: DnsStatus, aaaa: DnsStatus): boolean {
  const absent = (status: DnsStatus) => status === 'nxdomain' || status === 'nodata';
  if (absent(a) && absent(aaaa)) return true;
  return (a === 'nxdomain' && aaaa !== 'ok') || (aaaa === 'nxdomain' && a !== 'ok');
}

/** `name` is the domain itself or below it (so its owner can publish records there). */
function inDomain(name: string, domain: string): boolean {
  return name === domain || name.endsWith(`.${domain}`);
}

function recordText(record: MxRecordFacts): string {
  return `${record.preference} ${record.exchange}`;
}

export function statusText(status: DnsStatus): string {
  return status === 'ok' ? 'answered' : status.toUpperCase();
}

function answerText(status: DnsStatus, records: readonly string[]): string {
  return status === 'ok' ? records.join(', ') : statusText(status);
}
