import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { config } from '../../lib/config';
import { freePort } from '../../lib/freePort';
import { moveAlias } from '../../lib/registry/aliases';
import { openStore } from '../../lib/store/openStore';
import { resolveTemporalCli, startDevServer, type DevServer } from '../../lib/temporalDevServer';
import { startApiProcess, type ApiProcess } from '../fault/apiProcess';
import { GENTOO, registerPenguins } from '../helpers/penguinsModel';
import { createTestDatabase } from '../helpers/postgres';
import { waitFor } from '../helpers/waitFor';

// Promised (README, Reliability): a dependency that is down makes Cairn narrower, never stops it.
// Started while its Temporal is not up yet (compose, Kubernetes, a cluster being upgraded), the API
// serves predictions and the registry and answers 503 naming temporal for runs; a worker waits for
// Temporal, saying so; when Temporal comes, a run started through the API is run by that worker,
// with neither process restarted. Both exited before ("Failed to connect before the deadline").

const WORKER = fileURLToPath(new URL('../../workers/pipelines.ts', import.meta.url));
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const stopped = (child: ChildProcess) => () => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
};

describe('Temporal that comes up after Cairn', () => {
  it('the API serves what needs no Temporal and the worker waits; both carry on when it comes, without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-temporal-later-'));
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const store = await openStore({ databaseUrl: database.url, home: dir });
    const { version } = await registerPenguins(store.pool, new ArtifactStore(join(dir, 'artifacts')), 1e-3, 'setup');
    await moveAlias(store.pool, { model: 'penguins', alias: 'production', version, actor: 'test', reason: 'serve it' });
    await store.close();

    const port = await freePort();
    const env = { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, DATABASE_URL: database.url, CAIRN_HOME: dir, CAIRN_TASK_QUEUE: `later-${port}`, CAIRN_ARTIFACTS_DIR: join(dir, 'artifacts') };
    let api: ApiProcess;
    try {
      api = await startApiProcess(env);
    } catch (error) {
      throw new Error(`the API did not start while Temporal was down: ${(error as Error).message}`, { cause: error });
    }
    cleanups.push(stopped(api.child));

    const predicted = await fetch(`${api.url}/api/v1/models/penguins/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: [GENTOO] }) });
    expect(predicted.status).toBe(200);
    expect(((await predicted.json()) as { predictions: Array<{ label: string }> }).predictions[0]?.label).toBe('Gentoo');
    expect((await fetch(`${api.url}/api/v1/models`)).status).toBe(200);
    const began = Date.now();
    const runs = await fetch(`${api.url}/api/v1/runs`);
    expect(Date.now() - began).toBeLessThan(8_000);
    expect(runs.status).toBe(503);
    expect(await runs.json()).toMatchObject({ error: { code: 'dependency_unavailable', details: { dependency: 'temporal' } } });
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ down: ['temporal'] });

    const workerLog = join(dir, 'worker.log');
    const worker = spawn(process.execPath, ['--import', 'tsx', WORKER], { env: { ...process.env, ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', openSync(workerLog, 'a'), 'inherit'] });
    cleanups.push(stopped(worker));
    const log = () => readFileSync(workerLog, 'utf8');
    await waitFor(() => log().includes(`Temporal at 127.0.0.1:${port} (TEMPORAL_ADDRESS) does not answer; waiting for it`), 'the worker to say it waits for Temporal', 60_000);
    expect(worker.exitCode).toBeNull();

    const temporal: DevServer = await startDevServer({ cliPath: resolveTemporalCli(config().TEMPORAL_CLI_PATH), port, logFile: join(dir, 'temporal.log') });
    cleanups.push(() => temporal.stop());
    await waitFor(async () => (await fetch(`${api.url}/readyz`)).status === 200, 'the API to be ready once Temporal answers', 20_000);
    await waitFor(() => log().includes('worker started'), 'the worker to start polling once Temporal answers', 90_000);

    const started = await fetch(`${api.url}/api/v1/pipelines/quickstart/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ params: { count: 50 } }) });
    expect(started.status).toBe(201);
    const { runId } = (await started.json()) as { runId: string };
    const finished = await waitFor(
      async () => {
        const view = (await (await fetch(`${api.url}/api/v1/runs/${encodeURIComponent(runId)}`)).json()) as { status: string };
        return view.status === 'succeeded' && view;
      },
      'the run to succeed on the worker that waited',
      60_000,
    );
    expect(finished.status).toBe('succeeded');
  }, 240_000);
});
