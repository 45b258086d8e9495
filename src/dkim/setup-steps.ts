/**
 * Where to turn DKIM signing on, per sending service recognised from the
 * domain's MX hosts and SPF includes (src/providers.ts ids). DKIM keys are
 * made by whoever signs the mail, so the fix for a domain without DKIM is a
 * step at that service, not a record mailcheck can write.
 */
import type { Fix } from '../schema/report.js';

/** Provider id → the step at that provider. */
export const DKIM_SETUP_STEPS: Readonly<Record<string, string>> = {
  google: 'Google Workspace: Admin console → Apps → Google Workspace → Gmail → Authenticate email: generate a 2048-bit key, publish the TXT record it shows at google._domainkey, then Start authentication.',
  microsoft: 'Microsoft 365: Defender portal → Email & collaboration → Policies → Email authentication settings → DKIM: select the domain, publish the two CNAMEs it shows (selector1/selector2._domainkey), then enable signing.',
  sendgrid: 'SendGrid: Settings → Sender Authentication → Authenticate your domain, and publish the CNAMEs it shows (s1/s2._domainkey).',
  mailchimp: 'Mailchimp: Website → Domains → Authenticate, and publish the CNAMEs it shows (k2/k3._domainkey).',
  mailgun: 'Mailgun: Sending → Domains → your domain → DNS records: publish the TXT record shown for DKIM.',
  amazonses: 'Amazon SES: Identities → your domain → Authentication → Easy DKIM, and publish the three CNAMEs it shows.',
  postmark: 'Postmark: Sender signatures → Domains → DNS settings: publish the DKIM TXT record shown.',
  zoho: 'Zoho Mail: Admin console → Domains → your domain → Email configuration → DKIM: add a selector and publish the TXT record shown.',
  fastmail: 'Fastmail: Settings → Domains → your domain: publish the three DKIM CNAMEs shown (fm1/fm2/fm3._domainkey).',
  proton: 'Proton Mail: Settings → Domain names → your domain → DKIM: publish the three CNAMEs shown.',
  hubspot: 'HubSpot: Settings → Website → Domains & URLs → Email sending domains: connect the domain and publish the CNAMEs shown.',
  salesforce: 'Salesforce: Setup → DKIM Keys → Create New Key, publish the CNAMEs shown, then activate the key.',
  yahoo: 'Yahoo: keys for custom domains are set up in the Yahoo business mail console; publish the record it shows.',
};

/** The fix for a domain that publishes no DKIM key: turn on signing where the mail is sent. */
export function dkimSetupFix(providers: ReadonlyArray<{ id: string; name: string }>): Fix {
  const steps = providers.map((provider) => DKIM_SETUP_STEPS[provider.id]).filter((step): step is string => step !== undefined);
  return {
    summary: 'Set up DKIM signing at your sending service',
    notes: [
      ...(steps.length > 0 ? steps : ['Turn on DKIM signing in each service that sends mail as this domain; it gives the record (TXT or CNAME) to publish at <selector>._domainkey.']),
      'Signing your own server: generate a 2048-bit key (openssl genrsa -out dkim.key 2048), publish its public key as TXT "v=DKIM1; k=rsa; p=<key>" at <selector>._domainkey, and configure the server to sign with it (RFC 6376).',
    ],
  };
}
