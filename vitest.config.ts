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
    reporters: ['default', './test/summaryReporter.ts'],
    // Request and step log lines are for operators; tests read their assertions instead.
    env: { LOG_LEVEL: 'warn' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
