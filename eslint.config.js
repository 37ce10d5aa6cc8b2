import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'http', 'https', 'net', 'url', 'util', 'stream', 'worker_threads', 'timers', 'timers/*'];

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.cairn/', 'dist/', 'dist-cli/', 'dist-workflows/', 'coverage/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Only lib/config.ts reads the environment: everything else gets a parsed, validated Config.
    files: ['lib/**', 'activities/**', 'workers/**', 'server/**', 'cli/**', 'definitions/**'],
    ignores: ['lib/config.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'read configuration through lib/config.ts' }],
    },
  },
  {
    // Workflow code is replayed: no I/O, no clocks or randomness but Temporal's, nothing heavy.
    files: ['workflows/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'workflows must be deterministic: no Node built-ins' },
            { group: ['pg', 'pg/*', 'hono', 'hono/*', '@hono/*', 'zod', 'zod/*'], allowTypeImports: true, message: 'workflows must not import pg, hono or zod (zod is also a memory hazard in the workflow sandbox)' },
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'], allowTypeImports: true, message: 'workflows import only @temporalio/workflow and @temporalio/common' },
            { group: ['**/definitions', '**/definitions/*', '**/activities', '**/activities/*', '**/server/*', '**/lib/config', '**/lib/temporal', '**/lib/logger'], allowTypeImports: true, message: 'workflows interpret the compiled spec; they never import definitions or process-side code' },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'workflows must not read the environment' }],
      'no-restricted-globals': ['error', { name: 'process', message: 'workflows must not touch the process' }, { name: 'setTimeout', message: 'use sleep() from @temporalio/workflow' }, { name: 'setInterval', message: 'use sleep() from @temporalio/workflow' }],
    },
  },
);
