/**
 * The bimi check's judge: pure, from the facts alone (the record is parsed
 * again here: parsing is pure).
 */
import type { Emit, Judgement } from '../define.js';
import type { Finding, Fix } from '../../schema/report.js';
import { correctedRecord, parseBimiRecord, type BimiRecord } from '../../bimi/record.js';
import { bimiDmarcFix, bimiDmarcProblems, type BimiDmarcView } from '../../bimi/requirements.js';
import { parseDmarcRecord } from '../../dmarc/record.js';
import { failed, type BimiFacts } from './facts.js';
import type { BIMI_FINDINGS } from './index.js';

const LOGO_PLACEHOLDER = '<LOGO-URL>';
const VMC_PLACEHOLDER = '<VMC-URL>';
const PLACEHOLDER_HELP = {
  'LOGO-URL': 'The https URL of your logo as an SVG Tiny PS file (square, with a <title>, at most 32 KB).',
  'VMC-URL': 'The https URL of the PEM file of your Verified Mark Certificate or Common Mark Certificate (leaf first).',
};

type Fetched = NonNullable<BimiFacts['logo'] | BimiFacts['certificate']>;

/** "dns-error: getaddrinfo … (CODE)", as a failed fetch is described. */
function fetchFailure(fetched: Fetched): string | null {
  if (fetched.fetch === 'ok') return null;
  return `${fetched.fetch}: ${fetched.error ?? ''}${fetched.code ? ` (${fetched.code})` : ''}`;
}

