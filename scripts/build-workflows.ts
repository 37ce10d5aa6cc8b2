/**
 * Bundles the workflow code (workflows/index.ts, with webpack, as the Temporal SDK does at worker
 * start) into dist-workflows/ (git-ignored), once: workers started from it skip the 8-9 s of
 * bundling. Skipped while the bundle is newer than every source it was built from (inputs.json:
 * the modules the workflows import, found with esbuild, and package-lock.json). Part of `npm run setup`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freshBundle } from '../lib/freshBundle.js';
import { PREBUILT_WORKFLOWS_DIR, PREBUILT_WORKFLOWS_ENTRY, WORKFLOWS_PATH } from '../workers/prebuiltWorkflows';
import { writeBundleInputs } from './bundleInputs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = pathToFileURL(`${PREBUILT_WORKFLOWS_DIR}/`);
if (freshBundle(dir, pathToFileURL(root), PREBUILT_WORKFLOWS_ENTRY)) {
  console.log('build-workflows: dist-workflows/ is up to date');
} else {
  const started = performance.now();
  // Loaded only when there is work: the SDK's worker package alone takes a second or two to load.
  const [{ bundleWorkflowCode, DefaultLogger }, { build }] = await Promise.all([import('@temporalio/worker'), import('esbuild')]);
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  // Which of this repository's files the workflows import (webpack does not say): esbuild's view of the same graph.
  const graph = await build({ entryPoints: [WORKFLOWS_PATH], bundle: true, write: false, metafile: true, platform: 'neutral', packages: 'external', logLevel: 'silent' });
  mkdirSync(PREBUILT_WORKFLOWS_DIR, { recursive: true });
  writeFileSync(`${PREBUILT_WORKFLOWS_DIR}/${PREBUILT_WORKFLOWS_ENTRY}`, bundle.code);
  const sources = writeBundleInputs(PREBUILT_WORKFLOWS_DIR, root, graph.metafile.inputs);
  console.log(`build-workflows: dist-workflows/${PREBUILT_WORKFLOWS_ENTRY} from ${sources} sources in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
