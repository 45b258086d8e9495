/**
 * What the bimi check sees: the Assertion Record lookups (the domain, then
 * its Organizational Domain, BIMI §7.2), the DMARC policy BIMI requires, and
 * the logo and mark certificate as fetched. All the I/O of the check is here;
 * the fetched files are read here too (SVG Tiny PS lint, certificate parse,
 * at the time `checkedAt`), so that the facts hold what they showed and not
 * the files themselves.
 */
import { z } from 'zod';
import { lazySchema } from '../../schema/lazy-schema.js';
import type { CheckContext } from '../../context.js';
import type { DnsStatus } from '../../dns/types.js';
import { dnsStatusSchema } from '../../dns/status-schema.js';
import { getDmarcPolicy, type DmarcPolicy } from '../../lookups/dmarc.js';
import type { HttpsResult } from '../../net/types.js';
import { isBimiRecord, looksLikeBimi, nearMissProblem, parseBimiRecord } from '../../bimi/record.js';
import { checkSvgTinyPs } from '../../bimi/svg.js';
import { checkMarkCertificate } from '../../bimi/certificate.js';

/** Download cap for the logo: twice the 32 KB limit, so an oversized logo is measured, not just cut. */
export const LOGO_MAX_BYTES = 64 * 1024;
/** Download cap for the evidence document (a PEM chain with an embedded logo). */
const CERTIFICATE_MAX_BYTES = 256 * 1024;

const policyValue = lazySchema(() => z.enum(['none', 'quarantine', 'reject']).nullable());

const lookupSchema = lazySchema(() =>
  z.object({
    name: z.string().describe('The name asked (<selector>._bimi.<domain>).'),
    domain: z.string(),
    status: dnsStatusSchema(),
    txt: z.array(z.string()).describe('Every TXT record, character-strings joined.'),
    bimi: z.array(z.string()).describe('The records that start with v=BIMI1 (BIMI §7.2 step 4).'),
    nearMisses: z.array(z.string()).describe('Records evidently meant as BIMI that break its syntax.'),
  }),
);

const fetchSchema = lazySchema(() =>
  z.object({
    url: z.string(),
    fetch: z.enum(['ok', 'dns-error', 'connect-error', 'tls-error', 'timeout', 'http-error']).describe('How the HTTPS fetch ended.'),
    error: z.string().optional().describe('Why it failed.'),
    code: z.string().optional().describe('The connection or TLS error code.'),
    dnsStatus: dnsStatusSchema().optional().describe('For a dns-error: how the host\'s address lookup ended.'),
    httpStatus: z.number().int().optional(),
    address: z.string().optional().describe('The address connected to.'),
    location: z.string().optional().describe('The Location header of a redirect (not followed).'),
  }),
);