export function judgeBimi(facts: BimiFacts, emit: Emit<typeof BIMI_FINDINGS>): Judgement {
  const findings: Finding[] = [];
  const inconclusive: string[] = [];
  const [first, org] = facts.lookups;
  if (!first || failed(first.status)) return { findings, inconclusive: `TXT ${first?.name ?? facts.domain}: ${first?.status ?? 'not asked'}` };
  const dmarc = facts.dmarc;
  if (facts.recordName === null) {
    if (org && failed(org.status)) return { findings, inconclusive: `TXT ${org.name}: ${org.status}` };
    // Without the Organizational Domain its fallback record cannot be asked for: not "missing".
    return { findings, inconclusive: `no BIMI record at ${first.name}, and the Organizational Domain is undetermined (${dmarc?.inconclusive ?? 'DMARC lookup failed'})` };
  }
  const lookup = facts.lookups.find((entry) => entry.name === facts.recordName) ?? first;

  if (facts.foundAt === null) {
    const name = `${facts.selector}._bimi.${facts.domain}`;
    findings.push(
      emit('bimi/missing', {
        data: { names: facts.lookups.map((entry) => entry.name), statuses: facts.lookups.map((entry) => entry.status) },
        evidence: facts.lookups.map((entry) => `TXT ${entry.name}: ${entry.status}${entry.txt.length > 0 ? ` — ${entry.txt.join(' | ')}` : ''}`),
        fix: {
          summary: `Publish a BIMI record at ${name}`,
          records: [{ action: 'add', name, type: 'TXT', value: `v=BIMI1; l=${LOGO_PLACEHOLDER}; a=${VMC_PLACEHOLDER}` }],
          placeholders: PLACEHOLDER_HELP,
          notes: [
            'BIMI needs DMARC at enforcement (p=quarantine at 100% or p=reject) first.',
            'Without a mark certificate leave a= out: Yahoo may show the logo, Gmail and Apple will not.',
          ],
        },
      }),
    );
    return { findings };
  }

  // BIMI §7.2 step 9: several records, and receivers use none.
  if (lookup.bimi.length > 1) {
    findings.push(
      emit('bimi/invalid-record', {
        data: { name: lookup.name, count: lookup.bimi.length, errors: [] },
        evidence: lookup.bimi.map((record) => `TXT ${lookup.name}: ${record}`),
        fix: {
          summary: `Keep one BIMI record at ${lookup.name}`,
          records: lookup.bimi.slice(1).map((value) => ({ action: 'remove' as const, name: lookup.name, type: 'TXT', value, current: value })),
        },
      }),
    );
    return { findings };
  }

  const raw = facts.record ?? '';
  const record = parseBimiRecord(raw);
  if (record.errors.length > 0) {
    findings.push(
      emit('bimi/invalid-record', {
        data: { name: lookup.name, count: 1, errors: record.errors },
        evidence: [`TXT ${lookup.name}: ${raw}`, ...record.errors],
        fix: invalidRecordFix(lookup.name, record),
      }),
    );
    // Receivers discard an invalid record (BIMI §4.3: "If a required tag is missing, or its value not
    // well-formed, it is an error"): nothing further applies until it is corrected.
    return { findings };
  }
  // BIMI §4.3.1: an explicit declination to publish; nothing further applies.
  if (record.declined) return { findings };

  // BIMI §7.1: DMARC at enforcement.
  if (dmarc?.inconclusive !== undefined) {
    inconclusive.push(`DMARC policy: ${dmarc.inconclusive}`);
  } else if (dmarc) {
    const view: BimiDmarcView = { ...dmarc, domain: facts.domain, parsed: dmarc.record === null ? null : parseDmarcRecord(dmarc.record) };
    const problems = bimiDmarcProblems(view);
    if (problems.length > 0) {
      findings.push(
        emit('bimi/dmarc-not-enforced', {
          data: { problems },
          evidence: [dmarc.record ? `TXT ${dmarc.recordName}: ${dmarc.record}` : `no DMARC record for ${facts.domain}`, ...problems],
          fix: bimiDmarcFix(view),
        }),
      );
    }
  }

  // The logo.
  const logo = facts.logo;
  if (logo) {
    const failure = fetchFailure(logo);
    if (failure !== null) {
      if (logo.fetch === 'dns-error' && failed(logo.dnsStatus)) inconclusive.push(`logo host lookup: ${logo.error}`);
      else findings.push(emit('bimi/logo-unreachable', { data: { url: logo.url, failure, httpStatus: null, location: null }, evidence: [`GET ${logo.url}: ${failure}`], fix: logoFix(logo.url) }));
    } else if (logo.httpStatus !== 200) {
      const location = logo.location ? ` → ${logo.location}` : '';
      findings.push(
        emit('bimi/logo-unreachable', {
          data: { url: logo.url, failure: null, httpStatus: logo.httpStatus ?? null, location: logo.location ?? null },
          evidence: [`GET ${logo.url}: HTTP ${logo.httpStatus}${location}`],
          fix: logoFix(logo.url),
        }),
      );
    } else if ((logo.violations ?? []).length > 0) {
      findings.push(
        emit('bimi/invalid-svg', {
          data: { url: logo.url, violations: logo.violations ?? [] },
          evidence: logo.violations ?? [],
          fix: {
            summary: 'Export the logo as SVG Tiny PS: baseProfile="tiny-ps" version="1.2", a <title>, square viewBox, no scripts or external references, at most 32 KB',
            notes: [
              'Most vector editors export SVG 1.1; convert with a BIMI SVG tool, then remove x/y on the root element and any scripts, animations and links.',
              `Publish the corrected file at ${logo.url} (same URL, no DNS change needed).`,
            ],
          },
        }),
      );
    }
  }

  // The evidence document.
  const domains = [...new Set([facts.domain, lookup.domain])];
  const certificate = facts.certificate;
  if (record.evidence === '') {
    findings.push(
      emit('bimi/no-certificate', {
        data: { name: lookup.name },
        evidence: [`TXT ${lookup.name}: ${raw}`],
        fix: {
          summary: 'Obtain a Verified Mark Certificate (registered trademark) or Common Mark Certificate and add its URL as a=',
          records: [
            {
              action: 'replace',
              name: lookup.name,
              type: 'TXT',
              value: `v=BIMI1; l=${record.locationValid ? (record.location ?? LOGO_PLACEHOLDER) : LOGO_PLACEHOLDER}; a=${VMC_PLACEHOLDER}`,
              current: raw,
            },
          ],
          placeholders: record.locationValid ? { 'VMC-URL': PLACEHOLDER_HELP['VMC-URL'] } : PLACEHOLDER_HELP,
        },
      }),
    );
  } else if (certificate) {
    const failure = fetchFailure(certificate);
    const emitInvalid = (data: { failure: string | null; httpStatus: number | null; violations: string[] }, evidence: string[]) =>
      findings.push(emit('bimi/invalid-certificate', { data: { url: certificate.url, ...data }, evidence, fix: certificateFix(certificate.url, domains) }));
    if (failure !== null) {
      if (certificate.fetch === 'dns-error' && failed(certificate.dnsStatus)) inconclusive.push(`certificate host lookup: ${certificate.error}`);
      else emitInvalid({ failure, httpStatus: null, violations: [] }, [`GET ${certificate.url}: ${failure}`]);
    } else if (certificate.httpStatus !== 200) {
      emitInvalid({ failure: null, httpStatus: certificate.httpStatus ?? null, violations: [] }, [`GET ${certificate.url}: HTTP ${certificate.httpStatus}`]);
    } else if ((certificate.violations ?? []).length > 0) {
      emitInvalid({ failure: null, httpStatus: 200, violations: certificate.violations ?? [] }, certificate.violations ?? []);
    }
  }

  return inconclusive.length > 0 ? { findings, inconclusive: inconclusive.join('; ') } : { findings };
}

function invalidRecordFix(name: string, record: BimiRecord): Fix {
  const value = correctedRecord(record, { logo: LOGO_PLACEHOLDER, evidence: VMC_PLACEHOLDER });
  const placeholders: Record<string, string> = {};
  if (value.includes(LOGO_PLACEHOLDER)) placeholders['LOGO-URL'] = PLACEHOLDER_HELP['LOGO-URL'];
  if (value.includes(VMC_PLACEHOLDER)) placeholders['VMC-URL'] = PLACEHOLDER_HELP['VMC-URL'];
  return {
    summary: `Correct the BIMI record at ${name}`,
    records: [{ action: 'replace', name, type: 'TXT', value, current: record.raw }],
    ...(Object.keys(placeholders).length > 0 ? { placeholders } : {}),
  };
}

function logoFix(url: string): Fix {
  return {
    summary: `Serve the logo at ${url} over HTTPS with status 200 and a publicly trusted certificate`,
    notes: ['Receivers fetch the logo themselves and do not follow redirects reliably: serve it at the exact URL in l=.'],
  };
}

function certificateFix(url: string, domains: string[]): Fix {
  return {
    summary: `Publish a current VMC or CMC naming ${domains.join(' or ')} at ${url}`,
    notes: [
      'The PEM file holds the mark certificate first, then its intermediate certificates.',
      'Renew the certificate with its issuer before it expires, and replace the file at the same URL.',
    ],
  };
}
