import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CAIRN = fileURLToPath(new URL('../../cli/cairn.js', import.meta.url));

/** Runs the real `cairn` binary against an API; never throws, returns what a user would see. */
export function runCairn(apiUrl: string, args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CAIRN, ...args],
      { env: { PATH: process.env.PATH, CAIRN_API_URL: apiUrl, LOG_LEVEL: 'silent', ...extraEnv }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
