/**
 * The dkim check's I/O: `_domainkey.<domain>` (RFC 8020), the MX hosts and
 * SPF includes that name the providers, and the selector probes.
 */
import type { CheckContext } from '../../context.js';
import { getMxList } from '../../lookups/mx-hosts.js';
import { planSelectors, spfIncludeTargets } from '../../dkim/selectors.js';
import { orderProbes, probeSelectors } from '../../dkim/probe.js';
import type { DkimFacts } from './facts.js';

export async function gatherDkim(ctx: CheckContext): Promise<DkimFacts> {
  const domain = ctx.domain;
  // RFC 8020 §2: an NXDOMAIN for _domainkey.<domain> proves that no name
  // exists below it, so no selector can hold a key and probing is pointless;
  // NODATA (an empty non-terminal) proves that names exist below it.
  // The MX hosts and SPF includes only order the selectors and name the
  // providers; which selectors are probed does not depend on them, so the
  // probes go out as soon as _domainkey has answered, alongside the MX and TXT queries.
  const given = (plan: { selectors: string[]; sources: Record<string, string> }) =>
    plan.selectors.filter((selector) => plan.sources[selector] === 'option');
  const parentQuery = ctx.dns.query(`_domainkey.${domain}`, 'TXT');
  const early = parentQuery.then((answer) => {
    const all = planSelectors(ctx.options.dkimSelectors, [], [], ctx.options.dkimSelectorsOnly);
    // Selectors given with --dkim-selector are still asked: a selector that answers wins (some servers get RFC 8020 wrong).
    return probeSelectors(ctx.dns, domain, answer.status === 'nxdomain' ? given(all) : all.selectors);
  });
  const [parent, mx, txt, earlyProbes] = await Promise.all([parentQuery, getMxList(ctx), ctx.dns.query(domain, 'TXT'), early]);
  const mxHosts = mx.records.map((record) => record.exchange);
  const spfIncludes = txt.status === 'ok' ? spfIncludeTargets(txt.records.map((strings) => strings.join(''))) : [];
  const plan = planSelectors(ctx.options.dkimSelectors, mxHosts, spfIncludes, ctx.options.dkimSelectorsOnly);
  const toProbe = parent.status === 'nxdomain' ? given(plan) : plan.selectors;
  const probes = await orderProbes(ctx.dns, domain, toProbe, earlyProbes);

  return {
    domain,
    domainkey: parent.status,
    selectorsOnly: ctx.options.dkimSelectorsOnly === true,
    selectorsProbed: toProbe,
    selectorSources: plan.selectors.map((selector) => ({ selector, source: plan.sources[selector]! })),
    providers: plan.providers,
    mxHosts,
    spfIncludes,
    invalidSelectors: plan.invalid,
    probes: probes.map((probe) => ({ selector: probe.selector, name: probe.name, status: probe.status, found: probe.found && probe.record !== undefined })),
    keys: probes.flatMap((probe) => {
      if (!probe.found || probe.record === undefined) return [];
      const record = probe.record;
      return [
        {
          selector: probe.selector,
          name: probe.name,
          cnames: probe.cnames,
          cnameTarget: probe.cnameTarget ?? null,
          record: record.raw,
          recordCount: probe.recordCount,
          version: record.version ?? null,
          keyType: record.key?.type ?? record.keyType,
          bits: record.key?.bits ?? null,
          keyEncoding: record.key?.encoding ?? null,
          hashAlgorithms: record.hashAlgorithms ?? null,
          services: record.services,
          flags: record.flags,
          testing: record.flags.includes('y'),
          revoked: record.revoked,
          errors: record.errors,
        },
      ];
    }),
  };
}
