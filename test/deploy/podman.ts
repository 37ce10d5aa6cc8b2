import { fileURLToPath } from 'node:url';
import { execute, mustExecute, type Outcome } from '../helpers/exec';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** scripts/podman-env.sh writes it: runc with cgroupfs, no default ulimits (../shared/CONTAINERS.md). */
export const CONTAINERS_CONF = `${REPO}.tools/containers.conf`;
export const PODMAN_COMPOSE = `${REPO}.tools/podman-compose/bin/podman-compose`;

const options = (env: Record<string, string>, timeout?: number) => ({ cwd: REPO, env: { ...process.env, CONTAINERS_CONF, ...env }, ...(timeout ? { timeout } : {}) });

/** Runs a command in the repository with podman's configuration for this machine; never throws. */
export const run = (command: string, args: string[], env: Record<string, string> = {}, timeout?: number): Promise<Outcome> => execute(command, args, options(env, timeout));

/** Like run, but a non-zero exit is an error quoting the command's last output. */
export const must = (command: string, args: string[], env: Record<string, string> = {}, timeout?: number): Promise<string> => mustExecute(command, args, options(env, timeout));

export const podman = (...args: string[]) => must('podman', args);
