import type { Pool } from 'pg';
import { stepCodeVersion } from '../codeVersion';
import type { AnyStepFunction, ExperimentRecord } from '../dsl/defineStep';
import type { RunContext } from '../dsl/stepIo';
import type { StepLog } from '../logs/stepLogger';
import { recordExperiment } from '../store/experimentsTable';

interface RecorderContext {
  pool: Pool | undefined;
  run: RunContext;
  /** The map item the execution is for (a sweep's trial): recorded as `<step>[<index>]`, one row per item. */
  itemIndex?: number;
  attempt: number;
  step: AnyStepFunction;
  /** performance.now() when the execution began: an experiment's duration runs from there to its record. */
  startedAt: number;
  log: StepLog;
}

/**
 * A step's `experiment(...)`: records the execution in the experiments table with its run, attempt,
 * code version and duration so far. A record that cannot be written is named in the step's log and
 * does not fail the step (retraining for a bookkeeping row would cost more than the row).
 */
export function experimentRecorder(context: RecorderContext): (record: ExperimentRecord) => Promise<void> {
  return async (record) => {
    const { pool, run, attempt, step, startedAt, log, itemIndex } = context;
    if (!pool) return;
    const metrics = Object.fromEntries(Object.entries(record.metrics).filter(([, value]) => typeof value === 'number' && Number.isFinite(value)));
    const dropped = Object.keys(record.metrics).filter((name) => !(name in metrics));
    if (dropped.length > 0) log.warn(`experiment metrics left out (not finite numbers): ${dropped.join(', ')}`);
    try {
      await recordExperiment(pool, {
        runId: run.runId,
        step: itemIndex === undefined ? run.step : `${run.step}[${itemIndex}]`,
        attempt,
        pipeline: run.pipeline,
        specHash: run.specHash,
        activity: step.name,
        algorithm: record.algorithm ?? null,
        params: record.params,
        metrics,
        datasetSha256: record.dataset ?? null,
        codeVersion: stepCodeVersion(step),
        durationMs: performance.now() - startedAt,
      });
    } catch (error) {
      log.warn(`experiment not recorded: ${(error as Error).message}`);
    }
  };
}
