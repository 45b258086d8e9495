/**
 * dnssec: is the domain's zone signed and does it validate from a trust
 * anchor (RFC 4033, RFC 4035)?
 *
 * mailcheck validates the chain itself (src/lookups/dnssec-chain.ts): from
 * the built-in root anchors (and any --trust-anchor) through DS → DNSKEY →
 * RRSIG to the domain's zone, with NSEC/NSEC3 proving an insecure
 * delegation. Where no anchor reaches the zone, or it uses an algorithm
 * mailcheck does not validate, the state comes from the resolver's AD flag
 * (src/lookups/dnssec.ts), and the facts and the summary say so. MX hosts'
 * zones are reported as facts.
 */
import { z } from 'zod';
import { lazySchema } from '../schema/lazy-schema.js';
import { defineCheck } from './define.js';
import { getMxList } from '../lookups/mx-hosts.js';
import { dnssecView, prefetchDnssec, zoneStateText, type ZoneDnssec } from '../lookups/dnssec.js';
import { auditNow, trustAnchors } from '../lookups/dnssec-chain.js';
import { stateSource, validatedZone, validationFacts, type ValidatedZone } from '../lookups/dnssec-validated.js';
import { anchorText } from '../dnssec/anchors.js';
import type { Finding } from '../schema/report.js';

const zoneFacts = lazySchema(() =>
  z.object({
    name: z.string().describe('The name asked about (the domain or an MX host).'),
    zone: z.string().describe('Its zone apex (\'\' when it could not be found).'),
    state: z.enum(['signed', 'insecure', 'island', 'unsigned', 'unverified', 'bogus', 'error']).describe('The zone\'s DNSSEC state, decided as `source` says.'),
    ad: z.boolean().describe('The resolver set the AD flag on the apex\'s SOA or DNSKEY answer (the cross-check).'),
    ds: z.array(z.string()).describe('DS records at the parent: "keytag algorithm digesttype digest".'),
    dnskeys: z.number().describe('Number of DNSKEY records at the apex.'),
    error: z.string().optional().describe('What failed, for state error.'),
    validation: validationFacts(),
    source: stateSource().describe('What decided `state`: "validation" (mailcheck\'s own, from a trust anchor) or "ad-flag" (the resolver\'s AD flag: no trust anchor reaches the zone, or its algorithm is not supported).'),
  }),
);
type ZoneFacts = z.infer<ReturnType<typeof zoneFacts>>;

const dnssecFacts = lazySchema(() =>
  z.object({
    now: z.number().describe('The time signatures were checked against (seconds since the epoch).'),
    resolverValidates: z.boolean().describe('The resolver sets the AD flag (on the root DNSKEY or an answer of this audit).'),
    resolvers: z.array(z.string()).describe('The resolvers in use.'),
    offline: z.boolean().describe('Answers came from zone files or a capture (--offline).'),
    trustAnchors: z.array(z.string()).describe('The trust anchors in use, one record each, with where they come from.'),
    domain: zoneFacts(),
    mxHosts: z.array(zoneFacts()),
  }),
);
type DnssecFacts = z.infer<ReturnType<typeof dnssecFacts>>;

function toZoneFacts({ zone, validation, source }: ValidatedZone): ZoneFacts {
  return {
    name: zone.name,
    zone: zone.zone,
    state: zone.state,
    ad: zone.ad,
    ds: zone.ds.map((ds) => `${ds.keyTag} ${ds.algorithm} ${ds.digestType} ${ds.digest}`),
    dnskeys: zone.dnskeys,
    ...(zone.error ? { error: zone.error } : {}),
    validation,
    source,
  };
}

type UnsignedData = { zone: string; state: string; dnskeys: number; offline: boolean; name: string };
type BogusData = { zone: string; at: string; detail: string };

/** A zone's state in a few words, for the summary. */
function stateWords(zone: ZoneFacts): string {
  switch (zone.state) {
    case 'signed':
      return 'signed and validated';
    case 'unsigned':
      return 'unsigned';
    case 'island':
      return 'DNSKEY without DS at the parent';
    case 'insecure':
      return 'DS published, not validated';
    case 'unverified':
      return 'DS published, resolver does not validate';
    case 'bogus':
      return 'fails DNSSEC validation';
    case 'error':
      return `lookup failed${zone.error ? ` (${zone.error})` : ''}`;
  }
}

