import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { EXAMPLE_DATASETS } from '../../definitions/exampleData';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { checkModelDrift } from '../../lib/drift/modelDrift';
import { definePipeline, defineRegistry } from '../../lib/dsl';
import { freePort } from '../../lib/freePort';
import { getVersion, type ModelVersion } from '../../lib/registry/registry';
import { createApp, type App } from '../../server/app';
import { startApiServer, type RunningApi } from '../../server/serve';
import { appDeps } from '../helpers/appDeps';
import { runCairn } from '../helpers/cli';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { testServices } from '../helpers/sources';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';

// What an auditor was promised: every registered version has a card that names what it was trained
// and evaluated on, its metrics, what its pipeline declared about its use, who promoted it and its
// drift history; the card as registered stays readable beside the current one.
const penguins = EXAMPLE_DATASETS.penguins;
const MODEL = 'card-penguins';
const declared = {
  intendedUse: 'Sorting field photographs of Palmer penguins by species for the survey team.',
  outOfScope: 'Penguins of other regions; any decision about individual animals.',
  factors: ['island', 'sex'],
  caveats: ['Trained on 344 birds from three islands in 2007-2009.'],
};

const contract = { columns: { Species: { type: 'string' as const, allowed: ['Adelie', 'Chinstrap', 'Gentoo'] }, 'Body Mass (g)': { type: 'number' as const, min: 2000, max: 7000, nullable: true } }, rows: { min: 300 } };

const pipeline = definePipeline({
  id: 'card-pipeline',
  params: z.object({}),
  steps: {
    ingest: { activity: 'ingest', config: { source: penguins.path, format: penguins.format } },
    check: { activity: 'validate', after: ['ingest'], config: { contract } },
    train: { activity: 'train', after: ['check'], config: { target: penguins.target, testFraction: 0.25, seed: 7 } },
    evaluate: { activity: 'evaluate', after: ['train'] },
    register: { activity: 'register', after: ['evaluate'], config: { model: MODEL, card: declared } },
  },
});

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let testStore: TestStore;
let artifacts: ArtifactStore;
let app: App;
let api: RunningApi;
let version: ModelVersion;
let driftReportId: number;

type CardAnswer = {
  card: {
    details: { algorithm: string; target: string; features: string[]; runId: string };
    intendedUse: { primary: string; outOfScope: string };
    factors: string[];
    caveats: string[];
    metrics: Record<string, unknown>;
    evaluationData: { kind: string; datasetSha256: string; rows: number; description: string };
    trainingData: { datasetSha256: string; rows: number; columns: { name: string }[] };
    promotions: { alias: string; version: number; actor: string; reason: string }[];
    drift: { id: number; drifted: boolean }[];
    registered: { at: string; sha256: string } | null;
  };
  markdown: string;
};

