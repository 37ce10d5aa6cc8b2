import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_DATASETS } from '../../definitions/exampleData';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { signStep } from '../../lib/auth/runAuthority';
import { canonicalJson } from '../../lib/canonicalJson';
import { withDuckDb } from '../../lib/data/duckdb';
import { ingestFile } from '../../lib/data/ingestFile';
import { parquetDerivedFrom } from '../../lib/data/parquetLineage';
import { loadAndSplit } from '../../lib/ml/holdout';
import { stratifiedSplit } from '../../lib/ml/split';
import { seededRandom } from '../../lib/seededRandom';
import { runPython } from '../helpers/python';
import { freePort } from '../../lib/freePort';

// A Python step shares three contracts with Cairn's TypeScript side, byte for byte: the canonical
// JSON that signatures are HMACs over, the seeded holdout split (so evaluate scores only rows a Python
// training step never saw), and the content-addressed artifact store. Each is checked here against
// the TypeScript implementation on generated and real data.

describe('canonical JSON and step signatures, Python against TypeScript', () => {
  it('writes the same text for generated JSON values, numbers at every magnitude included', () => {
    const values = fc.sample(fc.oneof(fc.jsonValue(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()), { numRuns: 400, seed: 1 });
    values.push(1e21, 1e-7, 123456789012345680000, 5e-324, -0, 0.1, 1.5e300, 2 ** 53, -(2 ** 53) - 2, { b: [1, { d: 'é', a: null }], a: 'x\n"y"' }, { '\u{1F600}': 1, '\uFFFF': 2 });
    const python = runPython<string[]>(
      'import json,sys\nfrom cairn_steps.canonical import canonical_json\nprint(json.dumps([canonical_json(v) for v in json.load(sys.stdin)]))',
      values,
    );
    const mismatches = values.map((v, i) => [v, canonicalJson(v), python[i]] as const).filter(([, ts, py]) => ts !== py);
    expect(mismatches).toEqual([]);
  });

  it('signs a step exactly as the API does, so a Python worker with CAIRN_SPEC_SECRET admits what the API issued', () => {
    const step = { pipeline: 'p', step: 'fit', activity: 'fit-x', config: { lr: 0.1, layers: [64, 32], name: 'ü' }, startedBy: { principal: 'key:1', role: 'operator' as const } };
    const python = runPython<string>('import json,sys\nfrom cairn_steps.authority import sign_step\nprint(json.dumps(sign_step("s3cret", json.load(sys.stdin))))', step);
    expect(python).toBe(signStep('s3cret', step));
  });
});

describe('the seeded holdout split, Python against TypeScript', () => {
  it('draws the same random numbers and the same stratified split for generated labels', () => {
    const cases = fc.sample(fc.record({ labels: fc.array(fc.constantFrom('a', 'b', 'B', 'é', '10', '9'), { minLength: 2, maxLength: 300 }), fraction: fc.double({ min: 0.05, max: 0.95, noNaN: true }), seed: fc.integer({ min: 0, max: 2 ** 31 }) }), { numRuns: 60, seed: 2 });
    const random = seededRandom(12345);
    const draws = Array.from({ length: 5 }, () => random());
    const python = runPython<{ draws: number[]; splits: [number[], number[]][] }>(
      [
        'import json,sys',
        'from cairn_steps.holdout import seeded_random, stratified_split',
        'cases=json.load(sys.stdin)',
        'r=seeded_random(12345)',
        'print(json.dumps({"draws":[r() for _ in range(5)],"splits":[stratified_split(c["labels"],c["fraction"],c["seed"]) for c in cases]}))',
      ].join('\n'),
      cases,
    );
    expect(python.draws).toEqual(draws);
    cases.forEach((c, i) => {
      const ts = stratifiedSplit(c.labels, c.fraction, c.seed);
      expect(python.splits[i]).toEqual([ts.train, ts.test]);
    });
  });

  it('holds out the same rows of a real dataset that evaluate scores (nulls in the target dropped first)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-holdout-'));
    const artifacts = new ArtifactStore(join(dir, 'artifacts'));
    // Penguins has rows without a species; a numeric target (a 0/1 label with nulls) is stratified by its text.
    const penguins = (await ingestFile(EXAMPLE_DATASETS.penguins.path, 'json', artifacts, dir)).dataset;
    const numericRows = Array.from({ length: 101 }, (_, i) => ({ x: i * 1.5, y: i % 7 === 0 ? null : i % 3 === 0 ? 1 : 0 }));
    writeFileSync(join(dir, 'numeric.json'), JSON.stringify(numericRows));
    const numeric = (await ingestFile(join(dir, 'numeric.json'), 'json', artifacts, dir)).dataset;
    for (const { dataset, target, features } of [
      { dataset: penguins, target: 'Species', features: ['Beak Length (mm)', 'Island'] },
      { dataset: numeric, target: 'y', features: ['x'] },
    ]) {
      const ts = await loadAndSplit(await artifacts.verifiedPath(dataset), { target, features, task: 'classification', testFraction: 0.2, seed: 42 });
      const tsTest = ts.split.test.map((i) => [String(ts.data.targets[i]), ...features.map((f) => ts.data.rows[i]![f] ?? null)]);
      const pyTest = runPython<unknown[][]>(
        [
          'import json,sys',
          'from cairn_steps import ArtifactStore, holdout',
          'from cairn_steps.canonical import js_text',
          'a=json.load(sys.stdin)',
          'frame=ArtifactStore(a["root"]).read_dataset(a["dataset"])',
          'train,test=holdout(frame,a["target"],"classification",0.2,42)',
          'rows=[[js_text(r[a["target"]])]+[None if (isinstance(r[f],float) and r[f]!=r[f]) else r[f] for f in a["features"]] for r in test.to_dict("records")]',
          'print(json.dumps(rows))',
        ].join('\n'),
        { root: artifacts.root, dataset, target, features },
      );
      expect(pyTest.length).toBeGreaterThan(10);
      expect(pyTest).toEqual(tsTest);
    }
  });
});

