import { defineConfig } from 'vitest/config';

// The suites that build, install and start whole stacks themselves (no global setup):
// `npm run test:package` (test/package: the npm package in a fresh project) and
// `npm run test:deploy` (test/deploy: the images, compose and Kubernetes with podman).
export default defineConfig({
  test: {
    include: ['test/package/**/*.test.ts', 'test/deploy/**/*.test.ts'],
    pool: 'forks',
    reporters: ['default', './test/summaryReporter.ts'],
    env: { LOG_LEVEL: 'warn' },
    testTimeout: 300_000,
    hookTimeout: 1_500_000,
  },
});
