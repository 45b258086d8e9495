/**
 * A worker thread of a large batch (src/cli/audit-workers.ts): audits the
 * domains the main thread hands it, over its own resolver (DNS cache and
 * sockets of its own), and posts each Report back (structured clone). The
 * main thread decides what runs when and writes the output; this side has no
 * state a run shares (no pacing, no capture, no zone files: such runs stay on
 * one thread).
 *
 * Bundled as its own entry (scripts/build-cli.mjs: dist/cli.bundle-worker.js).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AuditOptions } from '../context.js';
import { createAuditDns } from '../dns/audit-dns.js';
import { auditDomain } from '../run.js';
import type { Report } from '../schema/report.js';
import { trackDnsHealth, type DnsHealthCounts } from './dns-health.js';

/** What the main thread gives every worker at start. */
export interface AuditWorkerData {
  /** The run's options (each domain may bring its own instead). */
  options: AuditOptions;
  /** This worker's share of the batch's DNS cache (answers). */
  cacheLimit: number;
}

/** Main thread → worker: audit one domain. */
export interface AuditRequest {
  index: number;
  target: { domain: string; input?: string };
  /** The domain's own options (per-domain settings), when they differ from the run's. */
  options?: AuditOptions;
}

/** Worker → main thread: the report of one domain, or why there is none; the DNS outcomes since the last message. */
export type AuditReply = { index: number; health: DnsHealthCounts } & ({ report: Report } | { error: string });

function serve(): void {
  const port = parentPort;
  if (!port) return;
  const { options, cacheLimit } = workerData as AuditWorkerData;
  const health = trackDnsHealth();
  const dns = createAuditDns(options, { onQuery: health.record, batch: true, cacheLimit });
  // Listening at once: no request may arrive before the listener does.
  port.on('message', (request: AuditRequest) => {
    void dns.then((client) => auditDomain(request.target, request.options ?? options, { dns: client })).then(
      (report) => {
        try {
          port.postMessage({ index: request.index, health: health.take(), report } satisfies AuditReply);
        } catch (error) {
          // A report that cannot be cloned is that domain's failure, not the batch's.
          port.postMessage({ index: request.index, health: health.take(), error: messageOf(error) } satisfies AuditReply);
        }
      },
      (error: unknown) => port.postMessage({ index: request.index, health: health.take(), error: messageOf(error) } satisfies AuditReply),
    );
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

serve();
