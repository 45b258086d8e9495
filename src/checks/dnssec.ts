/**
 * dnssec: is the domain's zone signed and validated (RFC 4033, RFC 4035)?
 *
 * Reads the AD flag of the resolver in use (queries carry the DO bit,
 * RFC 3225) and the DS records at the parent, for the domain's zone and, as
 * facts, for each MX host's zone. When the resolver does not validate, the
 * check says so instead of guessing (see src/lookups/dnssec.ts for the rule).
 */
import { defineCheck } from './define.js';
import { getMxList } from '../lookups/mx-hosts.js';
import { dnssecView, prefetchDnssec, zoneStateText, type ZoneDnssec } from '../lookups/dnssec.js';
import type { Finding } from '../report/schema.js';

function zoneFacts(zone: ZoneDnssec): Record<string, unknown> {
  return {
    name: zone.name,
    zone: zone.zone,
    state: zone.state,
    ad: zone.ad,
    ds: zone.ds.map((ds) => `${ds.keyTag} ${ds.algorithm} ${ds.digestType} ${ds.digest}`),
    dnskeys: zone.dnskeys,
    ...(zone.error ? { error: zone.error } : {}),
  };
}

export const dnssecCheck = defineCheck({
  id: 'dnssec',
  title: 'DNSSEC',
  record: { prefix: '', type: 'DS' },
  description:
    'The domain\'s zone is signed and validates from the root: a validating resolver sets the AD flag (RFC 4035 §3.2.3) and the parent publishes DS records (RFC 4034 §5). MX hosts\' zones are reported as facts.',
  findings: {
    'dnssec/unsigned': {
      severity: 'low',
      title: 'Zone not protected by DNSSEC',
      description:
        'The domain\'s zone is not signed, or is signed without a DS record at the parent, or its DS is not reachable from the root: validating resolvers cannot authenticate its MX, SPF, DMARC or TLSA records, and DANE cannot be used.',
    },
  },

  async run(ctx, emit) {
    // The domain's zone and the resolver probe need no MX answer: under way before it comes.
    prefetchDnssec(ctx, [ctx.domain]);
    const mx = await getMxList(ctx);
    const mxNames = [...new Set(mx.records.map((record) => record.exchange))];
    const view = await dnssecView(ctx, [ctx.domain, ...mxNames]);
    const [domainZone, ...mxZones] = view.zones;
    const zone = domainZone!;
    const facts: Record<string, unknown> = {
      resolverValidates: view.resolverValidates,
      resolvers: [...ctx.dns.servers],
      domain: zoneFacts(zone),
      mxHosts: mxZones.map(zoneFacts),
    };
    const findings: Finding[] = [];

    if (zone.state === 'error') {
      return {
        findings,
        facts,
        inconclusive: `DNSSEC lookups for ${ctx.domain} failed (${zone.error}); from a validating resolver a SERVFAIL can also mean the zone is signed but fails validation`,
      };
    }
    const offline = ctx.options.offline === true;
    if (zone.state === 'unverified') {
      return {
        findings,
        facts,
        inconclusive: offline
          ? `${zone.zone} has DS records in the zone file, which cannot be validated offline: rerun against the published zone with a validating resolver, e.g. --resolver 1.1.1.1`
          : `${zone.zone} publishes DS records but the resolver in use (${ctx.dns.servers.join(', ')}) does not validate DNSSEC (no AD flag): rerun with a validating resolver, e.g. --resolver 1.1.1.1`,
      };
    }
    if (zone.state === 'insecure' || zone.state === 'island' || zone.state === 'unsigned') {
      findings.push(
        emit('dnssec/unsigned', {
          message: `The ${zoneStateText(zone, offline)}${zone.state === 'island' ? ', so validators treat it as unsigned' : ''}`,
          evidence: [
            `${zone.zone} DS: ${zone.ds.length > 0 ? zone.ds.map((ds) => `${ds.keyTag} ${ds.algorithm} ${ds.digestType} ${ds.digest}`).join(', ') : 'none'}`,
            `${zone.zone} DNSKEY: ${zone.dnskeys} record(s)`,
            offline
              ? 'answers read from the zone file (--offline): nothing validated, the parent zone not asked'
              : `AD flag: ${zone.ad ? 'set' : 'not set'}; resolver validates: ${view.resolverValidates ? 'yes' : 'no'} (${ctx.dns.servers.join(', ')})`,
          ],
          fix: {
            summary:
              zone.state === 'island'
                ? `Publish the DS record for ${zone.zone} at the registrar`
                : zone.state === 'insecure'
                  ? `Check the DS record of ${zone.zone} at the registrar and that the parent zone is signed`
                  : `Sign the zone ${zone.zone} and publish its DS record at the registrar`,
            notes: [
              'Most DNS hosts sign a zone with one setting; the registrar then needs the DS record (or the DNSKEY) they show.',
              'The DS record depends on the zone\'s key, so mailcheck cannot give its value.',
            ],
          },
        }),
      );
    }
    return { findings, facts };
  },
});
