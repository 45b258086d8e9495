/**
 * ptr: forward-confirmed reverse DNS (FCrDNS) for every address of every MX
 * host and for every sending IP named with --ip.
 *
 * Each address needs a PTR record (RFC 1035 §3.5, RFC 3596 §2.5) whose name
 * resolves back to the same address (RFC 8601 §3 "iprev"); large receivers
 * (Gmail, Yahoo) require this of senders and distrust names that look like
 * generic pool names of access networks.
 */
import { defineCheck, type FindingSpec } from '../define.js';
import { gatherPtr, ptrFactsSchema, type PtrFacts } from './facts.js';
import { judgePtr } from './judge.js';

export type { PtrFacts, PtrAddressFacts } from './facts.js';

/** "ip (role)" for each address: roles say "sending IP", "MX host …", or both. */
const described = (addresses: readonly string[], roles: readonly string[]): string[] => addresses.map((ip, index) => `${ip} (${roles[index]})`);

export const PTR_FINDINGS = {
  'ptr/missing': {
    severity: 'medium',
    title: 'No PTR record',
    description:
      'The address has no PTR record. Many receivers reject or penalise mail from addresses without reverse DNS (Gmail and Yahoo require it of senders).',
    message: (data) => `No PTR record for ${described(data.addresses, data.roles).join(', ')}.`,
  } satisfies FindingSpec<{ addresses: string[]; /** Per address: "sending IP", "MX host …", or both. */ roles: string[] }>,
  'ptr/mismatch': {
    severity: 'medium',
    title: 'PTR name does not resolve back to the address',
    description:
      'The address has a PTR record, but none of its names resolves back to the address, so reverse DNS is not forward-confirmed (RFC 8601 §3 iprev fails).',
    message: (data) =>
      `Reverse DNS is not forward-confirmed for ${data.addresses.map((ip, index) => `${ip} (${data.roles[index]}; PTR ${data.ptrNames[index]})`).join(', ')}: no PTR name resolves back to the address.`,
  } satisfies FindingSpec<{ addresses: string[]; roles: string[]; /** Per address, its PTR names. */ ptrNames: string[] }>,
  'ptr/generic': {
    severity: 'low',
    title: 'PTR name looks generic',
    description:
      'The PTR name looks like an automatically generated name for a pool of access addresses (it embeds the IP digits or words such as dynamic, dsl, pool); receivers treat mail from such names as likely from infected home machines.',
    message: (data) => `PTR names that look like generic pool names: ${data.addresses.map((ip, index) => `${ip} → ${data.names[index]}`).join(', ')}.`,
  } satisfies FindingSpec<{ addresses: string[]; /** Per address, the generic-looking PTR name. */ names: string[] }>,
};

export const ptrCheck = defineCheck({
  id: 'ptr',
  title: 'Reverse DNS (PTR)',
  record: { prefix: '', type: 'PTR' },
  score: { area: 'sending', weight: 10 },
  description:
    'Every MX host address and every sending IP has a PTR record whose name resolves back to it (forward-confirmed reverse DNS, RFC 8601 §3) and does not look like a generic pool name.',
  findings: PTR_FINDINGS,
  // Built when first read (the JSON Schema, tests), never during an audit.
  get facts() {
    return ptrFactsSchema();
  },
  gather: gatherPtr,
  judge: judgePtr,
  summarise: summarisePtr,
});

/** One line per address: its PTR names and whether they resolve back, or how the lookup failed. */
function summarisePtr(facts: PtrFacts): string[] {
  return facts.addresses.map((entry) => {
    const { ip, ptr } = entry;
    const inconclusive = entry.outcome === 'inconclusive' || entry.forwardConfirmed === null;
    if (!ptr.names.length) {
      // A PTR query that timed out or failed says nothing about whether a PTR exists.
      if (ptr.status !== 'ok' && ptr.status !== 'nxdomain' && ptr.status !== 'nodata') return `${ip} → PTR lookup failed: ${ptr.status}`;
      if (inconclusive) return `${ip} → PTR unknown${entry.failure ? ` (${entry.failure})` : ''}`;
      return `${ip} → no PTR`;
    }
    const mark =
      entry.forwardConfirmed === true
        ? ' (forward-confirmed)'
        : entry.forwardConfirmed === false
          ? ' (not forward-confirmed)'
          : ` (forward check failed${entry.failure ? `: ${entry.failure}` : ''})`;
    return `${ip} → ${ptr.names.join(', ')}${mark}`;
  });
}
