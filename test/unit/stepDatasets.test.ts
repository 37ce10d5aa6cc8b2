import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { datasetWriter } from '../../lib/data/datasetWriter';
import { ingestFile } from '../../lib/data/ingestFile';
import { readDataset, type DatasetRow } from '../../lib/dsl/readDataset';
import type { RunContext } from '../../lib/dsl/stepIo';
import { DataError } from '../../lib/errors';
import type { StepLog } from '../../lib/logs/stepLogger';

// What a step's own code was promised: readDataset gives numbers as numbers (integers past 2^53 as
// exact text), and writeDataset stores exactly the rows it is given, or says which cell it cannot.

const scratch = () => mkdtempSync(join(tmpdir(), 'cairn-step-datasets-'));
const run: RunContext = { runId: 'cairn:features:test:1', temporalRunId: 'r', pipeline: 'features', specHash: 'h', trigger: 'test', params: {}, logicalDate: '2026-12-07T00:00:00Z', step: 'derive' };
const lines: string[] = [];
const log: StepLog = { info: (message) => void lines.push(message), warn: (message) => void lines.push(message) } as StepLog;

function writer(artifacts: ArtifactStore, beats: Array<Record<string, unknown> | undefined> = [], signal = new AbortController().signal) {
  return datasetWriter({ artifacts, pool: undefined, run, log, progress: (details) => void beats.push(details), signal });
}

describe('readDataset', () => {
  it('gives integer and decimal columns as numbers, and an integer past 2^53 as its exact text', async () => {
    const dir = scratch();
    const artifacts = new ArtifactStore(join(dir, 'artifacts'));
    writeFileSync(join(dir, 'counts.csv'), 'sensor,count,reading,serial\ns1,3,21.5,9007199254740993\ns2,-4,19,12\n');
    const { dataset } = await ingestFile(join(dir, 'counts.csv'), 'csv', artifacts, dir);
    expect(await readDataset(artifacts, dataset)).toEqual([
      { sensor: 's1', count: 3, reading: 21.5, serial: '9007199254740993' },
      { sensor: 's2', count: -4, reading: 19, serial: 12 },
    ]);
  });
});

describe('writeDataset', () => {
  it('stores streamed rows as a dataset that reads back the same, with a profile and progress on the way', async () => {
    const artifacts = new ArtifactStore(join(scratch(), 'artifacts'));
    const beats: Array<Record<string, unknown> | undefined> = [];
    const expected: DatasetRow[] = [];
    for (let i = 0; i < 25_001; i++) expected.push({ id: i, ratio: i / 7, island: ['Biscoe', 'Dream', 'Torgersen'][i % 3]!, heavy: i % 2 === 0, note: i % 10 === 0 ? null : `n${i}` });
    async function* rows() {
      for (const row of expected) yield { ...row };
    }
    const written = await writer(artifacts, beats)(rows());
    expect(written.rows).toBe(25_001);
    expect(written.columns).toEqual([
      { name: 'id', type: 'BIGINT' },
      { name: 'ratio', type: 'DOUBLE' },
      { name: 'island', type: 'VARCHAR' },
      { name: 'heavy', type: 'BOOLEAN' },
      { name: 'note', type: 'VARCHAR' },
    ]);
    expect(await readDataset(artifacts, written.dataset)).toEqual(expected);
    const profile = JSON.parse((await artifacts.read(written.profile)).toString()) as { rows: number; columns: Array<{ name: string; nulls: number }> };
    expect(profile.rows).toBe(25_001);
    expect(profile.columns.find((c) => c.name === 'note')?.nulls).toBe(2_501);
    expect(beats).toContainEqual({ phase: 'write-dataset', rows: 20_000 });
    expect(lines.at(-1)).toBe('wrote a dataset of 25001 rows and 5 columns');
    // The same rows are the same dataset: content addressed, as ingest's are.
    expect((await writer(artifacts)(expected)).dataset.sha256).toBe(written.dataset.sha256);
  });

  it('stores a Date as its instant, and keeps redacted columns out of the profile', async () => {
    const artifacts = new ArtifactStore(join(scratch(), 'artifacts'));
    const written = await writer(artifacts)([{ at: new Date('2026-03-01T12:30:00Z'), salary: 10 }, { at: new Date('2026-03-02T00:00:00Z'), salary: 20 }], { redactProfile: ['salary'] });
    expect((await readDataset(artifacts, written.dataset)).map((row) => row.at)).toEqual(['2026-03-01 12:30:00', '2026-03-02 00:00:00']);
    const profile = JSON.parse((await artifacts.read(written.profile)).toString()) as { columns: Array<{ name: string; redacted?: boolean; numeric?: unknown }> };
    expect(profile.columns.find((c) => c.name === 'salary')).toMatchObject({ redacted: true });
    expect(profile.columns.find((c) => c.name === 'salary')?.numeric).toBeUndefined();
  });

  it('stores a class instance by its own fields, never by a toJSON it inherits', async () => {
    const artifacts = new ArtifactStore(join(scratch(), 'artifacts'));
    class Reading {
      constructor(
        readonly sensor: string,
        readonly value: number,
      ) {}
      toJSON() {
        return { sensor: 'replaced' };
      }
    }
    const written = await writer(artifacts)([new Reading('a', 1), new Reading('b', 2)] as unknown as DatasetRow[]);
    expect(await readDataset(artifacts, written.dataset)).toEqual([{ sensor: 'a', value: 1 }, { sensor: 'b', value: 2 }]);
  });

  it('refuses a cell it cannot store faithfully, naming the row and the column', async () => {
    const artifacts = new ArtifactStore(join(scratch(), 'artifacts'));
    const refused: Array<[unknown[], RegExp]> = [
      [[{ a: 1 }, { a: Number.NaN }], /^writeDataset: row 2, column 'a': NaN is not a value a dataset holds \(write null for a missing value\)$/],
      [[{ a: Number.POSITIVE_INFINITY }], /row 1, column 'a': Infinity is not a value/],
      [[{ a: 1, b: undefined }], /row 1, column 'b': undefined \(write null for a missing value\)/],
      [[{ a: { nested: 1 } }], /row 1, column 'a': an object \(a dataset holds text, numbers, booleans and null/],
      [[{ a: [1, 2] }], /row 1, column 'a': a list/],
      [[{ at: new Date('not a date') }], /row 1, column 'at': an invalid Date \(write null for a missing value\)/],
      [[{ a: 1 }, [1, 2]], /row 2 is a list, not an object of column values/],
      [[null], /row 1 is null, not an object/],
      [[], /^writeDataset: no rows were given/],
    ];
    for (const [rows, message] of refused) {
      const failure = writer(artifacts)(rows as DatasetRow[]);
      await expect(failure).rejects.toThrow(message);
      await expect(failure).rejects.toBeInstanceOf(DataError);
    }
  });

  it('stops when the step is cancelled', async () => {
    const artifacts = new ArtifactStore(join(scratch(), 'artifacts'));
    const controller = new AbortController();
    function* endless() {
      for (let i = 0; ; i++) {
        if (i === 15_000) controller.abort(new Error('run cancelled'));
        yield { i };
      }
    }
    await expect(writer(artifacts, [], controller.signal)(endless())).rejects.toThrow('run cancelled');
  });
});
