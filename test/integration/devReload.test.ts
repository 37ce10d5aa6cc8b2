import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../lib/freePort';
import { uniqueQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';

// Promised (README, "Quick start" and `cairn dev`): `cairn dev` reloads the definitions when their
// files change, saying so; new runs use the new definitions (a new pipeline, a new step's code) and
// runs in flight keep theirs; definitions that do not load leave the previous ones served. Driven
// through the real `cairn dev` process against the test Temporal server, editing its definitions.
const root = fileURLToPath(new URL('../../', import.meta.url));
// Inside the repository, so the definitions resolve `zod` from its node_modules as a user's project would.
const dir = `${root}.cairn/test-reload-${randomUUID().slice(0, 8)}`;
const definitions = `${dir}/defs/index.ts`;
const dsl = `${root}lib/dsl/index.ts`;

const version1 = `import { z } from 'zod';
import { definePipeline, defineRegistry } from '${dsl}';
export const registry = defineRegistry({
  pipelines: [definePipeline({ id: 'reload-first', params: z.object({}), steps: { wait: { activity: 'sleep', config: { ms: 4000 } } } })],
});
`;
const version2 = `import { z } from 'zod';
import { definePipeline, defineRegistry } from '${dsl}';
import { greet } from './greet';
export const registry = defineRegistry({
  pipelines: [
    definePipeline({ id: 'reload-first', params: z.object({}), steps: { wait: { activity: 'sleep', config: { ms: 10 } }, then: { activity: 'noop', after: ['wait'] } } }),
    definePipeline({ id: 'reload-second', params: z.object({}), steps: { hello: { activity: greet } } }),
  ],
});
`;
const greetStep = `import { defineStep } from '${dsl}';
export const greet = defineStep({ name: 'reload-greet', run: () => ({ greeting: 'from the reloaded definitions' }) });
`;

// A Python step on a queue of this test's own (other tests' Python workers poll theirs).
const pythonQueue = uniqueQueue('reload-py');
const pythonModule = `${dir}/defs/py_steps.py`;
const version3 = version2.replace(
  "import { greet } from './greet';",
  `import { greet } from './greet';
import { pythonStep } from '${dsl}';
const hello = pythonStep({ name: 'reload-py-hello', queue: '${pythonQueue}', module: '${pythonModule}', config: z.strictObject({ who: z.string() }) });`,
).replace('  ],\n});', "    definePipeline({ id: 'reload-python', params: z.object({}), steps: { hello: { activity: hello, config: { who: 'reload' } } } }),\n  ],\n});");
const pythonSteps = `from pydantic import BaseModel
from cairn_steps import step

class Hello(BaseModel):
    who: str

@step("reload-py-hello", config=Hello)
def hello(input, runtime):
    return {"greeting": f"hello {input.config.who} from Python"}
`;

// A Python step module named by a dotted name, found on PYTHONPATH rather than by path.
const pythonLib = `${dir}/pylib`;
const dottedSteps = (said: string) => `from cairn_steps import step

@step("reload-py-dotted")
def said(input, runtime):
    return {"said": "${said}"}
`;
const version4 = version3.replace(
  "const hello = pythonStep(",
  `const dotted = pythonStep({ name: 'reload-py-dotted', queue: '${pythonQueue}', module: 'reload_dotted.steps' });
const hello = pythonStep(`,
).replace('  ],\n});', "    definePipeline({ id: 'reload-dotted', params: z.object({}), steps: { say: { activity: dotted } } }),\n  ],\n});");

let dev: ChildProcess;
let output = '';
let api: string;

const get = async (path: string) => (await fetch(`${api}${path}`)).json() as Promise<Record<string, unknown>>;
const start = async (pipeline: string) => {
  const response = await fetch(`${api}/api/v1/pipelines/${pipeline}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(response.status).toBe(201);
  return ((await response.json()) as { runId: string }).runId;
};
const finished = (runId: string) =>
  waitFor(async () => {
    const run = await get(`/api/v1/runs/${encodeURIComponent(runId)}`);
    return run.status === 'succeeded' && (run.steps as { name: string; output: unknown }[]);
  }, `run ${runId} to succeed`, 60_000);
const pipelineIds = async () => ((await get('/api/v1/pipelines')).pipelines as { id: string }[]).map((p) => p.id).sort();
const saidTimes = (text: string) => output.split(text).length - 1;
/** Saves as `sed -i`, `git checkout` and editors' safe writes do: a new file renamed over the old one. */
const replaceFile = (path: string, text: string) => {
  writeFileSync(`${path}.save`, text);
  renameSync(`${path}.save`, path);
};

beforeAll(async () => {
  mkdirSync(`${dir}/defs`, { recursive: true });
  writeFileSync(definitions, version1);
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  dev = spawn(process.execPath, [`${root}cli/cairn.js`, 'dev'], {
    env: {
      PATH: process.env.PATH,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      CAIRN_DEFINITIONS: definitions,
      CAIRN_HOME: `${dir}/home`,
      CAIRN_PORT: String(port),
      CAIRN_HOST: '127.0.0.1',
      // Its own queue: this stack's workers take no other test's tasks.
      CAIRN_TASK_QUEUE: uniqueQueue('reload'),
      LOG_LEVEL: 'error',
      PYTHONPATH: pythonLib,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  dev.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  dev.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => output.includes('Cairn is running'), `cairn dev to start; it said:\n${output}`, 90_000);
}, 120_000);

afterAll(async () => {
  if (dev && dev.exitCode === null) {
    dev.kill('SIGTERM');
    await new Promise((resolve) => dev.once('exit', resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('cairn dev reloads its definitions', () => {
  it('serves new and changed pipelines after an edit, while a run in flight keeps its own', async () => {
    expect(await pipelineIds()).toEqual(['reload-first']);
    const inFlight = await start('reload-first');

    writeFileSync(`${dir}/defs/greet.ts`, greetStep);
    writeFileSync(definitions, version2);
    await waitFor(() => output.includes('definitions reloaded'), `the reload; cairn dev said:\n${output}`, 60_000);
    expect(output).toMatch(/definitions reloaded: 2 pipeline\(s\) \(new: reload-second\); new runs use them, runs in flight keep theirs/);
    expect(await pipelineIds()).toEqual(['reload-first', 'reload-second']);

    // A new pipeline whose step is new code: the restarted workers run it.
    const hello = await finished(await start('reload-second'));
    expect(hello.find((s) => s.name === 'hello')?.output).toEqual({ greeting: 'from the reloaded definitions' });
    // The run started before the edit finishes with the one step it was compiled with; a new run has two.
    expect((await finished(inFlight)).map((s) => s.name)).toEqual(['wait']);
    expect((await finished(await start('reload-first'))).map((s) => s.name)).toEqual(['wait', 'then']);
  }, 120_000);

  it('keeps serving the previous definitions when the new ones do not load, and says why', async () => {
    const before = saidTimes('definitions not reloaded');
    replaceFile(definitions, version2.replace("id: 'reload-second'", "id: 'Not A Valid Id'"));
    await waitFor(() => saidTimes('definitions not reloaded') > before, `the refused reload; cairn dev said:\n${output}`, 60_000);
    expect(output).toMatch(/definitions not reloaded \(still serving the previous ones\): .*Not A Valid Id/);
    expect(await pipelineIds()).toEqual(['reload-first', 'reload-second']);
    await finished(await start('reload-second'));
  }, 120_000);

  it('starts a Python worker for Python steps; one that cannot start leaves the other pipelines served and is tried again on the next reload', async () => {
    const reloads = saidTimes('definitions reloaded');
    writeFileSync(pythonModule, 'def broken(:\n');
    // Replaced a second time: Node 20's recursive fs.watch saw only the first replacement of a file.
    replaceFile(definitions, version3);
    await waitFor(() => saidTimes('the Python worker did not start') > 0 && saidTimes('definitions reloaded') > reloads, `the reload; cairn dev said:\n${output}`, 60_000);
    expect(output).toMatch(/the Python worker did not start, so Python steps wait in their queue until it does: .*py_steps\.py does not import: SyntaxError.*python-worker\.log/);
    expect(await pipelineIds()).toEqual(['reload-first', 'reload-python', 'reload-second']);
    await finished(await start('reload-second'));
    const waiting = await start('reload-python');

    const started = saidTimes('starting the Python worker');
    // Only the Python module changes: that alone is a change to the definitions.
    replaceFile(pythonModule, pythonSteps);
    await waitFor(() => saidTimes('starting the Python worker') > started && saidTimes('definitions reloaded') > reloads + 1, `the second reload; cairn dev said:\n${output}`, 60_000);
    // The run that waited in the queue runs as soon as a Python worker polls it.
    expect((await finished(waiting)).find((s) => s.name === 'hello')?.output).toEqual({ greeting: 'hello reload from Python' });
  }, 150_000);

  it('reloads when a Python step module named by a dotted name (found on PYTHONPATH) changes', async () => {
    mkdirSync(`${pythonLib}/reload_dotted`, { recursive: true });
    writeFileSync(`${pythonLib}/reload_dotted/__init__.py`, '');
    writeFileSync(`${pythonLib}/reload_dotted/steps.py`, dottedSteps('first'));
    const reloads = saidTimes('definitions reloaded');
    replaceFile(definitions, version4);
    await waitFor(() => saidTimes('definitions reloaded') > reloads, `the reload; cairn dev said:\n${output}`, 60_000);
    expect((await finished(await start('reload-dotted'))).find((s) => s.name === 'say')?.output).toEqual({ said: 'first' });
    const started = saidTimes('starting the Python worker');
    replaceFile(`${pythonLib}/reload_dotted/steps.py`, dottedSteps('second'));
    await waitFor(() => saidTimes('starting the Python worker') > started && saidTimes('definitions reloaded') > reloads + 1, `a reload for the dotted module; cairn dev said:\n${output}`, 60_000);
    expect((await finished(await start('reload-dotted'))).find((s) => s.name === 'say')?.output).toEqual({ said: 'second' });
  }, 150_000);
});

// A second `cairn dev` started by mistake (another terminal, the same directory) once opened the same
// embedded store files as the first (PGlite has no lock: two writers corrupt them) and, when its API
// then failed to start, printed why and never exited, its workers still polling.
describe('a cairn dev that cannot start', () => {
  /** Runs `cairn dev` with `env` over the first one's; resolves with its exit code and output, or rejects after 60 s. */
  const secondDev = (env: Record<string, string>) =>
    new Promise<{ code: number | null; said: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [`${root}cli/cairn.js`, 'dev'], {
        env: { PATH: process.env.PATH, TEMPORAL_ADDRESS: inject('temporalAddress'), CAIRN_DEFINITIONS: definitions, CAIRN_HOST: '127.0.0.1', CAIRN_TASK_QUEUE: uniqueQueue('second'), LOG_LEVEL: 'error', PYTHONPATH: pythonLib, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let said = '';
      child.stdout?.on('data', (chunk: Buffer) => (said += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the second cairn dev was still running after 60 s; it said:\n${said}`));
      }, 60_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, said });
      });
    });

  it('refuses the embedded store another cairn dev holds, naming that process, and exits', async () => {
    const { code, said } = await secondDev({ CAIRN_HOME: `${dir}/home`, CAIRN_PORT: String(await freePort()) });
    expect(code).toBe(1);
    expect(said).toMatch(new RegExp(`the embedded metadata store .*home/pgdata is in use by process ${dev.pid} \\(another cairn dev or demo\\?\\)`));
    expect(said).not.toContain('starting workers');
    await finished(await start('reload-second'));
  }, 90_000);

  it('stops what it started and exits when its API cannot listen, leaving its store free for the next start', async () => {
    const home = `${dir}/second-home`;
    const taken = new URL(api).port;
    const first = await secondDev({ CAIRN_HOME: home, CAIRN_PORT: taken });
    expect(first.code).toBe(1);
    expect(first.said).toContain('starting workers');
    expect(first.said).toMatch(/EADDRINUSE|in use/);
    // Its store's lock went with it: the same home opens again (and fails only on the port again).
    const again = await secondDev({ CAIRN_HOME: home, CAIRN_PORT: taken });
    expect(again.said).not.toContain('is in use by process');
    expect(again.said).toContain('starting workers');
  }, 150_000);
});
