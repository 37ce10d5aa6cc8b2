import { readFileSync, statSync } from 'node:fs';
import { URL } from 'node:url';

/**
 * A prebuilt bundle's entry (the CLI's dist-cli/main.js, the workers' dist-workflows/workflows.js)
 * when it was built after the last change to every source it was built from (its inputs.json, which
 * lists package-lock.json too), else undefined: the caller then uses the sources, so a stale bundle
 * is never run. A bundle none of whose TypeScript sources exist is an installed package's (npm
 * ships dist/ without them): it is used as it is. A few hundred stat calls, about a millisecond. Plain
 * JavaScript: the `cairn` binary reads it before any TypeScript loader is in place.
 * @param {URL} dir the bundle's directory, with the entry and inputs.json
 * @param {URL} root the repository root the inputs are relative to
 * @param {string} [entryName] the entry file's name in dir
 * @returns {URL | undefined}
 */
export function freshBundle(dir, root, entryName = 'main.js') {
  try {
    const entry = new URL(entryName, dir);
    const built = statSync(entry).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(new URL('inputs.json', dir), 'utf8'));
    const sources = inputs.map((input) => ({ input, stat: statSync(new URL(input, root), { throwIfNoEntry: false }) }));
    // Every TypeScript source gone: an installed package (npm, an image), which ships the bundle
    // without them. Its files' times say nothing about freshness (an image build copies the bundle
    // from one cached layer and a plain-JS input from a newer one), so the bundle is used as it is.
    const typescript = sources.filter(({ input }) => input.endsWith('.ts'));
    if (typescript.length > 0 && typescript.every(({ stat }) => !stat)) return entry;
    if (sources.some(({ stat }) => stat && stat.mtimeMs > built)) return undefined;
    // Some sources gone in a checkout: a file was deleted, so the bundle is stale.
    return sources.every(({ stat }) => stat) ? entry : undefined;
  } catch {
    return undefined;
  }
}
