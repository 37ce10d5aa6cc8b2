import { defineConfig } from 'vitest/config';

// `npm run test:package`: the npm package installed into a fresh project (test/package). It starts
// its own servers (through the project's `cairn dev` and its tests), so no global setup.
export default defineConfig({
  test: {
    include: ['test/package/**/*.test.ts'],
    pool: 'forks',
    reporters: ['default', './test/summaryReporter.ts'],
    env: { LOG_LEVEL: 'warn' },
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
