/**
 * The DNS client of one run, for the CLI and the library alike: the resolver
 * (UDP/TCP, or DNS over HTTPS for https:// servers) with zone-file overrides,
 * or a replay of a capture; wrapped to record every answer when asked.
 */
import type { AuditOptions } from '../context.js';
import type { CaptureFile, CapturingDnsClient } from './capture.js';
import type { ResolverOptions } from './resolver.js';
import type { DnsAnswer, DnsClient, RecordData, RRType } from './types.js';
import type { Zone } from './zone-file.js';
import { dispatchQuery, markDispatching } from './query-scope.js';

export interface AuditDnsOptions {
  /** Parsed zone files (`--zone`): the names they define are answered from them. */
  zones?: readonly Zone[];
  /** A capture to replay (`--replay`): no network at all. */
  replay?: CaptureFile;
  /** Record every answer (`--save-dns`): the client then has a `capture()` method. */
  capture?: boolean;
  /** Called with each query log entry as it completes. */
  onQuery?: ResolverOptions['onQuery'];
  /**
   * A large batch: the resolver keeps no query log (each domain's queries are
   * counted as they happen) and at most BATCH_CACHE_LIMIT answers, so memory
   * stays flat however many domains run.
   */
  batch?: boolean;
  /** First attempts already sent by the CLI's early round (src/cli/early-round.ts). */
  early?: ResolverOptions['early'];
}

/** Answers kept in a batch's DNS cache: shared names (providers' includes, MX hosts) stay, per-domain names age out. */
export const BATCH_CACHE_LIMIT = 20_000;


/**
 * Builds the DNS client of a run. With `options.offline`, nothing is sent on
 * the wire: names the zones cover but do not define do not exist, and the
 * rest are unknown (SERVFAIL marked `outside`, see dns/unknown-names.ts).
 */
export async function createAuditDns(
  options: Readonly<AuditOptions>,
  extra: AuditDnsOptions = {},
): Promise<DnsClient | CapturingDnsClient> {
  let dns: DnsClient;
  if (extra.replay) {
    const { replayDns } = await import('./capture.js');
    dns = replayDns(extra.replay);
  } else {
    const { createResolver } = await import('./resolver.js');
    let resolver: DnsClient | undefined;
    let overrides: ResolverOptions['overrides'];
    if (extra.zones && extra.zones.length > 0) {
      const { zoneOverride } = await import('./zone-file.js');
      overrides = zoneOverride(extra.zones, {
        offline: options.offline === true,
        // A CNAME that leaves the zones is followed through the resolver itself.
        resolveOutside: (name, type) => resolver!.query(name, type),
      });
    } else if (options.offline) {
      // No zone at all: nothing is known of any name.
      overrides = (name): DnsAnswer<RecordData[RRType]> => ({ status: 'servfail', outside: name.toLowerCase().replace(/\.$/, '') });
    }
    resolver = createResolver({
      ...(options.resolvers && options.resolvers.length > 0 ? { servers: [...options.resolvers] } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
      ...(options.rate !== undefined ? { rate: options.rate } : {}),
      ...(options.extraCa && options.extraCa.length > 0 ? { extraCa: [...options.extraCa] } : {}),
      ...(overrides ? { overrides } : {}),
      onQuery: (entry) => {
        dispatchQuery(entry);
        extra.onQuery?.(entry);
      },
      ...(extra.batch ? { keepLog: false, cacheLimit: BATCH_CACHE_LIMIT } : {}),
      ...(extra.early ? { early: extra.early } : {}),
    });
    dns = resolver;
  }
  if (options.offline && !extra.replay) {
    // Nothing is asked on the wire: say so in the report instead of naming resolvers.
    const inner = dns;
    dns = {
      query: (name, type) => inner.query(name, type),
      get log() {
        return inner.log;
      },
      servers: ['offline'],
    };
  }
  const dispatching = !extra.replay;
  if (extra.capture) {
    const { captureDns } = await import('./capture.js');
    const captured = captureDns(dns);
    return dispatching ? markDispatching(captured) : captured;
  }
  return dispatching ? markDispatching(dns) : dns;
}
