/**
 * dane: DANE for SMTP (RFC 7672, RFC 6698, RFC 7671).
 *
 * For each MX host, the TLSA records at `_25._tcp.<mx>` (RFC 7672 §2.2):
 * they count only when DNSSEC-authenticated (RFC 7672 §2.1), which mailcheck
 * validates itself from a trust anchor (src/lookups/dnssec-chain.ts; the
 * resolver's AD flag where no anchor reaches the zone), and they must match
 * the certificate chain the host actually presented to the shared SMTP probe
 * (usages 2 and 3, selectors 0 and 1, matching types 0, 1 and 2;
 * RFC 7672 §3.1). A mismatch means DANE-aware senders do not deliver.
 *
 * gather (./dane/gather.ts) → facts (./dane/facts.ts) → judge (./dane/judge.ts).
 */
import { defineCheck } from './define.js';
import { daneCatalog } from './dane/catalog.js';
import { daneFacts } from './dane/facts.js';
import { gatherDane } from './dane/gather.js';
import { judgeDane } from './dane/judge.js';

const failed = (status: string) => status !== 'ok' && status !== 'nxdomain' && status !== 'nodata';

export const daneCheck = defineCheck({
  id: 'dane',
  title: 'DANE (TLSA for the MX hosts)',
  record: { prefix: '', type: 'TLSA' },
  score: { area: 'receiving', weight: 10 },
  description:
    'TLSA records at _25._tcp.<mx> are DNSSEC-authenticated (RFC 7672 §2.1) and match the certificate chain each MX host presents (RFC 7672 §3.1: DANE-TA and DANE-EE, selectors 0/1, matching types 0/1/2).',
  findings: daneCatalog,
  // Built when first read (the JSON Schema, tests), never during an audit.
  get facts() {
    return daneFacts();
  },
  gather: gatherDane,
  judge: judgeDane,
  summarise(facts) {
    return facts.hosts.map((host) => {
      const name = host.host;
      if (host.lookup !== 'ok') return `${name}: ${failed(host.lookup) ? `TLSA lookup failed: ${host.lookup}` : 'no TLSA records'}`;
      const records = host.records ?? [];
      const auth =
        host.dnssec === 'authenticated'
          ? 'DNSSEC-authenticated'
          : host.dnssec === 'unauthenticated'
            ? 'not DNSSEC-authenticated'
            : host.dnssec === 'bogus'
              ? 'failing DNSSEC validation'
              : 'authentication unknown';
      const addresses = host.addresses ?? [];
      const results = addresses.map((address) => {
        const shown = address.result === 'no-tls' ? 'no TLS' : address.result === 'untested' ? 'not probed' : address.result;
        return `${address.address} ${shown}`;
      });
      const untested = addresses.filter((address) => address.result === 'untested').map((address) => address.detail);
      const reason = untested.length === addresses.length && untested[0] && untested.every((detail) => detail === untested[0]) ? `: ${untested[0]}` : '';
      return `${name}: ${records.length} TLSA record${records.length === 1 ? '' : 's'}, ${auth}${results.length > 0 ? `; ${results.join(', ')}${reason}` : ''}`;
    });
  },
});
