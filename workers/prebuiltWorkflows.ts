import { fileURLToPath, pathToFileURL } from 'node:url';
import { freshBundle } from '../lib/freshBundle.js';

/** The workflow code's entry: what a worker bundles (webpack) unless it is given a bundle. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** Where `npm run setup` (scripts/build-workflows.ts) puts the workflow code, bundled once. */
export const PREBUILT_WORKFLOWS_DIR = fileURLToPath(new URL('../dist-workflows', import.meta.url));
export const PREBUILT_WORKFLOWS_ENTRY = 'workflows.js';

/**
 * The prebuilt workflow bundle, when it is newer than every source it was built from: a worker
 * started from it is ready in about a second instead of bundling for 8-9 s. Undefined otherwise
 * (missing or stale), and the worker bundles the sources itself.
 */
export function prebuiltWorkflowBundle(): { codePath: string } | undefined {
  const entry = freshBundle(pathToFileURL(`${PREBUILT_WORKFLOWS_DIR}/`), new URL('../', import.meta.url), PREBUILT_WORKFLOWS_ENTRY);
  return entry ? { codePath: fileURLToPath(entry) } : undefined;
}
