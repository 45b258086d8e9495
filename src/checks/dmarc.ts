/**
 * dmarc: finds the DMARC policy that applies to the domain (its own
 * `_dmarc` record, or by the DNS Tree Walk an inherited one, RFC 9989 §4.10),
 * validates every tag (RFC 7489 §6.3, RFC 9989 §4.7), judges the effective
 * policy, and verifies that external report destinations accept reports
 * (RFC 7489 §7.1).
 */
import type { Finding } from '../report/schema.js';
import { defineCheck } from './define.js';
import { getDmarcPolicy, isInternalDestination, type DmarcPolicy } from '../lookups/dmarc.js';
import type { DmarcReportUri, ParsedDmarcRecord } from '../dmarc/record.js';
import { verifyReportDestination, type ReportAuthorization } from '../dmarc/report-auth.js';
import {
  composedFix,
  inheritedPolicyNoneFix,
  invalidReportUriEdit,
  missingFix,
  multipleRecordsFix,
  noReportingEdit,
  policyNoneEdit,
  policyNoneFixText,
  syntaxErrorEdit,
  syntaxErrorFixText,
  unauthorizedDestinationFix,
  withoutTagsEdit,
  type ComposedFixInput,
  type RecordEdit,
} from '../dmarc/fixes.js';

/** One rua/ruf destination as reported in the facts. */
interface DestinationFact {
  tag: 'rua' | 'ruf';
  uri: string;
  valid: boolean;
  error?: string;
  host?: string;
  /** Outside the Organizational Domain (needs authorisation). */
  external?: boolean;
  /** internal, authorized, unauthorized, inconclusive, or not-checked (no host). */
  authorization?: string;
  /** The name checked for the authorisation record. */
  authorizationName?: string;
  via?: 'exact' | 'wildcard';
}

const quote = (name: string, value: string) => `${name} TXT "${value}"`;

