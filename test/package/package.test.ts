/**
 * Cairn as a team adopts it: the npm package, installed into a fresh project outside this
 * repository, `npx cairn init`, the new project's own test (time-skipping), and a run of its
 * pipeline through `cairn dev` and the CLI, all from the compiled build (no TypeScript loader for
 * Cairn's code). `npm run test:package`; about 2 minutes, most of it npm installing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../lib/freePort';
import { resolveTemporalCli, resolveTestServer } from '../../lib/temporalDevServer';
import { execute, mustExecute } from '../helpers/exec';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cairn-package-'));
const project = join(work, 'weather-team');
let tarball = '';
let dev: ChildProcess | undefined;

// What a user's shell has: PATH and HOME, not this repository's settings.
const userEnv = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? work, ONNXRUNTIME_NODE_INSTALL: 'skip', ...extra });

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
    expect(Object.keys(manifest.exports)).toEqual(expect.arrayContaining(['.', './testing']));
    for (const file of ['dist/main.js', 'dist/index.js', 'dist/testing.js', 'dist/types/lib/dsl/index.d.ts', 'dist/types/lib/testing/index.d.ts', 'dist-workflows/workflows.js', 'templates/project/cairn.config.json']) {
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

  it("the new project's own test passes (typechecked, on the time-skipping test server)", async () => {
    await ok('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project);
    const out = await ok('npm', ['test'], project, { TEMPORAL_TEST_SERVER_PATH: resolveTestServer(process.env.TEMPORAL_TEST_SERVER_PATH) });
    expect(out).toMatch(/Tests\s+.*2 passed/);
  });

  it("runs the new project's pipeline through `cairn dev` and the CLI, approval included", async () => {
    const [apiPort, temporalPort] = [await freePort(), await freePort()];
    const env = userEnv({ CAIRN_PORT: String(apiPort), TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`, TEMPORAL_CLI_PATH: resolveTemporalCli(process.env.TEMPORAL_CLI_PATH), TERM: 'dumb' });
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
    writeFileSync(join(work, 'dev.log'), log);
  });
});
