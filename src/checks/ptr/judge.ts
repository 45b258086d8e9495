/**
 * The ptr check's judge: pure, from the facts alone.
 */
import type { Emit, Judgement } from '../define.js';
import { genericPtrReason } from '../../lookups/reverse.js';
import type { Finding, Fix, FixRecord } from '../../schema/report.js';
import type { PtrAddressFacts, PtrFacts } from './facts.js';
import type { PTR_FINDINGS } from './index.js';

const SENDING_HOST = '<SENDING-HOST>';

const PTR_NOTES = [
  'PTR records live in the reverse zone (in-addr.arpa / ip6.arpa) of the IP address block, which belongs to whoever holds the block: usually your hosting provider or ISP, often through a "reverse DNS" setting in their control panel or a support request. You cannot publish them in your own zone unless the block is delegated to you.',
  'The PTR name must resolve back to the same address (forward-confirmed reverse DNS); Gmail and Yahoo require this of senders.',
];

export function judgePtr(facts: PtrFacts, emit: Emit<typeof PTR_FINDINGS>): Judgement {
  const { addresses } = facts;
  if (addresses.length === 0) {
    if (facts.unresolved.length > 0) {
      return { findings: [], inconclusive: `could not determine the MX host addresses (${facts.unresolved.join('; ')})` };
    }
    const why = facts.mx.nullMx
      ? 'the domain publishes a null MX (it accepts no mail)'
      : facts.mx.status === 'nxdomain'
        ? 'the domain does not exist'
        : facts.mx.hosts === 0
          ? 'the domain has no MX record'
          : 'its MX hosts have no addresses';
    return { findings: [], skipped: `no addresses to check: ${why}, and no sending IP was given with --ip` };
  }

  // A name that looks like an access network's pool name, even when forward-confirmed.
  const generic = new Map<string, { name: string; reason: string }>();
  for (const address of addresses) {
    for (const name of address.ptr.names) {
      const reason = genericPtrReason(name, address.ip);
      if (reason) {
        generic.set(address.ip, { name, reason });
        break;
      }
    }
  }

  const findings: Finding[] = [];
  const missing = addresses.filter((address) => address.outcome === 'missing');
  if (missing.length > 0) {
    findings.push(
      emit('ptr/missing', {
        data: { addresses: missing.map((address) => address.ip), roles: missing.map(label) },
        evidence: missing.map((address) => `${address.ip} (${label(address)}): PTR ${address.reverseName}: ${address.ptr.status.toUpperCase()}`),
        fix: ptrFix(
          `Ask the owner of the IP address block (your hosting provider or ISP) to publish ${missing.length > 1 ? 'PTR records' : 'a PTR record'} naming the mail host`,
          missing.map((address) => ({ address, action: 'add' as const })),
        ),
      }),
    );
  }

  const mismatched = addresses.filter((address) => address.outcome === 'mismatch');
  if (mismatched.length > 0) {
    findings.push(
      emit('ptr/mismatch', {
        data: { addresses: mismatched.map((address) => address.ip), roles: mismatched.map(label), ptrNames: mismatched.map((address) => address.ptr.names.join(', ')) },
        evidence: mismatched.map((address) => {
          const forward = address.forward
            .map((check) => `${check.type} ${check.name}: ${check.status === 'ok' ? check.addresses.join(', ') : check.status.toUpperCase()}`)
            .join('; ');
          return `${address.ip} (${label(address)}): PTR ${address.ptr.names.join(', ')}; ${forward}`;
        }),
        fix: mismatchFix(facts.domain, mismatched),
      }),
    );
  }

  const pooled = addresses.filter((address) => generic.has(address.ip));
  if (pooled.length > 0) {
    findings.push(
      emit('ptr/generic', {
        data: { addresses: pooled.map((address) => address.ip), names: pooled.map((address) => generic.get(address.ip)!.name) },
        evidence: pooled.map((address) => {
          const hit = generic.get(address.ip)!;
          return `${address.ip} (${label(address)}): PTR ${hit.name} ${hit.reason}`;
        }),
        fix: ptrFix(
          'Ask the owner of the IP address block (your hosting provider or ISP) to replace the generic PTR name with the mail host name',
          pooled.map((address) => ({ address, action: 'replace' as const, current: generic.get(address.ip)!.name })),
        ),
      }),
    );
  }

  // A failed PTR or forward query concludes nothing for that address; the check is inconclusive only when no address concluded.
  const failed = addresses.filter((address) => address.outcome === 'inconclusive');
  if (failed.length === addresses.length) {
    const what = failed.map((address) => `${address.ip} (${address.failure ?? 'DNS query failed'})`).join('; ');
    return { findings, inconclusive: `reverse DNS could not be checked for ${what}` };
  }
  return { findings };
}

/** "sending IP", "MX host mx1.example.test", or both. */
function label(address: PtrAddressFacts): string {
  const parts: string[] = [];
  if (address.sending) parts.push('sending IP');
  if (address.mxHosts.length > 0) parts.push(`MX host ${address.mxHosts.join(', ')}`);
  return parts.join('; ');
}

/** The host name an address's PTR should carry: its MX host, else the sending host placeholder. */
function targetName(address: PtrAddressFacts): string {
  return address.mxHosts[0] ?? SENDING_HOST;
}

interface PtrChange {
  address: PtrAddressFacts;
  action: 'add' | 'replace';
  current?: string | undefined;
}

/** A fix made of PTR records to request, plus forward records for sending hosts. */
function ptrFix(summary: string, changes: PtrChange[]): Fix {
  const records: FixRecord[] = [];
  const forward: FixRecord[] = [];
  for (const { address, action, current } of changes) {
    const value = targetName(address);
    records.push({ action, name: address.reverseName, type: 'PTR', value, ...(action === 'replace' && current !== undefined ? { current } : {}) });
    if (value === SENDING_HOST) forward.push({ action: 'add', name: SENDING_HOST, type: address.version === 4 ? 'A' : 'AAAA', value: address.ip });
  }
  return {
    summary,
    records: [...records, ...forward],
    ...(forward.length > 0
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
function mismatchFix(domain: string, mismatched: PtrAddressFacts[]): Fix {
  const own = mismatched.filter((address) => address.ptr.names.some((name) => inDomain(name, domain)));
  const foreign = mismatched.filter((address) => !own.includes(address));
  const base = ptrFix(
    own.length === mismatched.length
      ? 'Publish address records for the PTR names so that they resolve back to the addresses'
      : own.length > 0
        ? 'Publish address records for the PTR names in your domain, and ask the owner of the IP address block (your hosting provider or ISP) to point the other PTR records at host names that resolve back'
        : 'Ask the owner of the IP address block (your hosting provider or ISP) to point the PTR records at host names that resolve back to the addresses',
    foreign.map((address) => ({ address, action: 'replace' as const, current: address.ptr.names[0] })),
  );
  const forward: FixRecord[] = own.map((address) => ({
    action: 'add',
    name: address.ptr.names.find((name) => inDomain(name, domain)) ?? '',
    type: address.version === 4 ? 'A' : 'AAAA',
    value: address.ip,
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
