/**
 * bimi: Brand Indicators for Message Identification, as deployed by Gmail,
 * Yahoo and Apple (draft-brand-indicators-for-message-identification, rev. 10).
 *
 * Looks up the Assertion Record at `<selector>._bimi.<domain>` (falling back
 * to the Organizational Domain, §7.2), checks its syntax (§4.3), the DMARC
 * enforcement BIMI requires (§7.1), fetches the logo over HTTPS through
 * mailcheck's resolver and checks the SVG Tiny PS basics (§4.3.2,
 * draft-svg-tiny-ps-abrotman), and fetches the mark certificate named by
 * `a=` to check it parses, is current and names the domain.
 */
import { defineCheck } from './define.js';
import type { Finding, Fix } from '../report/schema.js';
import type { DnsStatus } from '../dns/types.js';
import { getDmarcPolicy, type DmarcPolicy } from '../lookups/dmarc.js';
import type { HttpsResult } from '../net/types.js';
import { correctedRecord, isBimiRecord, looksLikeBimi, nearMissProblem, parseBimiRecord, type BimiRecord } from '../bimi/record.js';
import { checkSvgTinyPs } from '../bimi/svg.js';
import { checkMarkCertificate } from '../bimi/certificate.js';
import { bimiDmarcFix, bimiDmarcProblems } from '../bimi/requirements.js';

/** Download cap for the logo: twice the 32 KB limit, so an oversized logo is measured, not just cut. */
const LOGO_MAX_BYTES = 64 * 1024;
/** Download cap for the evidence document (a PEM chain with an embedded logo). */
const CERTIFICATE_MAX_BYTES = 256 * 1024;

const LOGO_PLACEHOLDER = '<LOGO-URL>';
const VMC_PLACEHOLDER = '<VMC-URL>';
const PLACEHOLDER_HELP = {
  'LOGO-URL': 'The https URL of your logo as an SVG Tiny PS file (square, with a <title>, at most 32 KB).',
  'VMC-URL': 'The https URL of the PEM file of your Verified Mark Certificate or Common Mark Certificate (leaf first).',
};

/** DNS outcomes that say nothing about whether a record exists. */
function failed(status: DnsStatus): boolean {
  return status === 'servfail' || status === 'refused' || status === 'timeout';
}

interface Lookup {
  name: string;
  domain: string;
  status: DnsStatus;
  txt: string[];
  bimi: string[];
  nearMisses: string[];
}

async function lookupRecords(ctx: Parameters<typeof getDmarcPolicy>[0], selector: string, domain: string): Promise<Lookup> {
  const name = `${selector}._bimi.${domain}`;
  const answer = await ctx.dns.query(name, 'TXT');
  // BIMI §4: several character-strings are joined as in RFC 7208 §3.3.
  const txt = answer.status === 'ok' ? answer.records.map((strings) => strings.join('')) : [];
  return {
    name,
    domain,
    status: answer.status,
    txt,
    // BIMI §7.2 step 4: records that do not start with v=BIMI1 are discarded.
    bimi: txt.filter(isBimiRecord),
    nearMisses: txt.filter(looksLikeBimi),
  };
}

function describeFetchFailure(result: Exclude<HttpsResult, { status: 'ok' }>): string {
  const code = 'code' in result && result.code ? ` (${result.code})` : '';
  return `${result.status}: ${result.message}${code}`;
}

