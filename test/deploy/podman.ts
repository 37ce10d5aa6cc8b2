import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** scripts/podman-env.sh writes it: runc with cgroupfs, no default ulimits (../shared/CONTAINERS.md). */
export const CONTAINERS_CONF = `${REPO}.tools/containers.conf`;
export const PODMAN_COMPOSE = `${REPO}.tools/podman-compose/bin/podman-compose`;

export interface Outcome {
  code: number;
  out: string;
}

/** Runs a command with podman's configuration for this machine; never throws. */
export function run(command: string, args: string[], env: Record<string, string> = {}, timeout = 600_000): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: REPO, env: { ...process.env, CONTAINERS_CONF, ...env }, timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

/** Like run, but a non-zero exit is an error quoting the command's last output. */
export async function must(command: string, args: string[], env: Record<string, string> = {}, timeout?: number): Promise<string> {
  const outcome = await run(command, args, env, timeout);
  if (outcome.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${outcome.code}:\n${outcome.out.slice(-4000)}`);
  return outcome.out;
}

export const podman = (...args: string[]) => must('podman', args);

/** Polls `check` until it returns a value, or fails after `timeoutMs` quoting the last problem. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s${last ? ` (last: ${last})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
