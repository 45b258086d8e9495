// Measures the CLI as a user runs it: each run is a fresh `node bin/mailcheck.js`
// process. CPU time (user + system) comes from the child's own resource usage
// (bench/max-rss.mjs, preloaded), which other load on the machine hardly
// changes; wall time is kept beside it. Every figure is the median of its runs.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin', 'mailcheck.js');
const RSS = path.join(ROOT, 'bench', 'max-rss.mjs');

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** One process run: wall ms, CPU ms (user + system), peak RSS bytes, exit code. `env` adds to the environment. */
export function runOnce(nodeArgs, { stdio = 'ignore', env = {} } = {}) {
  const usageFile = path.join(os.tmpdir(), `mailcheck-bench-usage-${process.pid}-${Math.random().toString(16).slice(2)}.json`);
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', RSS, ...nodeArgs], {
      env: { ...process.env, ...env, MAILCHECK_BENCH_RSS: usageFile },
      stdio: ['ignore', stdio, 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      const usage = existsSync(usageFile) ? JSON.parse(readFileSync(usageFile, 'utf8')) : null;
      rmSync(usageFile, { force: true });
      resolve({
        code,
        stderr,
        wallMs,
        cpuMs: usage ? usage.userMs + usage.systemMs : null,
        userMs: usage?.userMs ?? null,
        systemMs: usage?.systemMs ?? null,
        maxRssBytes: usage?.maxRssBytes ?? null,
      });
    });
  });
}

/**
 * `runs` runs after one warm-up; medians of wall and CPU time, with every
 * run's figures. `envOf(run)` adds to each run's environment.
 */
export async function measure(nodeArgs, runs, envOf = () => ({})) {
  await runOnce(nodeArgs, { env: envOf(-1) });
  const all = [];
  for (let run = 0; run < runs; run++) all.push(await runOnce(nodeArgs, { env: envOf(run) }));
  const failed = all.find((run) => run.code !== 0 && run.code !== 1 && run.code !== 3);
  if (failed) throw new Error(`node ${nodeArgs.join(' ')} exited ${failed.code}: ${failed.stderr.trim()}`);
  return {
    wallMs: Math.round(median(all.map((run) => run.wallMs))),
    cpuMs: Math.round(median(all.map((run) => run.cpuMs))),
    userMs: Math.round(median(all.map((run) => run.userMs))),
    systemMs: Math.round(median(all.map((run) => run.systemMs))),
    runs: all.map((run) => ({ wallMs: Math.round(run.wallMs), cpuMs: run.cpuMs })),
  };
}

/** `mailcheck --version` against `node -e 0`, in wall and CPU time. */
export async function startup(runs) {
  const node = await measure(['-e', '0'], runs);
  const version = await measure([BIN, '--version'], runs);
  return {
    node,
    version,
    wallRatio: Number((version.wallMs / node.wallMs).toFixed(2)),
    cpuRatio: Number((version.cpuMs / node.cpuMs).toFixed(2)),
  };
}
