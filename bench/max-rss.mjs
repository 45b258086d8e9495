// Preloaded into a benchmarked process (node --import): writes its peak
// resident memory (bytes) to the file named by MAILCHECK_BENCH_RSS at exit.
import { writeFileSync } from 'node:fs';

const target = process.env.MAILCHECK_BENCH_RSS;
if (target) {
  process.on('exit', () => {
    writeFileSync(target, String(process.resourceUsage().maxRSS * 1024));
  });
}