beforeAll(async () => {
  env = await connectTestEnv();
  testStore = await openTestStore();
  artifacts = new ArtifactStore(mkdtempSync(join(tmpdir(), 'cairn-card-artifacts-')));
  const services = testServices({ artifacts, store: testStore.store });
  const registry = defineRegistry({ pipelines: [pipeline] });
  worker = await startTestWorker(env, createActivities(registry, services));
  app = createApp(appDeps({ client: env.client, registry, store: testStore.store, artifacts, taskQueue: worker.taskQueue, temporalUiUrl: null }));
  api = await startApiServer(app, '127.0.0.1', await freePort());
  const started = await app.request(`/api/v1/pipelines/${pipeline.id}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const { runId } = (await started.json()) as { runId: string };
  await env.client.workflow.getHandle(runId).result();
  version = (await getVersion(testStore.store.pool, MODEL, 1))!;
  const promoted = await app.request(`/api/v1/models/${MODEL}/aliases/production`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ version: 1, reason: 'beat the gate on the holdout' }) });
  expect(promoted.status).toBe(200);
  const report = await checkModelDrift(testStore.store.pool, artifacts, { model: MODEL, alias: 'production', current: { kind: 'dataset', sha256: version.lineage.datasetSha256 }, minRows: 1, thresholds: {} });
  driftReportId = report!.id;
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await env?.teardown();
  await testStore?.close();
});

describe('model cards', () => {
  it("names the version's training and evaluation data, its metrics, what the pipeline declared, who promoted it and its drift", async () => {
    const { card } = (await (await app.request(`/api/v1/models/${MODEL}/versions/1/card`)).json()) as CardAnswer;
    expect(card.details).toMatchObject({ algorithm: 'logistic-regression', target: penguins.target, runId: version.lineage.runId });
    expect(card.details.features.length).toBeGreaterThan(0);
    expect(card.trainingData.datasetSha256).toBe(version.lineage.datasetSha256);
    expect(card.trainingData.rows).toBe(344);
    expect(card.trainingData.columns.map((c) => c.name)).toContain(penguins.target);
    expect(card.metrics).toEqual(version.metrics);
    expect(card.evaluationData).toMatchObject({ kind: 'holdout', datasetSha256: version.lineage.datasetSha256, description: expect.stringMatching(/held-out 25% split .*seed 7/) });
    const run = (await (await app.request(`/api/v1/runs/${encodeURIComponent(version.lineage.runId)}`)).json()) as { steps: { name: string; output: { holdoutRows?: number } }[] };
    const holdoutRows = run.steps.find((s) => s.name === 'evaluate')!.output.holdoutRows;
    expect(card.evaluationData.rows).toBe(holdoutRows);
    expect(holdoutRows).toBeGreaterThan(70);
    expect(card.intendedUse).toEqual({ primary: declared.intendedUse, outOfScope: declared.outOfScope });
    expect(card.factors).toEqual(declared.factors);
    expect(card.caveats).toEqual(declared.caveats);
    expect(card.promotions).toEqual([expect.objectContaining({ alias: 'production', version: 1, reason: 'beat the gate on the holdout' })]);
    expect(card.promotions[0]!.actor).not.toBe('');
    expect(card.drift.map((d) => d.id)).toEqual([driftReportId]);
    expect(card.registered?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the card as registered, from before the promotion and the drift report', async () => {
    const { card } = (await (await app.request(`/api/v1/models/${MODEL}/versions/1/card?as=registered`)).json()) as CardAnswer;
    expect(card.promotions).toEqual([]);
    expect(card.drift).toEqual([]);
    expect(card.trainingData.datasetSha256).toBe(version.lineage.datasetSha256);
    // It is the artifact the current card points at, byte for byte.
    const current = (await (await app.request(`/api/v1/models/${MODEL}/versions/1/card`)).json()) as CardAnswer;
    expect(JSON.parse((await artifacts.read(`cas://sha256/${current.card.registered!.sha256}`)).toString('utf8'))).toEqual(card);
  });

  it("gives the training dataset a card: its source, profile, the contract it passed and the version trained on it", async () => {
    const sha256 = version.lineage.datasetSha256;
    const response = await app.request(`/api/v1/datasets/${sha256}/card`);
    expect(response.status).toBe(200);
    const { card, markdown } = (await response.json()) as {
      card: { source: { kind: string; location: string; format: string }; producedBy: { step: string }[]; profile: { rows: number; columns: { name: string }[] }; validations: { step: string; passed: boolean; rows: number; contract: unknown }[]; models: { model: string; version: number; aliases: string[] }[] };
      markdown: string;
    };
    expect(card.source).toEqual({ kind: 'file', location: penguins.path, format: 'json' });
    expect(card.producedBy.map((p) => p.step)).toEqual(['ingest']);
    expect(card.profile.rows).toBe(344);
    expect(card.profile.columns.map((c) => c.name)).toContain('Body Mass (g)');
    expect(card.validations).toEqual([expect.objectContaining({ step: 'check', passed: true, rows: 344, contract: expect.objectContaining({ columns: expect.objectContaining({ Species: expect.objectContaining({ allowed: ['Adelie', 'Chinstrap', 'Gentoo'] }) }) }) })]);
    expect(card.models).toEqual([expect.objectContaining({ model: MODEL, version: 1, aliases: ['production'] })]);
    for (const section of ['## Source', '## Profile', '## Validation', '## Models trained on it']) expect(markdown).toContain(section);
    const printed = await runCairn(api.url, ['data-card', sha256]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain(`- ${MODEL} version 1 [production]`);
    const unknown = await runCairn(api.url, ['data-card', 'f'.repeat(64)]);
    expect(unknown.stderr).toMatch(/no dataset f{64}/);
  });

  it('prints the card as Markdown and JSON with `cairn card`, and names a bad format or version', async () => {
    const markdown = await runCairn(api.url, ['card', MODEL, '1']);
    expect(markdown.code, markdown.stderr).toBe(0);
    for (const section of ['# Model card: card-penguins version 1', '## Model details', '## Intended use', '## Factors', '## Metrics', '## Evaluation data', '## Training data', '## Caveats and recommendations', '## Promotions', '## Drift']) {
      expect(markdown.stdout).toContain(section);
    }
    expect(markdown.stdout).toContain(version.lineage.datasetSha256.slice(0, 12));
    expect(markdown.stdout).toContain(declared.intendedUse);
    expect(markdown.stdout).toMatch(/\| production \| - → 1 \|/);
    // Each training column says what the model made of it.
    expect(markdown.stdout).toContain('| Species | VARCHAR | 0 | target |');
    expect(markdown.stdout).toContain('| Island | VARCHAR | 0 | feature |');
    const json = await runCairn(api.url, ['card', MODEL, '1', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ model: MODEL, version: 1 });
    const badFormat = await runCairn(api.url, ['card', MODEL, '1', '--format', 'pdf']);
    expect(badFormat.stderr).toMatch(/--format pdf: expected md or json/);
    const missing = await runCairn(api.url, ['card', MODEL, '9']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/has no version 9/);
  });
});
