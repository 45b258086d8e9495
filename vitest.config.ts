import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every test file first installs the network guard: only 127.0.0.0/8 and ::1 are reachable.
    setupFiles: ['test/setup/network-guard.ts'],
    // Fixture timeouts are deliberate but short; 60 s per test leaves room on a loaded 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Child processes isolate the socket patches of the guard and the fixture servers.
    pool: 'forks',
    // Most test time is waiting on sockets and child processes, not CPU: four
    // files at a time keep a 2-core machine busy (one at a time, the default
    // there, leaves it idle most of the run).
    maxWorkers: 4,
  },
});
