/**
 * tls: STARTTLS on every MX host (RFC 3207), with the certificate checks a
 * sender that authenticates would make (RFC 6125 host names, RFC 5280
 * validity, a chain to a trusted root) and the protocol versions accepted
 * (RFC 8996 deprecates TLS 1.0 and 1.1).
 *
 * Every address (IPv4 and IPv6) of every MX host is probed through the shared
 * SMTP probe lookup. The states stay apart: a refused or silent connection is
 * `tls/unreachable` (untestable, never "STARTTLS missing"), a server that
 * answers without STARTTLS is `tls/starttls-missing`, one that refuses the
 * STARTTLS it offers is `tls/starttls-refused`, a failed handshake is
 * `tls/handshake-failed`, a server that refuses the session, garbles,
 * never ends or cuts its replies has a finding of its own, and certificate
 * problems have their own ids.
 *
 * The parts live in ./tls/: facts.ts (the facts' schema), gather.ts,
 * judge.ts, messages.ts (the catalogue and its sentences), summary.ts.
 */
import { defineCheck } from './define.js';
import { tlsFacts } from './tls/facts.js';
import { gatherTls } from './tls/gather.js';
import { judgeTls } from './tls/judge.js';
import { TLS_FINDINGS } from './tls/messages.js';
import { summariseTls } from './tls/summary.js';

export { daysAgoText, daysLeftText, EXPIRY_WARNING_DAYS, unreachableHint, utcDate } from './tls/messages.js';

export const tlsCheck = defineCheck({
  id: 'tls',
  title: 'STARTTLS on the MX hosts',
  record: { prefix: '', type: 'MX' },
  score: { area: 'receiving', weight: 30 },
  description:
    'Every address of every MX host offers STARTTLS (RFC 3207) with TLS 1.2 or newer (RFC 8996), and presents an unexpired certificate that chains to a trusted root and matches the MX host name (RFC 6125, RFC 7817).',
  findings: TLS_FINDINGS,
  // Built when first read (the JSON Schema, tests), never during an audit.
  get facts() {
    return tlsFacts();
  },
  gather: gatherTls,
  judge: judgeTls,
  summarise: summariseTls,
});
