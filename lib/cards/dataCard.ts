import type { Pool } from 'pg';
import { z } from 'zod';
import type { ArtifactStore } from '../artifacts/artifactStore';
import { versionsTrainedOn } from '../registry/registry';
import { datasetRecord } from '../store/datasets';
import { artifactUses, listRunArtifacts } from '../store/runArtifacts';
import type { DataCard } from './dataCardSchema';

/** What validate records with its run: its report, and the dataset it checked (which is how a dataset finds its validations). */
export const VALIDATION_REPORT_ARTIFACT = 'validation-report';
export const VALIDATED_DATASET_ARTIFACT = 'validated-dataset';

/** The parts of a stored validation report a card shows; reports from before the contract was kept have none. */
const StoredReportSchema = z.object({
  passed: z.boolean().optional(),
  rows: z.number().int().optional(),
  invalidRows: z.number().int().optional(),
  violations: z.array(z.object({ column: z.string().nullable().optional(), rule: z.string(), message: z.string() })).default([]),
  contract: z.unknown().optional(),
});

/**
 * A dataset's card: its source and profile (as ingest recorded them), the runs that produced it, each
 * validation of it (the contract and the result), and the model versions trained on it. Undefined
 * for a dataset the store does not know; `artifacts` reads the validation reports (without it, a
 * validation shows only where it ran).
 */
export async function dataCard(pool: Pool, artifacts: ArtifactStore | null, sha256: string): Promise<DataCard | undefined> {
  const record = await datasetRecord(pool, sha256);
  if (!record) return undefined;
  const uses = await artifactUses(pool, sha256);
  const validations = await Promise.all(
    uses
      .filter((use) => use.name === VALIDATED_DATASET_ARTIFACT)
      .map(async (use) => {
        const reportRef = (await listRunArtifacts(pool, use.runId)).find((a) => a.step === use.step && a.name === VALIDATION_REPORT_ARTIFACT);
        const parsed = reportRef && artifacts ? StoredReportSchema.safeParse(JSON.parse((await artifacts.read(reportRef)).toString('utf8'))) : undefined;
        const report = parsed?.success ? parsed.data : undefined;
        return {
          runId: use.runId,
          step: use.step,
          at: use.createdAt,
          passed: report?.passed ?? null,
          rows: report?.rows ?? null,
          invalidRows: report?.invalidRows ?? null,
          violations: (report?.violations ?? []).map((v) => ({ column: v.column ?? null, rule: v.rule, message: v.message })),
          contract: report?.contract ?? null,
        };
      }),
  );
  const models = await versionsTrainedOn(pool, sha256);
  return {
    sha256,
    generatedAt: new Date().toISOString(),
    recordedAt: record.createdAt,
    source: record.source,
    producedBy: uses.filter((use) => use.name === 'dataset').map(({ runId, step, createdAt }) => ({ runId, step, at: createdAt })),
    profile: record.profile,
    validations,
    models: models.map((v) => ({ model: v.model, version: v.version, aliases: v.aliases, registeredAt: v.createdAt, metrics: v.metrics })),
  };
}
