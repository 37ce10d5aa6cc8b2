import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { waitFor } from './waitFor';

const WORKER = fileURLToPath(new URL('./sideEffectWorker.ts', import.meta.url));

/** The side-effect log's lines, split into words: `start <step> <attempt> <pid>`, `ready <pid>`... */
export function logLines(path: string): string[][] {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split(' '));
  } catch {
    return [];
  }
}

/** Worker processes started by a test; `killAll()` in afterEach so none outlives it. */
export class WorkerProcesses {
  private readonly children: ChildProcess[] = [];

  /** Starts test/helpers/sideEffectWorker.ts on `taskQueue` and resolves once it polls. */
  async spawn(taskQueue: string, logPath: string, extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      env: { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), TASK_QUEUE: taskQueue, SIDE_EFFECT_LOG: logPath, WORKFLOW_BUNDLE: inject('workflowBundlePath'), LOG_LEVEL: 'error', ...extraEnv },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    this.children.push(child);
    await waitFor(() => logLines(logPath).some(([event, pid]) => event === 'ready' && Number(pid) === child.pid), 'worker process to be ready', 30_000);
    return child;
  }

  killAll(): void {
    for (const child of this.children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}
