/**
 * The dane check's I/O: the TLSA RRset of each MX host, its DNSSEC status
 * (mailcheck's own validation, src/lookups/dnssec-chain.ts; the resolver's
 * AD flag where no trust anchor reaches the zone), and the shared SMTP probes.
 */
import type { CheckContext } from '../../context.js';
import { isDnsFailure, type TlsaData } from '../../dns/types.js';
import { getMxHosts, getMxList } from '../../lookups/mx-hosts.js';
import { getSmtpProbe, hostAddresses } from '../../lookups/smtp-probes.js';
import { dnssecView, recordAuthentication, type ZoneDnssec } from '../../lookups/dnssec.js';
import { auditNow, validateAnswer } from '../../lookups/dnssec-chain.js';
import { matchTlsa, tlsaText, tlsaUsable } from '../../net/tlsa.js';
import { PRE_STARTTLS_STATES, type SmtpProbeResult } from '../../net/types.js';
import type { AddressFacts, DaneFacts, HostFacts } from './facts.js';

function probeAddress(records: readonly TlsaData[], probe: SmtpProbeResult | undefined, address: string, reason: string | undefined): AddressFacts {
  if (!probe) return { address, result: 'untested', matched: [], notes: [], detail: reason ?? 'not probed' };
  if (PRE_STARTTLS_STATES.has(probe.state)) {
    return { address, result: 'untested', matched: [], notes: [], detail: probe.error?.message ?? probe.state };
  }
  const session = probe.session ?? probe.legacy?.session;
  if (!session) {
    // RFC 7672 §2.2: with usable TLSA records TLS is mandatory; without a session there is nothing to authenticate.
    return { address, result: 'no-tls', matched: [], notes: [], detail: `${probe.state}${probe.error ? `: ${probe.error.message}` : ''}` };
  }
  const leaf = session.chain[0];
  const { matched, notes } = matchTlsa(records, session);
  return {
    address,
    result: matched.length > 0 ? 'match' : 'mismatch',
    matched: matched.map(tlsaText),
    notes,
    ...(leaf ? { leaf: { subject: leaf.subject, sha256: leaf.sha256, spkiSha256: leaf.spkiSha256 } } : {}),
  };
}

/** Whether the TLSA RRset is authenticated: mailcheck's validation where it decides, the AD flag otherwise. */
async function authentication(
  ctx: CheckContext,
  input: { tlsaName: string; answer: Awaited<ReturnType<CheckContext['dns']['query']>>; zone: ZoneDnssec | undefined; validates: boolean },
): Promise<Pick<HostFacts, 'dnssec' | 'dnssecReason' | 'validation' | 'source'>> {
  const { tlsaName, answer, zone } = input;
  if (zone && zone.zone !== '' && zone.state !== 'error') {
    const verdict = await validateAnswer(ctx, tlsaName, 'TLSA', answer, zone.zone);
    const validation = { state: verdict.state, at: verdict.zone || '.', anchor: verdict.anchor ?? null, detail: verdict.detail };
    const decided = (dnssec: HostFacts['dnssec'], reason?: string) => ({ dnssec, ...(reason ? { dnssecReason: reason } : {}), validation, source: 'validation' as const });
    // RFC 7672 §2.1.1: secure TLSA records are used; insecure ones ignored; bogus ones make senders defer.
    if (verdict.state === 'secure') return decided('authenticated');
    if (verdict.state === 'insecure') return decided('unauthenticated', `mailcheck's validation: ${verdict.detail}`);
    if (verdict.state === 'bogus') return decided('bogus', `mailcheck's validation: ${verdict.detail}`);
    if (verdict.state === 'error') return decided('unknown', `mailcheck's validation could not finish: ${verdict.detail}`);
    const fallback = recordAuthentication({ ad: answer.status === 'ok' && answer.ad, zone, resolverValidates: input.validates, offline: ctx.options.offline === true, servers: ctx.dns.servers });
    return { dnssec: fallback.state, ...(fallback.state !== 'authenticated' ? { dnssecReason: fallback.reason } : {}), validation, source: 'ad-flag' };
  }
  const fallback = recordAuthentication({ ad: answer.status === 'ok' && answer.ad, zone, resolverValidates: input.validates, offline: ctx.options.offline === true, servers: ctx.dns.servers });
  return { dnssec: fallback.state, ...(fallback.state !== 'authenticated' ? { dnssecReason: fallback.reason } : {}), validation: null, source: 'ad-flag' };
}

export async function gatherDane(ctx: CheckContext): Promise<DaneFacts> {
  const now = await auditNow(ctx);
  const base = { domain: ctx.domain, now, offline: ctx.options.offline === true };
  // The TLSA names need only the MX host names; addresses are awaited below, for the probes.
  const mx = await getMxList(ctx);
  const mxFacts = { status: mx.answer.status, nullMx: mx.nullMx, count: mx.records.length };
  if (isDnsFailure(mx.answer) || mx.nullMx || mx.records.length === 0) return { ...base, mx: mxFacts, resolverValidates: false, hosts: [] };

  const exchanges = [...new Set(mx.records.map((host) => host.exchange))];
  const answers = await Promise.all(
    // RFC 7672 §2.2.1: the TLSA base domain for SMTP is the MX host name, port 25.
    exchanges.map(async (host) => ({ host, tlsaName: `_25._tcp.${host}`, answer: await ctx.dns.query(`_25._tcp.${host}`, 'TLSA') })),
  );
  const published = answers.filter(({ answer }) => answer.status === 'ok');
  const lookupFacts: HostFacts[] = answers.map(({ host, tlsaName, answer }) => ({ host, tlsaName, lookup: answer.status }));
  if (published.length === 0) return { ...base, mx: mxFacts, resolverValidates: false, hosts: lookupFacts };

  const view = await dnssecView(ctx, [ctx.domain, ...published.map(({ host }) => host)]);
  const validates = view.resolverValidates || published.some(({ answer }) => answer.status === 'ok' && answer.ad);
  const probing = ctx.options.offline ? 'offline: SMTP probing needs the network' : ctx.options.smtp === false ? 'SMTP probing is disabled (--no-smtp)' : undefined;
  const resolved = await getMxHosts(ctx);
  const hosts = await Promise.all(
    published.map(async ({ host, tlsaName, answer }): Promise<HostFacts> => {
      const records = answer.status === 'ok' ? answer.records : [];
      const withAddresses = resolved.hosts.find((candidate) => candidate.exchange === host);
      const zone = view.zones.find((candidate) => candidate.name === host);
      const [addresses, auth] = await Promise.all([
        Promise.all(
          (withAddresses ? hostAddresses(withAddresses) : []).map(async (address) =>
            probeAddress(records, probing ? undefined : await getSmtpProbe(ctx, host, address), address, probing),
          ),
        ),
        authentication(ctx, { tlsaName, answer, zone, validates }),
      ]);
      return {
        host,
        tlsaName,
        lookup: answer.status,
        authenticated: auth.dnssec === 'authenticated',
        ...auth,
        records: records.map(tlsaText),
        usable: records.filter(tlsaUsable).map(tlsaText),
        zone: zone?.state ?? null,
        zoneApex: zone?.zone ?? null,
        addresses,
      };
    }),
  );
  return { ...base, mx: mxFacts, resolverValidates: validates, hosts: [...hosts, ...lookupFacts.filter((entry) => entry.lookup !== 'ok')] };
}