export const bimiFactsSchema = lazySchema(() =>
  z.object({
    domain: z.string().describe('The audited domain.'),
    selector: z.string(),
    offline: z.boolean().describe('--offline: the logo and certificate were not fetched.'),
    lookups: z.array(lookupSchema()).describe('Each Assertion Record lookup: the domain\'s, then the Organizational Domain\'s.'),
    recordName: z.string().nullable().describe('Where the record used was looked up (null when a lookup failed first).'),
    foundAt: z.string().nullable().describe('The domain whose record is used; null when none was found.'),
    record: z.string().nullable().describe('The one record judged (null when none, or several).'),
    tags: z.record(z.string(), z.string()).describe('Its tags (first occurrence of each).'),
    declined: z.boolean().describe('l= and a= both empty: an explicit declination (BIMI §4.3.1).'),
    discarded: z.string().nullable().describe('Why receivers discard the record (it does not start with v=BIMI1).'),
    dmarc: z
      .object({
        record: z.string().nullable(),
        recordName: z.string().nullable(),
        source: z.enum(['domain', 'organizational-domain', 'public-suffix-domain']).nullable(),
        foundAt: z.string().nullable(),
        policy: policyValue(),
        subdomainPolicy: policyValue(),
        nonExistentSubdomainPolicy: policyValue(),
        subdomainPolicyFrom: z.string().nullable(),
        pct: z.number(),
        testing: z.boolean(),
        organizationalDomain: z.string(),
        organizationalDomainComplete: z.boolean(),
        inconclusive: z.string().optional().describe('Which DMARC query failed, when discovery could not conclude.'),
      })
      .nullable()
      .describe('The DMARC policy BIMI requires (the shared DMARC lookup); null when it was not read.'),
    logo: fetchSchema()
      .extend({
        contentType: z.string().nullable().optional(),
        truncated: z.boolean().optional(),
        svg: z
          .object({
            bytes: z.number().int(),
            gzip: z.boolean(),
            rootElement: z.string().optional(),
            baseProfile: z.string().optional(),
            version: z.string().optional(),
            title: z.string().optional(),
            viewBox: z.string().optional(),
            width: z.string().optional(),
            height: z.string().optional(),
          })
          .optional(),
        violations: z.array(z.string()).optional().describe('Every SVG Tiny PS rule the file breaks.'),
      })
      .nullable()
      .describe('The l= logo as fetched; null when not fetched.'),
    certificate: fetchSchema()
      .extend({
        checkedAt: z.string().optional().describe('When its validity was judged (ISO 8601).'),
        certificates: z
          .array(
            z.object({
              subject: z.string(),
              issuer: z.string(),
              serialNumber: z.string(),
              validFrom: z.string(),
              validTo: z.string(),
              dnsNames: z.array(z.string()),
              extendedKeyUsage: z.array(z.string()),
              ca: z.boolean(),
              sha256: z.string(),
            }),
          )
          .optional(),
        leaf: z.number().int().nullable().optional().describe('Index of the mark certificate in the chain.'),
        violations: z.array(z.string()).optional(),
      })
      .nullable()
      .describe('The a= evidence document as fetched; null when not fetched.'),
  }),
);

/** What the bimi check saw. */
export type BimiFacts = z.infer<ReturnType<typeof bimiFactsSchema>>;
type Lookup = BimiFacts['lookups'][number];

/** DNS outcomes that say nothing about whether a record exists. */
export function failed(status: DnsStatus | undefined): boolean {
  return status === 'servfail' || status === 'refused' || status === 'timeout';
}

async function lookupRecords(ctx: CheckContext, selector: string, domain: string): Promise<Lookup> {
  const name = `${selector}._bimi.${domain}`;
  const answer = await ctx.dns.query(name, 'TXT');
  // BIMI §4: several character-strings are joined as in RFC 7208 §3.3.
  const txt = answer.status === 'ok' ? answer.records.map((strings) => strings.join('')) : [];
  // BIMI §7.2 step 4: records that do not start with v=BIMI1 are discarded.
  return { name, domain, status: answer.status, txt, bimi: txt.filter(isBimiRecord), nearMisses: txt.filter(looksLikeBimi) };
}

const found = (lookup: Lookup): boolean => lookup.bimi.length > 0 || lookup.nearMisses.length > 0;

