import { servedDays } from '../../definitions/weatherLoop';
import { answer, pathParams, type ApiClient } from '../apiClient';
import type { DriftReportAnswer as Report, RunAnswer as RunView } from '../answers';
import { CliError } from '../cliError';
import type { CliContext } from '../context';
import { waitForRun } from '../waitForRun';
import { waitUntil } from '../waitUntil';

interface Score {
  metrics: { accuracy: number };
  comparison: { version: number | null; metrics: { accuracy: number } | null } | null;
}

const SCHEDULE = 'cairn:weather-loop:drift';
const MODEL = 'weather-loop';

async function finishedRun(api: ApiClient, runId: string, what: string): Promise<RunView> {
  // The drift report names its retrain as soon as it is claimed; the watcher starts the run a moment
  // later, so "no such run" for a few seconds is expected here.
  await waitUntil(
    () => answer(api.api.v1.runs[':runId'].$get({ param: pathParams({ runId }) })).then(() => true, (error: unknown) => (error instanceof CliError && error.status === 404 ? false : Promise.reject(error))),
    (exists) => exists,
    30_000,
  ).catch((error: unknown) => {
    throw error instanceof CliError ? error : new CliError(`${what} (${runId}) did not start within 30 s`);
  });
  const run = await waitForRun(api, runId, { live: false, quiet: true, out: process.stdout });
  if (run.status !== 'succeeded') throw new CliError(`${what} ended ${run.status}`);
  return run;
}

const output = <T>(run: RunView, step: string) => run.steps?.find((s) => s.name === step)?.output as T;

/** Triggers the drift watcher's schedule and waits for the report it stores. */
async function watchOnce(api: ApiClient, after: number): Promise<Report> {
  await answer(api.api.v1.schedules[':scheduleId'].trigger.$post({ param: pathParams({ scheduleId: SCHEDULE }) }));
  const { reports } = await waitUntil(
    () => answer(api.api.v1.models[':name'].drift.$get({ param: { name: MODEL }, query: {} })),
    // A drifted report gets its retrain a moment after it is stored: wait for both.
    ({ reports: [latest] }) => latest !== undefined && latest.id > after && (!latest.drifted || latest.retrain !== null),
    60_000,
  );
  return reports[0] as Report;
}

/** Chapter 5 of the demo: deploy, serve, watch drift, retrain, promote, all through the API. */
export async function runWeatherLoop(api: ApiClient, context: CliContext): Promise<RunView> {
  context.print('\n6. weather-loop: train on 2012-2013, serve 2014, watch for drift, retrain, promote');
  const first = await finishedRun(api, (await answer(api.api.v1.pipelines[':id'].runs.$post({ param: { id: 'weather-loop' }, json: { trigger: 'demo' } }))).runId, 'weather-loop');
  const firstScore = output<Score>(first, 'score');
  context.print(`   v1 trained on 731 days (2012-2013): accuracy ${firstScore.metrics.accuracy.toFixed(3)} on 2015 -> production v${output<{ version: number }>(first, 'ship').version}`);

  const days = servedDays(['06', '07', '08']);
  let requests = 0;
  for (let week = 0; week < days.length; week += 7, requests++) {
    const batch = days.slice(week, week + 7);
    const { requestId } = await answer(api.api.v1.models[':name'].predict.$post({ param: { name: MODEL }, query: {}, json: { instances: batch.map((d) => d.instance) } }));
    await answer(api.api.v1.models[':name'].feedback.$post({ param: { name: MODEL }, json: { items: batch.map((d, item) => ({ requestId, item, label: d.label })) } }));
  }
  context.print(`   served June-August 2014: ${days.length} days in ${requests} requests; the true weather went back as feedback`);

  const report = await watchOnce(api, 0);
  if (!report.drifted || !report.retrain) throw new CliError(`the drift watcher found no drift: ${JSON.stringify(report.driftedFeatures)}`);
  const worst = report.features
    .filter((f) => f.drifted)
    .map((f) => `${f.feature} (PSI ${(f.statistics as { psi: number }).psi.toFixed(2)})`)
    .join(', ');
  const accuracy = report.accuracy ? `; accuracy on feedback ${report.accuracy.current.toFixed(2)}` : '';
  context.print(`   drift watcher (schedule ${SCHEDULE}): DRIFT in ${worst}${accuracy}`);
  context.print(`   retrain started by the drift trigger: ${report.retrain.workflowId}`);

  const retrain = await finishedRun(api, report.retrain.workflowId, 'the retrain');
  const score = output<Score>(retrain, 'score');
  const shipped = output<{ version: number; previous: number | null }>(retrain, 'ship');
  const data = output<{ rows: number; feedback: { predictionLog: { rows: number }; training: { rows: number } | null } }>(retrain, 'data');
  context.print(
    `   v${shipped.version} trained on production feedback: ${data.feedback.predictionLog.rows} labelled days served + ${data.feedback.training?.rows ?? 0} of v1's training days = ${data.rows} rows ` +
      `(source feedback:${MODEL}; its lineage: cairn status ${retrain.runId} --json)`,
  );
  context.print(
    `   v${shipped.version}: accuracy ${score.metrics.accuracy.toFixed(3)} on 2015 beats v${score.comparison?.version}'s ` +
      `${score.comparison?.metrics?.accuracy.toFixed(3)} -> production v${shipped.version} (rollback: cairn rollback ${MODEL})`,
  );

  const next = await watchOnce(api, report.id);
  context.print(`   next check: ${next.status === 'insufficient-data' ? `no verdict yet (${next.current.rows} rows served by v${next.version})` : next.drifted ? 'drift' : 'no drift'}, so no second retrain`);

  // What an auditor reads about the version that was replaced: its model card.
  const { card } = await answer(api.api.v1.models[':name'].versions[':version'].card.$get({ param: pathParams({ name: MODEL, version: '1' }), query: { as: 'current' } }));
  const replacedBy = card.promotions.find((move) => move.previous === 1);
  const drifted = card.drift.filter((report) => report.drifted).length;
  context.print(
    `   v1's model card: trained on dataset ${card.trainingData.datasetSha256?.slice(0, 12)}, evaluated on ${card.evaluationData.rows} days of 2015, ` +
      `${drifted} drift report${drifted === 1 ? '' : 's'} with drift, replaced by v${replacedBy?.version} (cairn card ${MODEL} 1)`,
  );
  return answer(api.api.v1.runs[':runId'].$get({ param: pathParams({ runId: retrain.runId }) }));
}