/** How the domain's state was decided, in a line (mailcheck's validation, or which AD flag it fell back to). */
export function sourceLine(zone: ZoneFacts, resolvers: readonly string[]): string {
  const { validation } = zone;
  const at = validation.at;
  if (zone.source === 'validation') {
    const anchor = validation.anchor ? ` from the trust anchor ${validation.anchor}` : '';
    if (validation.state === 'secure') return `validated by mailcheck${anchor}`;
    if (validation.state === 'insecure') return `validated by mailcheck${anchor}: insecure delegation at ${at}`;
    if (validation.state === 'bogus') return `validated by mailcheck${anchor}: bogus at ${at}`;
    return `validation stopped at ${at}: ${validation.detail}`;
  }
  const reason = validation.state === 'unsupported' ? `${validation.detail}` : validation.state === 'indeterminate' ? `no trust anchor reaches ${zone.zone || zone.name}` : validation.detail;
  return `${reason}: state from the AD flag of ${resolvers.join(', ')}`;
}

export const dnssecCheck = defineCheck({
  id: 'dnssec',
  title: 'DNSSEC',
  record: { prefix: '', type: 'DS' },
  score: { area: 'receiving', weight: 15 },
  description:
    'The domain\'s zone is signed and validates from a trust anchor: mailcheck follows DS → DNSKEY → RRSIG from the root (RFC 4035 §5), with NSEC/NSEC3 proving an unsigned delegation; where no anchor reaches the zone it reads the resolver\'s AD flag (RFC 4035 §3.2.3). MX hosts\' zones are reported as facts.',
  findings: {
    'dnssec/unsigned': {
      severity: 'low',
      title: 'Zone not protected by DNSSEC',
      description:
        'The domain\'s zone is not signed, or is signed without a DS record at the parent, or its DS is not reachable from the root: validating resolvers cannot authenticate its MX, SPF, DMARC or TLSA records, and DANE cannot be used.',
      message: (data: UnsignedData) =>
        `The ${zoneStateText({ name: data.name, zone: data.zone, state: data.state as ZoneDnssec['state'], ds: [], dnskeys: data.dnskeys, ad: false }, data.offline)}${data.state === 'island' ? ', so validators treat it as unsigned' : ''}`,
    },
    'dnssec/bogus': {
      severity: 'high',
      title: 'Zone fails DNSSEC validation',
      description:
        'The chain of trust to the domain\'s zone is broken: a signature does not verify or has expired, no DNSKEY matches the DS at the parent, or the parent publishes no DS without proving its absence (RFC 4035 §5.5). Validating resolvers answer SERVFAIL for every name in the zone, so senders behind them cannot find the MX and mail is deferred or bounced.',
      message: (data: BogusData) => `DNSSEC validation of ${data.zone} fails at ${data.at}: ${data.detail}`,
    },
  },
  // Built when first read (the JSON Schema, tests), never during an audit.
  get facts() {
    return dnssecFacts();
  },

  async gather(ctx): Promise<DnssecFacts> {
    // The domain's zone and the resolver probe need no MX answer: under way before it comes.
    prefetchDnssec(ctx, [ctx.domain]);
    const now = await auditNow(ctx);
    const mx = await getMxList(ctx);
    const mxNames = [...new Set(mx.records.map((record) => record.exchange))];
    const view = await dnssecView(ctx, [ctx.domain, ...mxNames]);
    const zones = await Promise.all(view.zones.map((zone) => validatedZone(ctx, zone)));
    const [domain, ...mxZones] = zones.map(toZoneFacts);
    return {
      now,
      resolverValidates: view.resolverValidates,
      resolvers: [...ctx.dns.servers],
      offline: ctx.options.offline === true,
      trustAnchors: trustAnchors(ctx).map((anchor) => `${anchorText(anchor)} (${anchor.source})`),
      domain: domain!,
      mxHosts: mxZones,
    };
  },

  judge(facts, emit) {
    const zone = facts.domain;
    const servers = facts.resolvers.join(', ');
    const findings: Finding[] = [];
    if (zone.state === 'error') {
      return {
        findings,
        inconclusive: `DNSSEC lookups for ${facts.domain.name} failed (${zone.error}); from a validating resolver a SERVFAIL can also mean the zone is signed but fails validation`,
      };
    }
    if (zone.state === 'unverified') {
      return {
        findings,
        inconclusive: facts.offline
          ? `${zone.zone} has DS records in the zone file, which cannot be validated offline: rerun against the published zone with a validating resolver, e.g. --resolver 1.1.1.1`
          : `${zone.zone} publishes DS records but the resolver in use (${servers}) does not validate DNSSEC (no AD flag): rerun with a validating resolver, e.g. --resolver 1.1.1.1`,
      };
    }
    const dsText = `${zone.zone} DS: ${zone.ds.length > 0 ? zone.ds.join(', ') : 'none'}`;
    const validationLine = zone.source === 'validation' ? [`mailcheck's validation: ${zone.validation.state} at ${zone.validation.at}: ${zone.validation.detail}`] : [];
    if (zone.state === 'bogus') {
      findings.push(
        emit('dnssec/bogus', {
          data: { zone: zone.zone, at: zone.validation.at, detail: zone.validation.detail },
          evidence: [dsText, `${zone.zone} DNSKEY: ${zone.dnskeys} record(s)`, ...validationLine, `AD flag: ${zone.ad ? 'set' : 'not set'}; resolver validates: ${facts.resolverValidates ? 'yes' : 'no'} (${servers})`],
          fix: {
            summary: `Re-sign the zone ${zone.validation.at} and check that its DS record at the parent matches a current DNSKEY`,
            notes: [
              'Expired signatures mean the signer stopped running: most DNS hosts re-sign automatically once signing is turned back on.',
              'If the zone moved to a DNS host that does not sign, remove the DS record at the registrar first, then wait for its TTL.',
            ],
          },
        }),
      );
    }
    if (zone.state === 'insecure' || zone.state === 'island' || zone.state === 'unsigned') {
      findings.push(
        emit('dnssec/unsigned', {
          data: { name: zone.name, zone: zone.zone, state: zone.state, dnskeys: zone.dnskeys, offline: facts.offline },
          evidence: [
            dsText,
            `${zone.zone} DNSKEY: ${zone.dnskeys} record(s)`,
            ...validationLine,
            facts.offline
              ? 'answers read from the zone file (--offline): nothing validated, the parent zone not asked'
              : `AD flag: ${zone.ad ? 'set' : 'not set'}; resolver validates: ${facts.resolverValidates ? 'yes' : 'no'} (${servers})`,
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
    return { findings };
  },

  summarise(facts) {
    const domain = facts.domain;
    const lines = [`zone ${domain.zone || domain.name || '?'}: ${stateWords(domain)}`];
    // MX hosts' zones other than the domain's, each once, grouped by state.
    const seen = new Set([domain.zone]);
    const byState = new Map<string, string[]>();
    for (const zone of facts.mxHosts) {
      const name = zone.zone || zone.name;
      if (seen.has(name)) continue;
      seen.add(name);
      const state = stateWords(zone);
      byState.set(state, [...(byState.get(state) ?? []), name]);
    }
    for (const [state, zones] of byState) lines.push(`MX host zone${zones.length === 1 ? '' : 's'} ${state}: ${zones.join(', ')}`);
    if (domain.state !== 'error') lines.push(sourceLine(domain, facts.resolvers));
    if (domain.source === 'validation' && facts.resolverValidates && domain.ad !== (domain.validation.state === 'secure')) {
      // The AD flag as a cross-check (RFC 4035 §3.2.3): a validating resolver should agree.
      lines.push(`the resolver's AD flag disagrees: ${domain.ad ? 'set' : 'not set'} on a zone mailcheck finds ${domain.validation.state}`);
    }
    return lines;
  },
});

