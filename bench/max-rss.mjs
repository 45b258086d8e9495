// Preloaded into a benchmarked process (node --import): writes its peak
// resident memory (bytes) and the CPU time it used (user and system, ms) to
// the file named by MAILCHECK_BENCH_RSS at exit, as JSON.
import { writeFileSync } from 'node:fs';

const target = process.env.MAILCHECK_BENCH_RSS;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      target,
      JSON.stringify({ maxRssBytes: usage.maxRSS * 1024, userMs: Math.round(usage.userCPUTime / 1000), systemMs: Math.round(usage.systemCPUTime / 1000) }),
    );
  });
}
