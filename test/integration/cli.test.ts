import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { registry } from '../../definitions';
import { z } from 'zod';
import { definePipeline, defineRegistry, remoteStep } from '../../lib/dsl';
import { startRun } from '../../lib/runs/startRun';
import { stepTaskQueue } from '../../lib/taskQueues';
import { freePort } from '../../lib/freePort';
import { createApp } from '../../server/app';
import { startApiServer, type RunningApi } from '../../server/serve';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { testSources } from '../helpers/sources';
import { runCairn } from '../helpers/cli';
import { waitFor } from '../helpers/waitFor';
import { scratchServices } from '../../lib/services';
import { appDeps } from '../helpers/appDeps';

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let api: RunningApi;

beforeAll(async () => {
  env = await connectTestEnv();
  worker = await startTestWorker(env, createActivities(registry, scratchServices(undefined, testSources())));
  const app = createApp(appDeps({ client: env.client, registry, taskQueue: worker.taskQueue, temporalUiUrl: null }));
  api = await startApiServer(app, '127.0.0.1', await freePort());
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await env?.teardown();
});

const cairn = (args: string[], extraEnv: Record<string, string> = {}) => runCairn(api.url, args, extraEnv);

describe('the cairn CLI', () => {
  it('lists pipelines, as text and as JSON', async () => {
    const text = await cairn(['pipelines']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/quickstart\s+4 steps/);
    const json = JSON.parse((await cairn(['pipelines', '--json'])).stdout);
    expect(json.pipelines.map((p: { id: string }) => p.id)).toContain('landing-check');
  });

  it('runs a pipeline and waits, printing each step change as a plain line off a terminal', async () => {
    const result = await cairn(['run', 'quickstart', '--param', 'count=50', '--param', 'seed=3', '--wait']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^started cairn:quickstart:cli:/m);
    expect(result.stdout).toMatch(/describe: succeeded/);
    expect(result.stdout).toMatch(/run succeeded$/m);
    // Then what the run produced, a line per step.
    expect(result.stdout).toMatch(/^ {2}describe: \{.*"count":50/m);
  });

  it('redraws on a terminal, but gives TERM=dumb plain lines with no escape codes', async () => {
    const binary = JSON.stringify(fileURLToPath(new URL('../../cli/cairn.js', import.meta.url)));
    // `script` gives the command a real pseudo-terminal.
    const onTerminal = (term: string) =>
      new Promise<string>((resolve) => {
        execFile('script', ['-qec', `node ${binary} run quickstart --param count=10 --wait`, '/dev/null'], { env: { PATH: process.env.PATH, CAIRN_API_URL: api.url, LOG_LEVEL: 'silent', TERM: term } }, (_error, stdout) => resolve(stdout));
      });
    const dumb = await onTerminal('dumb');
    expect(dumb).toMatch(/run succeeded/);
    expect(dumb).not.toContain('\u001b[');
    expect(await onTerminal('xterm')).toContain('\u001b[');
  });

  it('prints the whole run as JSON with --wait --json', async () => {
    const result = await cairn(['run', 'quickstart', '--param', 'count=20', '--wait', '--json']);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout);
    expect(run.status).toBe('succeeded');
    expect(run.steps.find((s: { name: string }) => s.name === 'describe').output.count).toBe(20);
  });

  it('names the bad param and exits 1', async () => {
    const result = await cairn(['run', 'quickstart', '--param', 'count=lots']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("pipeline 'quickstart': invalid params");
    // Each problem is said once.
    expect(result.stderr.match(/expected number/g)).toHaveLength(1);
    expect(result.stderr).toMatch(/- count: .*expected number/);
    // A required param left out is said to be missing.
    const missing = await cairn(['run', 'landing-check']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('- path: missing (expected string)');
  });

  it('refuses a backfill range given backwards, in the words of its flags (exit 2)', async () => {
    const result = await cairn(['schedules', 'backfill', 'cairn:quickstart:nightly', '--from', '2026-12-01', '--to', '2026-11-01']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--from 2026-12-01 is not before --to 2026-11-01');
  });

  it('shows a step awaiting an operator with the commands to act, and retries it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cairn-cli-')), 'export.csv');
    const started = JSON.parse((await cairn(['run', 'landing-check', '--param', `path=${path}`, '--json'])).stdout);
    const runId = started.runId as string;
    await waitFor(async () => JSON.parse((await cairn(['status', runId, '--json'])).stdout).status === 'awaiting_operator', 'awaiting_operator', 45_000, 500);
    const status = await cairn(['status', runId]);
    expect(status.stdout).toContain(`step 'landed' awaits an operator: cairn retry ${runId} landed`);
    expect(status.stdout).toMatch(/! landed\s+awaiting_operator.*has not landed yet/);
    // The run's page, at the address the CLI talks to: it answers, and offers the retry.
    const page = `${api.url}/ui/runs/${encodeURIComponent(runId)}`;
    expect(status.stdout).toContain(`page: ${page}\n`);
    expect(await (await fetch(page)).text()).toContain('data-testid="action-retry"');

    writeFileSync(path, 'a,b\n1,2\n');
    expect(existsSync(path)).toBe(true);
    const retry = await cairn(['retry', runId, 'landed', '--reason', 'file is there now']);
    expect(retry.code).toBe(0);
    expect(retry.stdout).toContain("retry of step 'landed' accepted");
    const done = await waitFor(async () => {
      const run = JSON.parse((await cairn(['status', runId, '--json'])).stdout);
      return run.status === 'succeeded' && run;
    }, 'succeeded', 45_000, 500);
    expect(done.steps[0]).toMatchObject({ round: 2, operatorNotes: ['retry by operator: file is there now'] });
    // A finished run's status ends with what its steps produced.
    expect((await cairn(['status', runId])).stdout).toMatch(/^produced:\n {2}landed: \{.*"bytes":8,"sha256"/m);
  });

  it('after an abort, the run and its steps agree: failed, the reason shown, no command offered that cannot work', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cairn-cli-')), 'never.csv');
    const runId = JSON.parse((await cairn(['run', 'landing-check', '--param', `path=${path}`, '--json'])).stdout).runId as string;
    await waitFor(async () => JSON.parse((await cairn(['status', runId, '--json'])).stdout).status === 'awaiting_operator', 'awaiting_operator', 45_000, 500);
    expect((await cairn(['abort', runId, '--reason', 'no export today'])).code).toBe(0);
    const status = await waitFor(async () => {
      const text = await cairn(['status', runId]);
      return /failed/.test(text.stdout.split('\n')[0] ?? '') && text;
    }, 'the aborted run', 30_000, 300);
    expect(status.stdout).toContain('aborted: no export today');
    expect(status.stdout).not.toContain('awaiting_operator');
    expect(status.stdout).not.toContain('cairn retry');
    const json = JSON.parse((await cairn(['status', runId, '--json'])).stdout);
    expect(json.steps.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ['landed', 'failed'],
      ['report', 'cancelled'],
    ]);
  });

  it('resolves ./paths against the directory the command was typed in (INIT_CWD under npm), and refuses a file that is not there before any run starts', async () => {
    const userDir = mkdtempSync(join(tmpdir(), 'cairn-user-'));
    writeFileSync(join(userDir, 'iris.csv'), 'a,b\n1,2\n');
    const started = await cairn(['run', 'landing-check', '--param', 'path=./iris.csv', '--json'], { INIT_CWD: userDir });
    expect(started.code).toBe(0);
    expect(JSON.parse(started.stdout).params.path).toBe(join(userDir, 'iris.csv'));
    const missing = await cairn(['run', 'landing-check', '--param', 'path=./nope.csv', '--json'], { INIT_CWD: userDir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`cairn: --param path: no file at ${join(userDir, 'nope.csv')} ('./nope.csv' resolved against ${userDir})\n`);
  });

  it('ends quietly when its reader goes away (cairn ... | head)', async () => {
    const script = `for i in 1 2 3; do node ${JSON.stringify(fileURLToPath(new URL('../../cli/cairn.js', import.meta.url)))} pipelines | true; done`; // true reads nothing and exits: every write of cairn meets a closed pipe
    const { stderr, code } = await new Promise<{ stderr: string; code: number }>((resolve) => {
      execFile('bash', ['--norc', '--noprofile', '-o', 'pipefail', '-c', script], { env: { PATH: process.env.PATH, CAIRN_API_URL: api.url, LOG_LEVEL: 'silent' } }, (error, _stdout, err) =>
        resolve({ stderr: err, code: error ? ((error as { code?: number }).code ?? 1) : 0 }),
      );
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('--wait returns when the run waits for an operator, with the commands to continue and exit status 4', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cairn-cli-')), 'late.csv');
    const waited = await cairn(['run', 'landing-check', '--param', `path=${path}`, '--wait']);
    expect(waited.code).toBe(4);
    const runId = /started (\S+)/.exec(waited.stdout)?.[1] as string;
    expect(waited.stdout).toContain(`step 'landed' awaits an operator: cairn retry ${runId} landed`);
    expect(waited.stderr).toBe(`cairn: run ${runId} waits for an operator (see the commands above, or cairn status ${runId})\n`);
    await cairn(['abort', runId, '--reason', 'test over']);
  });

  it('--wait keeps asking an API that restarts, and finishes with the run', async () => {
    const slow = defineRegistry({ pipelines: [definePipeline({ id: 'slow', params: z.object({}), steps: { nap: { activity: 'sleep', config: { ms: 4_000 } } } })] });
    const port = await freePort();
    const app = createApp(appDeps({ client: env.client, registry: slow, taskQueue: worker.taskQueue, temporalUiUrl: null }));
    let server = await startApiServer(app, '127.0.0.1', port);
    const child = spawn(process.execPath, [fileURLToPath(new URL('../../cli/cairn.js', import.meta.url)), 'run', 'slow', '--wait'], {
      env: { PATH: process.env.PATH, CAIRN_API_URL: server.url, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
    try {
      await waitFor(() => stdout.includes('started cairn:slow:cli:'), 'the run to start', 20_000, 50);
      await server.close(); // the API goes away while the run sleeps...
      await new Promise((r) => setTimeout(r, 1_500));
      server = await startApiServer(app, '127.0.0.1', port); // ...and comes back on the same address
      expect(await exited).toBe(0);
      expect(stdout).toMatch(/the API does not answer .*asking again for up to 60 s/);
      expect(stdout).toContain('the API answers again');
      expect(stdout).toMatch(/run succeeded$/m);
    } finally {
      child.kill();
      await server.close();
    }
  });

  it('--wait and status say why a step was skipped: its when, on a param', async () => {
    const gated = defineRegistry({
      pipelines: [definePipeline({ id: 'gated', params: z.object({ publish: z.boolean().default(false) }), steps: { check: { activity: 'noop' }, publish: { activity: 'noop', after: ['check'], when: { param: 'publish' } } } })],
    });
    const server = await startApiServer(createApp(appDeps({ client: env.client, registry: gated, taskQueue: worker.taskQueue, temporalUiUrl: null })), '127.0.0.1', await freePort());
    try {
      const skipped = await runCairn(server.url, ['run', 'gated', '--wait']);
      expect(skipped.code).toBe(0);
      expect(skipped.stdout).toMatch(/ publish: skipped: param publish is false; this step runs when it is true$/m);
      const runId = /started (\S+)/.exec(skipped.stdout)?.[1] ?? '';
      expect((await runCairn(server.url, ['status', runId])).stdout).toMatch(/publish\s+skipped\s.* {2}skipped: param publish is false; this step runs when it is true$/m);
      const published = await runCairn(server.url, ['run', 'gated', '--param', 'publish=true', '--wait']);
      expect(published.stdout).toMatch(/ publish: succeeded$/m);
    } finally {
      await server.close();
    }
  });

  it('gives clear errors for an unknown run, an unreachable API and a bad env var', async () => {
    const unknown = await cairn(['abort', 'cairn:none:cli:nothing']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('cairn: no such run: cairn:none:cli:nothing\n');
    const down = await cairn(['pipelines'], { CAIRN_API_URL: `http://127.0.0.1:${await freePort()}` });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach the Cairn API at http:\/\/127\.0\.0\.1:\d+/);
    const badEnv = await cairn(['pipelines'], { CAIRN_API_URL: 'not-a-url' });
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr).toContain('CAIRN_API_URL="not-a-url"');
  });

  it('shows the next fire times of a schedule in its time zone, and lists runs', async () => {
    const next = await cairn(['schedules', 'next', 'quickstart', '-n', '3']);
    expect(next.code).toBe(0);
    expect(next.stdout).toContain("nightly: cron '0 3 * * *' (America/Los_Angeles)");
    expect(next.stdout.match(/ 03:00 America\/Los_Angeles/g)).toHaveLength(3);
    const sync = JSON.parse((await cairn(['schedules', 'sync', '--json'])).stdout);
    expect(sync.created.concat(sync.unchanged)).toContain('cairn:quickstart:nightly');
    const listed = await cairn(['schedules', 'list']);
    expect(listed.stdout).toMatch(/cairn:quickstart:nightly {2}cron '0 3 \* \* \*' \(America\/Los_Angeles\) {2}active/);
    const paused = await cairn(['schedules', 'pause', 'cairn:quickstart:nightly', '--reason', 'holiday freeze']);
    expect(paused.stdout).toContain('cairn:quickstart:nightly: paused (holiday freeze)');
    // Paused, the schedule's next time is when it would fire once unpaused, not a run to expect.
    const whilePaused = (await cairn(['schedules', 'list'])).stdout;
    expect(whilePaused).toMatch(/cairn:quickstart:nightly {2}cron '0 3 \* \* \*' \(America\/Los_Angeles\) {2}paused \(holiday freeze\)\n {4}next when unpaused \d{4}-\d\d-\d\dT(10|11):00:00\.000Z/);
    const runs = await waitFor(async () => {
      const list = JSON.parse((await cairn(['runs', 'list', '--pipeline', 'quickstart', '--status', 'succeeded', '--since', '1h', '--json'])).stdout);
      return list.runs.length >= 2 && list.runs;
    }, 'runs to be listed', 30_000, 500);
    expect(runs.every((r: { status: string }) => r.status === 'succeeded')).toBe(true);
    const badStatus = await cairn(['runs', 'list', '--status', 'sideways']);
    expect(badStatus.code).toBe(1);
    expect(badStatus.stderr).toMatch(/- status: /);
    // Leave no schedule behind for this test's task queue.
    const { syncSchedules } = await import('../../lib/schedules/syncSchedules');
    await syncSchedules(env.client, { pipelines: new Map() }, worker.taskQueue);
  });

  it('delivers an event once per id, and re-runs a finished run from a step', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cairn-cli-')), 'landed.csv');
    writeFileSync(path, 'x\n1\n');
    const eventId = `e-${Date.now()}`;
    const first = await cairn(['event', 'export-landed', '--id', eventId, '--payload', JSON.stringify({ path })]);
    expect(first.code).toBe(0);
    const runId = /^started (\S+)$/m.exec(first.stdout)?.[1] as string;
    expect(runId).toBe(`cairn:landing-check:event:export-landed-${eventId}`);
    const again = await cairn(['event', 'export-landed', '--id', eventId, '--payload', JSON.stringify({ path })]);
    expect(again.stdout).toBe(`already started for this event id: ${runId}\n`);
    await env.client.workflow.getHandle(runId).result();
    const rerun = await cairn(['rerun', runId, '--from', 'report']);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain(`reused from ${runId}: landed`);
    expect(rerun.stdout).toContain('running again: report');
    expect((await cairn(['event', 'export-landed', '--id', 'x', '--payload', '{not json'])).stderr).toBe('cairn: --payload: not valid JSON\n');
  });
  it('compares two data files with `cairn drift`: per-column statistics, the decision, and an exit status for CI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-cli-drift-'));
    const weather = readFileSync(fileURLToPath(new URL('../../node_modules/vega-datasets/data/seattle-weather.csv', import.meta.url)), 'utf8').trim().split('\n');
    const slice = (name: string, pattern: RegExp) => {
      writeFileSync(join(dir, name), [weather[0], ...weather.slice(1).filter((line) => pattern.test(line))].join('\n'));
      return join(dir, name);
    };
    const reference = slice('2012-2013.csv', /^201[23]-/);
    const summer = slice('summer-2014.csv', /^2014-0[678]-/);
    const text = await cairn(['drift', reference, summer]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^temp_max\s+numeric\s+4\.166\s+0\.601\s/m);
    expect(text.stdout).toMatch(/DRIFT in 5 of 5 columns/);
    const json = JSON.parse((await cairn(['drift', reference, summer, '--json', '--columns', 'temp_max,weather'])).stdout);
    expect(json.features.map((f: { feature: string }) => f.feature)).toEqual(['temp_max', 'weather']);
    expect(json.features[1].statistics.chiSquare.dof).toBeGreaterThan(0);
    const gated = await cairn(['drift', reference, summer, '--fail-on-drift']);
    expect(gated.code).toBe(3);
    expect(gated.stderr).toMatch(/drift in precipitation, temp_max/);
    const same = await cairn(['drift', reference, reference, '--fail-on-drift']);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/no drift/);
    const missing = await cairn(['drift', reference, join(dir, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`cairn: cannot read '${join(dir, 'nope.csv')}': no such file\n`);
    expect((await cairn(['drift', reference, summer, '--psi', '-1'])).stderr).toMatch(/thresholds: psi: /);

    // A handful of rows is no evidence either way: one day against two years once scored PSI 8.5,
    // "DRIFT", and failed the CI gate. The statistics are shown; the verdict is withheld.
    const oneDay = slice('one-day.csv', /^2014-07-04,/);
    const few = await cairn(['drift', reference, oneDay, '--fail-on-drift']);
    expect(few.code).toBe(0);
    expect(few.stdout).toMatch(/^temp_max\s+numeric\s/m);
    expect(few.stdout.trim().split('\n').at(-1)).toBe('no verdict: current has 1 row, fewer than --min-rows 30');
    expect(JSON.parse((await cairn(['drift', reference, oneDay, '--json'])).stdout)).toMatchObject({ verdict: 'insufficient-data', drifted: false, minRows: 30, current: { rows: 1 } });
    expect((await cairn(['drift', reference, oneDay, '--min-rows', '1', '--fail-on-drift'])).code).toBe(3);
    expect((await cairn(['drift', reference, oneDay, '--min-rows', '0'])).stderr).toBe('cairn: --min-rows 0: expected a whole number from 1\n');
    expect(JSON.parse((await cairn(['drift', reference, summer, '--json'])).stdout)).toMatchObject({ verdict: 'drift', drifted: true });

    // A column the reference never had is named, not silently ignored.
    writeFileSync(join(dir, 'summer-plus.csv'), [`${weather[0]},station`, ...weather.slice(1).filter((line) => /^2014-0[678]-/.test(line)).map((line) => `${line},KSEA`)].join('\n'));
    expect((await cairn(['drift', reference, join(dir, 'summer-plus.csv')])).stdout).toContain('new in current (not in the reference, not compared): station');
  });
  it('lists an identifier-like column of the reference instead of calling new ids drift, and compares it when named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-cli-drift-ids-'));
    const orders = (name: string, first: number) => {
      const lines = ['order_id,amount,channel', ...Array.from({ length: 400 }, (_, i) => `o-${first + i},${(i % 37) + 0.5},${['web', 'shop', 'phone'][i % 3]}`)];
      writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
      return join(dir, name);
    };
    const [january, february] = [orders('january.csv', 0), orders('february.csv', 10_000)];
    const text = await cairn(['drift', january, february, '--fail-on-drift']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('not compared: order_id (looks like an identifier: 400 distinct values in 400 rows; name it in --columns to compare it)');
    expect(text.stdout).toMatch(/no drift/);
    // The index pandas' to_csv writes (a column with no name): 0-399 against 0-99 is not drift either.
    const indexed = (name: string, rows: number, shift: number) => {
      writeFileSync(join(dir, name), `${[',amount', ...Array.from({ length: rows }, (_, i) => `${i},${((i * 37) % 101) + shift}`)].join('\n')}\n`);
      return join(dir, name);
    };
    const index = await cairn(['drift', indexed('a.csv', 400, 0), indexed('b.csv', 100, 0), '--fail-on-drift']);
    expect(index.code).toBe(0);
    expect(index.stdout).toMatch(/not compared: column0 \(a column without a name holding a different whole number on every row/);
    const named = await cairn(['drift', january, february, '--columns', 'order_id,channel', '--fail-on-drift']);
    expect(named.code).toBe(3);
    expect(named.stderr).toMatch(/drift in order_id/);
  });

  it('says a step waits in a queue no worker serves, then runs it once a worker polls that queue', async () => {
    const queue = `unserved-${Date.now().toString(36)}`;
    const pipeline = definePipeline({ id: 'queued-step', params: z.object({}), steps: { fit: { activity: remoteStep({ name: 'test-unserved-fit', queue }) } } });
    const { runId, handle } = await startRun(env.client, { pipeline, params: {}, trigger: 'test', taskQueue: worker.taskQueue });
    const waiting = await waitFor(async () => {
      const status = await cairn(['status', runId]);
      return /queued \d+ s/.test(status.stdout) ? status.stdout : undefined;
    }, 'the step reported as queued', 20_000, 1000);
    expect(waiting).toMatch(/fit\s+running/);
    expect(waiting).toContain(`no worker has polled task queue '${stepTaskQueue(queue)}' in the last 75 s; the step starts when one does (cairn worker --queue ${queue}, or for Python steps python -m cairn_steps.worker --queue ${queue})`);
    const view = JSON.parse((await cairn(['status', runId, '--json'])).stdout) as { steps: { queued: { queue: string; workersPolling: number } | null }[] };
    expect(view.steps[0]!.queued).toMatchObject({ queue, workersPolling: 0 });
    const served = await startTestWorker(env, { 'test-unserved-fit': async () => ({ fitted: true }) }, { taskQueue: stepTaskQueue(queue), runWorkflows: false });
    try {
      expect((await handle.result()).outputs.fit).toEqual({ fitted: true });
      expect(JSON.parse((await cairn(['status', runId, '--json'])).stdout).steps[0].queued).toBeNull();
    } finally {
      await served.stop();
    }
  });
});
