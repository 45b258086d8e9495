/**
 * The batch's saturation gate (src/saturation-gate.ts), on data: a fake clock
 * whose event-loop utilization the test sets, and windows that pass only when
 * the test says so.
 */
import { describe, expect, it } from 'vitest';
import { createSaturationGate, DEFAULT_GATE_SETTINGS, type GateClock } from '../src/saturation-gate.js';
import { audit } from '../src/run.js';
import { createResolver } from '../src/dns/resolver.js';
import type { DnsClient } from '../src/dns/types.js';
import { startFixtureDnsServer } from '../src/testing/fixture-server.js';

const WINDOW = DEFAULT_GATE_SETTINGS.windowMs;

function fakeClock() {
  let now = 0;
  let load = 0;
  let sleepers: Array<() => void> = [];
  const clock: GateClock = {
    now: () => now,
    utilization: () => load,
    sleep: () => new Promise<void>((resolve) => sleepers.push(resolve)),
  };
  const settle = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  return {
    clock,
    setLoad(value: number) {
      load = value;
    },
    /** One window passes: parked callers look again. */
    async tick() {
      now += WINDOW;
      const woken = sleepers;
      sleepers = [];
      for (const wake of woken) wake();
      await settle();
    },
    settle,
  };
}

/** `count` callers that each want to start one domain; how many got in so far. */
function contenders(gate: ReturnType<typeof createSaturationGate>, count: number) {
  let admitted = 0;
  for (let i = 0; i < count; i++) void gate.admit().then(() => admitted++);
  return () => admitted;
}

describe('createSaturationGate', () => {
  it('lets the floor in at once and no more while the loop is busy', async () => {
    const time = fakeClock();
    time.setLoad(1);
    const gate = createSaturationGate(16, time.clock);
    const admitted = contenders(gate, 16);
    await time.settle();
    expect(admitted()).toBe(2);
    for (let i = 0; i < 10; i++) await time.tick();
    expect([admitted(), gate.target]).toEqual([2, 2]);
  });

  it('doubles the allowance each window while the loop waits, up to the concurrency', async () => {
    const time = fakeClock();
    time.setLoad(0.2);
    const gate = createSaturationGate(16, time.clock);
    const admitted = contenders(gate, 40);
    await time.settle();
    const seen = [admitted()];
    for (let i = 0; i < 5; i++) {
      await time.tick();
      seen.push(admitted());
    }
    expect(seen).toEqual([2, 4, 8, 16, 16, 16]);
  });

  it('gives one back per busy window, never going under the floor', async () => {
    const time = fakeClock();
    time.setLoad(0.2);
    const gate = createSaturationGate(8, time.clock);
    contenders(gate, 8);
    for (let i = 0; i < 3; i++) await time.tick();
    expect(gate.target).toBe(8);
    time.setLoad(0.95);
    const targets: number[] = [];
    for (let i = 0; i < 8; i++) {
      await time.tick();
      // A domain finishes and its worker asks to start the next one, as src/run.ts does.
      gate.release();
      void gate.admit();
      targets.push(gate.target);
    }
    expect(targets).toEqual([7, 6, 5, 4, 3, 2, 2, 2]);
  });

  it('admits a new domain only as one in flight is released, once the allowance is full', async () => {
    const time = fakeClock();
    time.setLoad(1);
    const gate = createSaturationGate(16, time.clock);
    const admitted = contenders(gate, 5);
    await time.settle();
    expect(admitted()).toBe(2);
    gate.release();
    await time.tick();
    expect(admitted()).toBe(3);
  });

  it('does not grow an allowance the batch is not using', async () => {
    const time = fakeClock();
    time.setLoad(0);
    const gate = createSaturationGate(16, time.clock);
    contenders(gate, 1);
    for (let i = 0; i < 5; i++) await time.tick();
    expect(gate.target).toBe(2);
  });

  it('keeps a concurrency of 1 to one domain at a time', async () => {
    const time = fakeClock();
    time.setLoad(0);
    const gate = createSaturationGate(1, time.clock);
    const admitted = contenders(gate, 3);
    for (let i = 0; i < 4; i++) await time.tick();
    expect([admitted(), gate.target]).toEqual([1, 1]);
  });
});

describe('a batch through the gate', () => {
  it('still keeps its full concurrency in flight against a resolver that takes its time', async () => {
    const domains = Array.from({ length: 24 }, (_, i) => `d${i}.slow.test`);
    const zone = Object.fromEntries(domains.map((domain) => [domain, { MX: [[10, `mx.${domain}`]] }]));
    // Long round trips: a busy machine delays the gate's windows, but each domain stays in flight longer still.
    const server = await startFixtureDnsServer([{ zone }], { delayMs: 150 });
    try {
      const resolver = createResolver({ servers: [server.server], timeoutMs: 3000, retries: 0 });
      const inFlight = new Map<string, number>();
      let peak = 0;
      // Counts the domains with a question in flight at the same time.
      const dns: DnsClient = {
        log: resolver.log,
        servers: resolver.servers,
        async query(name, type) {
          const domain = domains.find((candidate) => name === candidate || name.endsWith(`.${candidate}`)) ?? name;
          inFlight.set(domain, (inFlight.get(domain) ?? 0) + 1);
          peak = Math.max(peak, inFlight.size);
          try {
            return await resolver.query(name, type);
          } finally {
            const left = inFlight.get(domain)! - 1;
            if (left === 0) inFlight.delete(domain);
            else inFlight.set(domain, left);
          }
        },
      };
      const reports = await audit(domains, { checks: ['mx'], smtp: false }, { dns, concurrency: 16 });
      expect(reports.map((report) => report.domain)).toEqual(domains);
      // The gate starts at two and doubles while the loop waits: 16 within a few 50 ms windows.
      expect(peak).toBeGreaterThanOrEqual(12);
    } finally {
      await server.close();
    }
  });
});
