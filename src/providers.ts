/**
 * A small knowledge table of mail providers: how to recognise them from a
 * domain's MX hosts and SPF includes, the SPF include they document, and the
 * DKIM selectors they use. Shared by the spf (starting record), dkim (selector
 * order) and other checks. Documented in the README.
 */

export interface Provider {
  /** Stable key. */
  id: string;
  /** Display name. */
  name: string;
  /** Suffixes of MX host names that identify the provider (matched at a label boundary). */
  mxSuffixes: string[];
  /** SPF include domains that identify the provider (exact or a label-boundary suffix). */
  spfIncludes: string[];
  /** The include term the provider documents for SPF, if any. */
  spfInclude?: string;
  /** DKIM selectors the provider uses (without the `._domainkey` suffix). */
  dkimSelectors: string[];
  /**
   * Domains its sending servers' reverse DNS names, default return-path
   * (MAIL FROM) domains and default DKIM d= domains end in: how
   * `mailcheck reports` recognises the service behind a sending IP.
   */
  senderDomains?: string[];
}

export const PROVIDERS: readonly Provider[] = [
  {
    id: 'google',
    name: 'Google Workspace',
    mxSuffixes: ['google.com', 'googlemail.com', 'smtp.google.com'],
    spfIncludes: ['_spf.google.com'],
    spfInclude: '_spf.google.com',
    dkimSelectors: ['google'],
    senderDomains: ['google.com', 'googlemail.com', 'gappssmtp.com'],
  },
  {
    id: 'microsoft',
    name: 'Microsoft 365',
    mxSuffixes: ['mail.protection.outlook.com', 'mx.microsoft'],
    spfIncludes: ['spf.protection.outlook.com'],
    spfInclude: 'spf.protection.outlook.com',
    dkimSelectors: ['selector1', 'selector2'],
    senderDomains: ['outbound.protection.outlook.com', 'onmicrosoft.com'],
  },
  {
    id: 'sendgrid',
    name: 'SendGrid',
    mxSuffixes: ['sendgrid.net'],
    spfIncludes: ['sendgrid.net'],
    spfInclude: 'sendgrid.net',
    dkimSelectors: ['s1', 's2', 'smtpapi', 'em'],
    senderDomains: ['sendgrid.net'],
  },
  {
    id: 'mailchimp',
    name: 'Mailchimp / Mandrill',
    mxSuffixes: ['mandrillapp.com'],
    spfIncludes: ['servers.mcsv.net', 'spf.mandrillapp.com'],
    spfInclude: 'servers.mcsv.net',
    dkimSelectors: ['k1', 'k2', 'k3', 'mte1', 'mandrill'],
    senderDomains: ['mcsv.net', 'mandrillapp.com', 'mcdlv.net', 'rsgsv.net'],
  },
  {
    id: 'mailgun',
    name: 'Mailgun',
    mxSuffixes: ['mailgun.org'],
    spfIncludes: ['mailgun.org', 'eu.mailgun.org'],
    spfInclude: 'mailgun.org',
    dkimSelectors: ['mx', 'smtp', 'pic', 'krs', 'k1', 'mailo'],
    senderDomains: ['mailgun.org', 'mailgun.net'],
  },
  {
    id: 'amazonses',
    name: 'Amazon SES',
    mxSuffixes: ['amazonaws.com', 'amazonses.com'],
    spfIncludes: ['amazonses.com'],
    spfInclude: 'amazonses.com',
    dkimSelectors: ['amazonses'],
    senderDomains: ['amazonses.com'],
  },
  {
    id: 'postmark',
    name: 'Postmark',
    mxSuffixes: ['mtasv.net', 'postmarkapp.com'],
    spfIncludes: ['spf.mtasv.net'],
    spfInclude: 'spf.mtasv.net',
    dkimSelectors: ['pm', 'pm-bounces'],
    senderDomains: ['mtasv.net', 'postmarkapp.com'],
  },
  {
    id: 'zoho',
    name: 'Zoho Mail',
    mxSuffixes: ['zoho.com', 'zoho.eu', 'zohomail.com'],
    spfIncludes: ['zoho.com', 'zoho.eu', 'zohomail.com'],
    spfInclude: 'zohomail.com',
    dkimSelectors: ['zoho', 'zmail', 'zohomail'],
    senderDomains: ['zoho.com', 'zoho.eu', 'zohomail.com'],
  },
  {
    id: 'fastmail',
    name: 'Fastmail',
    mxSuffixes: ['messagingengine.com', 'fastmail.com'],
    spfIncludes: ['spf.messagingengine.com'],
    spfInclude: 'spf.messagingengine.com',
    dkimSelectors: ['fm1', 'fm2', 'fm3', 'mesmtp'],
    senderDomains: ['messagingengine.com'],
  },
  {
    id: 'proton',
    name: 'Proton Mail',
    mxSuffixes: ['protonmail.ch', 'proton.me'],
    spfIncludes: ['_spf.protonmail.ch'],
    spfInclude: '_spf.protonmail.ch',
    dkimSelectors: ['protonmail', 'protonmail2', 'protonmail3'],
    senderDomains: ['protonmail.ch', 'proton.me'],
  },
  {
    id: 'hubspot',
    name: 'HubSpot',
    mxSuffixes: [],
    spfIncludes: ['hubspotemail.net', 'spf.hubspot.com'],
    spfInclude: 'hubspotemail.net',
    dkimSelectors: ['hs1', 'hs2'],
    senderDomains: ['hubspotemail.net'],
  },
  {
    id: 'salesforce',
    name: 'Salesforce',
    mxSuffixes: ['salesforce.com'],
    spfIncludes: ['_spf.salesforce.com', 'exacttarget.com'],
    spfInclude: '_spf.salesforce.com',
    dkimSelectors: ['sf1', 'sf2', 'salesforce'],
    senderDomains: ['salesforce.com', 'exacttarget.com'],
  },
  {
    id: 'yahoo',
    name: 'Yahoo',
    mxSuffixes: ['yahoodns.net'],
    spfIncludes: ['_spf.mail.yahoo.com'],
    spfInclude: '_spf.mail.yahoo.com',
    dkimSelectors: ['s1024', 's2048', 'yahoo'],
    senderDomains: ['yahoo.com', 'yahoodns.net'],
  },
  {
    id: 'zendesk',
    name: 'Zendesk',
    mxSuffixes: [],
    spfIncludes: ['mail.zendesk.com'],
    spfInclude: 'mail.zendesk.com',
    dkimSelectors: ['zendesk1', 'zendesk2'],
    senderDomains: ['zendesk.com'],
  },
];

