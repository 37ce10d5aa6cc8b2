/**
 * Compiles Cairn into dist/ (git-ignored), what the published package runs (no TypeScript loader
 * at run time): ESM bundles of each entry point with the code they share split into chunks, so the
 * CLI, the definitions a project writes (`@cairn-ml/cairn`) and the testing helpers load one copy of
 * each module; packages stay external, resolved from node_modules. Every file lands directly in
 * dist/, one level down like the sources, so paths the code resolves from its own location
 * (package.json, the migrations, dist-workflows/) hold in both. cli/cairn.js runs dist/main.js while
 * it is newer than every source it was built from (inputs.json). Part of `npm run setup` and `npm run build`.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeBundleInputs } from './bundleInputs';

export const ENTRY_POINTS = {
  main: 'cli/main.ts',
  index: 'lib/dsl/index.ts',
  testing: 'lib/testing/index.ts',
  models: 'lib/models/index.ts',
  // lib/threads/runInThread.ts starts it as a worker thread, next to the chunk that holds that module.
  'stage-thread': 'lib/threads/stageThread.ts',
};

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist`;
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const result = await build({
  entryPoints: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([name, source]) => [name, `${root}${source}`])),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outdir,
  // lib/definitions.ts: compiled code loads a project's TypeScript definitions through tsx.
  define: { __CAIRN_COMPILED__: 'true' },
  metafile: true,
  logLevel: 'warning',
});
// lib/store/migrate.ts reads its SQL files next to itself: ./migrations/ from whichever chunk holds it.
cpSync(`${root}lib/store/migrations`, `${outdir}/migrations`, { recursive: true });
const sources = writeBundleInputs(outdir, root, result.metafile.inputs);
console.log(`build: dist/ (${Object.keys(ENTRY_POINTS).join(', ')}) from ${sources} sources`);
