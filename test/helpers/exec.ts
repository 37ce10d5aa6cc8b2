import { execFile } from 'node:child_process';

export interface Outcome {
  code: number;
  /** stdout then stderr. */
  out: string;
}

/** Runs a command as a user would; never throws: the exit code and what it printed. */
export function execute(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeout?: number }): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd, env: options.env, timeout: options.timeout ?? 600_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

/** Like execute, but a non-zero exit is an error quoting the command's last output. */
export async function mustExecute(command: string, args: string[], options: Parameters<typeof execute>[2]): Promise<string> {
  const outcome = await execute(command, args, options);
  if (outcome.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${outcome.code}:\n${outcome.out.slice(-4000)}`);
  return outcome.out;
}
