/**
 * Pacing queries to shared resolvers: a token bucket of one second's queries,
 * halved on a burst of REFUSED/SERVFAIL and growing back on good answers; no
 * pacing for resolvers on this machine.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPacer, DEFAULT_RATE, isLoopbackHost } from '../src/dns/pacer.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('pacer', () => {
  it('lets one second of queries through at once, then one per 1/rate seconds', async () => {
    vi.useFakeTimers();
    const pacer = createPacer(10, () => Date.now());
    const released: number[] = [];
    for (let index = 0; index < 12; index++) void pacer.acquire().then(() => released.push(index));
    await vi.advanceTimersByTimeAsync(0);
    expect(released).toHaveLength(10);
    await vi.advanceTimersByTimeAsync(100);
    expect(released).toHaveLength(11);
    await vi.advanceTimersByTimeAsync(100);
    expect(released).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('halves the rate on a burst of refusals, at most once a second, and grows back on answers', () => {
    let now = 0;
    const pacer = createPacer(100, () => now);
    for (let index = 0; index < 4; index++) pacer.record('refusal');
    expect(pacer.rate).toBe(100);
    pacer.record('refusal');
    expect(pacer.rate).toBe(50);
    for (let index = 0; index < 10; index++) pacer.record('refusal');
    expect(pacer.rate).toBe(50);
    now = 1500;
    for (let index = 0; index < 5; index++) pacer.record('refusal');
    expect(pacer.rate).toBe(25);
    now = 3000;
    for (let index = 0; index < 1000; index++) pacer.record('answer');
    expect(pacer.rate).toBe(100);
  });

  it('refusals among many answers are no burst', () => {
    const pacer = createPacer(100, () => 0);
    for (let index = 0; index < 20; index++) pacer.record('answer');
    for (let index = 0; index < 6; index++) pacer.record('refusal');
    expect(pacer.rate).toBe(100);
  });

  it('never goes below one query a second', () => {
    let now = 0;
    const pacer = createPacer(4, () => now);
    for (let round = 0; round < 10; round++, now += 2000) for (let index = 0; index < 5; index++) pacer.record('refusal');
    expect(pacer.rate).toBe(1);
  });

  it('paces only resolvers that are not on this machine', () => {
    expect(DEFAULT_RATE).toBeGreaterThan(0);
    for (const host of ['127.0.0.1', '127.0.0.53', '::1', '[::1]', 'localhost']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['192.0.2.53', '2001:db8::53', '128.0.0.1', 'dns.example']) expect(isLoopbackHost(host), host).toBe(false);
  });
});
