import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';
import { PROJECT_PYTHON, startPythonWorker, type PythonWorker } from '../../lib/pythonWorker';

/** The test steps' module (test/fixtures/python/test_steps.py). */
export const TEST_STEPS = new URL('../fixtures/python/test_steps.py', import.meta.url).pathname;

/** Runs a Python snippet in the project's venv with `input` as JSON on stdin; returns what it printed, parsed as JSON. */
export function runPython<T>(script: string, input: unknown = null): T {
  // A snippet that made a Temporal client can abort while the interpreter finalizes (the SDK's Rust
  // threads; see exit_without_finalizing in python/cairn_steps/worker.py): once it has printed, leave without finalizing.
  const leave = '\nimport os as _os, sys as _sys\n_sys.stdout.flush()\n_sys.stderr.flush()\n_os._exit(0)\n';
  const result = spawnSync(PROJECT_PYTHON, ['-c', script + leave], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`python exited with ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** A real Temporal Python worker (python -m cairn_steps.worker) on the test server, polling cairn-<queue>. */
export function startTestPythonWorker(options: { queue: string; modules: string[]; artifactsRoot: string; env?: Record<string, string> }): Promise<PythonWorker> {
  return startPythonWorker({
    python: PROJECT_PYTHON,
    queues: [options.queue],
    modules: options.modules,
    logFile: join(inject('testDir'), `python-worker-${options.queue}.log`),
    env: { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: 'default', CAIRN_ARTIFACTS_DIR: options.artifactsRoot, CAIRN_WORKER_DRAIN_SECONDS: '1', ...options.env },
  });
}
