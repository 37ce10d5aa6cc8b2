import type { ContractInput } from '../../lib/data/contract';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { ingest } from '../../activities/ingest';
import { toActivity } from '../../activities/stepActivity';
import { validate } from '../../activities/validate';
import { type ArtifactStore } from '../../lib/artifacts/artifactStore';
import type { ContractReport } from '../../lib/data/checkContract';
import { definePipeline, defineRegistry } from '../../lib/dsl';
import type { StepInput } from '../../lib/dsl/stepIo';
import { startRun } from '../../lib/runs/startRun';
import { type Store } from '../../lib/store/openStore';
import { listRunArtifacts } from '../../lib/store/runArtifacts';
import { runStateQuery } from '../../lib/runContract/messages';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { testServices } from '../helpers/sources';
import { activityEnvironment, connectTestEnv, startTestWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';

let testStore: TestStore;
let store: Store;
let artifacts: ArtifactStore;
let dir: string;

beforeAll(async () => {
  testStore = await openTestStore();
  store = testStore.store;
  dir = testStore.dir;
  artifacts = testStore.artifacts;
});
afterAll(async () => {
  await testStore?.close();
});

const context = (step: string): StepInput['run'] => ({ runId: 'cairn:v:test:1', temporalRunId: 'r', pipeline: 'v', specHash: 'h', trigger: 'test', params: {}, logicalDate: '2026-11-27T00:00:00Z', step });
const run = <T>(activity: (input: StepInput) => Promise<unknown>, input: StepInput): Promise<T> =>
  activityEnvironment().run(activity as (input: StepInput) => Promise<T>, input);

async function ingested(csv: string) {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(path, csv);
  return run<{ dataset: object }>(toActivity(ingest, testServices({ artifacts, store })), { run: context('load'), config: { source: path }, upstream: {} });
}

const PEOPLE = 'id,age,country,score\n1,34,FR,0.5\n2,-3,DE,0.7\n3,51,XX,NaN\n4,,FR,0.1\n5,29,DE,inf\n1,40,FR,0.2\n';
const contract: ContractInput = {
  columns: {
    id: { type: 'integer' },
    age: { type: 'integer', min: 0, max: 120 },
    country: { type: 'string', allowed: ['FR', 'DE'] },
    score: { type: 'number', min: 0, max: 1 },
  },
  rows: { min: 1 },
};

async function validateWith(upstream: object, config: object) {
  return run<{ passed: boolean; invalidRows: number; report: { uri: string } }>(toActivity(validate, testServices({ artifacts, store })), { run: context('check'), config: config as StepInput['config'], upstream: { load: upstream as never } });
}

describe('validate', () => {
  it('passes data within the tolerance and keeps a report', async () => {
    const data = await ingested('id,age,country,score\n1,34,FR,0.5\n2,40,DE,0.7\n3,,FR,0.1\n');
    const output = await validateWith(data, { contract: { ...contract, columns: { ...contract.columns, age: { type: 'integer', nullable: true, min: 0 } } } });
    expect(output).toMatchObject({ passed: true, invalidRows: 0 });
    const report = JSON.parse((await artifacts.read(output.report)).toString()) as ContractReport;
    expect(report).toMatchObject({ rows: 3, passed: true, violations: [] });
  });

  it('fails bad rows as a data error naming columns, rules and example rows, and still keeps the report', async () => {
    const data = await ingested(PEOPLE);
    const error = await validateWith(data, { contract }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain("column 'age': 1 rows where it is below min 0 (e.g. row 2: -3)");
    expect(message).toContain("column 'age': 1 rows where it is null (e.g. row 4: null)");
    expect(message).toContain("column 'country': 1 rows where it is not one of FR, DE (e.g. row 3: XX)");
    expect(message).toMatch(/column 'score': 2 rows where it is NaN or Infinity \(e\.g\. row 3: nan, row 5: inf\)/i);
    expect(message).toContain('4 of 6 rows invalid (66.67%, tolerance 0.00%)');
    const reports = (await listRunArtifacts(store.pool, 'cairn:v:test:1')).filter((a) => a.name === 'validation-report');
    expect(reports.length).toBeGreaterThan(0);
  });

  it('tolerates bad rows up to maxInvalidFraction, but never a missing column, a wrong type or duplicates', async () => {
    const data = await ingested('id,age,country,score\n1,34,FR,0.5\n2,-3,DE,0.7\n3,40,FR,0.1\n4,41,FR,0.1\n');
    const lenient = { ...contract, maxInvalidFraction: 0.25 };
    await expect(validateWith(data, { contract: lenient })).resolves.toMatchObject({ passed: true, invalidRows: 1 });
    await expect(validateWith(data, { contract: { ...lenient, columns: { ...contract.columns, income: { type: 'number' } } } })).rejects.toThrow("column 'income' is missing (the data has id, age, country, score)");
    await expect(validateWith(data, { contract: { ...lenient, columns: { ...contract.columns, country: { type: 'number' } } } })).rejects.toThrow("column 'country' is VARCHAR, not number");
    const duplicated = await ingested(PEOPLE.replace(/\n2,-3/, '\n2,3'));
    await expect(validateWith(duplicated, { contract: { columns: { id: { type: 'integer', unique: true } } } })).rejects.toThrow("column 'id' has 1 duplicate values");
    await expect(validateWith(data, { contract: { ...lenient, rows: { min: 10 } } })).rejects.toThrow('4 rows, fewer than 10');
    await expect(validateWith(data, { contract: { columns: { id: { type: 'integer' } }, allowExtraColumns: false } })).rejects.toThrow("column 'age' is not in the contract");
  });

  it('refuses a bad contract and a tampered dataset', async () => {
    const data = (await ingested('a\n1\n')) as { dataset: { sha256: string } };
    await expect(validateWith(data, { contract: { columns: { a: { type: 'decimal' } } } })).rejects.toThrow(/config\.contract\.columns\.a\.type/);
    writeFileSync(artifacts.pathOf(data.dataset.sha256), 'not parquet');
    await expect(validateWith(data, { contract: { columns: { a: { type: 'integer' } } } })).rejects.toThrow(/is corrupt/);
  });
});

describe('validate with distribution checks against a reference profile', () => {
  const rows = (mean: number, rainy: number) => {
    const lines = ['temp,weather'];
    for (let i = 0; i < 200; i++) lines.push(`${(mean + ((i % 21) - 10) / 2).toFixed(1)},${i % 100 < rainy ? 'rain' : 'sun'}`);
    return `${lines.join('\n')}\n`;
  };
  const columns = { temp: { type: 'number' }, weather: { type: 'string' } };

  it('passes data like the reference and names each shifted column', async () => {
    const reference = (await ingested(rows(10, 30))) as { dataset: { sha256: string } };
    const similar = await ingested(rows(10.5, 33));
    await expect(validateWith(similar, { contract: { columns }, distribution: { reference: reference.dataset.sha256 } })).resolves.toMatchObject({ passed: true });
    const shifted = await ingested(rows(30, 80));
    const error = await validateWith(shifted, { contract: { columns }, distribution: { reference: reference.dataset.sha256, maxMeanShift: 3, maxCategoryShift: 0.2 } }).catch((e: Error) => e);
    expect((error as Error).message).toContain("column 'temp': mean 29.8625 moved 6.60 standard deviations from the reference mean 9.8625 (limit 3)");
    expect((error as Error).message).toContain("column 'weather': the share of 'rain' changed by 50.0 points from the reference (limit 20.0)");
    await expect(validateWith(shifted, { contract: { columns }, distribution: { reference: 'f'.repeat(64) } })).rejects.toThrow(/no dataset f{64} in the metadata store/);
  });
});

describe('ingest -> validate on Temporal', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await connectTestEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('stops a run at validation with the contract failure, awaiting an operator, without retries', async () => {
    const path = join(dir, 'people.csv');
    writeFileSync(path, PEOPLE);
    const registry = defineRegistry({
      pipelines: [
        definePipeline({
          id: 'people',
          params: z.object({}),
          steps: {
            load: { activity: 'ingest', config: { source: path } },
            check: { activity: 'validate', after: ['load'], config: { contract } },
            next: { activity: 'noop', after: ['check'] },
          },
        }),
      ],
    });
    const worker = await startTestWorker(env, createActivities(registry, testServices({ artifacts, store })));
    try {
      const started = await startRun(env.client, { pipeline: registry.pipelines.get('people')!, trigger: 'test', taskQueue: worker.taskQueue });
      const state = await waitFor(async () => {
        const snapshot = await started.handle.query(runStateQuery);
        return snapshot.status === 'awaiting_operator' && snapshot;
      }, 'validation to stop the run');
      const check = state.steps.find((s) => s.name === 'check');
      expect(check?.error).toMatchObject({ type: 'DataError', nonRetryable: true });
      expect(check?.error?.message).toContain("column 'country': 1 rows where it is not one of FR, DE");
      expect(state.steps.find((s) => s.name === 'next')?.status).toBe('pending');
      await started.handle.terminate('test over');
    } finally {
      await worker.stop();
    }
  });
});
