/**
 * The runner: builds one CheckContext per domain, runs the selected checks
 * concurrently (each isolated by runCheck), scores them and assembles the
 * Report. Several domains run concurrently over one shared resolver, so the
 * DNS cache (a provider's SPF include, a blocklist zone's NS) is shared too.
 */
import { readFileSync } from 'node:fs';
import { CHECKS } from './checks/index.js';
import type { CheckDefinition } from './checks/define.js';
import { createSharedMemo, type AuditOptions, type CheckContext } from './context.js';
import { normaliseDomain } from './domain.js';
import type { DnsAnswer, DnsClient, QueryLogEntry, RecordData, RRType } from './dns/types.js';
import type { NetClient } from './net/types.js';
import { SCHEMA_VERSION } from './schema/report-constants.js';
import type { CheckResult, Report } from './schema/report.js';
import { runCheck, skippedCheck } from './run-check.js';
import { scoreChecks } from './score.js';
import { applyIgnores, countedChecks, utcDay } from './suppress.js';
import { applyBaseline, type Baseline } from './baseline.js';
import type { CaptureFile } from './dns/capture.js';
import type { Zone } from './dns/zone-file.js';
import { dispatchesQueries, listeningClient, queryScope } from './dns/query-scope.js';
import { domainCheck, NOT_FOUND_SKIP } from './checks/domain.js';
import { parkedAssertion } from './profiles/parked.js';
import { noteIfUnknown } from './dns/unknown-names.js';
import { createWorkBudget, DEFAULT_WORK_BUDGET_MS } from './work-budget.js';
import { createSaturationGate } from './saturation-gate.js';
import { inputOrderWindow } from './input-order-window.js';

/** What the runner needs besides the options; everything has a real default. */
export interface RunDependencies {
  /** The resolver shared by every domain of the run (default: createResolver from the options). */
  dns?: DnsClient;
  /** Builds the NetClient of one domain (default: createNetClient from src/net/client.ts). */
  createNet?: (dns: DnsClient, options: Readonly<AuditOptions>) => NetClient;
  /** The checks to choose from (default: the registry). */
  checks?: readonly CheckDefinition[];
  /** Time budget of one check, ms. */
  checkTimeoutMs?: number;
  /** DNS questions one domain's audit may ask (default QUERY_BUDGET). */
  queryBudget?: number;
  /** Computing time one domain's input-sized steps may take, ms (default DEFAULT_WORK_BUDGET_MS, src/work-budget.ts). */
  workBudgetMs?: number;
}

export interface AuditRunOptions extends RunDependencies {
  /**
   * At most this many domains audited at the same time (default 16); fewer
   * while the process's one thread is busy all along, where more in flight
   * would only cost memory and CPU (./saturation-gate.ts).
   */
  concurrency?: number;
  /**
   * Called with each report as soon as its domain is done (streaming formats,
   * progress). A returned promise is back-pressure: the worker waits for it
   * before starting another domain.
   */
  onReport?: (report: Report, index: number) => unknown;
  /** Reports of an earlier run by domain (readBaseline): each report gets its `diff` block. */
  baseline?: Baseline;
  /**
   * Keep the reports to return them (default true). False for large batches
   * whose reports are consumed through `onReport`: memory then stays flat and
   * the returned array is empty.
   */
  keepReports?: boolean;
  /**
   * Start no domain more than this many places after the oldest one not yet
   * finished (default: no limit). A caller writing reports in input order
   * then holds at most this many finished reports behind a slow one.
   */
  maxAhead?: number;
  /** Zone files (parseZoneFile) whose names are answered from them (--zone). Ignored with `dns`. */
  zones?: readonly Zone[];
  /** A DNS capture (parseCapture) to answer from, without network (--replay). Ignored with `dns`. */
  replay?: CaptureFile;
  /** Options of one domain (A-label), when they differ from the run's (per-domain settings); undefined: the run's. */
  optionsFor?: (domain: string) => Readonly<AuditOptions> | undefined;
}

/** Default number of domains audited at once. */
export const DEFAULT_CONCURRENCY = 16;