export const dmarcCheck = defineCheck({
  id: 'dmarc',
  title: 'DMARC',
  record: { prefix: '_dmarc.', type: 'TXT' },
  description:
    'Discovers the DMARC policy for the domain (RFC 9989 §4.10 DNS Tree Walk), validates its tags (RFC 7489 §6.3, RFC 9989 §4.7), ' +
    'judges the effective policy for the domain and its subdomains, and verifies external report destinations (RFC 7489 §7.1).',
  findings: {
    'dmarc/missing': {
      severity: 'critical',
      title: 'No DMARC record',
      description: 'Neither the domain nor a parent domain publishes a DMARC record: anyone can send mail in the domain\'s name and receivers have no policy to apply.',
    },
    'dmarc/multiple-records': {
      severity: 'critical',
      title: 'Several DMARC records',
      description: 'The domain publishes more than one DMARC record; receivers discard them all, so the domain has no policy of its own.',
    },
    'dmarc/syntax-error': {
      severity: 'critical',
      title: 'Invalid DMARC record',
      description: 'The DMARC record has duplicate tags, malformed tags or invalid values; receivers may ignore the record or parts of it.',
    },
    'dmarc/policy-none': {
      severity: 'high',
      title: 'DMARC policy is none',
      description: 'The effective policy is p=none (monitoring only): mail failing DMARC is delivered as usual, so the domain is not protected from spoofing.',
    },
    'dmarc/partial-pct': {
      severity: 'medium',
      title: 'DMARC applies to part of the mail',
      description: 'pct below 100 asks receivers to apply the policy to only a share of failing mail (pct is removed in RFC 9989; receivers may ignore it).',
    },
    'dmarc/weak-subdomain-policy': {
      severity: 'medium',
      title: 'Subdomains not protected',
      description: 'sp=none or np=none under an enforcing p leaves subdomains (or non-existent subdomains) open to spoofing.',
    },
    'dmarc/testing-mode': {
      severity: 'low',
      title: 'DMARC in test mode',
      description: 't=y asks receivers not to apply the policy (RFC 9989 §4.7): it is a test, not protection.',
    },
    'dmarc/no-reporting': {
      severity: 'low',
      title: 'No DMARC aggregate reports',
      description: 'Without rua, receivers send no aggregate reports: you cannot see who sends mail as your domain or whether it passes.',
    },
    'dmarc/invalid-report-uri': {
      severity: 'medium',
      title: 'Invalid report address',
      description: 'A rua or ruf entry is not a valid DMARC URI (e.g. a bare address without mailto:); reports to it are not sent.',
    },
    'dmarc/unauthorized-report-destination': {
      severity: 'medium',
      title: 'Report destination not authorised',
      description: 'A report address outside the Organizational Domain has not published the authorisation record of RFC 7489 §7.1; receivers will not send reports there.',
    },
    'dmarc/inherited': {
      severity: 'info',
      title: 'DMARC policy inherited',
      description: 'The domain has no DMARC record of its own; the policy of a parent (Organizational or Public Suffix) domain applies to it.',
    },
    'dmarc/unknown-tag': {
      severity: 'info',
      title: 'Unknown DMARC tag',
      description: 'The record has tags that DMARC does not define; receivers ignore them (often a typo).',
    },
    'dmarc/removed-tag': {
      severity: 'info',
      title: 'Tag removed by RFC 9989',
      description: 'pct, rf and ri were removed from DMARC by RFC 9989; receivers following it ignore them.',
    },
  },
  async run(ctx, emit) {
    const policy = await getDmarcPolicy(ctx);
    const findings: Finding[] = [];
    const domain = policy.domain;
    const ownName = `_dmarc.${domain}`;
    const facts: Record<string, unknown> = baseFacts(policy);

    if (policy.ownRecords.length > 1) {
      findings.push(
        emit('dmarc/multiple-records', {
          message: `${ownName} has ${policy.ownRecords.length} DMARC records; receivers ignore all of them`,
          evidence: policy.ownRecords.map((record) => quote(ownName, record)),
          fix: multipleRecordsFix(domain, policy.ownRecords),
        }),
      );
    }

    if (policy.inconclusive) {
      return { findings, facts, inconclusive: `DMARC discovery did not conclude (${policy.inconclusive})` };
    }

    const record = policy.parsed;
    const recordName = policy.recordName;
    if (!record || !recordName || !policy.foundAt) {
      if (policy.ownRecords.length <= 1) {
        const ignored = policy.ownTxt.filter((txt) => /^\s*v\s*=\s*dmarc/i.test(txt));
        findings.push(
          emit('dmarc/missing', {
            message:
              ignored.length > 0
                ? `No valid DMARC record: ${ownName} holds TXT that does not begin with v=DMARC1, and no parent domain publishes one`
                : `No DMARC record at ${ownName} or at any parent domain (${policy.walk.map((step) => step.name).join(', ')})`,
            evidence: [
              ...policy.walk.map((step) => `${step.name} TXT: ${step.status}${step.txt.length > 0 ? ` (${step.txt.length} non-DMARC record(s))` : ''}`),
              ...ignored.map((txt) => quote(ownName, txt)),
            ],
            fix: missingFix(domain),
          }),
        );
      }
      return { findings, facts };
    }

    const inherited = policy.source !== 'domain';
    const evidence = [quote(recordName, record.raw)];
    // The findings that replace the record at recordName: their fixes are made
    // once all are known, so that each proposes the record with every change.
    const edits: RecordEdit[] = [];
    const composed: Array<{ finding: Finding; edit: RecordEdit; text: () => ComposedFixInput }> = [];
    const replacing = (finding: Finding, edit: RecordEdit, text: ComposedFixInput | (() => ComposedFixInput)): Finding => {
      edits.push(edit);
      composed.push({ finding, edit, text: typeof text === 'function' ? text : () => text });
      return finding;
    };

    if (inherited) {
      findings.push(
        emit('dmarc/inherited', {
          message: `No DMARC record at ${ownName}; the record of ${policy.foundAt} (${policy.source}) applies, giving policy ${policy.policy ?? 'none applied'}`,
          evidence,
        }),
      );
    }

    if (record.errors.length > 0) {
      findings.push(replacing(
        emit('dmarc/syntax-error', {
          message: `DMARC record at ${recordName} is invalid: ${record.errors.map((error) => error.problem).join('; ')}${
            record.errors.some((error) => error.tag === 'p' || error.tag === 'sp' || error.tag === 'np')
              ? `; receivers apply ${policy.policy === null ? 'no DMARC policy' : `p=${policy.policy}`}`
              : ''
          }`,
          evidence: [...evidence, ...record.errors.map((error) => error.problem)],
        }),
        syntaxErrorEdit(record),
        syntaxErrorFixText(recordName, record),
      ));
    }

    // An invalid (or duplicated) p/sp/np is applied as p=none (RFC 9989 §4.10.1); dmarc/syntax-error covers that case.
    const policyTagInvalid = record.errors.some((error) => error.tag === 'p' || error.tag === 'sp' || error.tag === 'np');
    if (policy.policy === 'none' && !policyTagInvalid) {
      const how = inherited
        ? `inherited from ${policy.foundAt} (${policyTagsText(record)})`
        : record.pPresent
          ? 'p=none'
          : 'no p tag (treated as p=none)';
      const finding = emit('dmarc/policy-none', {
        message: `Effective DMARC policy for ${domain} is none: ${how}; failing mail is delivered`,
        evidence,
        // Inherited: the fix is a record of the domain's own, not a change of the parent's.
        ...(inherited ? { fix: inheritedPolicyNoneFix(domain, recordName, record, policy.ownRecords) } : {}),
      });
      findings.push(inherited ? finding : replacing(finding, policyNoneEdit(), () => policyNoneFixText(record, edits)));
    }

    const enforcing = policy.policy === 'quarantine' || policy.policy === 'reject';
    if (record.pct < 100 && enforcing) {
      findings.push(replacing(
        emit('dmarc/partial-pct', {
          message: `pct=${record.pct}: the ${policy.policy} policy is asked for on ${record.pct}% of failing mail only`,
          evidence,
        }),
        withoutTagsEdit('dmarc/partial-pct', ['pct']),
        {
          summary: 'Remove pct so the policy applies to all failing mail',
          notes: ['RFC 9989 removed pct: without it the policy applies to all mail. Use t=y instead while testing.'],
        },
      ));
    }

    if (!inherited && (record.p === 'quarantine' || record.p === 'reject')) {
      const weak = (['sp', 'np'] as const).filter((tag) => record[tag] === 'none');
      if (weak.length > 0) {
        findings.push(replacing(
          emit('dmarc/weak-subdomain-policy', {
            message: `p=${record.p} but ${weak.map((tag) => `${tag}=none`).join(' and ')}: ${weak.includes('sp') ? 'subdomains' : 'non-existent subdomains'} are not protected`,
            evidence,
          }),
          withoutTagsEdit('dmarc/weak-subdomain-policy', weak),
          { summary: `Remove ${weak.map((tag) => `${tag}=none`).join(' and ')} so subdomains inherit p=${record.p}` },
        ));
      }
    }

    if (record.t === 'y') {
      findings.push(replacing(
        emit('dmarc/testing-mode', {
          message: `t=y: receivers are asked not to apply the ${record.p ?? 'none'} policy`,
          evidence,
        }),
        withoutTagsEdit('dmarc/testing-mode', ['t']),
        { summary: 'Remove t=y to apply the policy' },
      ));
    }

    if (!record.tags.some((tag) => tag.name === 'rua')) {
      findings.push(replacing(
        emit('dmarc/no-reporting', {
          message: `DMARC record at ${recordName} has no rua tag: no aggregate reports are sent`,
          evidence,
        }),
        noReportingEdit(),
        { summary: 'Add a rua address to receive DMARC aggregate reports' },
      ));
    }

    const uris = [...record.rua, ...record.ruf];
    const invalidUris = uris.filter((uri) => !uri.valid);
    if (invalidUris.length > 0) {
      findings.push(replacing(
        emit('dmarc/invalid-report-uri', {
          message: `Invalid report URI(s): ${invalidUris.map((uri) => `${uri.tag}=${uri.raw || '(empty)'} (${uri.error})`).join(', ')}`,
          evidence: [...evidence, ...invalidUris.map((uri) => `${uri.tag}: ${uri.raw}`)],
        }),
        invalidReportUriEdit(record),
        { summary: 'Write every report address as a mailto: URI' },
      ));
    }

    const { destinations, authorizations } = await checkDestinations(ctx.dns, policy, uris);
    facts.reportDestinations = destinations;
    const unauthorized = authorizations.filter((auth) => auth.status === 'unauthorized');
    if (unauthorized.length > 0) {
      const hosts = unauthorized.map((auth) => auth.host);
      findings.push(
        emit('dmarc/unauthorized-report-destination', {
          message: `Report destination(s) outside ${policy.organizationalDomain} without authorisation: ${hosts.join(', ')}`,
          evidence: unauthorized.map(
            (auth) => `${auth.name} TXT: ${auth.queries[0].status}; ${auth.wildcardName} TXT: ${auth.queries[1]?.status ?? 'not asked'}`,
          ),
          fix: unauthorizedDestinationFix(policy.foundAt, hosts),
        }),
      );
    }

    if (record.unknownTags.length > 0) {
      findings.push(replacing(
        emit('dmarc/unknown-tag', {
          message: `Unknown tag(s) ignored by receivers: ${record.unknownTags.join(', ')}`,
          evidence,
        }),
        withoutTagsEdit('dmarc/unknown-tag', record.unknownTags),
        { summary: 'Remove the unknown tags (or correct their spelling)' },
      ));
    }

    if (record.removedTags.length > 0) {
      findings.push(replacing(
        emit('dmarc/removed-tag', {
          message: `Tag(s) removed by RFC 9989: ${record.removedTags.map((name) => `${name}=${record.tags.find((tag) => tag.name === name)?.value}`).join(', ')}`,
          evidence,
        }),
        withoutTagsEdit('dmarc/removed-tag', record.removedTags),
        { summary: 'Remove the tags RFC 9989 removed', notes: ['Removing pct below 100 applies the policy to all failing mail.'] },
      ));
    }

    for (const { finding, edit, text } of composed) finding.fix = composedFix(recordName, record, edits, edit, text());

    const failed = authorizations.filter((auth) => auth.status === 'inconclusive');
    if (failed.length > 0) {
      return {
        findings,
        facts,
        inconclusive: `report destination verification failed: ${failed
          .map((auth) => auth.queries.map((query) => `TXT ${query.name}: ${query.status}`).join(', '))
          .join('; ')}`,
      };
    }
    return { findings, facts };
  },
});

