/**
 * Test helpers: a fixture DNS server on 127.0.0.1, a real resolver pointed at
 * it, and CheckContexts built the way the CLI builds them.
 */
import { afterAll, beforeAll } from 'vitest';
import { createSharedMemo, type AuditOptions, type CheckContext } from '../../src/context.js';
import { createResolver } from '../../src/dns/resolver.js';
import type { DnsClient } from '../../src/dns/types.js';
import { createNetClient } from '../../src/net/client.js';
import { loadFixture, startFixtureDnsServer, type FixtureServer, type FixtureServerOptions, type FixtureZone } from '../../src/testing/fixture-server.js';
import type { CheckDefinition } from '../../src/checks/define.js';
import { runCheck as runOneCheck } from '../../src/run-check.js';
import type { CheckResult, Finding } from '../../src/schema/report.js';

export interface Fixture {
  server: FixtureServer;
  /** A resolver pointed at the fixture server (shared by every ctx() of this fixture). */
  dns: DnsClient;
  /** A fresh CheckContext for `domain` (new shared memo; the resolver's cache is shared). */
  ctx(domain: string, options?: AuditOptions): CheckContext;
  /** A fresh resolver (empty cache) pointed at the fixture server. */
  freshDns(options?: { timeoutMs?: number; retries?: number }): DnsClient;
  close(): Promise<void>;
}

/** Generous: a local fixture server must answer even on a busy machine; deliberate TIMEOUT fixtures cost this once per question. */
export const TEST_DNS = { timeoutMs: 1000, retries: 0 } as const;

/**
 * Starts a fixture server from fixture names (fixtures/<name>.json) and/or
 * inline zones.
 */
export async function startFixture(
  zones: string | FixtureZone | Array<string | FixtureZone>,
  options: FixtureServerOptions & { timeoutMs?: number; retries?: number } = {},
): Promise<Fixture> {
  const list = (Array.isArray(zones) ? zones : [zones]).map((zone) => (typeof zone === 'string' ? loadFixture(zone) : zone));
  const server = await startFixtureDnsServer(list, options);
  const freshDns = (dnsOptions: { timeoutMs?: number; retries?: number } = {}) =>
    createResolver({
      servers: [server.server],
      timeoutMs: dnsOptions.timeoutMs ?? options.timeoutMs ?? TEST_DNS.timeoutMs,
      retries: dnsOptions.retries ?? options.retries ?? TEST_DNS.retries,
    });
  const dns = freshDns();
  return {
    server,
    dns,
    freshDns,
    ctx: (domain, auditOptions = {}) => buildContext(domain, dns, auditOptions),
    close: () => server.close(),
  };
}

/**
 * A fixture server for the whole test file (or describe block): started before
 * its first test, closed after its last. Use the handle inside tests only.
 */
export function useFixture(
  zones: string | FixtureZone | Array<string | FixtureZone>,
  options: FixtureServerOptions & { timeoutMs?: number; retries?: number } = {},
): Fixture {
  let current: Fixture | undefined;
  beforeAll(async () => {
    current = await startFixture(zones, options);
  });
  afterAll(async () => {
    await current?.close();
  });
  const started = (): Fixture => {
    if (!current) throw new Error('the fixture server starts before the first test: use it inside a test');
    return current;
  };
  return {
    get server() {
      return started().server;
    },
    get dns() {
      return started().dns;
    },
    ctx: (domain, auditOptions) => started().ctx(domain, auditOptions),
    freshDns: (dnsOptions) => started().freshDns(dnsOptions),
    close: () => started().close(),
  };
}

/** A CheckContext over a given resolver, with the real NetClient. */
export function buildContext(domain: string, dns: DnsClient, options: AuditOptions = {}): CheckContext {
  return { domain, options, dns, net: createNetClient(dns, options), shared: createSharedMemo() };
}

/** Runs one check the way the CLI's runner does. */
export function runCheck(check: CheckDefinition, ctx: CheckContext): Promise<CheckResult> {
  return runOneCheck(check as CheckDefinition, ctx);
}

/** The finding ids of a result, sorted. */
export function findingIds(result: CheckResult): string[] {
  return result.findings.map((finding) => finding.id).sort();
}

/** The finding with this id; throws, naming the ids there are, when the result has none. */
export function findingById(result: CheckResult, id: string): Finding {
  const found = result.findings.find((finding) => finding.id === id);
  if (!found) throw new Error(`no ${id} in ${findingIds(result).join(', ')}`);
  return found;
}
