import { answer, type ApiClient } from '../apiClient';
import type { RunAnswer as RunView } from '../answers';
import { CliError } from '../cliError';
import type { CliContext } from '../context';
import { waitForRun } from '../waitForRun';

/** A penguin the example never trained on: the demo asks the deployed ONNX model for its species. */
const PENGUIN = { Island: 'Biscoe', 'Beak Length (mm)': 47.5, 'Beak Depth (mm)': 14.8, 'Flipper Length (mm)': 217, 'Body Mass (g)': 5200, Sex: 'FEMALE' };

/** Chapter 5 of the demo: a Python step trains with scikit-learn, Cairn evaluates, deploys and serves the ONNX model. */
export async function runPythonModel(api: ApiClient, context: CliContext): Promise<RunView> {
  context.print('\n5. penguins-sklearn: ingest -> fit in Python (scikit-learn, exported to ONNX) -> evaluate -> register -> deploy');
  const started = await answer(api.api.v1.pipelines[':id'].runs.$post({ param: { id: 'penguins-sklearn' }, json: { trigger: 'demo' } }));
  const run = await waitForRun(api, started.runId, { live: false, quiet: true, out: process.stdout });
  if (run.status !== 'succeeded') throw new CliError(`penguins-sklearn ended ${run.status}`);
  const output = <T>(name: string) => run.steps?.find((s) => s.name === name)?.output as T;
  const fit = output<{ trainRows: number }>('fit');
  const score = output<{ metrics: { accuracy: number }; holdoutRows: number }>('score');
  const ship = output<{ model: string; version: number }>('ship');
  context.print(`   the Python worker trained HistGradientBoostingClassifier on ${fit.trainRows} penguins; Cairn scored the ONNX model on the ${score.holdoutRows} it never saw: accuracy ${score.metrics.accuracy.toFixed(3)}`);
  const served = await answer(api.api.v1.models[':name'].predict.$post({ param: { name: ship.model }, query: {}, json: { instance: PENGUIN } }));
  const prediction = served.prediction as { label: string; probabilities: Record<string, number> };
  context.print(`   production ${ship.model} v${ship.version} (onnxruntime) says a 217 mm-flippered Biscoe penguin is a ${prediction.label} (p=${(prediction.probabilities[prediction.label] ?? 0).toFixed(3)})`);
  return run;
}
