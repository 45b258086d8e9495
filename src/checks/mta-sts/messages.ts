/**
 * The mta-sts check's wording: the finding catalogue with each sentence built
 * from its data, and the notes a fix carries for the situation observed.
 */
import type { Catalog } from '../define.js';

/**
 * Where the policy stands, so that a fix's notes address what actually went
 * wrong: nothing published yet, the policy host without an address, no
 * connection, a certificate failure, an HTTP status, an HTTP failure, bad
 * content, or a policy that was served fine and only needs new content.
 */
export type PolicySituation =
  | { kind: 'setup' }
  | { kind: 'no-address'; detail: string }
  | { kind: 'connect'; detail: string }
  | { kind: 'timeout'; detail: string }
  | { kind: 'tls'; detail: string }
  | { kind: 'http-status'; status: number; location?: string }
  | { kind: 'http-error'; detail: string }
  | { kind: 'content'; errors: string[] }
  | { kind: 'served' };

/** The address placeholder of the policy host's A record (no address published). */
export const ADDRESS_PLACEHOLDER = 'POLICY-SERVER-IPV4';

/** What to do about the policy file, for the situation observed (RFC 8461 §3.3). */
export function servingNote(situation: PolicySituation, policyUrl: string, policyHost: string): string {
  const serve = `Serve the file at ${policyUrl} with Content-Type text/plain, a certificate valid for ${policyHost}, and no redirect (RFC 8461 §3.3)`;
  switch (situation.kind) {
    case 'setup':
      return `${serve}; ${policyHost} needs an A/AAAA record pointing at that HTTPS server.`;
    case 'no-address':
      return `${situation.detail}: publish an A record (and AAAA for IPv6, or a CNAME) pointing at the HTTPS server that serves the policy. ${serve}.`;
    case 'connect':
      return `${policyHost} has an address, but no HTTPS connection could be made (${situation.detail}): start the HTTPS server there, or let connections to it through the firewall. ${serve}.`;
    case 'timeout':
      return `The HTTPS server of ${policyHost} did not answer in time (${situation.detail}): make it answer promptly. ${serve}.`;
    case 'tls':
      return `The HTTPS server of ${policyHost} failed certificate validation (${situation.detail}): install a certificate from a publicly trusted CA whose subjectAltName lists ${policyHost}, with its intermediate chain. ${serve}.`;
    case 'http-status':
      return situation.status >= 300 && situation.status < 400
        ? `The server answered HTTP ${situation.status}${situation.location ? ` with a redirect to ${situation.location}` : ''}: senders do not follow redirects (RFC 8461 §3.3), so serve the file itself at ${policyUrl}, with Content-Type text/plain.`
        : `The server answered HTTP ${situation.status}: have it answer 200 with the file below at ${policyUrl}, with Content-Type text/plain.`;
    case 'http-error':
      return `The HTTPS request failed (${situation.detail}): have the server answer 200 with the file below. ${serve}.`;
    case 'content':
      return `The file served at ${policyUrl} is not a valid policy (${situation.errors.length} problem${situation.errors.length === 1 ? '' : 's'}, listed in the evidence): replace it with the content below, served with Content-Type text/plain.`;
    case 'served':
      return `Replace the file at ${policyUrl} with the content below (Content-Type text/plain).`;
  }
}

/** Why an HTTP answer other than 200 is no policy (RFC 8461 §3.3: redirects are not followed). */
export function httpStatusDetail(status: number, location: string | undefined): string {
  const redirect = status >= 300 && status < 400;
  return redirect ? `HTTP ${status} redirect${location ? ` to ${location}` : ''} (senders do not follow redirects)` : `HTTP ${status}`;
}

export const MTA_STS_FINDINGS = {
  'mta-sts/missing': {
    severity: 'low',
    title: 'No MTA-STS policy in effect',
    description:
      'No `_mta-sts` TXT record is published (or the policy says mode: none), so senders cannot learn that the domain requires TLS with valid certificates: an attacker on the path can strip STARTTLS and read or redirect mail.',
    message: (data: { recordName: string; otherRecords: number; policyUrl: string; modeNone: boolean }) =>
      data.modeNone
        ? `The MTA-STS policy at ${data.policyUrl} has mode none: MTA-STS is switched off`
        : `No MTA-STS record at ${data.recordName}${data.otherRecords > 0 ? ` (${data.otherRecords} other TXT record(s) there)` : ''}`,
  },
  'mta-sts/invalid-record': {
    severity: 'medium',
    title: 'MTA-STS record invalid',
    description:
      'The `_mta-sts` TXT record does not follow RFC 8461 §3.1 (`v=STSv1; id=<1-32 letters and digits>`), or several such records are published: senders then act as if the domain had no MTA-STS.',
    message: (data: { recordName: string; records: number; errors: string[] }) =>
      data.records > 1
        ? `${data.records} MTA-STS records at ${data.recordName}: senders use none of them (RFC 8461 §3.1)`
        : `The MTA-STS record at ${data.recordName} is invalid: ${data.errors.join('; ')}`,
  },
  'mta-sts/policy-unreachable': {
    severity: 'high',
    title: 'MTA-STS policy cannot be fetched',
    description:
      'The TXT record announces a policy, but `https://mta-sts.<domain>/.well-known/mta-sts.txt` does not answer 200 over HTTPS with a certificate valid for that host, without redirects (RFC 8461 §3.3). Senders cannot apply the policy.',
    message: (data: { policyUrl: string; detail: string }) => `The MTA-STS policy at ${data.policyUrl} cannot be fetched: ${data.detail}`,
  },
  'mta-sts/invalid-policy': {
    severity: 'high',
    title: 'MTA-STS policy invalid',
    description:
      'The policy file does not parse under RFC 8461 §3.2 (version, mode, max_age, mx), is not served as text/plain, or exceeds 64 KiB. Senders discard it.',
    message: (data: { policyUrl: string; errors: string[] }) => `The MTA-STS policy at ${data.policyUrl} is invalid: ${data.errors.join('; ')}`,
  },
  'mta-sts/mx-not-covered': {
    severity: 'high',
    title: 'MX host not covered by the MTA-STS policy',
    description:
      'An MX host matches none of the policy\'s mx patterns (RFC 8461 §4.1; a wildcard covers exactly one label). In enforce mode senders refuse to deliver to it (high); in testing mode they report failures (medium).',
    message: (data: { hosts: string[]; mode: string; patterns: string[] }) =>
      `${data.hosts.join(', ')} match${data.hosts.length === 1 ? 'es' : ''} no mx pattern of the ${data.mode} policy (${data.patterns.join(', ')})`,
  },
  'mta-sts/testing-mode': {
    severity: 'low',
    title: 'MTA-STS policy in testing mode',
    description: 'The policy is in mode testing: senders report failures but still deliver without TLS protection (RFC 8461 §5).',
    message: () => `The MTA-STS policy is in mode testing: senders report TLS failures but still deliver`,
  },
  'mta-sts/short-max-age': {
    severity: 'low',
    title: 'MTA-STS max_age under one day',
    description:
      'The policy\'s max_age is below 86400 seconds: senders forget it quickly, which leaves the first connection after expiry open to downgrade (RFC 8461 §10.1). Weeks are usual.',
    message: (data: { maxAge: number }) => `The MTA-STS policy's max_age is ${data.maxAge} seconds, under one day`,
  },
} satisfies Catalog;
