/**
 * The resolver's bounded answer cache (src/dns/answer-cache.ts), on data:
 * what it keeps, what it drops, and that it never drops a question in flight.
 */
import { describe, expect, it } from 'vitest';
import { createAnswerCache } from '../src/dns/answer-cache.js';

/** Lets the cache's settle handlers run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('createAnswerCache', () => {
  it('keeps everything without a limit', async () => {
    const cache = createAnswerCache<number>();
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, Promise.resolve(i));
    await settle();
    expect(cache.size).toBe(100);
    expect(await cache.get('k0')).toBe(0);
  });

  it('drops the least recently used answer first', async () => {
    const cache = createAnswerCache<string>(2);
    cache.set('a', Promise.resolve('a'));
    cache.set('b', Promise.resolve('b'));
    await settle();
    expect(cache.get('a')).toBeDefined(); // a is used again: b is now the older
    cache.set('c', Promise.resolve('c'));
    await settle();
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
  });

  it('gives a used answer one more pass, not a permanent place', async () => {
    const cache = createAnswerCache<string>(1);
    cache.set('a', Promise.resolve('a'));
    await settle();
    cache.get('a');
    cache.set('b', Promise.resolve('b'));
    await settle();
    // a had its second chance: b, never used, went first (looking at b does not touch a) ...
    expect([cache.get('b'), cache.size]).toEqual([undefined, 1]);
    cache.set('c', Promise.resolve('c'));
    await settle();
    // ... and without another use since, it goes now.
    expect(cache.get('a')).toBeUndefined();
  });

  it('never drops a question still in flight, and drops failed ones like answers', async () => {
    const cache = createAnswerCache<string>(1);
    let answer!: (value: string) => void;
    const pending = new Promise<string>((resolve) => (answer = resolve));
    cache.set('slow', pending);
    cache.set('fast', Promise.resolve('fast'));
    cache.set('failed', Promise.reject(new Error('servfail')));
    await settle();
    expect(cache.get('slow')).toBe(pending);
    expect(cache.size).toBe(1);
    answer('slow');
    await settle();
    cache.set('next', Promise.resolve('next'));
    await settle();
    expect(cache.get('slow')).toBeDefined(); // used above: one more pass
    expect(cache.size).toBe(1);
  });

  it('stays within a sixteenth over its limit however many answers arrive', async () => {
    const cache = createAnswerCache<number>(1600);
    let peak = 0;
    for (let i = 0; i < 20_000; i++) {
      cache.set(`k${i}`, Promise.resolve(i));
      if (i % 7 === 0) cache.get(`k${i - 3}`);
      if (i % 100 === 99) {
        await settle();
        peak = Math.max(peak, cache.size);
      }
    }
    await settle();
    expect(cache.size).toBeLessThanOrEqual(1600 + 100);
    expect(peak).toBeLessThanOrEqual(1600 + 100 + 100);
    expect(cache.get('k19999')).toBeDefined();
    expect(cache.get('k0')).toBeUndefined();
  });
});
