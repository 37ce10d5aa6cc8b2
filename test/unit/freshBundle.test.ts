import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freshBundle } from '../../lib/freshBundle.js';

// Promised (cli/cairn.js): the prebuilt CLI runs only while it is newer than every source it was
// built from; a stale or missing bundle is never run (the sources are, through tsx).
describe('the prebuilt CLI is used only when fresh', () => {
  const setup = () => {
    const root = mkdtempSync(join(tmpdir(), 'cairn-bundle-'));
    const dir = join(root, 'dist-cli');
    writeFileSync(join(root, 'a.ts'), 'export {}');
    mkdirSync(dir);
    writeFileSync(join(dir, 'inputs.json'), JSON.stringify({ inputs: ['a.ts'] }));
    writeFileSync(join(dir, 'main.js'), '');
    const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);
    return { root: pathToFileURL(`${root}/`), dir: pathToFileURL(`${dir}/`), source: join(root, 'a.ts'), entry: join(dir, 'main.js'), at };
  };

  it('runs a bundle built after its sources', () => {
    const t = setup();
    t.at(t.source, 1_000);
    t.at(t.entry, 2_000);
    expect(freshBundle(t.dir, t.root)?.href).toBe(new URL('main.js', t.dir).href);
  });

  it('refuses a bundle older than a source, one with a missing source, and no bundle at all', () => {
    const t = setup();
    t.at(t.entry, 1_000);
    t.at(t.source, 2_000);
    expect(freshBundle(t.dir, t.root)).toBeUndefined();
    t.at(t.entry, 3_000);
    writeFileSync(new URL('inputs.json', t.dir), JSON.stringify({ inputs: ['a.ts', 'gone.ts'] }));
    expect(freshBundle(t.dir, t.root)).toBeUndefined();
    expect(freshBundle(new URL('nowhere/', t.root), t.root)).toBeUndefined();
  });

  it('runs an installed package\'s bundle, which ships without its TypeScript sources', () => {
    const t = setup();
    writeFileSync(join(t.source, '..', 'helper.js'), '');
    t.at(join(t.source, '..', 'helper.js'), 1_000);
    t.at(t.entry, 2_000);
    writeFileSync(new URL('inputs.json', t.dir), JSON.stringify({ inputs: ['cli/main.ts', 'helper.js', 'package-lock.json'] }));
    expect(freshBundle(t.dir, t.root)?.href).toBe(new URL('main.js', t.dir).href);
    // An image build may copy the bundle from an older cached layer than a plain-JS input beside it.
    t.at(join(t.source, '..', 'helper.js'), 3_000);
    expect(freshBundle(t.dir, t.root)?.href).toBe(new URL('main.js', t.dir).href);
  });
});