/** Selectors tried for every domain, after the recognised providers' ones. */
export const GENERIC_DKIM_SELECTORS: readonly string[] = [
  'default',
  'dkim',
  'mail',
  'selector',
  'key1',
  'key2',
  's1',
  's2',
  'k1',
  'k2',
  'smtp',
  'email',
];

/** True when `name` equals `suffix` or ends with `.suffix`. */
export function matchesSuffix(name: string, suffix: string): boolean {
  const host = name.toLowerCase().replace(/\.$/, '');
  const tail = suffix.toLowerCase();
  return host === tail || host.endsWith(`.${tail}`);
}

/** Providers recognised from MX host names and SPF include targets, in table order. */
export function recognizeProviders(mxHosts: readonly string[], spfIncludes: readonly string[]): Provider[] {
  return PROVIDERS.filter(
    (provider) =>
      mxHosts.some((host) => provider.mxSuffixes.some((suffix) => matchesSuffix(host, suffix))) ||
      spfIncludes.some((include) => provider.spfIncludes.some((suffix) => matchesSuffix(include, suffix))),
  );
}

/**
 * The service a sending IP belongs to, from its forward-confirmed reverse DNS
 * name or the domains it passes SPF or DKIM for (each matched at a label
 * boundary against `senderDomains`, then `spfIncludes`). Undefined when none.
 */
export function recognizeSender(names: readonly string[]): Provider | undefined {
  const hosts = names.map((name) => name.toLowerCase().replace(/\.$/, ''));
  return PROVIDERS.find((provider) =>
    SENDER_SUFFIXES.get(provider)!.some((suffix) => hosts.some((host) => host === suffix || host.endsWith(`.${suffix}`))),
  );
}

const SENDER_SUFFIXES = new Map(
  PROVIDERS.map((provider) => [provider, [...(provider.senderDomains ?? []), ...provider.spfIncludes].map((suffix) => suffix.toLowerCase())]),
);
