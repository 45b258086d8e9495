/**
 * SMTP probes of every address of every MX host, shared by the tls and dane
 * checks: each address is probed once per audit, all concurrently (each probe
 * bounded by the probe timeout, so one slow host does not hold the others).
 */
import { createLimiter, type Limiter } from '../limiter.js';
import type { CheckContext } from '../context.js';
import { isDnsFailure } from '../dns/types.js';
import type { SmtpProbeResult } from '../net/types.js';
import { getMxHosts, type MxHost, type MxLookup } from './mx-hosts.js';

/** One MX host with the probes of its addresses. */
export interface ProbedHost {
  host: string;
  preference: number;
  probes: SmtpProbeResult[];
  /** Set when an address lookup failed (timeout/SERVFAIL/REFUSED): the host may have addresses that were not probed. */
  dnsProblem?: string;
}

export interface SmtpProbes {
  mx: MxLookup;
  hosts: ProbedHost[];
}

/**
 * Most SMTP probes one audit runs at the same time: an MX answer naming
 * thousands of hosts is probed a few at a time, so memory, sockets and the
 * probes' own timeouts stay honest (a probe waiting for a slot is not timing out).
 */
export const MAX_SMTP_PROBES_IN_FLIGHT = 8;

/** One limiter per audit (per context's shared memo). */
const slots = new WeakMap<CheckContext['shared'], Limiter>();

function probeSlots(ctx: CheckContext): <T>(task: () => Promise<T>) => Promise<T> {
  let limiter = slots.get(ctx.shared);
  if (!limiter) {
    limiter = createLimiter(MAX_SMTP_PROBES_IN_FLIGHT);
    slots.set(ctx.shared, limiter);
  }
  return limiter.run.bind(limiter);
}

/** The probe of one address of one MX host, memoized for the audit. */
export function getSmtpProbe(ctx: CheckContext, host: string, address: string): Promise<SmtpProbeResult> {
  const inSlot = probeSlots(ctx);
  return ctx.shared(`smtp-probe:${host}|${address}`, () => inSlot(() => ctx.net.probeSmtp(host, address)));
}

/** Addresses of a host in probing order: IPv4 then IPv6. */
export function hostAddresses(host: MxHost): string[] {
  return [...host.ipv4, ...host.ipv6];
}

function dnsProblem(host: MxHost): string | undefined {
  const failed = [
    isDnsFailure(host.a) ? `A: ${host.a.status}` : undefined,
    isDnsFailure(host.aaaa) ? `AAAA: ${host.aaaa.status}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return failed.length > 0 ? failed.join(', ') : undefined;
}

/** Probes of every address of every MX host (none for a null MX or a failed MX lookup). */
export function getSmtpProbes(ctx: CheckContext): Promise<SmtpProbes> {
  return ctx.shared('smtp-probes', async () => {
    const mx = await getMxHosts(ctx);
    // The same exchange listed twice (at two preferences) is one host: keep its first (lowest) entry.
    const unique = mx.hosts.filter((host, index, all) => all.findIndex((other) => other.exchange === host.exchange) === index);
    const hosts = await Promise.all(
      unique.map(async (host): Promise<ProbedHost> => {
        const probes = await Promise.all(hostAddresses(host).map((address) => getSmtpProbe(ctx, host.exchange, address)));
        const problem = dnsProblem(host);
        return { host: host.exchange, preference: host.preference, probes, ...(problem ? { dnsProblem: problem } : {}) };
      }),
    );
    return { mx, hosts };
  });
}
