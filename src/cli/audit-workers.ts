/**
 * A large batch's audits in worker threads. One thread cannot audit faster
 * than its CPU allows (about 3 ms of CPU a domain against a local resolver),
 * so a batch with more than one domain in flight spreads its domains over
 * a few workers (src/cli/audit-worker.ts), one per core up to MAX_WORKERS.
 *
 * - Each worker takes domains on demand, at most its share of
 *   `--concurrency` at a time: a slow domain holds one place, never a fixed
 *   slice of the list.
 * - Reports come back as Report objects (structured clone) and go through the
 *   same `onReport` as on one thread, so the output, its input order window,
 *   baselines, progress and the exit code do not change.
 * - A worker that stops (a crash, out of memory) is replaced; the domains it
 *   held are audited once more on another worker, and a domain lost twice
 *   (the likely cause) gets a report whose checks are `error` (exit code 3).
 *   A domain whose audit throws gets that report at once.
 *
 * Runs that share one state across domains stay on one thread
 * (`workerCount` says 0): a query rate (`--rate`, or the default pace towards
 * a resolver that is not on this machine: one pacer keeps it global), zone
 * files and offline runs, `--save-dns`, `--replay` and `--verbose`.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { applyBaseline } from '../baseline.js';
import { CHECKS } from '../checks/index.js';
import { domainCheck } from '../checks/domain.js';
import type { AuditOptions } from '../context.js';
import { BATCH_CACHE_LIMIT } from '../dns/audit-dns.js';
import { isLoopbackHost } from '../dns/pacer.js';
import { parseServerSpec, systemServers } from '../dns/resolver.js';
import { failedReport } from '../report-assembly.js';
import { DEFAULT_CONCURRENCY, distinctTargets, inputOrderWindow, selectChecks, type AuditRunOptions } from '../run.js';
import type { Report } from '../schema/report.js';
import type { AuditReply, AuditRequest, AuditWorkerData } from './audit-worker.js';
import type { DnsHealth } from './dns-health.js';

/** Fewer domains than this run on one thread: a worker's start-up (loading the bundle) would cost more than it saves. */
export const MIN_DOMAINS_FOR_WORKERS = 48;
/** Most worker threads of one batch. */
export const MAX_WORKERS = 4;
/** Workers that may stop in a row without finishing a domain before the rest of the batch is given up. */
const MAX_FAILED_STARTS = 3;

/** What decides whether a batch may use workers. */
export interface WorkerPlanInput {
  /** Distinct domains (or inputs) of the batch. */
  domains: number;
  concurrency: number;
  options: Readonly<AuditOptions>;
  /** Zone files, offline, replay, capture or the verbose transcript: one shared state. */
  sharedState: boolean;
}

/** How many worker threads a batch uses: 0 for one thread. */
export function workerCount(input: WorkerPlanInput, cores = availableParallelism()): number {
  if (input.sharedState || input.options.offline || input.options.replay) return 0;
  if (input.concurrency < 2 || input.domains < MIN_DOMAINS_FOR_WORKERS) return 0;
  if (paced(input.options)) return 0;
  const count = Math.min(cores, MAX_WORKERS, input.concurrency);
  return count >= 2 ? count : 0;
}

/** True when the resolver paces its queries (src/dns/pacer.ts): the pace is global only on one thread. */
function paced(options: Readonly<AuditOptions>): boolean {
  if (options.rate !== undefined) return options.rate > 0;
  const servers = options.resolvers && options.resolvers.length > 0 ? options.resolvers : systemServers();
  return servers.some((spec) => {
    try {
      // The resolver's rule (src/dns/resolver.ts): servers on this machine are not paced, DNS over HTTPS included.
      return !isLoopbackHost(/^https:/i.test(spec) ? new URL(spec).hostname : parseServerSpec(spec).host);
    } catch {
      return true;
    }
  });
}

