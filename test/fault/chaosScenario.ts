import pg from 'pg';
import { z } from 'zod';
import { definePipeline, remoteStep } from '../../lib/dsl';
import { startRun, type StartedRun } from '../../lib/runs/startRun';
import { CAIRN_STATUS } from '../../lib/searchAttributes';
import { CHAOS_EFFECTS_TABLE } from './chaosEffects';
import { CHAOS_QUEUE, ChaosStack } from './chaosStack';
import { TrafficProbe, type TrafficFigures } from './trafficProbe';

export interface ChaosPlan {
  /** Worker processes kept running (a killed one is replaced at once). */
  workers: number;
  /** Runs during which workers are SIGKILLed, and how many kills. */
  killRuns: number;
  workerKills: number;
  /** Runs during which the private PostgreSQL is stopped for `postgresStopMs`, under a prediction stream. */
  postgresRuns: number;
  postgresStopMs: number;
  predictionsPerSecond: number;
  /** Runs during which the private PostgreSQL is frozen (SIGSTOP: connections open, nothing answers) for `postgresFreezeMs`. */
  freezeRuns: number;
  postgresFreezeMs: number;
  /** Runs during which the Temporal dev server is stopped for `temporalDownMs` and started again. */
  temporalRuns: number;
  temporalDownMs: number;
  /** Each step works this long, at random in the range (ms). */
  stepMs: [number, number];
  /** How long a phase may take before unfinished runs count as stuck. */
  phaseTimeoutMs: number;
  progress(line: string): void;
}

export interface PhaseReport {
  phase: string;
  runsStarted: number;
  succeededWithoutOperator: number;
  neededOperator: number;
  failed: number;
  stuck: number;
  /** (run, step) pairs whose side effect was recorded more than once (a worker killed between its write and its completion). */
  stepsRecordedTwice: number;
  /** Step executions Temporal saw lost to infrastructure and ran again (from the runs' own state). */
  infrastructureRetries: number;
  faults: string;
  traffic: TrafficFigures;
  predictionRowsLost: number;
  /** From the dependency being back to the first /readyz that says ready (null: no dependency was down). */
  recoveryMs: number | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Time between worker SIGKILLs (a replacement is started after each, which takes a few seconds more). */
const KILL_EVERY_MS = 1_500;
/** About how long one kill and its replacement take, to spread the kill phase's runs over its kills. */
const KILL_CYCLE_MS = KILL_EVERY_MS + 3_000;

/** Three chained steps; each works a while, then writes a row in the store. */
function chaosPipeline(stepMs: [number, number], seed: number) {
  const ms = (i: number) => stepMs[0] + ((seed * 7919 + i * 104729) % (stepMs[1] - stepMs[0] + 1));
  const step = <const A extends 'a' | 'b'>(i: number, after: readonly A[]) => ({ activity: remoteStep('chaos-work'), after, config: { ms: ms(i) }, heartbeat: '2s' as const, retry: { attempts: 3, backoff: { initial: '200ms' as const } } });
  return definePipeline({ id: 'chaos', params: z.object({}), steps: { a: step(0, []), b: step(1, ['a']), c: step(2, ['b']) } });
}

/** Starts `count` runs, `spacingMs` apart (so some are always in flight while faults are inflicted). */
async function startRuns(stack: ChaosStack, count: number, plan: ChaosPlan, spacingMs: number): Promise<StartedRun[]> {
  const runs: StartedRun[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0 && spacingMs > 0) await sleep(spacingMs);
    runs.push(await startRun(stack.client, { pipeline: chaosPipeline(plan.stepMs, i), trigger: 'chaos', taskQueue: CHAOS_QUEUE }));
  }
  return runs;
}