export const bimiCheck = defineCheck({
  id: 'bimi',
  title: 'BIMI',
  record: { prefix: 'default._bimi.', type: 'TXT' },
  description:
    'Checks the BIMI Assertion Record (default._bimi.<domain>), the DMARC enforcement BIMI needs, the SVG Tiny PS logo ' +
    'and the Verified/Common Mark Certificate (draft-brand-indicators-for-message-identification).',
  findings: {
    'bimi/missing': {
      severity: 'info',
      title: 'No BIMI record',
      description:
        'No BIMI Assertion Record is published, so mailbox providers show no brand logo next to your mail. Optional: it needs ' +
        'DMARC at enforcement, an SVG Tiny PS logo and, for Gmail and Apple, a mark certificate.',
    },
    'bimi/invalid-record': {
      severity: 'medium',
      title: 'BIMI record is invalid',
      description:
        'The BIMI record breaks the syntax of the BIMI draft (v=BIMI1 first, one https l= logo URL, an optional https a= ' +
        'certificate URL, no duplicate tags) or several records are published: receivers ignore it and show no logo.',
    },
    'bimi/dmarc-not-enforced': {
      severity: 'medium',
      title: 'DMARC is not at enforcement for BIMI',
      description:
        'BIMI requires DMARC p=quarantine (at pct=100) or p=reject, with no subdomain policy of none. Without it receivers ' +
        'do not display the logo.',
    },
    'bimi/logo-unreachable': {
      severity: 'medium',
      title: 'BIMI logo cannot be fetched',
      description:
        'The l= logo URL does not return the file over HTTPS (DNS, connection, certificate or HTTP error, or a status other ' +
        'than 200). Receivers fetch it themselves and show nothing when they cannot.',
    },
    'bimi/invalid-svg': {
      severity: 'medium',
      title: 'BIMI logo is not valid SVG Tiny PS',
      description:
        'The logo breaks SVG Tiny PS rules receivers enforce: baseProfile="tiny-ps" and version="1.2", a <title>, no scripts, ' +
        'no external references, no x/y on the root element, a square aspect ratio, at most 32 KB.',
    },
    'bimi/invalid-certificate': {
      severity: 'medium',
      title: 'BIMI mark certificate is unusable',
      description:
        'The a= evidence (Verified or Common Mark Certificate) cannot be fetched, does not parse, has expired or is not yet ' +
        'valid, does not name the domain, or is not a mark certificate. Gmail and Apple show no logo without a valid one.',
    },
    'bimi/no-certificate': {
      severity: 'info',
      title: 'No mark certificate (a=)',
      description:
        'The BIMI record names no Verified Mark Certificate or Common Mark Certificate. Yahoo may show the logo without one; ' +
        'Gmail and Apple Mail show logos only with a VMC or CMC.',
    },
  },
  async run(ctx, emit) {
    const findings: Finding[] = [];
    const selector = (ctx.options.bimiSelector ?? 'default').toLowerCase();
    const facts: Record<string, unknown> = { selector };
    const inconclusive: string[] = [];

    const dmarcPromise = getDmarcPolicy(ctx);
    let lookup = await lookupRecords(ctx, selector, ctx.domain);
    const lookups: Lookup[] = [lookup];
    facts.lookups = lookups;
    if (failed(lookup.status)) {
      await dmarcPromise.catch(() => undefined);
      return { findings, facts, inconclusive: `TXT ${lookup.name}: ${lookup.status}` };
    }
    const dmarc = await dmarcPromise;
    if (lookup.bimi.length === 0 && lookup.nearMisses.length === 0 && !dmarc.organizationalDomainComplete) {
      // Without the Organizational Domain its fallback record cannot be asked for: not "missing".
      facts.dmarc = dmarcFacts(dmarc, []);
      return { findings, facts, inconclusive: `no BIMI record at ${lookup.name}, and the Organizational Domain is undetermined (${dmarc.inconclusive ?? 'DMARC lookup failed'})` };
    }
    // BIMI §7.2 step 6: with no record at the domain, ask the Organizational Domain.
    if (lookup.bimi.length === 0 && lookup.nearMisses.length === 0 && dmarc.organizationalDomain !== ctx.domain) {
      const org = await lookupRecords(ctx, selector, dmarc.organizationalDomain);
      lookups.push(org);
      if (failed(org.status)) {
        return { findings, facts, inconclusive: `TXT ${org.name}: ${org.status}` };
      }
      if (org.bimi.length > 0 || org.nearMisses.length > 0) lookup = org;
    }
    facts.recordName = lookup.name;
    facts.foundAt = lookup.bimi.length > 0 || lookup.nearMisses.length > 0 ? lookup.domain : null;

    if (lookup.bimi.length === 0 && lookup.nearMisses.length === 0) {
      const name = `${selector}._bimi.${ctx.domain}`;
      findings.push(
        emit('bimi/missing', {
          message: `No BIMI record at ${lookups.map((entry) => `${entry.name} (${entry.status})`).join(' or ')}`,
          evidence: lookups.map((entry) => `TXT ${entry.name}: ${entry.status}${entry.txt.length > 0 ? ` — ${entry.txt.join(' | ')}` : ''}`),
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
      facts.dmarc = dmarcFacts(dmarc, []);
      return { findings, facts };
    }

    // BIMI §7.2 step 9: several records, and receivers use none.
    if (lookup.bimi.length > 1) {
      findings.push(
        emit('bimi/invalid-record', {
          message: `${lookup.name} holds ${lookup.bimi.length} BIMI records; receivers use none of them`,
          evidence: lookup.bimi.map((record) => `TXT ${lookup.name}: ${record}`),
          fix: {
            summary: `Keep one BIMI record at ${lookup.name}`,
            records: lookup.bimi.slice(1).map((value) => ({ action: 'remove' as const, name: lookup.name, type: 'TXT', value, current: value })),
          },
        }),
      );
      facts.records = lookup.bimi;
      return { findings, facts };
    }

    const raw = lookup.bimi[0] ?? lookup.nearMisses[0] ?? '';
    const record = parseBimiRecord(raw);
    facts.record = raw;
    facts.tags = Object.fromEntries(record.tags.map((tag) => [tag.name, tag.value]));
    facts.declined = record.declined;
    if (lookup.bimi.length === 0) facts.discarded = nearMissProblem(raw);

    if (record.errors.length > 0) {
      findings.push(
        emit('bimi/invalid-record', {
          message: `The BIMI record at ${lookup.name} is invalid: ${record.errors.join('; ')}`,
          evidence: [`TXT ${lookup.name}: ${raw}`, ...record.errors],
          fix: invalidRecordFix(lookup.name, record),
        }),
      );
    }
    // Receivers discard an invalid record (BIMI §4.3: "If a required tag is missing, or its value not
    // well-formed, it is an error"): nothing further applies until it is corrected.
    if (record.errors.length > 0) {
      facts.dmarc = dmarcFacts(dmarc, []);
      return { findings, facts };
    }
    if (record.declined) {
      // BIMI §4.3.1: an explicit declination to publish; nothing further applies.
      facts.dmarc = dmarcFacts(dmarc, []);
      return { findings, facts };
    }

    // BIMI §7.1: DMARC at enforcement.
    if (dmarc.inconclusive) {
      inconclusive.push(`DMARC policy: ${dmarc.inconclusive}`);
      facts.dmarc = dmarcFacts(dmarc, []);
    } else {
      const problems = bimiDmarcProblems(dmarc);
      facts.dmarc = dmarcFacts(dmarc, problems);
      if (problems.length > 0) {
        findings.push(
          emit('bimi/dmarc-not-enforced', {
            message: `DMARC does not meet BIMI's requirements: ${problems.join('; ')}`,
            evidence: [dmarc.record ? `TXT ${dmarc.recordName}: ${dmarc.record}` : `no DMARC record for ${ctx.domain}`, ...problems],
            fix: bimiDmarcFix(dmarc),
          }),
        );
      }
    }

    const offline = ctx.options.offline === true;
    const [logo, certificate] = await Promise.all([
      record.locationValid && record.location && !offline ? ctx.net.fetchHttps(record.location, { maxBytes: LOGO_MAX_BYTES }) : undefined,
      record.evidenceValid && !offline ? ctx.net.fetchHttps(record.evidence, { maxBytes: CERTIFICATE_MAX_BYTES }) : undefined,
    ]);
    if (offline) facts.network = 'offline: logo and certificate not fetched';

    // The logo.
    if (logo && record.location) {
      const url = record.location;
      if (logo.status !== 'ok') {
        facts.logo = { url, fetch: logo.status, error: logo.message };
        if (logo.status === 'dns-error' && failed(logo.dnsStatus)) {
          inconclusive.push(`logo host lookup: ${logo.message}`);
        } else {
          findings.push(
            emit('bimi/logo-unreachable', {
              message: `The BIMI logo ${url} could not be fetched (${describeFetchFailure(logo)})`,
              evidence: [`GET ${url}: ${describeFetchFailure(logo)}`],
              fix: logoFix(url),
            }),
          );
        }
      } else if (logo.httpStatus !== 200) {
        facts.logo = { url, httpStatus: logo.httpStatus, address: logo.address };
        const location = logo.headers.location ? ` → ${logo.headers.location}` : '';
        findings.push(
          emit('bimi/logo-unreachable', {
            message: `The BIMI logo ${url} answered HTTP ${logo.httpStatus}${location}, not 200`,
            evidence: [`GET ${url}: HTTP ${logo.httpStatus}${location}`],
            fix: logoFix(url),
          }),
        );
      } else {
        const svg = checkSvgTinyPs(logo.body);
        if (logo.truncated) svg.violations.unshift(`the file is larger than ${LOGO_MAX_BYTES} bytes (download stopped there): far over the 32 KB limit`);
        facts.logo = {
          url,
          httpStatus: 200,
          address: logo.address,
          contentType: logo.headers['content-type'] ?? null,
          truncated: logo.truncated,
          svg: svg.facts,
          violations: svg.violations,
        };
        if (svg.violations.length > 0) {
          findings.push(
            emit('bimi/invalid-svg', {
              message: `The BIMI logo ${url} is not valid SVG Tiny PS: ${svg.violations.join('; ')}`,
              evidence: svg.violations,
              fix: {
                summary: 'Export the logo as SVG Tiny PS: baseProfile="tiny-ps" version="1.2", a <title>, square viewBox, no scripts or external references, at most 32 KB',
                notes: [
                  'Most vector editors export SVG 1.1; convert with a BIMI SVG tool, then remove x/y on the root element and any scripts, animations and links.',
                  `Publish the corrected file at ${url} (same URL, no DNS change needed).`,
                ],
              },
            }),
          );
        }
      }
    }

    // The evidence document.
    if (record.evidence === '') {
      findings.push(
        emit('bimi/no-certificate', {
          message: `The BIMI record at ${lookup.name} has no a= mark certificate: Gmail and Apple Mail show no logo without one`,
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
    } else if (certificate && record.evidenceValid) {
      const url = record.evidence;
      const domains = [...new Set([ctx.domain, lookup.domain])];
      if (certificate.status !== 'ok') {
        facts.certificate = { url, fetch: certificate.status, error: certificate.message };
        if (certificate.status === 'dns-error' && failed(certificate.dnsStatus)) {
          inconclusive.push(`certificate host lookup: ${certificate.message}`);
        } else {
          findings.push(
            emit('bimi/invalid-certificate', {
              message: `The mark certificate ${url} could not be fetched (${describeFetchFailure(certificate)})`,
              evidence: [`GET ${url}: ${describeFetchFailure(certificate)}`],
              fix: certificateFix(url, domains),
            }),
          );
        }
      } else if (certificate.httpStatus !== 200) {
        facts.certificate = { url, httpStatus: certificate.httpStatus };
        findings.push(
          emit('bimi/invalid-certificate', {
            message: `The mark certificate ${url} answered HTTP ${certificate.httpStatus}, not 200`,
            evidence: [`GET ${url}: HTTP ${certificate.httpStatus}`],
            fix: certificateFix(url, domains),
          }),
        );
      } else {
        const servedLogo = logo?.status === 'ok' && logo.httpStatus === 200 && !logo.truncated ? logo.body : undefined;
        const check = checkMarkCertificate(certificate.body, domains, new Date(), servedLogo);
        facts.certificate = { url, httpStatus: 200, certificates: check.certificates, leaf: check.leaf ?? null, violations: check.violations };
        if (check.violations.length > 0) {
          findings.push(
            emit('bimi/invalid-certificate', {
              message: `The mark certificate at ${url} is unusable: ${check.violations.join('; ')}`,
              evidence: check.violations,
              fix: certificateFix(url, domains),
            }),
          );
        }
      }
    }

    return inconclusive.length > 0 ? { findings, facts, inconclusive: inconclusive.join('; ') } : { findings, facts };
  },
});

function dmarcFacts(policy: DmarcPolicy, problems: string[]): Record<string, unknown> {
  return {
    record: policy.record,
    recordName: policy.recordName,
    source: policy.source,
    policy: policy.policy,
    subdomainPolicy: policy.subdomainPolicy,
    nonExistentSubdomainPolicy: policy.nonExistentSubdomainPolicy,
    pct: policy.pct,
    testing: policy.testing,
    organizationalDomain: policy.organizationalDomain,
    meetsBimiRequirements: !policy.inconclusive && problems.length === 0 && policy.policy !== null,
    ...(policy.inconclusive ? { inconclusive: policy.inconclusive } : {}),
    ...(problems.length > 0 ? { problems } : {}),
  };
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
