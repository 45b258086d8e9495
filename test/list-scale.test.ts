/**
 * mailcheck list at scale: a generated list of a million addresses over a
 * thousand domains streams through the command against the fixture DNS
 * server, each domain looked up once, every row judged in order, and the
 * heap stays bounded (no row is kept after it is written).
 */
import { describe, expect, it } from 'vitest';
import { listCommand } from '../src/commands/list.js';
import { createStyle } from '../src/report/style.js';
import { useFixture } from './helpers/context.js';
import type { FixtureZone } from '../src/testing/fixture-server.js';

const ROWS = 1_000_000;
const DOMAINS = 1_000;

/** Half the domains have MX records; the other half do not exist. */
const zone: FixtureZone = { zone: {} };
for (let i = 0; i < DOMAINS; i += 2) zone.zone[`d${i}.scale.test`] = { MX: [[10, `mx.d${i}.scale.test`]] };

async function* generatedList(): AsyncGenerator<string> {
  let chunk = '';
  for (let i = 0; i < ROWS; i++) {
    chunk += `user${i}@d${i % DOMAINS}.scale.test\n`;
    if (chunk.length > 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk;
}

describe('mailcheck list: a million-line generated list', () => {
  const fixture = useFixture(zone, { timeoutMs: 3000, retries: 2 });

  it('judges every row in order with one lookup per domain', async () => {
    let lines = 0;
    let lastLine = 0;
    let ordered = true;
    let peakHeap = 0;
    const sink = {
      write(chunk: string, callback?: (error?: Error | null) => void) {
        for (const line of chunk.split('\n')) {
          if (line.startsWith('{"line":')) {
            const number = Number(/^\{"line":(\d+)/.exec(line)![1]);
            if (number !== lastLine + 1) ordered = false;
            lastLine = number;
            lines++;
          }
        }
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
        callback?.();
        return true;
      },
    };
    const before = fixture.server.queryCount();
    const { summary, exitCode } = await listCommand(
      { chunks: generatedList(), source: 'generated', fold: false, format: 'ndjson', style: createStyle(false), out: sink, tool: { name: 'mailcheck-cli', version: 'test' } },
      fixture.dns,
    );
    expect(exitCode).toBe(0);
    expect(lines).toBe(ROWS);
    expect(ordered).toBe(true);
    expect(summary.rows).toBe(ROWS);
    expect(summary.verdicts).toEqual({ ok: ROWS / 2, risky: 0, invalid: ROWS / 2 });
    expect(summary.domains).toBe(DOMAINS);
    // One MX question per domain: those that exist answer with MX records, the others NXDOMAIN.
    expect(fixture.server.queryCount() - before).toBe(DOMAINS);
    // The distinct addresses are kept for duplicate detection (about 100 bytes each); nothing else grows with the list.
    expect(peakHeap).toBeLessThan(1024 * 1024 * 1024);
  }, 900_000);
});
