import type { Pool } from 'pg';
import type { ArtifactStore } from '../artifacts/artifactStore';
import { versionAliasMoves } from '../registry/aliases';
import { getVersion, type ModelVersion } from '../registry/registry';
import { datasetProfile } from '../store/datasets';
import { versionDriftReports } from '../store/driftReportsTable';
import { listRunArtifacts } from '../store/runArtifacts';
import { CardDeclarationSchema, ModelCardSchema, type CardDeclaration, type EvaluationData, type ModelCard } from './modelCardSchema';

/** The registering run's artifact that holds the card as it was at registration. */
export const MODEL_CARD_ARTIFACT = 'model-card';
export const MODEL_CARD_MEDIA_TYPE = 'application/vnd.cairn.model-card+json';
/** Drift reports a card lists (the newest). */
const DRIFT_ENTRIES = 50;

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Training data as its profile describes it (the profile ingest recorded; a dataset from elsewhere has only its hash). */
async function describeDataset(pool: Pool, sha256: string | null): Promise<ModelCard['trainingData']> {
  const profile = sha256 ? await datasetProfile(pool, sha256) : undefined;
  return { datasetSha256: sha256, rows: profile?.rows ?? null, columns: (profile?.columns ?? []).map(({ name, type, nulls }) => ({ name, type, nulls })) };
}

/** The card's parts known when a version is registered: the registry's record, what the pipeline declared, the data. */
async function cardAtRegistration(pool: Pool, version: ModelVersion, declared: CardDeclaration, evaluation: Omit<EvaluationData, 'rows' | 'columns'> & { rows?: number | null }): Promise<ModelCard> {
  const { target, features, labels, format, ...hyperparameters } = version.params;
  const evaluated = evaluation.datasetSha256 && evaluation.datasetSha256 !== version.lineage.datasetSha256 ? await describeDataset(pool, evaluation.datasetSha256) : undefined;
  return {
    model: version.model,
    version: version.version,
    generatedAt: new Date().toISOString(),
    details: {
      algorithm: version.algorithm,
      format: stringOrNull(format),
      target: stringOrNull(target),
      features: strings(features),
      labels: strings(labels),
      hyperparameters,
      registeredAt: version.createdAt,
      pipeline: version.lineage.pipeline,
      runId: version.lineage.runId,
      step: version.lineage.step,
      specHash: version.lineage.specHash,
      codeVersion: version.lineage.codeVersion,
    },
    intendedUse: { primary: declared.intendedUse ?? null, outOfScope: declared.outOfScope ?? null },
    factors: declared.factors,
    metrics: version.metrics,
    evaluationData: { ...evaluation, rows: evaluated?.rows ?? evaluation.rows ?? null, columns: evaluated?.columns ?? [] },
    trainingData: await describeDataset(pool, version.lineage.datasetSha256),
    caveats: declared.caveats,
    promotions: [],
    drift: [],
    registered: null,
  };
}

/** What register stores with a new version: its card as known now (kept as an artifact of the registering run). */
export async function registrationCard(pool: Pool, model: string, version: number, declared: CardDeclaration, evaluation: Omit<EvaluationData, 'rows' | 'columns'> & { rows?: number | null }): Promise<ModelCard> {
  const registered = await getVersion(pool, model, version);
  if (!registered) throw new Error(`model '${model}' has no version ${version}`);
  return cardAtRegistration(pool, registered, declared, evaluation);
}

/**
 * A version's card now: as registered (or, for a version registered without one, from the registry
 * and its data, or without an artifact store), with its promotions and drift history to date.
 * Undefined for an unknown version.
 */
export async function currentModelCard(pool: Pool, artifacts: ArtifactStore | null, model: string, version: number): Promise<{ card: ModelCard; asRegistered: ModelCard | null } | undefined> {
  const found = await getVersion(pool, model, version);
  if (!found) return undefined;
  // Without the artifact store (an API deployed without one) the card is built from the registry alone.
  const artifact = artifacts ? (await listRunArtifacts(pool, found.lineage.runId)).find((a) => a.step === found.lineage.step && a.name === MODEL_CARD_ARTIFACT) : undefined;
  const asRegistered = artifact && artifacts ? ModelCardSchema.parse(JSON.parse((await artifacts.read(artifact)).toString('utf8'))) : null;
  const base = asRegistered ?? (await cardAtRegistration(pool, found, CardDeclarationSchema.parse({}), { kind: 'unknown', datasetSha256: null, description: 'not recorded: the version was registered without a card' }));
  const moves = await versionAliasMoves(pool, model, version);
  const reports = await versionDriftReports(pool, model, version, DRIFT_ENTRIES);
  const card: ModelCard = {
    ...base,
    generatedAt: new Date().toISOString(),
    promotions: moves.map(({ alias, version: to, previous, weight, actor, reason, rollback, movedAt }) => ({ alias, version: to, previous, weight, actor, reason, rollback, movedAt })),
    drift: reports.map((r) => ({ id: r.id, alias: r.alias, createdAt: r.createdAt, status: r.status, drifted: r.drifted, driftedFeatures: r.driftedFeatures, currentRows: r.current.rows, accuracy: r.accuracy?.current ?? null })),
    registered: asRegistered && artifact ? { at: asRegistered.generatedAt, sha256: artifact.sha256 } : null,
  };
  return { card, asRegistered };
}
