import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Writes a bundle's inputs.json, what lib/freshBundle.js compares the bundle's age with: the
 * repository files esbuild's metafile lists (relative to `root`), and package-lock.json, which stands
 * for the packages the bundle leaves external (an upgrade makes the bundle stale too).
 * @returns how many inputs were listed
 */
export function writeBundleInputs(dir: string, root: string, metafileInputs: Record<string, unknown>): number {
  const inputs = [...Object.keys(metafileInputs).map((input) => relative(root, `${root}${input}`)), 'package-lock.json'];
  writeFileSync(`${dir}/inputs.json`, JSON.stringify({ inputs }, null, 1));
  return inputs.length;
}