/** The worker's entry: the bundled one next to the CLI bundle, else tsc's module beside this one. */
export function workerFile(): string | undefined {
  for (const name of ['./cli.bundle-worker.js', './audit-worker.js']) {
    const file = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * A worker's heap. V8 lets a busy heap grow far above what is alive before it
 * collects (three isolates doing so took the corpus batch from 290 to 350 MB
 * of peak memory); a worker holds its cache and the domains in flight, so its
 * old generation is capped at 64 MB plus 8 MB a domain it may hold (128 MB at
 * the default concurrency on two cores). The young generation keeps V8's
 * size: capped at 16 MB it tripled the workers' collection time. A worker
 * that runs out of heap stops, and its domains are tried once more.
 */
function heapLimits(perWorker: number): { maxOldGenerationSizeMb: number } {
  return { maxOldGenerationSizeMb: 64 + 8 * perWorker };
}

/** `audit()` (src/run.ts) over worker threads, with the same options and the same calls of `onReport`. */
export interface WorkerRunOptions extends Pick<AuditRunOptions, 'concurrency' | 'onReport' | 'baseline' | 'keepReports' | 'maxAhead' | 'optionsFor'> {
  workers: number;
  /** The servers the reports name (those of the run's resolver). */
  servers: readonly string[];
  /** Receives the DNS outcomes the workers counted. */
  health?: DnsHealth;
  /** The worker's entry file (tests); default the bundled worker. */
  workerFile?: string;
}

interface PoolWorker {
  worker: Worker;
  /** Indexes handed to this worker and not yet answered. */
  held: Set<number>;
  finishedAny: boolean;
}

/**
 * Audits `domains` in worker threads and returns the reports in input order
 * (empty with `keepReports: false`). Throws an InputError before starting any
 * worker for input that is not a domain name.
 */
export function auditInWorkers(domains: readonly string[], options: Readonly<AuditOptions>, run: WorkerRunOptions): Promise<Report[]> {
  const targets = distinctTargets(domains);
  const file = run.workerFile ?? workerFile();
  if (file === undefined) throw new Error('the audit worker (dist/cli.bundle-worker.js) is missing: run npm run build');
  const keep = run.keepReports !== false;
  const reports: Report[] = keep ? new Array(targets.length) : [];
  const concurrency = Math.max(1, Math.floor(run.concurrency ?? DEFAULT_CONCURRENCY));
  const workers = Math.max(1, Math.min(run.workers, targets.length));
  const perWorker = Math.max(1, Math.ceil(concurrency / workers));
  const window = inputOrderWindow(run.maxAhead);
  const pool = new Set<PoolWorker>();
  const workerData: AuditWorkerData = { options: { ...options }, cacheLimit: Math.ceil(BATCH_CACHE_LIMIT / workers) };
  let next = 0;
  let done = 0;
  let waitingForOutput = 0;
  let failedStarts = 0;
  let givenUp = false;
  /** Domains a stopped worker held, to be audited once more (which of them stopped it is unknown). */
  const retry: number[] = [];
  const retried = new Set<number>();

  return new Promise<Report[]>((resolve, reject) => {
    let finished = false;
    const finish = (error?: unknown) => {
      if (finished) return;
      finished = true;
      for (const member of pool) void member.worker.terminate();
      pool.clear();
      if (error !== undefined) reject(error);
      else resolve(keep ? reports : []);
    };

    /** One domain's report is in: the same steps as src/run.ts `audit`, in the main thread. */
    const deliver = (index: number, report: Report) => {
      if (finished) return;
      const reported = run.baseline ? applyBaseline(report, run.baseline) : report;
      if (keep) reports[index] = reported;
      let consumed: unknown;
      try {
        consumed = run.onReport?.(reported, index);
      } catch (error) {
        finish(error);
        return;
      }
      const settle = () => {
        window.finished(index);
        done++;
        if (done === targets.length) finish();
        else pump();
      };
      if (consumed instanceof Promise) {
        // Back-pressure: an output that lags behind holds new domains back.
        waitingForOutput++;
        consumed.then(
          () => {
            waitingForOutput--;
            settle();
          },
          (error: unknown) => finish(error),
        );
      } else settle();
    };

    const fail = (index: number, message: string) => {
      const target = targets[index]!;
      const own = run.optionsFor?.(target.domain) ?? options;
      deliver(index, failedReport(target, own, selectChecks(CHECKS, own), domainCheck, `the audit could not run: ${message}`, run.servers));
    };

    const start = () => {
      const member: PoolWorker = { worker: new Worker(file, { workerData, resourceLimits: heapLimits(perWorker) }), held: new Set(), finishedAny: false };
      pool.add(member);
      member.worker.on('message', (reply: AuditReply) => {
        if (!member.held.delete(reply.index)) return;
        member.finishedAny = true;
        failedStarts = 0;
        run.health?.add(reply.health);
        if ('report' in reply) deliver(reply.index, reply.report);
        else fail(reply.index, reply.error);
      });
      let reason = 'its worker thread stopped';
      member.worker.on('error', (error) => {
        reason = `its worker thread stopped (${error.message})`;
      });
      member.worker.on('exit', () => {
        if (!pool.delete(member) || finished) return;
        if (!member.finishedAny) failedStarts++;
        const lost = [...member.held];
        member.held.clear();
        if (failedStarts >= MAX_FAILED_STARTS) {
          // Workers that cannot even start: the rest of the batch cannot run this way.
          givenUp = true;
          for (const index of [...lost, ...retry.splice(0)]) fail(index, reason);
          while (next < targets.length && !finished) fail(next++, reason);
          return;
        }
        // Each domain it held gets one more try on another worker; a domain lost twice is the likely cause.
        for (const index of lost) {
          if (retried.has(index)) fail(index, reason);
          else {
            retried.add(index);
            retry.push(index);
          }
        }
        pump();
      });
      return member;
    };

    /** Hands out domains while workers have room, the input order window allows it and no output lags. */
    const pump = () => {
      if (finished || givenUp) return;
      const withRoom = (test: (member: PoolWorker) => boolean) =>
        [...pool].find((member) => member.held.size < perWorker && test(member)) ?? (pool.size < workers ? start() : undefined);
      for (;;) {
        // A domain to try again goes first (it is inside the input order window already), one per worker,
        // so that the domain that stopped a worker stops at most one more.
        let member = retry.length > 0 ? withRoom((candidate) => ![...candidate.held].some((index) => retried.has(index))) : undefined;
        let index = member ? retry.shift() : undefined;
        if (index === undefined) {
          if (next >= targets.length || waitingForOutput > 0 || !window.mayStart(next)) break;
          member = withRoom(() => true);
          if (!member) break;
          index = next++;
        }
        const target = targets[index]!;
        const own = run.optionsFor?.(target.domain);
        member!.held.add(index);
        member!.worker.postMessage({ index, target, ...(own ? { options: own } : {}) } satisfies AuditRequest);
      }
    };

    if (targets.length === 0) finish();
    else pump();
  });
}