function policyTagsText(record: ParsedDmarcRecord): string {
  return (['p', 'sp', 'np'] as const)
    .filter((tag) => record[tag] !== undefined)
    .map((tag) => `${tag}=${record[tag]}`)
    .join(' ');
}

function baseFacts(policy: DmarcPolicy): Record<string, unknown> {
  const record = policy.parsed;
  return {
    record: policy.record,
    recordName: policy.recordName,
    source: policy.source,
    foundAt: policy.foundAt,
    ownRecords: policy.ownRecords,
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
  };
}

async function checkDestinations(
  dns: Parameters<typeof verifyReportDestination>[0],
  policy: DmarcPolicy,
  uris: readonly DmarcReportUri[],
): Promise<{ destinations: DestinationFact[]; authorizations: ReportAuthorization[] }> {
  const policyDomain = policy.foundAt as string;
  const externalHosts = [
    ...new Set(
      uris
        .filter((uri) => uri.valid && uri.host && !isInternalDestination(policy, uri.host))
        .map((uri) => uri.host as string),
    ),
  ];
  const authorizations = await Promise.all(externalHosts.map((host) => verifyReportDestination(dns, policyDomain, host)));
  const byHost = new Map(authorizations.map((auth) => [auth.host, auth]));
  const destinations = uris.map((uri): DestinationFact => {
    const fact: DestinationFact = { tag: uri.tag, uri: uri.raw, valid: uri.valid };
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
  return { destinations, authorizations };
}
