import { z } from 'zod';
import { ArtifactRefSchema } from '../lib/artifacts/artifactRef';
import { checkContract, type ContractReport } from '../lib/data/checkContract';
import { sqlString, withDuckDb } from '../lib/data/duckdb';
import { defineStep } from '../lib/dsl/defineStep';
import { ConfigError, DataError } from '../lib/errors';
import { distributionViolations } from '../lib/data/distributionChecks';
import { validateStage } from '../lib/stages/validate';
import { profileTable } from '../lib/data/profile';
import { datasetProfile } from '../lib/store/datasets';
import { recordRunArtifact } from '../lib/store/runArtifacts';
import { upstreamEntry } from './upstreamOutput';
import { recordHandedDataset } from '../lib/data/recordHandedDataset';
import { VALIDATED_DATASET_ARTIFACT, VALIDATION_REPORT_ARTIFACT } from '../lib/cards/dataCard';

const DatasetOutput = z.object({ dataset: ArtifactRefSchema });

/** A one-paragraph account of what broke, for the step's error and the operator. */
export function describeFailures(report: ContractReport): string {
  const parts = report.violations.map((v) => {
    const examples = v.examples.length ? ` (e.g. ${v.examples.map((e) => `row ${e.row}: ${e.value ?? 'null'}`).join(', ')})` : '';
    return `${v.message}${examples}`;
  });
  const share = `${report.invalidRows} of ${report.rows} rows invalid (${(report.invalidFraction * 100).toFixed(2)}%, tolerance ${(report.maxInvalidFraction * 100).toFixed(2)}%)`;
  return `data contract failed: ${parts.join('; ')}; ${share}`;
}

/**
 * validate: checks the upstream dataset against the pipeline's data contract. A report artifact is
 * kept either way; past the tolerance the step fails with a non-retryable DataError naming the
 * columns, the rules and example rows. It heartbeats at each phase and while DuckDB checks.
 */
export const validate = defineStep({
  name: validateStage.name,
  config: validateStage.config,
  output: validateStage.output,
  heartbeat: 'manual',
  run: async ({ run, config, upstream }, runtime) => {
    const { step: producer, output: { dataset } } = upstreamEntry(upstream, DatasetOutput, config.from, 'a dataset (an ingest output)');
    runtime.heartbeat({ phase: 'read' });
    const path = await runtime.artifacts.verifiedPath(dataset);
    if (runtime.store) await recordHandedDataset(runtime.store.pool, dataset, async () => path, { run, step: producer }, runtime.heartbeat);
    runtime.heartbeat({ phase: 'check' });
    const report = await withDuckDb(async (connection) => {
      await connection.run(`CREATE VIEW data AS SELECT * FROM read_parquet(${sqlString(path)})`);
      const checked = await checkContract(connection, 'data', config.contract);
      if (!config.distribution) return checked;
      if (!runtime.store) throw new ConfigError('distribution checks read the reference profile from the metadata store: run the worker with DATABASE_URL');
      const reference = await datasetProfile(runtime.store.pool, config.distribution.reference);
      if (!reference) throw new ConfigError(`distribution.reference: no dataset ${config.distribution.reference} in the metadata store`);
      // ingest recorded this dataset's profile; profile it here only if it came from elsewhere.
      const current = (await datasetProfile(runtime.store.pool, dataset.sha256)) ?? (await profileTable(connection));
      const shifts = distributionViolations(current, reference, config.distribution);
      return { ...checked, passed: checked.passed && shifts.length === 0, violations: [...checked.violations, ...shifts] };
    }, runtime.heartbeat);
    runtime.heartbeat({ phase: 'store' });
    // The report names the contract it checked, so the dataset's card can show both.
    const reportRef = await runtime.artifacts.put(Buffer.from(JSON.stringify({ ...report, contract: config.contract })), 'application/json');
    if (runtime.store) {
      await recordRunArtifact(runtime.store.pool, { runId: run.runId, step: run.step, name: VALIDATION_REPORT_ARTIFACT, ref: reportRef });
      await recordRunArtifact(runtime.store.pool, { runId: run.runId, step: run.step, name: VALIDATED_DATASET_ARTIFACT, ref: dataset });
    }
    if (!report.passed) throw new DataError(`${describeFailures(report)} [report ${reportRef.uri}]`);
    return { dataset, report: reportRef, rows: report.rows, invalidRows: report.invalidRows, invalidFraction: report.invalidFraction, passed: true as const };
  },
});
