/**
 * The spf check's I/O: the policy walked through its includes and redirects,
 * the MX hosts, check_host() for each sending IP (--ip), and, for several
 * records, the walk of the one record they merge into.
 */
import type { CheckContext } from '../../context.js';
import { getMxHosts, type MxLookup } from '../../lookups/mx-hosts.js';
import { recognizeProviders } from '../../providers.js';
import { checkHost, type CheckHostResult } from '../../spf/evaluate.js';
import type { DnsClient } from '../../dns/types.js';
import { LOOKUP_LIMIT, VOID_LOOKUP_LIMIT, mergeRecords, repairRecord } from '../../spf/fix.js';
import { inNetwork, parseIp, unmapIpv4 } from '../../spf/ip.js';
import { allNodes, walkSpf, type SpfWalk } from '../../spf/walk.js';
import type { SpfFacts, SpfIpResult } from './facts.js';

/** The sending IPs given with --ip that are addresses. */
export const sendingIps = (ctx: CheckContext): string[] => (ctx.options.ips ?? []).filter((ip) => parseIp(ip.trim()) !== null);

/** check_host() for MAIL FROM postmaster@<domain> (RFC 7208 §4). */
export const evaluateIp = (dns: DnsClient, domain: string, ip: string): Promise<CheckHostResult> =>
  checkHost(dns, { ip, domain, sender: `postmaster@${domain}`, helo: domain });

/** The merged text of several records (RFC 7208 §4.5: only one record may exist). */
export const mergedRecord = (records: readonly string[]): string => mergeRecords(records.map((text) => repairRecord(text) ?? text));

/**
 * Whether the policy already authorises every sender we know of (the MX
 * hosts' addresses, the --ip addresses, and the SPF include of every
 * provider recognised from the MX hosts): then "-all" is safe, else "~all".
 */
export function coversKnownSenders(walk: SpfWalk, mx: MxLookup | undefined, ips: readonly string[]): boolean {
  if (!walk.networks.complete) return false;
  const nets = walk.networksOf(walk.root).list;
  const hosts = mx?.hosts ?? [];
  const addresses = [...hosts.flatMap((host) => [...host.ipv4, ...host.ipv6]), ...ips];
  if (addresses.length === 0) return false;
  const covered = addresses.every((text) => {
    const ip = parseIp(text);
    return ip !== null && nets.some((network) => inNetwork(unmapIpv4(ip), network));
  });
  if (!covered) return false;
  const included = new Set(allNodes(walk.root).map((node) => node.domain));
  const providers = recognizeProviders(
    hosts.map((host) => host.exchange),
    [],
  );
  return providers.every((provider) => !provider.spfInclude || included.has(provider.spfInclude));
}

/**
 * The MX hosts, as far as SPF's advice needs them (which senders are known).
 * An MX host whose name cannot be asked in DNS (a control byte, a dot inside
 * a label) ends the mx check in error; here it only means the MX hosts add no
 * known sender, and the SPF record is judged all the same.
 */
export async function mxHostsForSenders(ctx: CheckContext): Promise<MxLookup | undefined> {
  try {
    return await getMxHosts(ctx);
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'EBADNAME') return undefined;
    throw error;
  }
}

/** The MX hosts' names without their addresses (one of them cannot be asked for its addresses). */
async function mxNamesOnly(ctx: CheckContext): Promise<NonNullable<SpfFacts['mx']>> {
  const answer = await ctx.dns.query(ctx.domain, 'MX');
  if (answer.status !== 'ok') return { status: answer.status, nullMx: false, hosts: [] };
  // RFC 7505 §3: a null MX is the one record "0 .".
  const nullMx = answer.records.length === 1 && answer.records[0]!.exchange === '';
  return { status: answer.status, nullMx, hosts: nullMx ? [] : answer.records.map((record) => record.exchange) };
}

function ipFact(ip: string, outcome: CheckHostResult): SpfIpResult {
  const fact: SpfIpResult = { ip, result: outcome.result, lookups: outcome.lookups, voidLookups: outcome.voidLookups };
  if (outcome.mechanism) fact.mechanism = outcome.mechanism;
  if (outcome.mechanismDomain) fact.mechanismDomain = outcome.mechanismDomain;
  if (outcome.explanation) fact.explanation = outcome.explanation;
  if (outcome.reason) fact.reason = outcome.reason;
  return fact;
}

export async function gatherSpf(ctx: CheckContext): Promise<SpfFacts> {
  const domain = ctx.domain;
  const walk = await walkSpf(ctx.dns, domain);
  const root = walk.root;
  const facts: SpfFacts = {
    domain,
    record: root.status === 'ok' ? root.record! : null,
    records: root.status === 'ok' ? [root.record!] : (root.records ?? []),
    tree: root,
    lookups: walk.lookups,
    lookupLimit: LOOKUP_LIMIT,
    voidLookups: walk.voidLookups,
    voidLookupLimit: VOID_LOOKUP_LIMIT,
    all: walk.all?.qualifier ?? null,
    allSource: walk.all?.domain ?? null,
    networks: walk.networks,
    macroTargets: walk.macroTargets,
    dnsErrors: walk.dnsErrors,
    merged: null,
    mx: null,
    knownSendersCovered: false,
    ipResults: [],
    proposedLookups: null,
  };
  // A record that could not be read leaves nothing to judge: no more DNS.
  if (root.status === 'dns-error') return facts;

  const mx = await mxHostsForSenders(ctx);
  facts.mx = mx ? { status: mx.answer.status, nullMx: mx.nullMx, hosts: mx.hosts.map((host) => host.exchange) } : await mxNamesOnly(ctx);
  const ips = sendingIps(ctx);
  facts.ipResults = (await Promise.all(ips.map(async (ip) => ipFact(ip, await evaluateIp(ctx.dns, domain, ip)))));
  if (root.status === 'multiple') {
    const record = mergedRecord(root.records ?? []);
    facts.merged = { record, lookups: (await walkSpf(ctx.dns, domain, { record })).lookups };
  }
  facts.knownSendersCovered = coversKnownSenders(walk, mx, ips);
  return facts;
}
