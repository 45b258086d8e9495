/**
 * The dmarc check's judgement (pure): the effective policy for the domain and
 * its subdomains, the applicable record's tags (RFC 7489 §6.3, RFC 9989
 * §4.7), and its report destinations (RFC 7489 §7.1). The fixes that
 * replace the applicable record are composed, so that each proposes the
 * record with every change.
 */
import type { Finding } from '../../schema/report.js';
import type { Emit, Judgement } from '../define.js';
import { parseDmarcRecord, type ParsedDmarcRecord } from '../../dmarc/record.js';
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
} from '../../dmarc/fixes.js';
import type { DmarcCatalog } from './findings.js';
import type { DmarcFacts } from './facts.js';

const quote = (name: string, value: string) => `${name} TXT "${value}"`;

export function judgeDmarc(facts: DmarcFacts, emit: Emit<DmarcCatalog>): Judgement {
  const findings: Finding[] = [];
  const domain = facts.domain;
  const ownName = `_dmarc.${domain}`;

  if (facts.ownRecords.length > 1) {
    findings.push(
      emit('dmarc/multiple-records', {
        data: { recordName: ownName, count: facts.ownRecords.length },
        evidence: facts.ownRecords.map((record) => quote(ownName, record)),
        fix: multipleRecordsFix(domain, facts.ownRecords),
      }),
    );
  }

  if (facts.inconclusive !== null) {
    return { findings, inconclusive: `DMARC discovery did not conclude (${facts.inconclusive})` };
  }

  const recordName = facts.recordName;
  const foundAt = facts.foundAt;
  if (facts.record === null || recordName === null || foundAt === null) {
    if (facts.ownRecords.length <= 1) {
      const ignored = facts.ownTxt.filter((txt) => /^\s*v\s*=\s*dmarc/i.test(txt));
      findings.push(
        emit('dmarc/missing', {
          data: { recordName: ownName, ignored: ignored.length > 0, walked: facts.walk.map((step) => step.name) },
          evidence: [
            ...facts.walk.map((step) => `${step.name} TXT: ${step.status}${step.records.length > 0 ? ` (${step.records.length} non-DMARC record(s))` : ''}`),
            ...ignored.map((txt) => quote(ownName, txt)),
          ],
          fix: missingFix(domain),
        }),
      );
    }
    return { findings };
  }

  // The record is data: parsing it again gives what discovery parsed.
  const record = parseDmarcRecord(facts.record);
  const inherited = facts.source !== 'domain';
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
        data: { recordName: ownName, foundAt, source: facts.source ?? '', policy: facts.policy },
        evidence,
      }),
    );
  }

  // An invalid (or duplicated) p/sp/np is applied as p=none (RFC 9989 §4.10.1); dmarc/syntax-error covers that case.
  const policyTagInvalid = record.errors.some((error) => error.tag === 'p' || error.tag === 'sp' || error.tag === 'np');
  if (record.errors.length > 0) {
    findings.push(replacing(
      emit('dmarc/syntax-error', {
        data: { recordName, problems: record.errors.map((error) => error.problem), policyTagInvalid, policy: facts.policy },
        evidence: [...evidence, ...record.errors.map((error) => error.problem)],
      }),
      syntaxErrorEdit(record),
      syntaxErrorFixText(recordName, record),
    ));
  }

  if (facts.policy === 'none' && !policyTagInvalid) {
    const finding = emit('dmarc/policy-none', {
      data: { domain, inheritedFrom: inherited ? foundAt : null, policyTags: policyTagsText(record), pPresent: record.pPresent },
      evidence,
      // Inherited: the fix is a record of the domain's own, not a change of the parent's.
      ...(inherited ? { fix: inheritedPolicyNoneFix(domain, recordName, record, facts.ownRecords) } : {}),
    });
    findings.push(inherited ? finding : replacing(finding, policyNoneEdit(), () => policyNoneFixText(record, edits)));
  }

  const enforcing = facts.policy === 'quarantine' || facts.policy === 'reject';
  if (record.pct < 100 && enforcing) {
    findings.push(replacing(
      emit('dmarc/partial-pct', { data: { pct: record.pct, policy: facts.policy! }, evidence }),
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
        emit('dmarc/weak-subdomain-policy', { data: { p: record.p, weak: [...weak] }, evidence }),
        withoutTagsEdit('dmarc/weak-subdomain-policy', weak),
        { summary: `Remove ${weak.map((tag) => `${tag}=none`).join(' and ')} so subdomains inherit p=${record.p}` },
      ));
    }
  }

  if (record.t === 'y') {
    findings.push(replacing(
      emit('dmarc/testing-mode', { data: { p: record.p ?? null }, evidence }),
      withoutTagsEdit('dmarc/testing-mode', ['t']),
      { summary: 'Remove t=y to apply the policy' },
    ));
  }

  if (!record.tags.some((tag) => tag.name === 'rua')) {
    findings.push(replacing(
      emit('dmarc/no-reporting', { data: { recordName }, evidence }),
      noReportingEdit(),
      { summary: 'Add a rua address to receive DMARC aggregate reports' },
    ));
  }

  const invalidUris = [...record.rua, ...record.ruf].filter((uri) => !uri.valid);
  if (invalidUris.length > 0) {
    findings.push(replacing(
      emit('dmarc/invalid-report-uri', {
        data: { tags: invalidUris.map((uri) => uri.tag), uris: invalidUris.map((uri) => uri.raw), problems: invalidUris.map((uri) => uri.error ?? '') },
        evidence: [...evidence, ...invalidUris.map((uri) => `${uri.tag}: ${uri.raw}`)],
      }),
      invalidReportUriEdit(record),
      { summary: 'Write every report address as a mailto: URI' },
    ));
  }

  const unauthorized = facts.reportAuthorizations.filter((auth) => auth.status === 'unauthorized');
  if (unauthorized.length > 0) {
    const hosts = unauthorized.map((auth) => auth.host);
    findings.push(
      emit('dmarc/unauthorized-report-destination', {
        data: { organizationalDomain: facts.organizationalDomain, hosts },
        evidence: unauthorized.map((auth) => `${auth.name} TXT: ${auth.queries[0]?.status}; ${auth.wildcardName} TXT: ${auth.queries[1]?.status ?? 'not asked'}`),
        fix: unauthorizedDestinationFix(foundAt, hosts),
      }),
    );
  }

  if (record.unknownTags.length > 0) {
    findings.push(replacing(
      emit('dmarc/unknown-tag', { data: { tags: record.unknownTags }, evidence }),
      withoutTagsEdit('dmarc/unknown-tag', record.unknownTags),
      { summary: 'Remove the unknown tags (or correct their spelling)' },
    ));
  }

  if (record.removedTags.length > 0) {
    findings.push(replacing(
      emit('dmarc/removed-tag', {
        data: { tags: record.removedTags, values: record.removedTags.map((name) => record.tags.find((tag) => tag.name === name)?.value ?? '') },
        evidence,
      }),
      withoutTagsEdit('dmarc/removed-tag', record.removedTags),
      { summary: 'Remove the tags RFC 9989 removed', notes: ['Removing pct below 100 applies the policy to all failing mail.'] },
    ));
  }

  for (const { finding, edit, text } of composed) finding.fix = composedFix(recordName, record, edits, edit, text());

  const failed = facts.reportAuthorizations.filter((auth) => auth.status === 'inconclusive');
  if (failed.length > 0) {
    return {
      findings,
      inconclusive: `report destination verification failed: ${failed
        .map((auth) => auth.queries.map((query) => `TXT ${query.name}: ${query.status}`).join(', '))
        .join('; ')}`,
    };
  }
  return { findings };
}

function policyTagsText(record: ParsedDmarcRecord): string {
  return (['p', 'sp', 'np'] as const)
    .filter((tag) => record[tag] !== undefined)
    .map((tag) => `${tag}=${record[tag]}`)
    .join(' ');
}
