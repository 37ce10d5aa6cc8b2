/**
 * Builds the `cairn` command into dist-cli/ (git-ignored): one ESM bundle of cli/main.ts and what it
 * imports from this repository, split so that what a command loads lazily (the local stack, DuckDB)
 * stays in chunks it alone loads; packages stay external, resolved from node_modules at run time.
 * cli/cairn.js runs it while it is newer than every source it was built from (inputs.json), which
 * saves tsx's start-up (about 0.25 s) on every HTTP command. Part of `npm run setup`.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeBundleInputs } from './bundleInputs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist-cli`;
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const result = await build({
  entryPoints: [`${root}cli/main.ts`],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outdir,
  metafile: true,
  logLevel: 'warning',
});
const sources = writeBundleInputs(outdir, root, result.metafile.inputs);
console.log(`build-cli: dist-cli/main.js from ${sources} sources`);
