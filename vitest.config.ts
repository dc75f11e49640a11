import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Every run of the tests says it is not production (src/config.ts, RunKind); a test of the
    // production refusals clears it for its child process.
    env: { CHURNGUARD_RUN: 'test' },
    pool: 'forks',
    // Two cores here; each file also starts child processes and servers of its own.
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-artifacts/vitest.json' },
  },
});
