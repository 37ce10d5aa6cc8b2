import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchSources, type SourceWatcher } from '../../cli/watchSources';
import { waitFor } from '../helpers/waitFor';

// Promised (README, `cairn dev`): the definitions are reloaded when a file in their directory or a
// Python step module changes, however the file was saved. Many editors, `sed -i` and `git checkout`
// save by writing a new file and renaming it over the old one; Node 20's recursive fs.watch saw the
// first such save and never another.
let dir: string;
let watcher: SourceWatcher | undefined;
let reloads: number;
const warnings: string[] = [];

/** Saves `text` as an editor's safe write does: a new file renamed over the old one (a new inode). */
const replace = (path: string, text: string) => {
  writeFileSync(`${path}.tmp-save`, text);
  renameSync(`${path}.tmp-save`, path);
};
/** Longer than the watcher's quiet time (300 ms): what was going to reload has. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_000));
const watchDir = async (reload: () => Promise<void> = async () => void reloads++) => {
  watcher = await watchSources([dir], reload, (message) => warnings.push(message));
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-watch-'));
  writeFileSync(join(dir, 'index.ts'), 'export const version = 1;\n');
  reloads = 0;
  warnings.length = 0;
});

afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('watching the definitions for cairn dev', () => {
  it('reloads after every save of a file replaced by a rename, not only the first', async () => {
    await watchDir();
    for (const version of [2, 3, 4]) {
      replace(join(dir, 'index.ts'), `export const version = ${version};\n`);
      await waitFor(() => reloads === version - 1, `reload ${version - 1} after save ${version}`, 10_000);
      await settle();
    }
    expect(reloads).toBe(3);
    expect(warnings).toEqual([]);
  });

  it('reloads once for a burst of saves, and for new files in new directories', async () => {
    await watchDir();
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, 'index.ts'), `export const version = ${i};\n`);
    await waitFor(() => reloads >= 1, 'the reload after a burst', 10_000);
    await settle();
    expect(reloads).toBe(1);

    mkdirSync(join(dir, 'steps', 'more'), { recursive: true });
    await settle();
    writeFileSync(join(dir, 'steps', 'more', 'train.ts'), 'export {};\n');
    await waitFor(() => reloads === 2, 'the reload after a file in a new directory', 10_000);
  });

  it('reloads for Python step modules and JSON, not for data files, bytecode or node_modules', async () => {
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
    mkdirSync(join(dir, '__pycache__'));
    await watchDir();
    writeFileSync(join(dir, 'rows.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, 'node_modules', 'x', 'index.js'), '');
    writeFileSync(join(dir, '__pycache__', 'steps.cpython-311.pyc'), '');
    writeFileSync(join(dir, 'notes.md'), '# notes\n');
    await settle();
    expect(reloads).toBe(0);

    replace(join(dir, 'steps.py'), 'def step():\n    return 1\n');
    await waitFor(() => reloads === 1, 'the reload after a Python module was saved', 10_000);
    await settle();
    writeFileSync(join(dir, 'thresholds.json'), '{"psi": 0.2}\n');
    await waitFor(() => reloads === 2, 'the reload after a JSON file was saved', 10_000);
  });

  it('never runs two reloads at once, and a reload that throws leaves the watch going', async () => {
    let running = 0;
    let mostAtOnce = 0;
    let calls = 0;
    await watchDir(async () => {
      calls++;
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      running--;
      if (calls === 1) throw new Error('the definitions do not compile');
    });
    writeFileSync(join(dir, 'index.ts'), 'export const version = 2;\n');
    await waitFor(() => calls === 1, 'the first reload', 10_000);
    // Saved while the first reload runs: its reload waits for the first to end.
    writeFileSync(join(dir, 'index.ts'), 'export const version = 3;\n');
    await waitFor(() => calls === 2 && running === 0, 'the second reload', 10_000);
    expect(mostAtOnce).toBe(1);
    expect(warnings).toEqual(['reload failed: the definitions do not compile']);

    replace(join(dir, 'index.ts'), 'export const version = 4;\n');
    await waitFor(() => calls === 3, 'a reload after the one that threw', 10_000);
  });

  it('watches a Python module outside the directory once it is added', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'cairn-watch-py-'));
    try {
      const module = join(outside, 'steps.py');
      writeFileSync(module, 'x = 1\n');
      await watchDir();
      watcher?.add([module]);
      await settle();
      replace(module, 'x = 2\n');
      await waitFor(() => reloads === 1, 'the reload after the outside module was saved', 10_000);
      writeFileSync(join(outside, 'other.py'), 'y = 1\n');
      await settle();
      expect(reloads).toBe(1);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
