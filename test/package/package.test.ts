/**
 * Cairn as a team adopts it: the npm package, installed into a fresh project outside this
 * repository, `npx cairn init`, the new project's own test (time-skipping), and a run of its
 * pipeline through `cairn dev` and the CLI, all from the compiled build (no TypeScript loader for
 * Cairn's code). `npm run test:package`; about 2 minutes, most of it npm installing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { stripVTControlCharacters } from 'node:util';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../lib/freePort';
import { execute, mustExecute } from '../helpers/exec';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cairn-package-'));
const project = join(work, 'weather-team');
let tarball = '';
let dev: ChildProcess | undefined;

// What a user's shell has: PATH and HOME, not this repository's settings.
const userEnv = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work, ONNXRUNTIME_NODE_INSTALL: 'skip', ...extra });

// The user's PATH, with any Temporal CLI on it shadowed by one that fails: what cairn setup installs is what these tests use.
const shadow = join(work, 'no-temporal');
mkdirSync(shadow);
writeFileSync(join(shadow, 'temporal'), '#!/bin/sh\nexit 127\n', { mode: 0o755 });
const pathWithoutTemporal = () => `${shadow}:${process.env.PATH ?? ''}`;

// A Python step of the project's own, returning numpy values as scikit-learn code does.
const PYTHON_STEP = `from pydantic import BaseModel
import numpy as np
from cairn_steps import StepInput, StepRuntime, step


class Count(BaseModel):
    n: int


@step("summarise", config=Count)
def summarise(input: StepInput[Count], runtime: StepRuntime) -> dict:
    values = np.arange(input.config.n)
    return {"mean": values.mean(), "n": np.int64(values.size)}
`;
const PYTHON_PIPELINE = `import { join } from 'node:path';
import { z } from 'zod';
import { definePipeline, pythonStep } from '@cairn-ml/cairn';

const summarise = pythonStep({ name: 'summarise', queue: 'python', module: join(import.meta.dirname, 'scores.py'), config: z.strictObject({ n: z.number().int() }) });

export const scores = definePipeline({
  id: 'scores',
  params: z.object({ n: z.number().int() }),
  steps: { summarise: { activity: summarise, config: (p) => ({ n: p.n }) } },
});
`;

const sh = (command: string, args: string[], cwd: string, env: Record<string, string> = {}) => execute(command, args, { cwd, env: userEnv(env), timeout: 300_000 });
const ok = (command: string, args: string[], cwd: string, env: Record<string, string> = {}) => mustExecute(command, args, { cwd, env: userEnv(env), timeout: 300_000 });

beforeAll(async () => {
  const packed = await ok('npm', ['pack', '--pack-destination', work, '--loglevel=error'], REPO);
  tarball = join(work, packed.trim().split('\n').pop() ?? '');
  await ok('mkdir', ['-p', project], work);
  await ok('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], project);
}, 600_000);

afterAll(async () => {
  // npx runs `cairn dev` as a child of its own: the whole process group is stopped, or cairn dev
  // (and its Temporal server) would outlive the test.
  if (dev?.pid === undefined || dev.exitCode !== null) return;
  const exited = new Promise((resolve) => dev?.once('exit', resolve));
  process.kill(-dev.pid, 'SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
});

describe('the npm package', () => {
  it('ships the compiled build, its type declarations and the starter project, and no TypeScript of its own', () => {
    const installed = join(project, 'node_modules', '@cairn-ml', 'cairn');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { bin: Record<string, string>; exports: Record<string, unknown> };
    expect(manifest.bin.cairn).toBeDefined();
    expect(Object.keys(manifest.exports)).toEqual(expect.arrayContaining(['.', './testing', './models']));
    for (const file of ['dist/main.js', 'dist/index.js', 'dist/testing.js', 'dist/models.js', 'dist/types/lib/dsl/index.d.ts', 'dist/types/lib/testing/index.d.ts', 'dist/types/lib/models/index.d.ts', 'dist-workflows/workflows.js', 'templates/project/cairn.config.json']) {
      expect(existsSync(join(installed, file)), file).toBe(true);
    }
    expect(existsSync(join(installed, 'lib', 'dsl', 'index.ts'))).toBe(false);
    expect(existsSync(join(installed, 'cli', 'main.ts'))).toBe(false);
  });

  it('loads every module of the compiled build under plain Node (no loader: a CommonJS named import would fail here)', async () => {
    const dist = join(project, 'node_modules', '@cairn-ml', 'cairn', 'dist');
    const modules = readdirSync(dist).filter((f) => f.endsWith('.js') && f !== 'main.js');
    const script = `for (const f of ${JSON.stringify(modules)}) await import(${JSON.stringify(`${dist}/`)} + f);`;
    await ok(process.execPath, ['--input-type=module', '-e', script], project);
    expect(modules.length).toBeGreaterThan(10);
  });

  it('`npx cairn init .` scaffolds a project, and refuses to overwrite it a second time', async () => {
    const out = await ok('npx', ['cairn', 'init', '.'], project);
    expect(out).toContain('package.json (merged into yours)');
    for (const file of ['cairn.config.json', 'definitions/index.ts', 'definitions/steps/checkReadings.ts', 'data/readings.csv', 'test/readingsCheck.test.ts', 'README.md', '.gitignore']) {
      expect(existsSync(join(project, file)), file).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { type: string; dependencies: Record<string, string> };
    expect(manifest.type).toBe('module');
    expect(manifest.dependencies['@cairn-ml/cairn']).toMatch(/^file:/); // the installed tarball kept, not replaced by a registry range
    const demo = await sh('npx', ['cairn', 'demo'], project);
    expect(demo.code).toBe(1);
    expect(demo.out).toMatch(/cairn: the demo tells the story of the example pipelines in a checkout/);
    const again = await sh('npx', ['cairn', 'init', '.'], project);
    expect(again.code).toBe(1);
    expect(again.out).toMatch(/cairn: .* already has .*cairn\.config\.json.*does not overwrite/);
  });

  it('without its tools, `cairn dev` names the command that installs them (a user has no `npm run setup`)', async () => {
    const [apiPort, temporalPort] = [await freePort(), await freePort()];
    const dev = await sh('npx', ['cairn', 'dev'], project, { PATH: pathWithoutTemporal(), CAIRN_PORT: String(apiPort), TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}` });
    expect(dev.code).toBe(1);
    expect(dev.out).toContain('cairn: the Temporal CLI is not installed: run `npx cairn setup`');
  });

  it('`npx cairn setup --python` installs the Temporal CLI, the test server and a venv for Python steps into .cairn/tools', async () => {
    const out = await ok('npx', ['cairn', 'setup', '--python'], project, { PATH: pathWithoutTemporal() });
    expect(out).toContain(`Temporal CLI and test server: ${join(project, '.cairn', 'tools', 'python', 'bin')}`);
    expect(out).toContain(`Python steps: ${join(project, '.cairn', 'tools', 'python-steps', 'bin', 'python')}`);
    // Run again, it keeps what is there.
    const again = await ok('npx', ['cairn', 'setup', '--python'], project, { PATH: pathWithoutTemporal() });
    expect(again).toMatch(/Temporal CLI: .*\(already installed\)/);
    expect(again).toMatch(/Python steps: .*\(already set up\)/);
  }, 600_000);

  it("the new project's own test passes (typechecked, on the time-skipping test server cairn setup installed)", async () => {
    await ok('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project);
    const out = await ok('npm', ['test'], project, { PATH: pathWithoutTemporal() });
    // Every test the starter ships passes, none skipped.
    const starterTests = readdirSync(join(REPO, 'templates/project/test')).reduce((n, file) => n + (readFileSync(join(REPO, 'templates/project/test', file), 'utf8').match(/^\s+it\(/gm) ?? []).length, 0);
    expect(starterTests).toBeGreaterThanOrEqual(3);
    // vitest colours its summary.
    expect(stripVTControlCharacters(out)).toMatch(new RegExp(`Tests\\s+${starterTests} passed \\(${starterTests}\\)`));
  });

  it("runs the new project's pipeline and a Python step of its own through `cairn dev` and the CLI, approval included", async () => {
    writeFileSync(join(project, 'definitions', 'scores.py'), PYTHON_STEP);
    writeFileSync(join(project, 'definitions', 'scores.ts'), PYTHON_PIPELINE);
    const index = readFileSync(join(project, 'definitions', 'index.ts'), 'utf8');
    writeFileSync(join(project, 'definitions', 'index.ts'), `import { scores } from './scores';\n${index.replace('pipelines: [readingsCheck]', 'pipelines: [readingsCheck, scores]')}`);
    const [apiPort, temporalPort] = [await freePort(), await freePort()];
    const env = userEnv({ PATH: pathWithoutTemporal(), CAIRN_PORT: String(apiPort), TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`, TERM: 'dumb' });
    let log = '';
    dev = spawn('npx', ['cairn', 'dev'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    dev.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    dev.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const deadline = Date.now() + 90_000;
    while (!log.includes('Cairn is running')) {
      if (Date.now() > deadline || dev.exitCode !== null) throw new Error(`cairn dev did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(log).toContain(`Definitions:      ${join(project, 'definitions', 'index.ts')}`);
    const cli = { CAIRN_API_URL: `http://127.0.0.1:${apiPort}` };
    const started = await ok('npx', ['cairn', 'run', 'readings-check'], project, cli);
    const runId = /started (\S+)/.exec(started)?.[1] ?? '';
    expect(runId).toMatch(/^cairn:readings-check:/);
    const statusUntil = async (wanted: RegExp) => {
      let status = '';
      for (let i = 0; i < 120 && !wanted.test(status); i++) {
        status = (await sh('npx', ['cairn', 'status', runId], project, cli)).out;
        await new Promise((r) => setTimeout(r, 250));
      }
      return status;
    };
    expect(await statusUntil(/publish\s+awaiting_approval/)).toMatch(/check\s+succeeded/);
    await ok('npx', ['cairn', 'approve', runId, 'publish', '--reason', 'package test'], project, cli);
    expect((await statusUntil(/^\S+\s+\S+\s+succeeded/m)).split('\n')[0]).toContain('succeeded');
    // The project's own Python step, on the Python worker cairn dev started with the venv cairn setup made.
    const python = await ok('npx', ['cairn', 'run', 'scores', '--param', 'n=4', '--wait'], project, cli);
    expect(python).toMatch(/^ {2}summarise: \{"mean":1\.5,"n":4\}$/m);
    writeFileSync(join(work, 'dev.log'), log);
  });
});