let toolInfo: { name: string; version: string } | undefined;

/** Name and version from package.json, read once. */
export function tool(): { name: string; version: string } {
  if (!toolInfo) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      name: string;
      version: string;
    };
    toolInfo = { name: pkg.name, version: pkg.version };
  }
  return toolInfo;
}

/**
 * Which checks run and why the others do not. `--checks` keeps only the
 * listed ids, `--skip` drops ids; both may be combined.
 */
export function selectChecks(
  all: readonly CheckDefinition[],
  options: Pick<AuditOptions, 'checks' | 'skip' | 'offline' | 'replay'>,
): Array<{ check: CheckDefinition; skipReason?: string }> {
  const only = options.checks && options.checks.length > 0 ? new Set(options.checks) : undefined;
  const skip = new Set(options.skip ?? []);
  return all.map((check) => {
    if (only && !only.has(check.id)) return { check, skipReason: 'not selected (--checks)' };
    if (skip.has(check.id)) return { check, skipReason: 'skipped on request (--skip)' };
    // Offline (--zone --offline) a check that needs DNS no zone file of the user's holds is
    // skipped; a replay (--replay) runs it: what the capture lacks is SERVFAIL.
    if (options.offline && !options.replay && typeof check.offline === 'object') return { check, skipReason: check.offline.skip };
    return { check };
  });
}

/**
 * Audits one domain (already normalised: A-label, lower case, no trailing
 * dot) over a shared resolver and returns its Report.
 */
export async function auditDomain(
  target: { domain: string; input?: string },
  options: Readonly<AuditOptions>,
  deps: RunDependencies & { dns: DnsClient },
): Promise<Report> {
  const dns = scopeDns(deps.dns, deps.queryBudget ?? QUERY_BUDGET);
  const createNet = deps.createNet ?? (await import('./net/client.js')).createNetClient;
  const ctx: CheckContext = {
    domain: target.domain,
    options,
    dns,
    net: createNet(dns, options),
    shared: createSharedMemo(),
    // Every input-sized step of this audit (SVG, SPF flattening) shares one computing budget.
    budget: createWorkBudget(deps.workBudgetMs ?? DEFAULT_WORK_BUDGET_MS),
  };
  const selection = selectChecks(deps.checks ?? CHECKS, options);
  // A name that does not exist has nothing else to judge: one finding, every
  // check skipped. The existence question runs alongside the checks, so that
  // no check waits for it (the checks' queries leave at once).
  const [existence, ran] = await Promise.all([
    runCheck(domainCheck, ctx, deps.checkTimeoutMs),
    Promise.all(
      selection.map(({ check, skipReason }) =>
        skipReason !== undefined ? Promise.resolve(skippedCheck(check, skipReason)) : runCheck(check, ctx, deps.checkTimeoutMs),
      ),
    ),
  ]);
  const refused = dns.overBudget();
  if (refused > 0) {
    // Name the cause where it shows: every check that could not conclude.
    const note = `the audit reached its budget of ${deps.queryBudget ?? QUERY_BUDGET} DNS questions; ${refused} more were not asked`;
    for (const result of [existence, ...ran]) if (result.status === 'error') result.error = `${result.error ?? 'inconclusive'} (${note})`;
  }
  const missing = existence.findings.length > 0;
  const results: CheckResult[] = missing ? selection.map(({ check }) => skippedCheck(check, NOT_FOUND_SKIP)) : ran;
  if (missing) results.unshift(existence);
  else if (options.parked) results.push(parkedAssertion(target.domain, results));
  const selected = [...(options.profiles ?? []), ...(options.parked && !missing ? ['parked'] : [])];
  // Ignore rules mark findings before scoring; the scorer sees only the findings that count.
  const judged = applyIgnores(results, target.domain, options.ignore ?? [], utcDay(new Date()));
  const scored = scoreChecks(countedChecks(judged), {
    ...(options.ips && options.ips.length > 0 ? { sendingIps: options.ips } : {}),
    selected: [...new Set(selected)],
  });
  // Keys in schema order, so JSON reads the same for every check.
  const checks = scored.checks.map((check, index): CheckResult => ({
    id: check.id,
    title: check.title,
    status: check.status,
    score: check.score,
    // The findings as scored (a parked domain's expected ones lowered to info), then the ignored ones, kept marked.
    findings: [...check.findings, ...judged[index]!.findings.filter((finding) => finding.suppressed !== undefined)],
    facts: check.facts,
    ...(check.summary !== undefined ? { summary: check.summary } : {}),
    ...(check.record !== undefined ? { record: check.record } : {}),
    ...(check.unknownNames !== undefined ? { unknownNames: check.unknownNames } : {}),
    ...(check.error !== undefined ? { error: check.error } : {}),
    ...(check.skipReason !== undefined ? { skipReason: check.skipReason } : {}),
    durationMs: check.durationMs,
  }));
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    tool: tool(),
    domain: target.domain,
    ...(target.input !== undefined && target.input !== target.domain ? { input: target.input } : {}),
    generatedAt: new Date().toISOString(),
    score: scored.score,
    receiving: scored.receiving,
    parked: scored.parked,
    profiles: scored.profiles,
    checks,
    fixes: scored.fixes,
    dns: { queries: dns.wireQueries(), servers: [...deps.dns.servers] },
  };
  return report;
}