/** Waits for every run to close; one ever seen awaiting an operator counts as needing one. */
async function outcomes(stack: ChaosStack, runs: StartedRun[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const neededOperator = new Set<string>();
  const closed = new Map<string, string>();
  while (closed.size < runs.length && Date.now() < deadline) {
    for (const run of runs) {
      if (closed.has(run.runId)) continue;
      const description = await run.handle.describe().catch(() => undefined);
      if (!description) continue;
      if (description.status.name !== 'RUNNING') closed.set(run.runId, description.status.name);
      else if (description.typedSearchAttributes.get(CAIRN_STATUS) === 'awaiting_operator') neededOperator.add(run.runId);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  let infrastructureRetries = 0;
  for (const run of runs) {
    const result = await run.handle.result().catch(() => undefined);
    for (const step of result?.steps ?? []) infrastructureRetries += step.infrastructureRetries ?? 0;
    if (!closed.has(run.runId)) await run.handle.terminate('the fault suite gave up on it').catch(() => undefined);
  }
  const succeeded = runs.filter((r) => closed.get(r.runId) === 'COMPLETED');
  return {
    succeededWithoutOperator: succeeded.filter((r) => !neededOperator.has(r.runId)).length,
    neededOperator: runs.filter((r) => neededOperator.has(r.runId)).length,
    failed: runs.filter((r) => closed.has(r.runId) && closed.get(r.runId) !== 'COMPLETED' && !neededOperator.has(r.runId)).length,
    stuck: runs.filter((r) => !closed.has(r.runId) && !neededOperator.has(r.runId)).length,
    infrastructureRetries,
  };
}

async function withStore<T>(stack: ChaosStack, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(stack.postgres.url);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function stepsRecordedTwice(stack: ChaosStack, runs: StartedRun[]): Promise<number> {
  return withStore(stack, async (client) => {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM ${CHAOS_EFFECTS_TABLE} WHERE run_id = ANY($1) GROUP BY run_id, step HAVING count(*) > 1) twice`,
      [runs.map((r) => r.runId)],
    );
    return Number(rows[0]?.n ?? 0);
  });
}

/** Answered predictions missing from prediction_log, once the API has had time to write its buffer. */
async function predictionRowsLost(stack: ChaosStack, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  let missing = ids.length;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    missing = await withStore(stack, async (client) => {
      const { rows } = await client.query<{ n: string }>(`SELECT count(DISTINCT request_id) AS n FROM prediction_log WHERE model = 'penguins' AND request_id = ANY($1)`, [ids]);
      return ids.length - Number(rows[0]?.n ?? 0);
    });
    if (missing === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return missing;
}

interface Inflicted {
  faults: string;
  /** When the dependency was back, for a fault that took one away. */
  restoredAt?: number;
}

async function phase(stack: ChaosStack, plan: ChaosPlan, name: string, runCount: number, predictionsPerSecond: number, inflict: () => Promise<Inflicted>, spacingMs = 0): Promise<PhaseReport> {
  plan.progress(`${name}: starting ${runCount} runs`);
  const traffic = new TrafficProbe(stack.apiUrl, predictionsPerSecond).start();
  const [runs, { faults, restoredAt }] = await Promise.all([startRuns(stack, runCount, plan, spacingMs), inflict()]);
  const result = await outcomes(stack, runs, plan.phaseTimeoutMs);
  const figures = await traffic.stop();
  const readyAgain = restoredAt === undefined ? undefined : figures.readiness.find((r) => r.at >= restoredAt && r.status === 200);
  const recoveryMs = restoredAt === undefined ? null : readyAgain ? readyAgain.at - restoredAt : Number.POSITIVE_INFINITY;
  const report = { phase: name, runsStarted: runs.length, ...result, stepsRecordedTwice: await stepsRecordedTwice(stack, runs), faults, traffic: figures, predictionRowsLost: await predictionRowsLost(stack, figures.answeredIds), recoveryMs };
  plan.progress(`${name}: ${report.succeededWithoutOperator}/${report.runsStarted} succeeded without an operator (${faults})`);
  return report;
}

/** Runs the fault phases against a fresh stack and reports each. */
export async function runChaos(plan: ChaosPlan, workflowBundlePath: string): Promise<PhaseReport[]> {
  const stack = await ChaosStack.start(workflowBundlePath, plan.workers, plan.progress);
  try {
    const reports: PhaseReport[] = [];
    reports.push(
      await phase(
        stack,
        plan,
        'worker SIGKILLs',
        plan.killRuns,
        0,
        async () => {
          let kills = 0;
          while (kills < plan.workerKills) {
            await sleep(KILL_EVERY_MS);
            if (stack.killWorker() !== undefined) kills += 1;
            await stack.spawnWorker();
          }
          return { faults: `${kills} worker SIGKILLs` };
        },
        // Runs keep arriving while workers are killed, so each kill finds steps in flight.
        Math.floor((plan.workerKills * KILL_CYCLE_MS) / Math.max(1, plan.killRuns)),
      ),
    );
    /** A dependency taken away after `leadMs` for `downMs`, then brought back; the phase reports when. */
    const outage = (what: string, leadMs: number, downMs: number, takeAway: () => Promise<void>, bringBack: () => Promise<void>) => async (): Promise<Inflicted> => {
      await sleep(leadMs);
      const goneAt = Date.now();
      await takeAway();
      await sleep(downMs);
      await bringBack();
      return { faults: `${what} ${Math.round((Date.now() - goneAt) / 1000)} s`, restoredAt: Date.now() };
    };
    const { postgres } = stack;
    reports.push(await phase(stack, plan, 'PostgreSQL stopped', plan.postgresRuns, plan.predictionsPerSecond, outage('PostgreSQL down', 1_000, plan.postgresStopMs, () => postgres.stop(), () => postgres.start())));
    reports.push(await phase(stack, plan, 'PostgreSQL frozen', plan.freezeRuns, plan.predictionsPerSecond, outage('PostgreSQL frozen', 1_000, plan.postgresFreezeMs, () => postgres.freeze(), () => postgres.thaw())));
    reports.push(
      await phase(stack, plan, 'Temporal restarted', plan.temporalRuns, plan.predictionsPerSecond, outage('Temporal down', 1_500, plan.temporalDownMs, () => stack.stopTemporal(), () => stack.startTemporal())),
    );
    return reports;
  } finally {
    await stack.stop();
  }
}

/** The report as a table, one row per phase. */
export function chaosTable(reports: PhaseReport[]): string {
  const header = ['phase', 'faults', 'runs', 'ok, no operator', 'operator', 'failed', 'stuck', 'infra retries', 'recorded twice', 'predictions', 'non-200', '500', 'rows lost', 'slowest API ms', 'ready again ms'];
  const rows = reports.map((r) => [r.phase, r.faults, r.runsStarted, r.succeededWithoutOperator, r.neededOperator, r.failed, r.stuck, r.infrastructureRetries, r.stepsRecordedTwice, r.traffic.predictionsAnswered, r.traffic.predictionsNon200, r.traffic.predictions500 + r.traffic.api500, r.predictionRowsLost, Math.round(r.traffic.slowestApiMs), r.recoveryMs === null ? '-' : Math.round(r.recoveryMs)].map(String));
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
