import { answer, pathParams, type ApiClient } from '../apiClient';
import type { RunAnswer as RunView } from '../answers';
import { CliError } from '../cliError';
import type { CliContext } from '../context';
import { sweepLines } from '../sweepLines';
import { waitForRun } from '../waitForRun';

/** Chapter 4 of the demo: a sweep trains a model per trial, and the best is registered with the sweep in its lineage. */
export async function runSweep(api: ApiClient, context: CliContext): Promise<RunView> {
  context.print('\n4. penguins-sweep: boosted trees, depth x learning rate, each trial trained and scored on the same split, the best registered');
  const started = await answer(api.api.v1.pipelines[':id'].runs.$post({ param: { id: 'penguins-sweep' }, json: { trigger: 'demo' } }));
  const run = await waitForRun(api, started.runId, { live: false, quiet: true, out: process.stdout });
  if (run.status !== 'succeeded') throw new CliError(`penguins-sweep ended ${run.status}`);
  const entry = run.steps?.find((s) => s.name === 'entry')?.output as { model: string; version: number };
  const version = await answer(api.api.v1.models[':name'].versions[':version'].$get({ param: pathParams({ name: entry.model, version: String(entry.version) }) }));
  if (!version.lineage.sweep) throw new CliError(`${entry.model} v${entry.version} has no sweep in its lineage`);
  for (const line of sweepLines(version.lineage.sweep, '   ')) context.print(line);
  context.print(`   registered ${entry.model} v${entry.version} (the starred trial); every trial is in: cairn experiments --pipeline penguins-sweep`);
  return run;
}
