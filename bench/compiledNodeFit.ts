import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { fitInProcess, type FitData, type FitOutcome } from './fitInProcess';

const bundles = new Map<string, string>();

/**
 * One of Cairn's fits (a script in bench/children) as the compiled package runs it: bundled with
 * esbuild and run by plain Node in a process of its own, as the baselines run in theirs. Not in this
 * process: the tsx loader the benchmarks run under detaches ArrayBuffers while it loads modules,
 * which invalidates V8's ArrayBufferDetaching protector for the whole isolate; every typed-array
 * access in optimized code then checks for a detached buffer, and the trainers' loops run about 20%
 * slower (boosted trees 3.7 s instead of 3.0 s on the same machine). The package's stage threads
 * (dist/stage-thread.js) never detach one: `node --trace-protector-invalidation` prints nothing
 * through a whole trainModel there, and two invalidations under tsx.
 */
export function compiledNodeFit(child: string, data: FitData, extra: Record<string, unknown>): FitOutcome {
  let bundle = bundles.get(child);
  if (!bundle) {
    bundle = join(mkdtempSync(join(tmpdir(), 'cairn-bench-child-')), `${child}.mjs`);
    buildSync({ entryPoints: [fileURLToPath(new URL(`./children/${child}.ts`, import.meta.url))], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'error' });
    bundles.set(child, bundle);
  }
  return fitInProcess(process.execPath, [bundle], data, extra, { ...process.env, NODE_OPTIONS: '' });
}
