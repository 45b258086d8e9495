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
import { defineCheck, type FindingSpec } from '../define.js';
import { bimiFactsSchema, gatherBimi, type BimiFacts } from './facts.js';
import { judgeBimi } from './judge.js';

export type { BimiFacts } from './facts.js';

export const BIMI_FINDINGS = {
  'bimi/missing': {
    severity: 'info',
    title: 'No BIMI record',
    description:
      'No BIMI Assertion Record is published, so mailbox providers show no brand logo next to your mail. Optional: it needs ' +
      'DMARC at enforcement, an SVG Tiny PS logo and, for Gmail and Apple, a mark certificate.',
    message: (data) => `No BIMI record at ${data.names.map((name, index) => `${name} (${data.statuses[index]})`).join(' or ')}`,
  } satisfies FindingSpec<{ /** Each name asked, and how its query ended. */ names: string[]; statuses: string[] }>,
  'bimi/invalid-record': {
    severity: 'medium',
    title: 'BIMI record is invalid',
    description:
      'The BIMI record breaks the syntax of the BIMI draft (v=BIMI1 first, one https l= logo URL, an optional https a= ' +
      'certificate URL, no duplicate tags) or several records are published: receivers ignore it and show no logo.',
    message: (data) =>
      data.count > 1 ? `${data.name} holds ${data.count} BIMI records; receivers use none of them` : `The BIMI record at ${data.name} is invalid: ${data.errors.join('; ')}`,
  } satisfies FindingSpec<{ name: string; /** How many BIMI records the name holds. */ count: number; errors: string[] }>,
  'bimi/dmarc-not-enforced': {
    severity: 'medium',
    title: 'DMARC is not at enforcement for BIMI',
    description:
      'BIMI requires DMARC p=quarantine (at pct=100) or p=reject, with no subdomain policy of none. Without it receivers ' +
      'do not display the logo.',
    message: (data) => `DMARC does not meet BIMI's requirements: ${data.problems.join('; ')}`,
  } satisfies FindingSpec<{ problems: string[] }>,
  'bimi/logo-unreachable': {
    severity: 'medium',
    title: 'BIMI logo cannot be fetched',
    description:
      'The l= logo URL does not return the file over HTTPS (DNS, connection, certificate or HTTP error, or a status other ' +
      'than 200). Receivers fetch it themselves and show nothing when they cannot.',
    message: (data) =>
      data.failure !== null
        ? `The BIMI logo ${data.url} could not be fetched (${data.failure})`
        : `The BIMI logo ${data.url} answered HTTP ${data.httpStatus}${data.location ? ` → ${data.location}` : ''}, not 200`,
  } satisfies FindingSpec<{ url: string; /** How the fetch failed; null when it got an HTTP answer. */ failure: string | null; httpStatus: number | null; location: string | null }>,
  'bimi/invalid-svg': {
    severity: 'medium',
    title: 'BIMI logo is not valid SVG Tiny PS',
    description:
      'The logo breaks SVG Tiny PS rules receivers enforce: baseProfile="tiny-ps" and version="1.2", a <title>, no scripts, ' +
      'no external references, no x/y on the root element, a square aspect ratio, at most 32 KB.',
    message: (data) => `The BIMI logo ${data.url} is not valid SVG Tiny PS: ${data.violations.join('; ')}`,
  } satisfies FindingSpec<{ url: string; violations: string[] }>,
  'bimi/invalid-certificate': {
    severity: 'medium',
    title: 'BIMI mark certificate is unusable',
    description:
      'The a= evidence (Verified or Common Mark Certificate) cannot be fetched, does not parse, has expired or is not yet ' +
      'valid, does not name the domain, or is not a mark certificate. Gmail and Apple show no logo without a valid one.',
    message: (data) =>
      data.failure !== null
        ? `The mark certificate ${data.url} could not be fetched (${data.failure})`
        : data.httpStatus !== 200
          ? `The mark certificate ${data.url} answered HTTP ${data.httpStatus}, not 200`
          : `The mark certificate at ${data.url} is unusable: ${data.violations.join('; ')}`,
  } satisfies FindingSpec<{ url: string; failure: string | null; httpStatus: number | null; violations: string[] }>,
  'bimi/no-certificate': {
    severity: 'info',
    title: 'No mark certificate (a=)',
    description:
      'The BIMI record names no Verified Mark Certificate or Common Mark Certificate. Yahoo may show the logo without one; ' +
      'Gmail and Apple Mail show logos only with a VMC or CMC.',
    message: (data) => `The BIMI record at ${data.name} has no a= mark certificate: Gmail and Apple Mail show no logo without one`,
  } satisfies FindingSpec<{ name: string }>,
};

export const bimiCheck = defineCheck({
  id: 'bimi',
  title: 'BIMI',
  record: { prefix: 'default._bimi.', type: 'TXT' },
  score: { area: 'sending', weight: 1 },
  description:
    'Checks the BIMI Assertion Record (default._bimi.<domain>), the DMARC enforcement BIMI needs, the SVG Tiny PS logo ' +
    'and the Verified/Common Mark Certificate (draft-brand-indicators-for-message-identification).',
  findings: BIMI_FINDINGS,
  // Built when first read (the JSON Schema, tests), never during an audit.
  get facts() {
    return bimiFactsSchema();
  },
  gather: gatherBimi,
  judge: judgeBimi,
  summarise: (facts: BimiFacts) => (facts.record ? [`record: ${facts.record}`] : []),
});
