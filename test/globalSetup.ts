import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { config } from '../lib/config';
import { resolveTemporalCli, startDevServer } from '../lib/temporalDevServer';
import { prebuiltWorkflowBundle, WORKFLOWS_PATH } from '../workers/prebuiltWorkflows';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    testDir: string;
  }
}

/** Starts one real Temporal dev server (and bundles the workflows once) for the whole test run. */
export default async function setup(project: TestProject) {
  const testDir = mkdtempSync(join(tmpdir(), 'cairn-test-'));
  const server = await startDevServer({
    cliPath: resolveTemporalCli(config().TEMPORAL_CLI_PATH),
    port: 'any',
    dbFile: join(testDir, 'temporal.db'),
    logFile: join(testDir, 'temporal.log'),
  });
  // The bundle deployed workers load (dist-workflows/, from `npm run setup`), so the replay test checks
  // exactly that code; bundled here only when it is missing or older than the sources.
  let workflowBundlePath = prebuiltWorkflowBundle()?.codePath;
  if (!workflowBundlePath) {
    const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
    workflowBundlePath = join(testDir, 'workflow-bundle.js');
    writeFileSync(workflowBundlePath, bundle.code);
  }

  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('testDir', testDir);
  return async () => {
    await server.stop();
    rmSync(testDir, { recursive: true, force: true });
  };
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