/** All of the bimi check's I/O. */
export async function gatherBimi(ctx: CheckContext): Promise<BimiFacts> {
  const selector = (ctx.options.bimiSelector ?? 'default').toLowerCase();
  const offline = ctx.options.offline === true;
  const facts: BimiFacts = {
    domain: ctx.domain, selector, offline, lookups: [], recordName: null, foundAt: null, record: null, tags: {}, declined: false, discarded: null, dmarc: null, logo: null, certificate: null,
  };
  const dmarcPromise = getDmarcPolicy(ctx);
  let lookup = await lookupRecords(ctx, selector, ctx.domain);
  facts.lookups.push(lookup);
  if (failed(lookup.status)) {
    const dmarc = await dmarcPromise.catch(() => undefined);
    if (dmarc) facts.dmarc = dmarcFacts(dmarc);
    return facts;
  }
  const dmarc = await dmarcPromise;
  facts.dmarc = dmarcFacts(dmarc);
  // Without the Organizational Domain its fallback record cannot be asked for.
  if (!found(lookup) && !dmarc.organizationalDomainComplete) return facts;
  // BIMI §7.2 step 6: with no record at the domain, ask the Organizational Domain.
  if (!found(lookup) && dmarc.organizationalDomain !== ctx.domain) {
    const org = await lookupRecords(ctx, selector, dmarc.organizationalDomain);
    facts.lookups.push(org);
    if (failed(org.status)) return facts;
    if (found(org)) lookup = org;
  }
  facts.recordName = lookup.name;
  facts.foundAt = found(lookup) ? lookup.domain : null;
  if (!found(lookup) || lookup.bimi.length > 1) return facts;

  const raw = lookup.bimi[0] ?? lookup.nearMisses[0] ?? '';
  const record = parseBimiRecord(raw);
  facts.record = raw;
  facts.tags = Object.fromEntries(record.tags.map((tag) => [tag.name, tag.value]));
  facts.declined = record.declined;
  if (lookup.bimi.length === 0) facts.discarded = nearMissProblem(raw);
  // Receivers discard an invalid or declined record: nothing is fetched for it.
  if (record.errors.length > 0 || record.declined) return facts;

  const [logo, certificate] = await Promise.all([
    record.locationValid && record.location && !offline ? ctx.net.fetchHttps(record.location, { maxBytes: LOGO_MAX_BYTES }) : undefined,
    record.evidenceValid && !offline ? ctx.net.fetchHttps(record.evidence, { maxBytes: CERTIFICATE_MAX_BYTES }) : undefined,
  ]);
  if (logo && record.location) {
    facts.logo = fetchFacts(record.location, logo);
    if (logo.status === 'ok' && logo.httpStatus === 200) {
      const svg = checkSvgTinyPs(logo.body, ctx.budget);
      if (logo.truncated) svg.violations.unshift(`the file is larger than ${LOGO_MAX_BYTES} bytes (download stopped there): far over the 32 KB limit`);
      facts.logo = { ...facts.logo, contentType: logo.headers['content-type'] ?? null, truncated: logo.truncated, svg: svg.facts, violations: svg.violations };
    }
  }
  if (certificate && record.evidenceValid && record.evidence !== '') {
    facts.certificate = fetchFacts(record.evidence, certificate);
    if (certificate.status === 'ok' && certificate.httpStatus === 200) {
      const servedLogo = logo?.status === 'ok' && logo.httpStatus === 200 && !logo.truncated ? logo.body : undefined;
      const now = new Date();
      const check = checkMarkCertificate(certificate.body, [...new Set([ctx.domain, lookup.domain])], now, servedLogo);
      facts.certificate = { ...facts.certificate, checkedAt: now.toISOString(), certificates: check.certificates, leaf: check.leaf ?? null, violations: check.violations };
    }
  }
  return facts;
}

function fetchFacts(url: string, result: HttpsResult): z.infer<ReturnType<typeof fetchSchema>> {
  if (result.status === 'ok') {
    return { url, fetch: 'ok', httpStatus: result.httpStatus, address: result.address, ...(result.headers.location ? { location: result.headers.location } : {}) };
  }
  return {
    url,
    fetch: result.status,
    error: result.message,
    ...('code' in result && result.code ? { code: result.code } : {}),
    ...(result.status === 'dns-error' ? { dnsStatus: result.dnsStatus } : {}),
  };
}

function dmarcFacts(policy: DmarcPolicy): NonNullable<BimiFacts['dmarc']> {
  return {
    record: policy.record,
    recordName: policy.recordName,
    source: policy.source,
    foundAt: policy.foundAt,
    policy: policy.policy,
    subdomainPolicy: policy.subdomainPolicy,
    nonExistentSubdomainPolicy: policy.nonExistentSubdomainPolicy,
    subdomainPolicyFrom: policy.subdomainPolicyFrom,
    pct: policy.pct,
    testing: policy.testing,
    organizationalDomain: policy.organizationalDomain,
    organizationalDomainComplete: policy.organizationalDomainComplete,
    ...(policy.inconclusive ? { inconclusive: policy.inconclusive } : {}),
  };
}
