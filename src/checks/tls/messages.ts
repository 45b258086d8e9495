/**
 * The tls check's wording: the finding catalogue with each sentence built
 * from its data, and the per-host details those sentences list.
 */
import type { FindingSpec } from '../define.js';

/** Certificates expiring within this many days are reported (RFC 5280 §4.1.2.5 notAfter). */
export const EXPIRY_WARNING_DAYS = 14;

const DAY_MS = 86_400_000;

/** Why no SMTP session may have been made, for the port actually probed. */
export function unreachableHint(port: number): string {
  return port === 25
    ? 'outbound port 25 is often blocked on home, office and cloud networks; run mailcheck from a host that may connect to port 25, or pass --no-smtp (or --skip tls) to leave this check out'
    : `port ${port} was chosen with --smtp-port: check that the MX hosts' SMTP servers listen there and that this network may connect to it, or pass --no-smtp (or --skip tls) to leave this check out`;
}

/** An ISO timestamp as `YYYY-MM-DD HH:MM UTC`. */
export function utcDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

const dayCount = (days: number) => `${days} day${days === 1 ? '' : 's'}`;

/** `in 5 days`, `in less than a day`. */
export function daysLeftText(days: number): string {
  return days < 1 ? 'in less than a day' : `in ${dayCount(days)}`;
}

/** Whole days since an ISO timestamp: `3 days ago`, `less than a day ago`. */
export function daysAgoText(iso: string, now: number): string {
  const days = Math.floor((now - Date.parse(iso)) / DAY_MS);
  return days < 1 ? 'less than a day ago' : `${dayCount(days)} ago`;
}

/** Per-host details: each `<host><separator><detail>` once, in order. */
export function hostDetails(entries: ReadonlyArray<{ host: string; detail: string }>, separator = ' '): string[] {
  return [...new Set(entries.map(({ host, detail }) => `${host}${separator}${detail}`))];
}

/** The data of a finding about some hosts: the hosts affected and one detail line per host and cause. */
type PerHost = { hosts: string[]; details: string[] };

/** `<single> <details>` for one host, `<plural>: <details>` for several. */
const perHostMessage = (data: PerHost, single: string, plural: string) =>
  data.hosts.length === 1 ? `${single} ${data.details.join('; ')}` : `${plural}: ${data.details.join('; ')}`;

