/**
 * ptr: forward-confirmed reverse DNS (FCrDNS) for every address of every MX
 * host and for every sending IP named with --ip.
 *
 * Each address needs a PTR record (RFC 1035 §3.5, RFC 3596 §2.5) whose name
 * resolves back to the same address (RFC 8601 §3 "iprev"); large receivers
 * (Gmail, Yahoo) require this of senders and distrust names that look like
 * generic pool names of access networks.
 */
import { defineCheck } from './define.js';
import { getMxHosts } from '../lookups/mx-hosts.js';
import { genericPtrReason, lookupReverse, parseIp, type ReverseLookup } from '../lookups/reverse.js';
import { isDnsFailure } from '../dns/types.js';
import type { Finding, Fix, FixRecord } from '../report/schema.js';

/** Where an address came from. */
interface Subject {
  ip: string;
  version: 4 | 6;
  /** MX hosts (canonical names) that have this address. */
  mxHosts: string[];
  /** Named with --ip. */
  sending: boolean;
}

const SENDING_HOST = '<SENDING-HOST>';

const PTR_NOTES = [
  'PTR records live in the reverse zone (in-addr.arpa / ip6.arpa) of the IP address block, which belongs to whoever holds the block: usually your hosting provider or ISP, often through a "reverse DNS" setting in their control panel or a support request. You cannot publish them in your own zone unless the block is delegated to you.',
  'The PTR name must resolve back to the same address (forward-confirmed reverse DNS); Gmail and Yahoo require this of senders.',
];

