import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../lib/freePort';

const API = fileURLToPath(new URL('../../server/main.ts', import.meta.url));

export interface ApiProcess {
  url: string;
  child: ChildProcess;
}

/** Starts the real API process (server/main.ts) and resolves once /healthz answers. */
export async function startApiProcess(env: { TEMPORAL_ADDRESS: string; DATABASE_URL: string; CAIRN_HOME: string } & Record<string, string>): Promise<ApiProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', API], {
    env: { ...process.env, CAIRN_PORT: String(port), CAIRN_RATE_LIMIT_PER_MINUTE: '1000000', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (up) return { url, child };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the API process did not start (exit ${child.exitCode})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
