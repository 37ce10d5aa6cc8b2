import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isRemoteStep } from './dsl/defineStep';
import { queueOf } from './dsl/compile';
import { activitySteps } from './dsl/walkSteps';
import type { Registry } from './dsl/registry';
import { artifactsDir, childEnvironment, type Config } from './config';
import { ConfigError } from './errors';
import { logTail } from './logTail';
import { IN_CHECKOUT, pythonStepsVenv, SETUP_COMMAND } from './projectTools';

/** The venv `npm run setup` creates in a checkout (scripts/setup-tools.sh), with python/ installed in it: the tests' and benchmarks' Python. */
export const PROJECT_PYTHON = join(pythonStepsVenv(undefined).checkout, 'bin', 'python');

/** CAIRN_PYTHON, else the venv `npm run setup` (a checkout) or `npx cairn setup --python` (a project) made: the Python that runs Python steps under `cairn dev`. */
export function resolvePython(explicit: string | undefined, home?: string): string {
  if (explicit) return explicit;
  const venvs = pythonStepsVenv(home);
  const found = [venvs.checkout, venvs.project].filter((venv): venv is string => venv !== undefined).map((venv) => join(venv, 'bin', 'python')).find((python) => existsSync(python));
  if (found) return found;
  const setup = IN_CHECKOUT ? SETUP_COMMAND : '`npx cairn setup --python`';
  throw new ConfigError(`these definitions have Python steps, and no Python with cairn_steps is set up: run ${setup} (a venv with cairn_steps; add your step's own packages to it with its pip), or set CAIRN_PYTHON to a Python that has cairn_steps installed`);
}

/** The queues and modules of the registry's Python steps: what one local Python worker serves. */
export function pythonSteps(registry: Pick<Registry, 'pipelines'>): { queues: string[]; modules: string[] } {
  const queues = new Set<string>();
  const modules = new Set<string>();
  for (const pipeline of registry.pipelines.values()) {
    for (const { step } of activitySteps(pipeline.steps)) {
      if (!isRemoteStep(step.activity) || !step.activity.python) continue;
      queues.add(queueOf(step) as string); // a remote step always has a queue (checked when the registry loads)
      modules.add(step.activity.python.module);
    }
  }
  return { queues: [...queues].sort(), modules: [...modules].sort() };
}

export interface PythonWorker {
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The line the worker prints once it polls (python/cairn_steps/worker.py). */
const READY = 'cairn-steps: polling';

/**
 * Starts `python -m cairn_steps.worker` for the queues and modules, and resolves once it polls. Its
 * output goes to `logFile`; a worker that exits first fails the start, naming the log. `env` carries
 * what it shares with the TypeScript workers: Temporal's address and TLS, the artifact store, the spec secret.
 */
export function startPythonWorker(options: { python: string; queues: string[]; modules: string[]; env: NodeJS.ProcessEnv; logFile: string; startTimeoutMs?: number }): Promise<PythonWorker> {
  const args = ['-m', 'cairn_steps.worker', ...options.queues.flatMap((q) => ['--queue', q]), ...options.modules.flatMap((m) => ['--module', resolveModule(m)])];
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, 'a');
  const child = spawn(options.python, args, { env: { ...options.env, PYTHONUNBUFFERED: '1' }, stdio: ['ignore', 'pipe', log] });
  closeSync(log); // the child has its own copy
  return new Promise((resolvePromise, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the Python worker did not start polling within ${(options.startTimeoutMs ?? 60_000) / 1000} s (its log: ${options.logFile})`));
    }, options.startTimeoutMs ?? 60_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      // Its last line says why (python/cairn_steps/worker.py prints one for a bad module or setting).
      const why = logTail(options.logFile, 2000).split('\n').pop();
      reject(new ConfigError(`the Python worker exited with ${code} before it polled: ${why} (log: ${options.logFile})`));
    };
    child.once('exit', onExit);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new ConfigError(`cannot run the Python worker with ${options.python}: ${error.message}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      if (seen.includes(READY)) return;
      seen += chunk.toString();
      if (!seen.includes(READY)) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolvePromise({ process: child, stop: () => stopChild(child) });
    });
  });
}

/** A module given as a file path is resolved against the working directory; a dotted name is left as is. */
function resolveModule(module: string): string {
  return isModuleFile(module) ? resolve(module) : module;
}

function isModuleFile(module: string): boolean {
  return module.endsWith('.py') || module.includes('/');
}

/**
 * The files of the registry's Python step modules, for `cairn dev` to watch: a module named by path,
 * and, given the Python that runs them, one named by a dotted name (`team_steps.churn`) where that
 * Python finds it (sys.path: the working directory, PYTHONPATH, installed packages); a name it does
 * not find is left out (the worker says why when it starts).
 */
export function pythonModuleFiles(registry: Pick<Registry, 'pipelines'>, python?: string): string[] {
  const { modules } = pythonSteps(registry);
  const dotted = python ? modules.filter((m) => !isModuleFile(m)).flatMap((name) => dottedModuleFile(python, name) ?? []) : [];
  return [...modules.filter(isModuleFile).map(resolveModule), ...dotted];
}

/** Where `python` would import a dotted module name from: its source file, or undefined. */
function dottedModuleFile(python: string, name: string): string | undefined {
  // find_spec imports the parent packages only; the module itself is not run.
  const script = 'import importlib.util, sys\nspec = importlib.util.find_spec(sys.argv[1])\nprint(spec.origin if spec and spec.origin else "")';
  const found = spawnSync(python, ['-c', script, name], { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'ignore'] });
  const origin = found.status === 0 ? found.stdout.trim() : '';
  return origin.endsWith('.py') ? origin : undefined;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
    // Running steps get the worker's drain time (CAIRN_WORKER_DRAIN_SECONDS, 10 s), then it is killed.
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  });
}

/**
 * The Python worker of a local stack (`cairn dev`, the demo) for the registry's Python steps, or
 * undefined when there are none: it shares the stack's Temporal, metadata and artifact stores and spec secret, and
 * logs to CAIRN_HOME/python-worker.log.
 */
export async function localPythonWorker(registry: Pick<Registry, 'pipelines'>, stack: { cfg: Config; temporalAddress: string; databaseUrl: string; progress: (line: string) => void }): Promise<PythonWorker | undefined> {
  const { queues, modules } = pythonSteps(registry);
  if (queues.length === 0) return undefined;
  stack.progress(`starting the Python worker for queue(s) ${queues.join(', ')} (${modules.join(', ')})`);
  return startPythonWorker({
    python: resolvePython(stack.cfg.CAIRN_PYTHON, stack.cfg.CAIRN_HOME),
    queues,
    modules,
    logFile: join(stack.cfg.CAIRN_HOME, 'python-worker.log'),
    env: childEnvironment({
      TEMPORAL_ADDRESS: stack.temporalAddress,
      TEMPORAL_NAMESPACE: stack.cfg.TEMPORAL_NAMESPACE,
      CAIRN_ARTIFACTS_DIR: resolve(artifactsDir(stack.cfg)),
      // The stack's metadata store, where the Python steps' log lines are kept with their runs.
      DATABASE_URL: stack.databaseUrl,
      CAIRN_STEP_LOG_MAX_LINES: String(stack.cfg.CAIRN_STEP_LOG_MAX_LINES),
      ...(stack.cfg.CAIRN_SPEC_SECRET ? { CAIRN_SPEC_SECRET: stack.cfg.CAIRN_SPEC_SECRET } : {}),
    }),
  });
}