export const ptrCheck = defineCheck({
  id: 'ptr',
  title: 'Reverse DNS (PTR)',
  record: { prefix: '', type: 'PTR' },
  description:
    'Every MX host address and every sending IP has a PTR record whose name resolves back to it (forward-confirmed reverse DNS, RFC 8601 §3) and does not look like a generic pool name.',
  findings: {
    'ptr/missing': {
      severity: 'medium',
      title: 'No PTR record',
      description:
        'The address has no PTR record. Many receivers reject or penalise mail from addresses without reverse DNS (Gmail and Yahoo require it of senders).',
    },
    'ptr/mismatch': {
      severity: 'medium',
      title: 'PTR name does not resolve back to the address',
      description:
        'The address has a PTR record, but none of its names resolves back to the address, so reverse DNS is not forward-confirmed (RFC 8601 §3 iprev fails).',
    },
    'ptr/generic': {
      severity: 'low',
      title: 'PTR name looks generic',
      description:
        'The PTR name looks like an automatically generated name for a pool of access addresses (it embeds the IP digits or words such as dynamic, dsl, pool); receivers treat mail from such names as likely from infected home machines.',
    },
  },
  async run(ctx, emit) {
    const mx = await getMxHosts(ctx);
    const subjects = new Map<string, Subject>();
    const add = (text: string, source: { mxHost?: string; sending?: boolean }) => {
      const parsed = parseIp(text);
      if (!parsed) return false;
      const subject = subjects.get(parsed.text) ?? { ip: parsed.text, version: parsed.version, mxHosts: [], sending: false };
      if (source.mxHost && !subject.mxHosts.includes(source.mxHost)) subject.mxHosts.push(source.mxHost);
      if (source.sending) subject.sending = true;
      subjects.set(parsed.text, subject);
      return true;
    };

    // What could not be learnt about the MX hosts' addresses.
    const unknown: string[] = [];
    if (isDnsFailure(mx.answer)) unknown.push(`MX ${ctx.domain}: ${mx.answer.status}`);
    for (const host of mx.hosts) {
      const name = host.canonical ?? host.exchange;
      for (const address of [...host.ipv4, ...host.ipv6]) add(address, { mxHost: name });
      if (host.ipLiteral) continue;
      if (isDnsFailure(host.a)) unknown.push(`A ${host.exchange}: ${host.a.status}`);
      if (isDnsFailure(host.aaaa)) unknown.push(`AAAA ${host.exchange}: ${host.aaaa.status}`);
    }
    const invalidIps: string[] = [];
    for (const ip of ctx.options.ips ?? []) if (!add(ip, { sending: true })) invalidIps.push(ip);

    const facts: Record<string, unknown> = { addresses: [] as unknown[] };
    if (invalidIps.length > 0) facts.invalidIps = invalidIps;
    if (unknown.length > 0) facts.unresolved = unknown;

    if (subjects.size === 0) {
      if (unknown.length > 0) {
        return { findings: [], facts, inconclusive: `could not determine the MX host addresses (${unknown.join('; ')})` };
      }
      const why = mx.nullMx
        ? 'the domain publishes a null MX (it accepts no mail)'
        : mx.answer.status === 'nxdomain'
          ? 'the domain does not exist'
          : mx.hosts.length === 0
            ? 'the domain has no MX record'
            : 'its MX hosts have no addresses';
      return { findings: [], facts, skipped: `no addresses to check: ${why}, and no sending IP was given with --ip` };
    }

    const list = [...subjects.values()];
    const lookups = await Promise.all(list.map((subject) => lookupReverse(ctx, subject.ip)));
    const results = list.map((subject, index) => ({ subject, lookup: lookups[index] as ReverseLookup }));

    const generic = new Map<string, { name: string; reason: string }>();
    for (const { subject, lookup } of results) {
      for (const name of lookup.names) {
        const reason = genericPtrReason(name, subject.ip);
        if (reason) {
          generic.set(subject.ip, { name, reason });
          break;
        }
      }
    }

    facts.addresses = results.map(({ subject, lookup }) => ({
      ip: subject.ip,
      version: subject.version,
      mxHosts: subject.mxHosts,
      sending: subject.sending,
      reverseName: lookup.reverseName,
      ptr: { status: lookup.ptrStatus, names: lookup.names },
      forward: lookup.forward.map((check) => ({ name: check.name, type: check.type, status: check.status, addresses: check.addresses })),
      forwardConfirmed: lookup.outcome === 'confirmed' ? true : lookup.outcome === 'inconclusive' ? null : false,
      confirmedNames: lookup.confirmedNames,
      generic: generic.get(subject.ip) ?? null,
      outcome: lookup.outcome,
      ...(lookup.failure ? { failure: lookup.failure } : {}),
    }));

    const findings: Finding[] = [];
    const missing = results.filter((result) => result.lookup.outcome === 'missing');
    if (missing.length > 0) {
      findings.push(
        emit('ptr/missing', {
          message: `No PTR record for ${missing.map(({ subject }) => `${subject.ip} (${label(subject)})`).join(', ')}.`,
          evidence: missing.map(
            ({ subject, lookup }) => `${subject.ip} (${label(subject)}): PTR ${lookup.reverseName}: ${lookup.ptrStatus.toUpperCase()}`,
          ),
          fix: ptrFix(
            `Ask the owner of the IP address block (your hosting provider or ISP) to publish ${missing.length > 1 ? 'PTR records' : 'a PTR record'} naming the mail host`,
            missing.map(({ subject, lookup }) => ({ subject, lookup, action: 'add' as const })),
          ),
        }),
      );
    }

    const mismatched = results.filter((result) => result.lookup.outcome === 'mismatch');
    if (mismatched.length > 0) {
      findings.push(
        emit('ptr/mismatch', {
          message: `Reverse DNS is not forward-confirmed for ${mismatched.map(({ subject, lookup }) => `${subject.ip} (${label(subject)}; PTR ${lookup.names.join(', ')})`).join(', ')}: no PTR name resolves back to the address.`,
          evidence: mismatched.map(({ subject, lookup }) => {
            const forward = lookup.forward
              .map((check) => `${check.type} ${check.name}: ${check.status === 'ok' ? check.addresses.join(', ') : check.status.toUpperCase()}`)
              .join('; ');
            return `${subject.ip} (${label(subject)}): PTR ${lookup.names.join(', ')}; ${forward}`;
          }),
          fix: mismatchFix(ctx.domain, mismatched),
        }),
      );
    }

    const genericResults = results.filter((result) => generic.has(result.subject.ip));
    if (genericResults.length > 0) {
      findings.push(
        emit('ptr/generic', {
          message: `PTR names that look like generic pool names: ${genericResults.map(({ subject }) => `${subject.ip} → ${generic.get(subject.ip)?.name}`).join(', ')}.`,
          evidence: genericResults.map(({ subject }) => {
            const hit = generic.get(subject.ip);
            return `${subject.ip} (${label(subject)}): PTR ${hit?.name} ${hit?.reason}`;
          }),
          fix: ptrFix(
            'Ask the owner of the IP address block (your hosting provider or ISP) to replace the generic PTR name with the mail host name',
            genericResults.map(({ subject, lookup }) => ({
              subject,
              lookup,
              action: 'replace' as const,
              current: generic.get(subject.ip)?.name,
            })),
          ),
        }),
      );
    }

    const failed = results.filter((result) => result.lookup.outcome === 'inconclusive');
    if (failed.length > 0) {
      facts.inconclusive = failed.map(({ subject, lookup }) => `${subject.ip}: ${lookup.failure ?? 'DNS query failed'}`);
    }
    if (failed.length === results.length) {
      const what = failed.map(({ subject, lookup }) => `${subject.ip} (${lookup.failure ?? 'DNS query failed'})`).join('; ');
      return { findings, facts, inconclusive: `reverse DNS could not be checked for ${what}` };
    }
    return { findings, facts };
  },
});

