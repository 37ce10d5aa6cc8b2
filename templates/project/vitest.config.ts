import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starting the Temporal test server and a worker takes a few seconds.
    hookTimeout: 60_000,
    testTimeout: 60_000,
    // Cairn logs each step execution at info; tests show warnings and errors only.
    env: { LOG_LEVEL: 'warn' },
  },
});