export const TLS_FINDINGS = {
  'tls/starttls-missing': {
    severity: 'high',
    title: 'STARTTLS not offered',
    description:
      'The MX host answered SMTP but its EHLO response did not offer STARTTLS (RFC 3207 §4), so mail to it travels unencrypted and mailbox providers that require TLS will not deliver.',
    message: (data: { hosts: string[] }) => `${data.hosts.join(', ')} answered SMTP without offering STARTTLS`,
  } satisfies FindingSpec<{ hosts: string[] }>,
  'tls/handshake-failed': {
    severity: 'high',
    title: 'TLS handshake failed',
    description:
      'The MX host accepted STARTTLS but no TLS session could be negotiated, even with TLS 1.0/1.1. Senders fall back to plain text or fail to deliver.',
    message: (data: PerHost) => data.details.join('; '),
  } satisfies FindingSpec<PerHost>,
  'tls/expired-certificate': {
    severity: 'high',
    title: 'Certificate expired',
    description:
      'The certificate the MX host presents is past its notAfter date (RFC 5280 §4.1.2.5). Senders that authenticate (MTA-STS, DANE-TA) refuse to deliver.',
    message: (data: PerHost) => perHostMessage(data, 'The certificate of', 'Expired certificates'),
  } satisfies FindingSpec<PerHost>,
  'tls/expiring-certificate': {
    severity: 'medium',
    title: 'Certificate expires within 14 days',
    description: 'The MX host\'s certificate expires in under 14 days; once it does, authenticating senders stop delivering.',
    message: (data: PerHost) => perHostMessage(data, 'The certificate of', 'Certificates expiring'),
  } satisfies FindingSpec<PerHost>,
  'tls/untrusted-certificate': {
    severity: 'medium',
    title: 'Certificate not trusted',
    description:
      'The certificate chain does not verify against the trusted roots (self-signed, unknown issuer, missing intermediate). MTA-STS senders in enforce mode refuse to deliver (RFC 8461 §4.2).',
    message: (data: PerHost) => perHostMessage(data, 'Untrusted certificate on', 'Untrusted certificates'),
  } satisfies FindingSpec<PerHost>,
  'tls/hostname-mismatch': {
    severity: 'medium',
    title: 'Certificate does not match the MX host name',
    description:
      'No subjectAltName of the certificate matches the MX host name (RFC 6125 §6, RFC 7817 §3); MTA-STS senders in enforce mode refuse to deliver (RFC 8461 §4.2).',
    message: (data: PerHost) =>
      perHostMessage(data, 'The certificate of', 'Certificates not matching the MX host name') + (data.hosts.length === 1 ? ', not the MX host name' : ''),
  } satisfies FindingSpec<PerHost>,
  'tls/outdated-protocol': {
    severity: 'medium',
    title: 'Accepts TLS 1.0 or 1.1',
    description:
      'The MX host still negotiates TLS 1.0 or 1.1, deprecated by RFC 8996. Raised to high when it cannot negotiate TLS 1.2 or newer at all: senders that require TLS 1.2 cannot use encryption with it.',
    message: (data: PerHost & { legacyOnly: boolean }) =>
      data.legacyOnly ? `${data.details.join('; ')} (TLS 1.0/1.1 are deprecated by RFC 8996)` : `${data.details.join('; ')}, deprecated by RFC 8996`,
  } satisfies FindingSpec<PerHost & { legacyOnly: boolean }>,
  'tls/connection-refused': {
    severity: 'high',
    title: 'Every MX host refuses connections',
    description:
      'Every address of every MX host actively refused the SMTP connection (TCP reset, "connection refused"): no server listens, so mail to the domain cannot be delivered and bounces (RFC 5321 §5.1). A refusal is an answer, unlike a timeout, which a blocked outbound port also causes.',
    message: (data: { port: number; addresses: number; domain: string }) =>
      `Every MX address refused the connection on port ${data.port} (${data.addresses} address(es)): mail to ${data.domain} cannot be delivered`,
  } satisfies FindingSpec<{ port: number; addresses: number; domain: string }>,
  'tls/unreachable': {
    severity: 'info',
    title: 'MX host not reachable for testing',
    description:
      'No SMTP session could be made (connection refused or timed out, no route, or the server stopped answering after its greeting). This says nothing about STARTTLS; often outbound port 25 is blocked on the network running the audit.',
    message: (data: { addresses: number; port: number }) =>
      `${data.addresses} MX address(es) could not be tested (no SMTP session on port ${data.port}); ${unreachableHint(data.port)}`,
  } satisfies FindingSpec<{ addresses: number; port: number }>,
  'tls/starttls-refused': {
    severity: 'high',
    title: 'STARTTLS offered but refused',
    description:
      'The MX host announces STARTTLS in its EHLO reply but answers the STARTTLS command with a refusal such as 454 "TLS not available" (RFC 3207 §4): senders that want TLS cannot have it, and those that require it do not deliver.',
    message: (data: PerHost) => data.details.join('; '),
  } satisfies FindingSpec<PerHost>,
  'tls/session-refused': {
    severity: 'medium',
    title: 'SMTP session refused',
    description:
      'The MX host answered the connection with a 4xx/5xx greeting (RFC 5321 §3.1: 554 "no SMTP service here") or refused EHLO, so STARTTLS could not be tested. A refusal may be aimed at the network running the audit (a blocklisted address), or at every sender.',
    message: (data: PerHost) => perHostMessage(data, 'The SMTP server of', 'SMTP sessions refused'),
  } satisfies FindingSpec<PerHost>,
  'tls/malformed-reply': {
    severity: 'medium',
    title: 'SMTP server answers with something that is not SMTP',
    description:
      'A line the MX host sent is not an SMTP reply (RFC 5321 §4.2: a three-digit code from 2xx to 5xx, then a space, a hyphen or the end of the line): another protocol on the port, or a broken server. Senders cannot deliver through it.',
    message: (data: PerHost) => perHostMessage(data, 'The SMTP server of', 'SMTP servers answering with something that is not SMTP'),
  } satisfies FindingSpec<PerHost>,
  'tls/reply-too-long': {
    severity: 'medium',
    title: 'SMTP reply without end',
    description:
      'The MX host sent a reply line far over the 512-octet limit of RFC 5321 §4.5.3.1.5, or a reply of endless continuation lines; mailcheck stops reading after 4096 characters a line and 200 lines a reply, and senders give up too.',
    message: (data: PerHost) => perHostMessage(data, 'The SMTP server of', 'SMTP servers sending replies without end'),
  } satisfies FindingSpec<PerHost>,
  'tls/connection-closed': {
    severity: 'medium',
    title: 'SMTP connection closed by the server',
    description:
      'The MX host accepted the TCP connection and then closed or reset it before or in the middle of a reply, before STARTTLS could be tested (RFC 5321 §3.8: a server closes only after QUIT, or with a 421 reply).',
    message: (data: PerHost) => perHostMessage(data, 'The SMTP server of', 'SMTP connections closed by the server'),
  } satisfies FindingSpec<PerHost>,
};
