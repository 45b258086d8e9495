/** The tls check's key lines for the text report: one per probed address. */
import type { AddressFacts, TlsFacts } from './facts.js';

/** How a probe without a TLS session ended, in a few words (src/net/types.ts SmtpProbeState). */
const STATE_TEXT: Readonly<Record<AddressFacts['state'], string>> = {
  tls: 'TLS',
  unreachable: 'unreachable',
  'smtp-error': 'SMTP error',
  'session-refused': 'SMTP session refused',
  'malformed-reply': 'not an SMTP reply',
  'reply-too-long': 'SMTP reply without end',
  'connection-closed': 'connection closed by the server',
  'starttls-missing': 'no STARTTLS',
  'starttls-rejected': 'STARTTLS refused',
  'handshake-failed': 'TLS handshake failed',
};

/** One address: protocol, cipher and certificate expiry, or how the probe ended. */
function probeText(address: AddressFacts): string {
  const session = address.tls ?? address.legacySession;
  if (session) {
    const days = session.certificate?.daysToExpiry;
    const expiry =
      days === undefined ? '' : days < 0 ? `, certificate expired ${-days} day${days === -1 ? '' : 's'} ago` : `, certificate expires in ${days} day${days === 1 ? '' : 's'}`;
    const only = address.tls === undefined ? ' only' : '';
    return `${session.protocol || '?'}${only} ${session.cipher || '?'}${expiry}`;
  }
  const text = STATE_TEXT[address.state] ?? address.state;
  const error = address.error?.message;
  return error ? `${text} (${error})` : text;
}

export function summariseTls(facts: TlsFacts): string[] {
  const lines: string[] = [];
  for (const host of facts.hosts ?? []) {
    if (host.addresses.length === 0) {
      lines.push(`${host.host}: ${host.dnsProblem ? `addresses unknown (${host.dnsProblem})` : 'no address to probe'}`);
      continue;
    }
    for (const address of host.addresses) lines.push(`${host.host} ${address.address}: ${probeText(address)}`);
  }
  return lines;
}
