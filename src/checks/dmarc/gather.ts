/**
 * The dmarc check's I/O: the applicable policy (shared with bimi), then the
 * authorisation record of every external report destination (RFC 7489 §7.1).
 */
import type { CheckContext } from '../../context.js';
import { getDmarcPolicy, isInternalDestination, type DmarcPolicy } from '../../lookups/dmarc.js';
import { verifyReportDestination } from '../../dmarc/report-auth.js';
import type { DmarcFacts, ReportAuthorizationFact, ReportDestinationFact } from './facts.js';

export async function gatherDmarc(ctx: CheckContext): Promise<DmarcFacts> {
  const policy = await getDmarcPolicy(ctx);
  const facts = baseFacts(policy);
  // Destinations matter only for a record that applies, found by a walk that concluded.
  if (policy.inconclusive || !policy.parsed || !policy.recordName || !policy.foundAt) return facts;
  const uris = [...policy.parsed.rua, ...policy.parsed.ruf];
  const externalHosts = [
    ...new Set(uris.filter((uri) => uri.valid && uri.host && !isInternalDestination(policy, uri.host)).map((uri) => uri.host as string)),
  ];
  const foundAt = policy.foundAt;
  const authorizations = await Promise.all(externalHosts.map((host) => verifyReportDestination(ctx.dns, foundAt, host)));
  facts.reportAuthorizations = authorizations.map((auth): ReportAuthorizationFact => ({
    host: auth.host,
    status: auth.status,
    name: auth.name,
    wildcardName: auth.wildcardName,
    ...(auth.via ? { via: auth.via } : {}),
    queries: auth.queries.map((query) => ({ name: query.name, status: query.status })),
  }));
  const byHost = new Map(authorizations.map((auth) => [auth.host, auth]));
  facts.reportDestinations = uris.map((uri): ReportDestinationFact => {
    const fact: ReportDestinationFact = { tag: uri.tag, uri: uri.raw, valid: uri.valid };
    if (uri.error) fact.error = uri.error;
    if (!uri.valid) return fact;
    if (!uri.host) return { ...fact, authorization: 'not-checked' };
    const auth = byHost.get(uri.host);
    if (!auth) return { ...fact, host: uri.host, external: false, authorization: 'internal' };
    return {
      ...fact,
      host: uri.host,
      external: true,
      authorization: auth.status,
      authorizationName: auth.name,
      ...(auth.via ? { via: auth.via } : {}),
    };
  });
  return facts;
}

function baseFacts(policy: DmarcPolicy): DmarcFacts {
  const record = policy.parsed;
  return {
    domain: policy.domain,
    inconclusive: policy.inconclusive ?? null,
    record: policy.record,
    recordName: policy.recordName,
    source: policy.source,
    foundAt: policy.foundAt,
    ownRecords: policy.ownRecords,
    ownTxt: policy.ownTxt,
    tags: policy.tags,
    errors: record?.errors.map((error) => error.problem) ?? [],
    unknownTags: record?.unknownTags ?? [],
    removedTags: record?.removedTags ?? [],
    policy: policy.policy,
    subdomainPolicy: policy.subdomainPolicy,
    nonExistentSubdomainPolicy: policy.nonExistentSubdomainPolicy,
    subdomainPolicyFrom: policy.subdomainPolicyFrom,
    pct: policy.pct,
    testing: policy.testing,
    enforced: policy.enforced,
    alignment: record ? { dkim: record.adkim, spf: record.aspf } : null,
    organizationalDomain: policy.organizationalDomain,
    organizationalDomainComplete: policy.organizationalDomainComplete,
    domainExists: policy.domainExists,
    walk: policy.walk.map((step) => ({ name: step.name, status: step.status, records: step.txt })),
    reportDestinations: [],
    reportAuthorizations: [],
  };
}
