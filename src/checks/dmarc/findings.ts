/**
 * The dmarc check's findings: what each means, and its sentence rendered
 * from the finding's data.
 */
const policyText = (policy: string | null) => (policy === null ? 'no DMARC policy' : `p=${policy}`);

export const DMARC_FINDINGS = {
  'dmarc/missing': {
    severity: 'critical',
    title: 'No DMARC record',
    description: 'Neither the domain nor a parent domain publishes a DMARC record: anyone can send mail in the domain\'s name and receivers have no policy to apply.',
    /** `ignored`: _dmarc.<domain> holds TXT meant as DMARC that does not begin with v=DMARC1. */
    message: (data: { recordName: string; ignored: boolean; walked: string[] }) =>
      data.ignored
        ? `No valid DMARC record: ${data.recordName} holds TXT that does not begin with v=DMARC1, and no parent domain publishes one`
        : `No DMARC record at ${data.recordName} or at any parent domain (${data.walked.join(', ')})`,
  },
  'dmarc/multiple-records': {
    severity: 'critical',
    title: 'Several DMARC records',
    description: 'The domain publishes more than one DMARC record; receivers discard them all, so the domain has no policy of its own.',
    message: (data: { recordName: string; count: number }) => `${data.recordName} has ${data.count} DMARC records; receivers ignore all of them`,
  },
  'dmarc/syntax-error': {
    severity: 'critical',
    title: 'Invalid DMARC record',
    description: 'The DMARC record has duplicate tags, malformed tags or invalid values; receivers may ignore the record or parts of it.',
    /** `policyTagInvalid`: a p, sp or np tag is invalid, so receivers apply `policy`. */
    message: (data: { recordName: string; problems: string[]; policyTagInvalid: boolean; policy: string | null }) =>
      `DMARC record at ${data.recordName} is invalid: ${data.problems.join('; ')}${data.policyTagInvalid ? `; receivers apply ${policyText(data.policy)}` : ''}`,
  },
  'dmarc/policy-none': {
    severity: 'high',
    title: 'DMARC policy is none',
    description: 'The effective policy is p=none (monitoring only): mail failing DMARC is delivered as usual, so the domain is not protected from spoofing.',
    /** `inheritedFrom`: the parent whose record applies (with its `policyTags`); null for the domain's own record. */
    message: (data: { domain: string; inheritedFrom: string | null; policyTags: string; pPresent: boolean }) =>
      `Effective DMARC policy for ${data.domain} is none: ${
        data.inheritedFrom !== null
          ? `inherited from ${data.inheritedFrom} (${data.policyTags})`
          : data.pPresent
            ? 'p=none'
            : 'no p tag (treated as p=none)'
      }; failing mail is delivered`,
  },
  'dmarc/partial-pct': {
    severity: 'medium',
    title: 'DMARC applies to part of the mail',
    description: 'pct below 100 asks receivers to apply the policy to only a share of failing mail (pct is removed in RFC 9989; receivers may ignore it).',
    message: (data: { pct: number; policy: string }) => `pct=${data.pct}: the ${data.policy} policy is asked for on ${data.pct}% of failing mail only`,
  },
  'dmarc/weak-subdomain-policy': {
    severity: 'medium',
    title: 'Subdomains not protected',
    description: 'sp=none or np=none under an enforcing p leaves subdomains (or non-existent subdomains) open to spoofing.',
    /** `weak`: the tags (sp, np) set to none. */
    message: (data: { p: string; weak: string[] }) =>
      `p=${data.p} but ${data.weak.map((tag) => `${tag}=none`).join(' and ')}: ${data.weak.includes('sp') ? 'subdomains' : 'non-existent subdomains'} are not protected`,
  },
  'dmarc/testing-mode': {
    severity: 'low',
    title: 'DMARC in test mode',
    description: 't=y asks receivers not to apply the policy (RFC 9989 §4.7): it is a test, not protection.',
    message: (data: { p: string | null }) => `t=y: receivers are asked not to apply the ${data.p ?? 'none'} policy`,
  },
  'dmarc/no-reporting': {
    severity: 'low',
    title: 'No DMARC aggregate reports',
    description: 'Without rua, receivers send no aggregate reports: you cannot see who sends mail as your domain or whether it passes.',
    message: (data: { recordName: string }) => `DMARC record at ${data.recordName} has no rua tag: no aggregate reports are sent`,
  },
  'dmarc/invalid-report-uri': {
    severity: 'medium',
    title: 'Invalid report address',
    description: 'A rua or ruf entry is not a valid DMARC URI (e.g. a bare address without mailto:); reports to it are not sent.',
    /** `tags[i]`, `uris[i]` and `problems[i]` describe one invalid URI. */
    message: (data: { tags: string[]; uris: string[]; problems: string[] }) =>
      `Invalid report URI(s): ${data.uris.map((uri, index) => `${data.tags[index]}=${uri || '(empty)'} (${data.problems[index]})`).join(', ')}`,
  },
  'dmarc/unauthorized-report-destination': {
    severity: 'medium',
    title: 'Report destination not authorised',
    description: 'A report address outside the Organizational Domain has not published the authorisation record of RFC 7489 §7.1; receivers will not send reports there.',
    message: (data: { organizationalDomain: string; hosts: string[] }) =>
      `Report destination(s) outside ${data.organizationalDomain} without authorisation: ${data.hosts.join(', ')}`,
  },
  'dmarc/inherited': {
    severity: 'info',
    title: 'DMARC policy inherited',
    description: 'The domain has no DMARC record of its own; the policy of a parent (Organizational or Public Suffix) domain applies to it.',
    message: (data: { recordName: string; foundAt: string; source: string; policy: string | null }) =>
      `No DMARC record at ${data.recordName}; the record of ${data.foundAt} (${data.source}) applies, giving policy ${data.policy ?? 'none applied'}`,
  },
  'dmarc/unknown-tag': {
    severity: 'info',
    title: 'Unknown DMARC tag',
    description: 'The record has tags that DMARC does not define; receivers ignore them (often a typo).',
    message: (data: { tags: string[] }) => `Unknown tag(s) ignored by receivers: ${data.tags.join(', ')}`,
  },
  'dmarc/removed-tag': {
    severity: 'info',
    title: 'Tag removed by RFC 9989',
    description: 'pct, rf and ri were removed from DMARC by RFC 9989; receivers following it ignore them.',
    /** `tags[i]` was written with the value `values[i]`. */
    message: (data: { tags: string[]; values: string[] }) =>
      `Tag(s) removed by RFC 9989: ${data.tags.map((name, index) => `${name}=${data.values[index]}`).join(', ')}`,
  },
} as const;

/** The dmarc check's catalogue. */
export type DmarcCatalog = typeof DMARC_FINDINGS;
