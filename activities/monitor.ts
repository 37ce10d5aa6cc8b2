import { z } from 'zod';
import { ArtifactRefSchema } from '../lib/artifacts/artifactRef';
import { defineStep } from '../lib/dsl/defineStep';
import { checkModelDrift } from '../lib/drift/modelDrift';
import { ConfigError, DataError } from '../lib/errors';
import { monitorStage } from '../lib/stages/monitor';
import { recordHandedDataset } from '../lib/data/recordHandedDataset';
import { upstreamEntry } from './upstreamOutput';

const Ingested = z.object({ dataset: ArtifactRefSchema });

/**
 * monitor: compares a newly ingested batch (the upstream ingest's dataset, or one a step wrote) with the data the
 * version behind `alias` was trained on: the same statistics, report and metrics as the drift
 * watcher, plus accuracy when the batch has the target column. With `failOnDrift`, drift fails
 * the step (to the operator) instead of only being reported. It heartbeats at each phase and while
 * the batch and the reference load.
 */
export const monitor = defineStep({
  name: monitorStage.name,
  needsStore: true,
  config: monitorStage.config,
  output: monitorStage.output,
  heartbeat: 'manual',
  run: async ({ run, config, upstream }, runtime) => {
    const { step: producer, output: { dataset } } = upstreamEntry(upstream, Ingested, config.from, 'a dataset (an ingest output)');
    // A batch a step computed (not ingest's, which is recorded) gets its card here, as validate and train give one.
    await recordHandedDataset(runtime.store.pool, dataset, () => runtime.artifacts.verifiedPath(dataset), { run, step: producer }, runtime.heartbeat);
    const report = await checkModelDrift(runtime.store.pool, runtime.artifacts, {
      model: config.model,
      alias: config.alias,
      minRows: config.minRows,
      thresholds: config.thresholds ?? {},
      current: { kind: 'dataset', sha256: dataset.sha256 },
      progress: runtime.heartbeat,
    });
    if (!report) throw new ConfigError(`model '${config.model}' has no alias '${config.alias}': deploy a version before monitoring it`);
    if (report.drifted && config.failOnDrift) {
      throw new DataError(`drift against ${config.model} v${report.version}: ${report.driftedFeatures.join(', ') || 'predictions or accuracy'} [drift report ${report.id}]`);
    }
    return {
      reportId: report.id,
      status: report.status,
      model: config.model,
      version: report.version,
      drifted: report.drifted,
      driftedFeatures: report.driftedFeatures,
      rows: report.current.rows,
      accuracy: report.accuracy?.current ?? null,
    };
  },
});
