import { readFileSync, statSync } from 'node:fs';
import { URL } from 'node:url';

/**
 * The prebuilt CLI's entry (dist-cli/main.js) when it was built after the last change to every
 * source it was built from, else undefined (the caller then runs the sources): a stale bundle is
 * never run. About 40 stat calls, well under a millisecond.
 * @param {URL} dir the bundle's directory, with main.js and inputs.json
 * @param {URL} root the repository root the inputs are relative to
 * @returns {URL | undefined}
 */
export function freshBundle(dir, root) {
  try {
    const entry = new URL('main.js', dir);
    const built = statSync(entry).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(new URL('inputs.json', dir), 'utf8'));
    for (const input of inputs) if (statSync(new URL(input, root)).mtimeMs > built) return undefined;
    return entry;
  } catch {
    return undefined;
  }
}
