/**
 * The mailbox-provider profiles: what each large mailbox provider publishes
 * as its requirements for senders, one table, each requirement with the page
 * it comes from and the day that page was read. The judging is in
 * ./evaluate.ts; this file is data only. Profile and requirement ids are
 * public API.
 */

/** A published source of a requirement. */
export interface RequirementSource {
  /** The provider's own page. */
  url: string;
  /** The day the page was read (YYYY-MM-DD). */
  read: string;
}

/** Requirement ids; each is judged by one function in ./evaluate.ts. */
export const REQUIREMENT_IDS = [
  'spf-or-dkim',
  'spf-and-dkim',
  'dmarc-published',
  'from-aligned',
  'sending-ip-fcrdns',
  'tls-sending',
  'spam-rate',
  'message-format',
  'one-click-unsubscribe',
  'dkim-key-1024',
  'null-mx',
  'spf-reject-all',
  'dmarc-reject',
  'no-active-dkim',
] as const;

export type RequirementId = (typeof REQUIREMENT_IDS)[number];

/** One requirement as a profile states it. */
export interface ProfileRequirement {
  id: RequirementId;
  /** `recommended`: shown, but a failure does not fail the profile. */
  level: 'required' | 'recommended';
  /** True when the provider rejects (rather than filters) mail that fails it. */
  rejects: boolean;
  source: RequirementSource;
}

export interface ProfileDefinition {
  /** Public id, used with --profile. */
  id: string;
  title: string;
  /** Short name for one-line reports. */
  provider: string;
  /** Shown in the default report (without --profile). */
  byDefault: boolean;
  requirements: ProfileRequirement[];
}

/** The day the providers' pages below were read. */
export const SOURCES_READ = '2026-12-06';

const GMAIL = { url: 'https://support.google.com/a/answer/81126', read: SOURCES_READ };
const YAHOO = { url: 'https://senders.yahooinc.com/best-practices/', read: SOURCES_READ };
const OUTLOOK = {
  url: 'https://techcommunity.microsoft.com/blog/microsoftdefenderforoffice365blog/strengthening-email-ecosystem-outlook%E2%80%99s-new-requirements-for-high%E2%80%90volume-senders/4399730',
  read: SOURCES_READ,
};
const APPLE = { url: 'https://support.apple.com/en-us/102322', read: SOURCES_READ };
const RFC7505 = { url: 'https://www.rfc-editor.org/rfc/rfc7505', read: SOURCES_READ };
const M3AAWG_PARKED = { url: 'https://www.m3aawg.org/sites/default/files/m3aawg_parked_domains_bcp-2022-06.pdf', read: SOURCES_READ };

const req = (id: RequirementId, source: RequirementSource, rejects = false, level: 'required' | 'recommended' = 'required'): ProfileRequirement => ({
  id,
  level,
  rejects,
  source,
});

/** Every profile, in the order reports list them. */
export const PROFILES: readonly ProfileDefinition[] = [
  {
    id: 'gmail',
    title: 'Gmail (all senders)',
    provider: 'Gmail',
    byDefault: false,
    requirements: [
      req('spf-or-dkim', GMAIL, true),
      req('sending-ip-fcrdns', GMAIL, true),
      req('tls-sending', GMAIL),
      req('spam-rate', GMAIL),
      req('message-format', GMAIL),
      req('dkim-key-1024', GMAIL),
    ],
  },
  {
    id: 'gmail-bulk',
    title: 'Gmail (bulk senders, 5,000+ a day)',
    provider: 'Gmail',
    byDefault: true,
    requirements: [
      req('spf-and-dkim', GMAIL, true),
      req('dmarc-published', GMAIL, true),
      req('from-aligned', GMAIL, true),
      req('sending-ip-fcrdns', GMAIL, true),
      req('tls-sending', GMAIL),
      req('spam-rate', GMAIL),
      req('message-format', GMAIL),
      req('one-click-unsubscribe', GMAIL),
      req('dkim-key-1024', GMAIL),
    ],
  },
  {
    id: 'yahoo',
    title: 'Yahoo (all senders)',
    provider: 'Yahoo',
    byDefault: false,
    requirements: [
      req('spf-or-dkim', YAHOO, true),
      req('sending-ip-fcrdns', YAHOO, true),
      req('spam-rate', YAHOO),
      req('message-format', YAHOO),
    ],
  },
  {
    id: 'yahoo-bulk',
    title: 'Yahoo (bulk senders)',
    provider: 'Yahoo',
    byDefault: true,
    requirements: [
      req('spf-and-dkim', YAHOO, true),
      req('dmarc-published', YAHOO, true),
      req('from-aligned', YAHOO, true),
      req('sending-ip-fcrdns', YAHOO, true),
      req('spam-rate', YAHOO),
      req('message-format', YAHOO),
      req('one-click-unsubscribe', YAHOO),
    ],
  },
  {
    id: 'outlook-bulk',
    title: 'Outlook.com, Hotmail, Live (5,000+ a day)',
    provider: 'Outlook.com',
    byDefault: true,
    requirements: [
      // Since 5 May 2025 failing mail is rejected with 550 5.7.515.
      req('spf-and-dkim', OUTLOOK, true),
      req('dmarc-published', OUTLOOK, true),
      req('from-aligned', OUTLOOK, true),
      req('one-click-unsubscribe', OUTLOOK, false, 'recommended'),
    ],
  },
  {
    id: 'apple-bulk',
    title: 'iCloud Mail (bulk senders)',
    provider: 'iCloud Mail',
    byDefault: true,
    requirements: [
      req('spf-and-dkim', APPLE, true),
      req('dmarc-published', APPLE, true),
      req('sending-ip-fcrdns', APPLE, true),
      req('message-format', APPLE),
      req('one-click-unsubscribe', APPLE),
    ],
  },
  {
    id: 'parked',
    title: 'Parked domain (sends and receives no mail)',
    provider: 'Parked domain',
    byDefault: false,
    requirements: [
      req('null-mx', RFC7505),
      req('spf-reject-all', M3AAWG_PARKED),
      req('dmarc-reject', M3AAWG_PARKED),
      req('no-active-dkim', M3AAWG_PARKED),
    ],
  },
];

export const PROFILE_IDS: readonly string[] = PROFILES.map((profile) => profile.id);

/** The profiles judged for the deliverability score (every provider profile; `parked` only for a parked domain). */
export const PROVIDER_PROFILE_IDS: readonly string[] = PROFILES.filter((profile) => profile.id !== 'parked').map((profile) => profile.id);