describe('the artifact store, shared by Python and TypeScript steps', () => {
  it('reads what the other side wrote, at the same path, and refuses a tampered file', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'cairn-cas-')), 'artifacts');
    const artifacts = new ArtifactStore(root);
    const fromTs = await artifacts.put(Buffer.from('written by TypeScript'), 'text/plain');
    const python = runPython<{ read: string; ref: { uri: string; sha256: string; size: number }; path: string }>(
      [
        'import json,sys',
        'from cairn_steps import ArtifactStore',
        'a=json.load(sys.stdin)',
        's=ArtifactStore(a["root"])',
        'ref=s.put(b"written by Python","text/plain")',
        'print(json.dumps({"read":s.read(a["ref"]).decode(),"ref":ref,"path":str(s.path_of(ref["sha256"]))}))',
      ].join('\n'),
      { root, ref: fromTs },
    );
    expect(python.read).toBe('written by TypeScript');
    expect((await artifacts.read(python.ref)).toString()).toBe('written by Python');
    expect(python.path).toBe(artifacts.pathOf(python.ref.sha256));
    writeFileSync(artifacts.pathOf(fromTs.sha256), 'tampered');
    expect(() => runPython('import json,sys\nfrom cairn_steps import ArtifactStore\na=json.load(sys.stdin)\nArtifactStore(a["root"]).read(a["ref"])', { root, ref: fromTs })).toThrow(/DataError: artifact cas:\/\/sha256\/\w+ is corrupt/);
  });

  it("put_dataset's derived_from travels in the Parquet file, read back as the recording stage reads it", async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'cairn-cas-')), 'artifacts');
    const artifacts = new ArtifactStore(root);
    const [first, second] = [await artifacts.put(Buffer.from('a'), 'text/plain'), await artifacts.put(Buffer.from('b'), 'text/plain')];
    const put = (derivedFrom: string) =>
      runPython<{ sha256: string }>(
        ['import json,sys', 'import pandas as pd', 'from cairn_steps import ArtifactStore', 'a=json.load(sys.stdin)', `print(json.dumps(ArtifactStore(a["root"]).put_dataset(pd.DataFrame({"x": [1, 2]}), derived_from=${derivedFrom})))`].join('\n'),
        { root, first, second },
      );
    const lineageOf = async (ref: { sha256: string }) => withDuckDb((connection) => parquetDerivedFrom(connection, artifacts.pathOf(ref.sha256)));
    // A ref, a URI and a step's output ({ dataset: ref }) name datasets alike; each is named once, in order.
    const derived = put('[a["second"], a["first"]["uri"], {"dataset": a["first"], "rows": 3}]');
    expect(await lineageOf(derived)).toEqual([first.sha256, second.sha256].sort());
    expect(await lineageOf(put('[]'))).toEqual([]);
    expect(() => put('[42]')).toThrow(/DataError: put_dataset: derived_from takes dataset refs or the outputs of the steps that made them, not 42/);
    expect(() => put('{"rows": 3}')).toThrow(/DataError: put_dataset: derived_from takes .* not \{'rows': 3\}/);
    // Lineage some other writer got wrong is left out, never a reason to fail the step that reads the file.
    const odd = join(root, 'odd.parquet');
    await withDuckDb((connection) => connection.run(`COPY (SELECT 1 AS x) TO '${odd}' (FORMAT parquet, KV_METADATA { 'cairn.derived_from': '["not a sha"]' })`));
    expect(await withDuckDb((connection) => parquetDerivedFrom(connection, odd))).toEqual([]);
  });

  // Promised as the TypeScript workers do (README, Reliability): a Python worker started before its
  // Temporal waits for it, 1 s doubling, against the real SDK's refusal; a bad address is named.
  it('a Python worker waits for a Temporal that does not answer, and names a bad address', async () => {
    const port = await freePort();
    const script = `
import asyncio, json
from cairn_steps.worker import connect_when_reachable
waits = []
class Stop(Exception):
    pass
async def sleep(seconds):
    waits.append(seconds)
    if len(waits) == 3:
        raise Stop()
async def main():
    try:
        await connect_when_reachable({"target_host": "127.0.0.1:${port}", "namespace": "default"}, sleep)
    except Stop:
        pass
    try:
        await connect_when_reachable({"target_host": "http://bad host", "namespace": "default"}, sleep)
        return "connected"
    except Exception as error:
        return type(error).__name__ + ": " + str(error)
print(json.dumps({"refused": asyncio.run(main()), "waits": waits}))
`;
    const answer = runPython<{ refused: string; waits: number[] }>(script);
    expect(answer.waits).toEqual([1, 2, 4]);
    expect(answer.refused).toBe('ConfigError: cannot connect to Temporal at http://bad host (TEMPORAL_ADDRESS): invalid target URL: invalid international domain name');
  });
});