/** "sending IP", "MX host mx1.example.test", or both. */
function label(subject: Subject): string {
  const parts: string[] = [];
  if (subject.sending) parts.push('sending IP');
  if (subject.mxHosts.length > 0) parts.push(`MX host ${subject.mxHosts.join(', ')}`);
  return parts.join('; ');
}

/** The host name an address's PTR should carry: its MX host, else the sending host placeholder. */
function targetName(subject: Subject): string {
  return subject.mxHosts[0] ?? SENDING_HOST;
}

interface PtrChange {
  subject: Subject;
  lookup: ReverseLookup;
  action: 'add' | 'replace';
  current?: string | undefined;
}

/** A fix made of PTR records to request, plus forward records for sending hosts. */
function ptrFix(summary: string, changes: PtrChange[]): Fix {
  const records: FixRecord[] = [];
  const forward: FixRecord[] = [];
  for (const { subject, lookup, action, current } of changes) {
    const value = targetName(subject);
    records.push({
      action,
      name: lookup.reverseName,
      type: 'PTR',
      value,
      ...(action === 'replace' && current !== undefined ? { current } : {}),
    });
    if (value === SENDING_HOST) {
      forward.push({ action: 'add', name: SENDING_HOST, type: subject.version === 4 ? 'A' : 'AAAA', value: subject.ip });
    }
  }
  const usesPlaceholder = forward.length > 0;
  return {
    summary,
    records: [...records, ...forward],
    ...(usesPlaceholder
      ? {
          placeholders: {
            'SENDING-HOST':
              'a host name under your domain for the sending server (for example mail.<your domain>); publish its A/AAAA record in your zone and use the same name in the server\'s HELO/EHLO',
          },
        }
      : {}),
    notes: PTR_NOTES,
  };
}

/**
 * Mismatch: when the PTR name is under the audited domain, adding its forward
 * record is a change the domain's owner can make alone; otherwise the PTR
 * itself has to change.
 */
function mismatchFix(domain: string, mismatched: Array<{ subject: Subject; lookup: ReverseLookup }>): Fix {
  const own = mismatched.filter(({ lookup }) => lookup.names.some((name) => inDomain(name, domain)));
  const foreign = mismatched.filter((result) => !own.includes(result));
  const base = ptrFix(
    own.length === mismatched.length
      ? 'Publish address records for the PTR names so that they resolve back to the addresses'
      : own.length > 0
        ? 'Publish address records for the PTR names in your domain, and ask the owner of the IP address block (your hosting provider or ISP) to point the other PTR records at host names that resolve back'
        : 'Ask the owner of the IP address block (your hosting provider or ISP) to point the PTR records at host names that resolve back to the addresses',
    foreign.map(({ subject, lookup }) => ({ subject, lookup, action: 'replace' as const, current: lookup.names[0] })),
  );
  const forward: FixRecord[] = own.map(({ subject, lookup }) => ({
    action: 'add',
    name: lookup.names.find((name) => inDomain(name, domain)) ?? '',
    type: subject.version === 4 ? 'A' : 'AAAA',
    value: subject.ip,
  }));
  return {
    ...base,
    records: [...forward, ...(base.records ?? [])],
    notes: [
      ...(own.length > 0 ? ['The A/AAAA records above go in your own zone: they make the existing PTR names resolve back to the addresses.'] : []),
      ...(base.notes ?? []),
    ],
  };
}

function inDomain(name: string, domain: string): boolean {
  return name === domain || name.endsWith(`.${domain}`);
}
