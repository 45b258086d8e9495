/**
 * The one object every check receives. All I/O goes through it: checks never
 * import node:dns, node:net or node:tls.
 */
import type { DnsClient } from './dns/types.js';
import type { NetClient } from './net/types.js';
import type { TrustAnchor } from './dnssec/anchors.js';
import type { WorkBudget } from './work-budget.js';
import { collectUnknownNames, noteUnknownNames } from './dns/unknown-names.js';

/** One ignore rule. */
export interface IgnoreRule {
  /** Finding id `<check>/<state>`. */
  id: string;
  /** Only this domain (A-label, lower case); every domain when absent. */
  domain?: string;
  /** Why the finding is accepted. */
  reason: string;
  /** Last day the rule holds, `YYYY-MM-DD` (UTC); from the next day on the finding counts again. */
  until?: string;
  /** Where the rule comes from (a config file, `--ignore`, `file:line`); shown in the report. */
  source?: string;
}

/** Options that shape an audit (the CLI's flags, parsed). */
export interface AuditOptions {
  /** DNS servers as ip, ip:port, [v6]:port or https:// URL; default: the system's resolvers. */
  resolvers?: string[];
  /** Per-query DNS timeout, ms. */
  timeoutMs?: number;
  /** DNS retries per server after a timeout. */
  retries?: number;
  /** Queries per second to each DNS server (0: no limit); default: none for loopback servers, 200 for others. */
  rate?: number;
  /** Only run these checks (ids). */
  checks?: string[];
  /** Do not run these checks (ids). */
  skip?: string[];
  /** Extra DKIM selectors to probe. */
  dkimSelectors?: string[];
  /** Probe only `dkimSelectors` (the selectors a message was signed with), no provider or generic ones. */
  dkimSelectorsOnly?: boolean;
  /** Probe SMTP (port 25) at all; false with --no-smtp. */
  smtp?: boolean;
  /** SMTP port to probe (testing). Default 25. */
  smtpPort?: number;
  /** HTTPS port for MTA-STS/BIMI fetches (testing). Default 443. */
  httpsPort?: number;
  /** Name to send in EHLO. */
  heloName?: string;
  /** Timeout for SMTP/HTTPS connections, ms. */
  probeTimeoutMs?: number;
  /** Extra trusted CA certificates (PEM) besides the system store. */
  extraCa?: string[];
  /** Sending IPs to evaluate (SPF authorisation, PTR, blocklists). */
  ips?: string[];
  /** Blocklist zones to add to the default set. */
  blocklists?: string[];
  /** Blocklist zones to drop from the default set. */
  noBlocklists?: string[];
  /** Spamhaus DQS key. */
  spamhausKey?: string;
  /** BIMI selector (default "default"). */
  bimiSelector?: string;
  /** Answer only from local data; skip network probes. */
  offline?: boolean;
  /**
   * DNS answers come from a capture (`--replay`, with `offline`): a question
   * the capture lacks is SERVFAIL (inconclusive), never NXDOMAIN, so checks
   * that only ask DNS (blocklist) run from the captured answers.
   */
  replay?: boolean;
  /** Mailbox-provider profile ids to judge and enforce (--profile); a failing one fails the run. */
  profiles?: string[];
  /** The domain must be parked (--parked): each missing piece is a finding. */
  parked?: boolean;
  /** Findings to accept (config file `ignore`, --ignore): marked `suppressed`, left out of score, thresholds and fixes. */
  ignore?: IgnoreRule[];
  /** DNSSEC trust anchors besides the built-in root (--trust-anchor files, src/dnssec/anchors.ts). */
  trustAnchors?: TrustAnchor[];
}

export interface CheckContext {
  /** The domain under audit: A-label, lower case, no trailing dot. */
  readonly domain: string;
  readonly options: Readonly<AuditOptions>;
  readonly dns: DnsClient;
  readonly net: NetClient;
  /**
   * Memoize a shared lookup for this domain's audit: the first caller runs
   * `compute`, every other caller with the same key shares its promise.
   * Used by src/lookups/* (MX hosts and addresses, the DMARC record, …).
   */
  shared<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /**
   * The audit's computing budget for input-sized steps (src/work-budget.ts),
   * shared by all its checks; absent outside an audit, where nothing is bounded.
   */
  readonly budget?: WorkBudget;
}

/** Builds the `shared` memo for one domain's context. */
export function createSharedMemo(): CheckContext['shared'] {
  const memo = new Map<string, { promise: Promise<unknown>; unknown: Set<string> }>();
  return <T>(key: string, compute: () => Promise<T>): Promise<T> => {
    let entry = memo.get(key);
    if (!entry) {
      // Names of unknown existence met by the lookup count for every check that uses it.
      const unknown = new Set<string>();
      entry = { promise: collectUnknownNames(unknown, compute), unknown };
      memo.set(key, entry);
    }
    const { promise, unknown } = entry;
    const shared = (promise as Promise<T>).then(
      (value) => {
        noteUnknownNames(unknown);
        return value;
      },
      (error: unknown) => {
        noteUnknownNames(unknown);
        throw error;
      },
    );
    // A caller that started the lookup and then stopped on another error never
    // awaits it: its failure is that caller's to report, not an unhandled rejection.
    shared.catch(() => undefined);
    return shared;
  };
}
