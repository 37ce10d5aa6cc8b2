import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The package and deploy suites build, install and start whole stacks: npm run test:package, test:deploy.
    exclude: ['test/package/**', 'test/deploy/**', '**/node_modules/**'],
    // One real Temporal dev server for the whole run (test/globalSetup.ts).
    globalSetup: ['test/globalSetup.ts'],
    // Forks, not threads: the Temporal worker's native addon is not safe in worker threads.
    pool: 'forks',
    // Two files at once, whatever the core count (vitest's default on 2 cores is one): most files spend
    // their time waiting on Temporal, PostgreSQL or a browser, and two halve the run (821 s to 458 s
    // measured on a 2-core machine); more would crowd the one Temporal dev server they share.
    maxWorkers: 2,
    reporters: ['default', './test/summaryReporter.ts'],
    // Request and step log lines are for operators; tests read their assertions instead.
    env: { LOG_LEVEL: 'warn' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