/**
 * Audits domains (names, U-labels or e-mail addresses) and returns one
 * Report per distinct domain, in the order given. Throws an InputError for
 * input that is not a domain name. Several domains run concurrently and
 * share one resolver.
 */
export async function audit(
  domains: string | readonly string[],
  options: Readonly<AuditOptions> = {},
  run: AuditRunOptions = {},
): Promise<Report[]> {
  const targets = distinctTargets(typeof domains === 'string' ? [domains] : domains);
  const dns =
    run.dns ??
    (await (await import('./dns/audit-dns.js')).createAuditDns(options, {
      ...(run.zones ? { zones: run.zones } : {}),
      ...(run.replay ? { replay: run.replay } : {}),
      ...(run.keepReports === false ? { batch: true } : {}),
    }));
  // A replay is offline (no probes) and answers only what it captured.
  if (run.replay !== undefined && !(options.offline && options.replay)) options = { ...options, offline: true, replay: true };
  const keep = run.keepReports !== false;
  const deps = { ...run, dns };
  const reports: Report[] = keep ? new Array(targets.length) : [];
  const concurrency = Math.max(1, Math.floor(run.concurrency ?? DEFAULT_CONCURRENCY));
  let next = 0;
  const window = inputOrderWindow(run.maxAhead);
  // Fewer domains in flight while the one thread is the bottleneck (./saturation-gate.ts).
  const gate = createSaturationGate(concurrency);
  const worker = async () => {
    while (next < targets.length) {
      if (!window.mayStart(next)) {
        await window.wait();
        continue;
      }
      await gate.admit();
      // Another worker may have taken the last domain, or moved the window, meanwhile.
      if (next >= targets.length || !window.mayStart(next)) {
        gate.release();
        continue;
      }
      const index = next++;
      const target = targets[index]!;
      try {
        let report = await auditDomain(target, run.optionsFor?.(target.domain) ?? options, deps);
        if (run.baseline) report = applyBaseline(report, run.baseline);
        if (keep) reports[index] = report;
        // A promise from onReport is back-pressure (its output is behind): this worker waits for it.
        const consumed = run.onReport?.(report, index);
        if (consumed instanceof Promise) await consumed;
      } finally {
        gate.release();
      }
      window.finished(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
  return keep ? reports : [];
}

/** The domains to audit, normalised, first occurrence kept (the set of seen names is garbage once this returns). */
function distinctTargets(list: readonly string[]): Array<{ domain: string; input?: string }> {
  const seen = new Set<string>();
  const targets: Array<{ domain: string; input?: string }> = [];
  for (const raw of list) {
    const target = normaliseDomain(raw);
    if (seen.has(target.domain)) continue;
    seen.add(target.domain);
    targets.push(target);
  }
  return targets;
}

/** A per-domain view of the shared resolver that knows which wire queries this domain caused. */
interface ScopedDns extends DnsClient {
  /** Queries sent on the wire on behalf of this domain (cache hits excluded). */
  wireQueries(): number;
  /** Questions refused because the domain's query budget was spent. */
  overBudget(): number;
}

/**
 * Most DNS questions one domain's audit may ask (cache hits included): a
 * healthy domain asks a few hundred; a hostile one (thousands of MX hosts,
 * include trees) is stopped here. Questions beyond it are answered SERVFAIL,
 * so the checks that needed them end inconclusive, never "missing".
 */
export const QUERY_BUDGET = 5_000;

/**
 * The first domain to ask a name/type owns the wire query it causes; later
 * askers get it from the cache. Keyed per shared resolver.
 */
const firstAskers = new WeakMap<DnsClient, Map<string, symbol>>();

const queryKey = (name: string, type: string) => `${name.toLowerCase().replace(/\.$/, '')}\u0000${type}`;

/** Passes an answer on, noting its name for the asking check when it is unknown (offline, outside the zones). */
function noteUnknown<A extends DnsAnswer<unknown>>(answer: A): A {
  noteIfUnknown(answer);
  return answer;
}

function scopeDns(shared: DnsClient, budget = QUERY_BUDGET): ScopedDns {
  const scoped = scopeDnsUnbounded(shared);
  let asked = 0;
  let refused = 0;
  return {
    query<T extends RRType>(name: string, type: T): Promise<DnsAnswer<RecordData[T]>> {
      if (++asked > budget) {
        refused++;
        return Promise.resolve({ status: 'servfail' });
      }
      return scoped.query(name, type);
    },
    get log() {
      return scoped.log;
    },
    get servers() {
      return scoped.servers;
    },
    wireQueries: () => scoped.wireQueries(),
    overBudget: () => refused,
  };
}

function scopeDnsUnbounded(shared: DnsClient): Omit<ScopedDns, 'overBudget'> {
  if (dispatchesQueries(shared)) {
    // The resolver hands each entry to the asking context: count without any log.
    // A resolver without overrides takes the listener along with the query;
    // otherwise (an override may query again) the asynchronous context carries it.
    const listening = listeningClient(shared);
    let wire = 0;
    const own: QueryLogEntry[] = [];
    const listener = (entry: QueryLogEntry) => {
      // Answers from zone files (--zone) never went on the wire.
      if (!entry.cached && entry.server !== 'override') wire++;
      if (shared.log.length > 0) own.push(entry);
    };
    return {
      query<T extends RRType>(name: string, type: T): Promise<DnsAnswer<RecordData[T]>> {
        return (listening ? listening.query(name, type, listener) : queryScope.run(listener, () => shared.query(name, type))).then(noteUnknown);
      },
      get log(): readonly QueryLogEntry[] {
        return own;
      },
      get servers() {
        return shared.servers;
      },
      wireQueries: () => wire,
    };
  }
  let owners = firstAskers.get(shared);
  if (!owners) {
    owners = new Map();
    firstAskers.set(shared, owners);
  }
  const ownerMap = owners;
  const me = Symbol('domain');
  const asked = new Set<string>();
  const mine = (entry: QueryLogEntry) => ownerMap.get(queryKey(entry.name, entry.type)) === me;
  // The log is in order of asking: this domain's entries all come after those
  // already there now, so scans start here (a batch's log grows large).
  const from = shared.log.length;
  const ownLog = () => shared.log.slice(from);
  return {
    query<T extends RRType>(name: string, type: T): Promise<DnsAnswer<RecordData[T]>> {
      const key = queryKey(name, type);
      asked.add(key);
      if (!ownerMap.has(key)) ownerMap.set(key, me);
      return shared.query(name, type).then(noteUnknown);
    },
    get log(): readonly QueryLogEntry[] {
      return ownLog().filter((entry) => asked.has(queryKey(entry.name, entry.type)));
    },
    get servers() {
      return shared.servers;
    },
    wireQueries() {
      // Answers from zone files (--zone) never went on the wire.
      return ownLog().filter((entry) => !entry.cached && entry.server !== 'override' && mine(entry)).length;
    },
  };
}
