import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED_DEFINITIONS, definitionsPath } from '../../lib/definitions';
import { scaffoldProject } from '../../lib/projectTemplate';

const scratch = () => mkdtempSync(join(tmpdir(), 'cairn-project-'));

// Promised (README, "Your own project"): Cairn loads CAIRN_DEFINITIONS, else the definitions the
// nearest cairn.config.json names, else (in a checkout of Cairn) its own examples.
describe('which definitions Cairn loads', () => {
  it('takes the nearest cairn.config.json above the working directory, relative to that file', () => {
    const root = scratch();
    writeFileSync(join(root, 'cairn.config.json'), JSON.stringify({ definitions: './pipelines/main.ts' }));
    mkdirSync(join(root, 'data', 'raw'), { recursive: true });
    expect(definitionsPath({ CAIRN_DEFINITIONS: undefined, INIT_CWD: join(root, 'data', 'raw') })).toBe(join(root, 'pipelines', 'main.ts'));
  });

  it('lets CAIRN_DEFINITIONS win over the config file', () => {
    const root = scratch();
    writeFileSync(join(root, 'cairn.config.json'), JSON.stringify({ definitions: './pipelines/main.ts' }));
    expect(definitionsPath({ CAIRN_DEFINITIONS: 'other/index.js', INIT_CWD: root })).toBe(join(root, 'other', 'index.js'));
  });

  it('names the file and the field when the config file is wrong', () => {
    const root = scratch();
    writeFileSync(join(root, 'cairn.config.json'), '{"definition": "./x.ts"}');
    expect(() => definitionsPath({ CAIRN_DEFINITIONS: undefined, INIT_CWD: root })).toThrow(/cairn\.config\.json: definitions: .*expected \{"definitions"/);
    writeFileSync(join(root, 'cairn.config.json'), '{"definitions": ');
    expect(() => definitionsPath({ CAIRN_DEFINITIONS: undefined, INIT_CWD: root })).toThrow(/cairn\.config\.json is not valid JSON/);
  });

  it("falls back to this repository's examples outside any project", () => {
    expect(definitionsPath({ CAIRN_DEFINITIONS: undefined, INIT_CWD: scratch() })).toBe(BUNDLED_DEFINITIONS);
  });
});

describe('cairn init', () => {
  it('keeps what an existing package.json says and adds what a project needs', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'team', scripts: { test: 'custom' }, dependencies: { '@cairn-ml/cairn': 'file:cairn.tgz', lodash: '^4' } }));
    const result = scaffoldProject(dir, '^9.9.9');
    expect(result.packageJson).toBe('merged');
    const merged = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; type: string; scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(merged).toMatchObject({ name: 'team', type: 'module', scripts: { test: 'custom', dev: 'cairn dev' } });
    expect(merged.dependencies).toMatchObject({ '@cairn-ml/cairn': 'file:cairn.tgz', lodash: '^4', zod: expect.any(String) });
    expect(merged.devDependencies.vitest).toBeDefined();
  });

  it('writes a new package.json naming Cairn, and refuses a CommonJS package', () => {
    const dir = join(scratch(), 'My Pipelines');
    scaffoldProject(dir, '^9.9.9');
    const created = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
    expect(created.name).toBe('my-pipelines');
    expect(created.dependencies['@cairn-ml/cairn']).toBe('^9.9.9');
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/^# my-pipelines/);

    const cjs = scratch();
    writeFileSync(join(cjs, 'package.json'), JSON.stringify({ type: 'commonjs' }));
    mkdirSync(join(cjs, 'src'));
    writeFileSync(join(cjs, 'src', 'index.js'), "module.exports = require('./other');\n");
    expect(() => scaffoldProject(cjs, '^9.9.9')).toThrow(/"type": "commonjs" and src\/index\.js may rely on it: Cairn projects are ES modules .*npm pkg set type=module/);
    expect(readdirSync(cjs).sort()).toEqual(['package.json', 'src']); // nothing written
  });

  it('switches the "type": "commonjs" that `npm init -y` writes when nothing in the folder relies on it', () => {
    const dir = scratch();
    // What npm 11's `npm init -y` writes into an empty folder.
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fresh', version: '1.0.0', main: 'index.js', type: 'commonjs', scripts: { test: 'echo "Error: no test specified" && exit 1' } }));
    mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n'); // installed code is not the project's
    writeFileSync(join(dir, 'notes.cjs'), 'module.exports = 1;\n'); // .cjs stays CommonJS whatever "type" says
    const result = scaffoldProject(dir, '^9.9.9');
    expect(result.switchedFromCommonJs).toBe(true);
    const merged = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; type: string; scripts: Record<string, string> };
    expect(merged).toMatchObject({ name: 'fresh', type: 'module', scripts: { test: 'tsc --noEmit && vitest run' } });

    const other = scratch();
    writeFileSync(join(other, 'package.json'), JSON.stringify({ type: 'esm' }));
    expect(() => scaffoldProject(other, '^9.9.9')).toThrow(/"type": "esm": Cairn projects are ES modules/);
  });
});
