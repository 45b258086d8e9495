/**
 * The tls check's gather: the shared SMTP probes of every address of every
 * MX host (src/lookups/smtp-probes.ts), as facts.
 */
import type { CheckContext } from '../../context.js';
import { getSmtpProbes } from '../../lookups/smtp-probes.js';
import { NET_DEFAULTS } from '../../net/client.js';
import { hostFactsOf, type TlsFacts } from './facts.js';

export async function gatherTls(ctx: CheckContext): Promise<TlsFacts> {
  const port = ctx.options.smtpPort ?? NET_DEFAULTS.smtpPort;
  const base = { domain: ctx.domain, port, now: new Date().toISOString(), hosts: [] };
  if (ctx.options.offline) return { ...base, probing: 'offline' };
  if (ctx.options.smtp === false) return { ...base, probing: 'disabled' };
  const { mx, hosts } = await getSmtpProbes(ctx);
  const facts: TlsFacts = { ...base, probing: 'on', mx: { status: mx.answer.status, nullMx: mx.nullMx }, hosts: hosts.map(hostFactsOf) };
  // The clock is read once the probes are done: the certificates were seen then.
  facts.now = new Date().toISOString();
  return facts;
}
