import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { ingest } from '../../activities/ingest';
import { requireFile } from '../../definitions/steps/requireFile';
import { toActivity } from '../../activities/stepActivity';
import { type ArtifactStore } from '../../lib/artifacts/artifactStore';
import { sqlString, withDuckDb } from '../../lib/data/duckdb';
import type { Profile } from '../../lib/data/profile';
import { definePipeline, defineRegistry } from '../../lib/dsl';
import type { StepInput } from '../../lib/dsl/stepIo';
import { freePort } from '../../lib/freePort';
import { startRun } from '../../lib/runs/startRun';
import { type Store } from '../../lib/store/openStore';
import { listRunArtifacts } from '../../lib/store/runArtifacts';
import { readStepLogs } from '../../lib/store/stepLogsTable';
import { createApp } from '../../server/app';
import { createTestDatabase, openTestStore, type TestStore } from '../helpers/postgres';
import { testServices, testSources } from '../helpers/sources';
import type { SourcePolicy } from '../../lib/data/sourcePolicy';
import { activityEnvironment, connectTestEnv, startTestWorker } from '../helpers/temporal';
import { appDeps } from '../helpers/appDeps';

let testStore: TestStore;
let store: Store;
let artifacts: ArtifactStore;
let dir: string;
let http: Server;
let httpPort: number;

beforeAll(async () => {
  testStore = await openTestStore();
  store = testStore.store;
  dir = testStore.dir;
  artifacts = testStore.artifacts;
  httpPort = await freePort();
  http = createServer((request, response) => {
    if (request.url === '/data.csv') return void response.writeHead(200, { 'content-type': 'text/csv' }).end('day,temp\n2015-01-01,4.5\n2015-01-02,5.1\n');
    if (request.url === '/elsewhere.csv') return void response.writeHead(302, { location: 'https://not-allowed.example/data.csv' }).end();
    if (request.url === '/to-private.csv') return void response.writeHead(302, { location: `http://127.0.0.1:${httpPort}/data.csv` }).end();
    if (request.url === '/stalls.csv') return void response.writeHead(200, { 'content-type': 'text/csv' }).write('a,b\n1,2\n'); // and never ends
    if (request.url === '/dribbles.csv') return void dribble(response, 12, 300);
    if (request.url === '/to-mapped.csv') return void response.writeHead(302, { location: `http://[::ffff:127.0.0.1]:${httpPort}/data.csv` }).end();
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(httpPort, '127.0.0.1', resolve));
});
afterAll(async () => {
  http?.close();
  await testStore?.close();
});

/** A slow but live source: one row every `everyMs`, `rows` rows in all. */
function dribble(response: ServerResponse, rows: number, everyMs: number) {
  response.writeHead(200, { 'content-type': 'text/csv' }).write('a,b\n');
  let sent = 0;
  const timer = setInterval(() => {
    sent += 1;
    response.write(`${sent},${sent * 2}\n`);
    if (sent === rows) {
      clearInterval(timer);
      response.end();
    }
  }, everyMs);
  response.on('close', () => clearInterval(timer));
}

const ingestActivity = (sources: SourcePolicy) => toActivity(ingest, testServices({ artifacts, store, sources }));
type IngestOutput = { dataset: { uri: string; sha256: string }; rows: number; columns: { name: string; type: string }[]; profile: { uri: string } };

async function runIngest(config: Record<string, unknown>, sources: SourcePolicy = testSources(), runId = 'cairn:test:api:ingest'): Promise<IngestOutput> {
  const input: StepInput = {
    run: { runId, temporalRunId: 'r', pipeline: 'test', specHash: 'h', trigger: 'test', params: {}, logicalDate: new Date().toISOString(), step: 'ingest' },
    config: config as StepInput['config'],
    upstream: {},
  };
  // The SDK's activity context (heartbeats, cancellation) around the real activity code.
  const activity = ingestActivity(sources) as unknown as (input: StepInput) => Promise<IngestOutput>;
  return activityEnvironment().run(activity, input);
}

const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('ingest from files', () => {
  it('turns a CSV into a Parquet dataset with a profile, recorded in the store, the same way twice', async () => {
    const path = file('weather.csv', 'date,temp_max,weather\n2015-01-01,7.2,rain\n2015-01-02,NaN,sun\n2015-01-03,inf,rain\n2015-01-04,,fog\n');
    const first = await runIngest({ source: path });
    expect(first.rows).toBe(4);
    expect(first.columns).toEqual([
      { name: 'date', type: 'DATE' },
      { name: 'temp_max', type: 'DOUBLE' },
      { name: 'weather', type: 'VARCHAR' },
    ]);
    const profile = JSON.parse((await artifacts.read(first.profile)).toString()) as Profile;
    const temp = profile.columns.find((c) => c.name === 'temp_max');
    expect(temp).toMatchObject({ nulls: 1, numeric: { min: 7.2, max: 7.2, nonFinite: 2 } });
    expect(profile.columns.find((c) => c.name === 'weather')?.categories).toEqual([
      { value: 'rain', count: 2 },
      { value: 'fog', count: 1 },
      { value: 'sun', count: 1 },
    ]);
    // The dataset artifact is real Parquet holding the same rows.
    const back = await withDuckDb(async (c) => (await c.runAndReadAll(`SELECT count(*)::INT AS n FROM read_parquet(${sqlString(await artifacts.verifiedPath(first.dataset))})`)).getRowObjectsJS());
    expect(back).toEqual([{ n: 4 }]);
    const again = await runIngest({ source: path });
    expect(again.dataset.sha256).toBe(first.dataset.sha256);
    const { rows } = await store.pool.query('SELECT count(*)::int AS n FROM datasets WHERE sha256 = $1', [first.dataset.sha256]);
    expect(rows[0].n).toBe(1);
    expect((await listRunArtifacts(store.pool, 'cairn:test:api:ingest')).map((a) => a.name)).toEqual(['dataset', 'profile']);
  });

  it('reads Parquet and JSON lines', async () => {
    const parquet = join(dir, 'penguins.parquet');
    await withDuckDb((c) => c.run(`COPY (SELECT 'Adelie' AS species, 39.1 AS bill_length_mm UNION ALL SELECT 'Gentoo', 46.1) TO ${sqlString(parquet)} (FORMAT parquet)`).then(() => undefined));
    expect((await runIngest({ source: parquet })).rows).toBe(2);
    const jsonl = file('events.jsonl', '{"user": "a", "clicks": 3}\n{"user": "b", "clicks": 5}\n{"user": "c", "clicks": null}\n');
    const output = await runIngest({ source: jsonl });
    expect(output.columns).toEqual([
      { name: 'user', type: 'VARCHAR' },
      { name: 'clicks', type: 'BIGINT' },
    ]);
  });

  it('reads a Parquet file of nested and unusual types, profiling as numbers only the columns that are (a list of numbers failed the profile)', async () => {
    const parquet = join(dir, 'types.parquet');
    await withDuckDb((c) =>
      c
        .run(
          `COPY (SELECT i, (i * 1.25)::DECIMAL(10,2) AS price, [i, i + 1] AS pair, [i * 0.5] AS halves, {'a': i} AS nested, MAP {'k': i} AS bag, ['x', 'y'] AS tags, INTERVAL (i) DAY AS wait, i % 2 = 0 AS even FROM range(20) t(i)) TO ${sqlString(parquet)} (FORMAT parquet)`,
        )
        .then(() => undefined),
    );
    const output = await runIngest({ source: parquet });
    expect(output.rows).toBe(20);
    const profile = JSON.parse((await artifacts.read(output.profile)).toString()) as Profile;
    const column = (name: string) => profile.columns.find((c) => c.name === name);
    expect(column('price')?.numeric).toMatchObject({ min: 0, max: 23.75 });
    for (const name of ['pair', 'halves', 'nested', 'bag', 'tags', 'wait']) {
      expect(column(name)?.numeric, name).toBeUndefined();
      expect(column(name)?.categories, name).toBeUndefined();
    }
    expect(column('even')?.categories).toHaveLength(2);
  });

  it('names what is wrong with a malformed CSV, a missing file, an unknown format, an empty file', async () => {
    await expect(runIngest({ source: file('ragged.csv', 'a,b\n1,2\n3,4,5,6\n') })).rejects.toThrow('malformed CSV at line 3: a record of 4 fields, where the header has 2');
    await expect(runIngest({ source: file('quote.csv', 'a,b\n1,2\n3,"unterminated\n') })).rejects.toThrow('malformed CSV at line 3: a quote opened here is never closed');
    await expect(runIngest({ source: join(dir, 'nope.csv') })).rejects.toThrow(/no file at '.*nope\.csv'/);
    await expect(runIngest({ source: file('data.xlsx', 'x') })).rejects.toThrow(/cannot tell the format of '.*data\.xlsx'/);
    await expect(runIngest({ source: file('empty.csv', 'a,b\n') })).rejects.toThrow('the source has no rows');
    await expect(runIngest({ source: file('nothing.csv', '') })).rejects.toThrow('the CSV file is empty');
    await expect(runIngest({ source: 'x', formatt: 'csv' })).rejects.toThrow(/config\.: Unrecognized key: "formatt"/);
    await expect(runIngest({ source: file('sheet.csv', 'PK\x03\x04\x14\x00\x06\x00 the rest of an xlsx') })).rejects.toThrow(/sheet\.csv' is a zip archive \(an Excel workbook\?\), not csv: export the sheet as CSV/);
    const parquetNamedCsv = join(dir, 'really-parquet.csv');
    await withDuckDb((c) => c.run(`COPY (SELECT 1 AS a) TO ${sqlString(parquetNamedCsv)} (FORMAT parquet)`).then(() => undefined));
    await expect(runIngest({ source: parquetNamedCsv })).rejects.toThrow(/really-parquet\.csv' is a Parquet file, not csv: name it \.parquet or set format: 'parquet'/);
    expect((await runIngest({ source: parquetNamedCsv, format: 'parquet' })).rows).toBe(1);
    await expect(runIngest({ source: file('one.json', '{"a": 1}') })).rejects.toThrow("a .json source must hold an array of records ([{...}, {...}]); for one JSON record per line, name the file .jsonl or set format: 'jsonl'");
    await expect(runIngest({ source: file('cut.jsonl', '{"a": 1}\n{"a": \n') })).rejects.toThrow(/cannot read jsonl file: .*Malformed JSON .*line 3/);
  });
});

describe('CSV dialects (a semicolon-delimited export was read as one column named "a;b;label")', () => {
  const columnsOf = (output: IngestOutput) => output.columns.map((c) => `${c.name}:${c.type}`);

  it('reads semicolons with decimal commas, tabs and pipes as the file writes them, and says which it read', async () => {
    const european = await runIngest({ source: file('eu.csv', 'temp;wind;city;label\n1,5;3;"Köln; Altstadt";x\n-0,25;4;Paris;y\n12,0;;Wien;x\n') });
    expect(columnsOf(european)).toEqual(['temp:DOUBLE', 'wind:BIGINT', 'city:VARCHAR', 'label:VARCHAR']);
    expect((european as IngestOutput & { source: unknown }).source).toEqual({ kind: 'file', format: 'csv', csv: { delimiter: ';', decimalSeparator: ',' } });
    const back = await withDuckDb(async (c) => (await c.runAndReadAll(`SELECT sum(temp) AS t, max(city) AS c FROM read_parquet(${sqlString(await artifacts.verifiedPath(european.dataset))})`)).getRowObjectsJS());
    expect(back).toEqual([{ t: 13.25, c: 'Wien' }]);
    const tabs = await runIngest({ source: file('readings.tsv', 'a\tb\tnote\n1\t2.5\tx, y\n3\t4.5\tz\n') });
    expect(columnsOf(tabs)).toEqual(['a:BIGINT', 'b:DOUBLE', 'note:VARCHAR']);
    expect(columnsOf(await runIngest({ source: file('pipes.txt', 'a|b\n1|2\n3|4\n') }))).toEqual(['a:BIGINT', 'b:BIGINT']);
  });

  it('keeps commas for a comma file whose text holds semicolons, and reads a one-column file', async () => {
    const commas = await runIngest({ source: file('notes.csv', 'id,note\n1,"a;b;c"\n2,d;e\n') });
    expect(columnsOf(commas)).toEqual(['id:BIGINT', 'note:VARCHAR']);
    expect((commas as IngestOutput & { source: unknown }).source).toMatchObject({ csv: { delimiter: ',', decimalSeparator: '.' } });
    expect(columnsOf(await runIngest({ source: file('single.csv', 'value\n1.5\n2.5\n') }))).toEqual(['value:DOUBLE']);
  });

  it('takes the dialect the config states over the sniffed one, and refuses one that cannot be', async () => {
    // Sniffed, the decimal commas would be read as numbers; stated as points, they stay text.
    const stated = await runIngest({ source: file('codes.csv', 'code;n\n1,5;1\n2,5;2\n'), decimalSeparator: '.' });
    expect(columnsOf(stated)).toEqual(['code:VARCHAR', 'n:BIGINT']);
    expect(columnsOf(await runIngest({ source: file('colons.csv', 'a:b\n1:2\n'), delimiter: ':' }))).toEqual(['a:BIGINT', 'b:BIGINT']);
    await expect(runIngest({ source: file('x.csv', 'a,b\n1,2\n'), delimiter: ',', decimalSeparator: ',' })).rejects.toThrow(/decimalSeparator: a CSV delimited by commas cannot write decimals with a comma/);
    await expect(runIngest({ source: file('y.csv', 'a,b\n1,2\n'), delimiter: '"' })).rejects.toThrow(/delimiter: a delimiter cannot be a double quote/);
    await expect(runIngest({ source: file('z.csv', 'a,b\n1,2\n'), delimiter: ';;' })).rejects.toThrow(/delimiter: a delimiter is one ASCII character/);
    await expect(runIngest({ source: file('events2.jsonl', '{"a": 1}\n'), delimiter: ';' })).rejects.toThrow('delimiter and decimalSeparator apply to CSV only; this source is jsonl');
  });
});

describe('header names DuckDB changes (a repeated name became x_1 without a word: a model then wanted a feature no request names)', () => {
  it("says in the step's log which header fields were renamed, and nothing for headers that keep their names", async () => {
    const runId = 'cairn:test:api:renamed-header';
    const output = await runIngest({ source: file('twice.csv', 'x,x,,label\n1,2,3,a\n4,5,6,b\n') }, testSources(), runId);
    expect(output.columns.map((c) => c.name)).toEqual(['x', 'x_1', 'column2', 'label']);
    const { lines } = await readStepLogs(store.pool, { runId, afterId: 0, limit: 100 });
    const warnings = lines.filter((l) => l.level === 'warn').map((l) => l.message);
    expect(warnings).toEqual(["header names changed: column 2 is named 'x' like an earlier one: read as x_1; column 3 has no name: read as column2 (training, serving and contracts use the new names)"]);
    // Quoted names holding the delimiter or a quote, a byte-order mark, semicolons: nothing renamed, nothing said.
    // (A byte-order mark before a quoted first field, as Excel's CSV UTF-8 writes one, failed DuckDB's sniffer outright.)
    for (const [name, text, columns] of [
      ['quoted.csv', '\uFEFF"a;b";c;"d ""e"""\n1;2;3\n4;5;6\n', ['a;b', 'c', 'd "e"']],
      ['marked.csv', '\uFEFFa,b\n1,2\n3,4\n', ['a', 'b']],
    ] as const) {
      const plainRun = `cairn:test:api:plain-header-${name}`;
      expect((await runIngest({ source: file(name, text) }, testSources(), plainRun)).columns.map((c) => c.name)).toEqual(columns);
      expect((await readStepLogs(store.pool, { runId: plainRun, afterId: 0, limit: 100 })).lines.filter((l) => l.level === 'warn')).toEqual([]);
    }
  });
});

describe('yes/no columns (DuckDB read a yes/no label as BOOLEAN: the model then predicted "true")', () => {
  it('keeps yes/no, Y/N and T/F as written, and reads true/false in any case as booleans', async () => {
    const source = file('answers.csv', 'label,flag,ok,loud,n\nyes,T,true,TRUE,1\nno,F,false,False,2\nyes,,true,,3\n');
    const output = await runIngest({ source });
    expect(output.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['label:VARCHAR', 'flag:VARCHAR', 'ok:BOOLEAN', 'loud:BOOLEAN', 'n:BIGINT']);
    const rows = await withDuckDb(async (c) => (await c.runAndReadAll(`SELECT label, flag, ok, loud FROM read_parquet(${sqlString(await artifacts.verifiedPath(output.dataset))})`)).getRowObjectsJS());
    expect(rows).toEqual([
      { label: 'yes', flag: 'T', ok: true, loud: true },
      { label: 'no', flag: 'F', ok: false, loud: false },
      { label: 'yes', flag: null, ok: true, loud: null },
    ]);
  });
});

describe('text that is not UTF-8 (a UTF-16 export was "malformed CSV at line 4"; a Windows-1252 one named DuckDB options no config has)', () => {
  const bytesFile = (name: string, content: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const rowsOf = async (output: IngestOutput) =>
    withDuckDb(async (c) => (await c.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(await artifacts.verifiedPath(output.dataset))})`)).getRowObjectsJS());

  it('reads UTF-16 by its byte-order mark (Excel\'s Unicode Text, PowerShell), little- and big-endian, CSV and JSON lines', async () => {
    const text = 'city,temp\nKöln,1.5\nZürich,-2\n';
    const little = await runIngest({ source: bytesFile('unicode.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])) });
    expect(await rowsOf(little)).toEqual([{ city: 'Köln', temp: 1.5 }, { city: 'Zürich', temp: -2 }]);
    const big = Buffer.from(text, 'utf16le').swap16();
    expect(await rowsOf(await runIngest({ source: bytesFile('unicode-be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), big])) }))).toEqual([{ city: 'Köln', temp: 1.5 }, { city: 'Zürich', temp: -2 }]);
    const lines = '{"city": "Malmö", "n": 1}\n';
    expect(await rowsOf(await runIngest({ source: bytesFile('events.jsonl', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines, 'utf16le')])) }))).toEqual([{ city: 'Malmö', n: 1n }]);
  });

  it('reads Windows-1252 when the config names it, and without it says which option to set', async () => {
    const windows = Buffer.from([...Buffer.from('name;price\nCaf'), 0xe9, ...Buffer.from(';3,5\nNa'), 0xef, ...Buffer.from('ve '), 0x80, ...Buffer.from(';4\n')]);
    const path = bytesFile('excel.csv', windows);
    await expect(runIngest({ source: path })).rejects.toThrow(/the file is not UTF-8 \(.*\): name its encoding, the ingest step's encoding \(--param encoding=\.\.\. for the tabular pipelines\), such as 'windows-1252'/);
    expect(await rowsOf(await runIngest({ source: path, encoding: 'windows-1252' }))).toEqual([{ name: 'Café', price: 3.5 }, { name: 'Naïve €', price: 4 }]);
    await expect(runIngest({ source: path, encoding: 'ebcdic-9000' })).rejects.toThrow(/encoding: 'ebcdic-9000' is not a text encoding Node knows/);
    await expect(runIngest({ source: bytesFile('cut.csv', Buffer.from([0xff, 0xfe, 0x61, 0x00, 0x62])) })).rejects.toThrow(/ends in the middle of a utf-16le character/);
  });
});

describe('gzip sources (a .csv.gz export was refused: "cannot tell the format")', () => {
  const gzipFile = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, gzipSync(content));
    return path;
  };

  it('reads a gzip CSV (its dialect sniffed from what it holds) and gzip JSON lines as the files they hold', async () => {
    const csv = await runIngest({ source: gzipFile('eu.csv.gz', 'temp;label\n1,5;x\n2,5;y\n') });
    expect(csv.rows).toBe(2);
    expect(csv.columns).toEqual([
      { name: 'temp', type: 'DOUBLE' },
      { name: 'label', type: 'VARCHAR' },
    ]);
    expect((csv as IngestOutput & { source: unknown }).source).toEqual({ kind: 'file', format: 'csv', csv: { delimiter: ';', decimalSeparator: ',' } });
    expect((await runIngest({ source: gzipFile('events.jsonl.gz', '{"a": 1}\n{"a": 2}\n{"a": 3}\n') })).rows).toBe(3);
    // The same rows as the plain file: the dataset is identical.
    expect((await runIngest({ source: file('eu-plain.csv', 'temp;label\n1,5;x\n2,5;y\n') })).dataset.sha256).toBe(csv.dataset.sha256);
  });

  it('holds what a gzip file expands to to maxBytes, and names a damaged one', async () => {
    const bomb = gzipFile('bomb.csv.gz', `a,b\n${'1,2\n'.repeat(250_000)}`); // 1 MB in about 1 KB
    await expect(runIngest({ source: bomb, maxBytes: 100_000 })).rejects.toThrow(/bomb\.csv\.gz' expands to more than maxBytes 100000 bytes when decompressed/);
    expect((await runIngest({ source: bomb })).rows).toBe(250_000);
    const whole = gzipSync('a,b\n1,2\n3,4\n');
    const cut = join(dir, 'cut.csv.gz');
    writeFileSync(cut, whole.subarray(0, whole.length - 6));
    await expect(runIngest({ source: cut })).rejects.toThrow(/cut\.csv\.gz' is not a whole gzip file/);
  });
});

describe('files only under the data roots (a reproduced read of any file through a run param)', () => {
  it('refuses a path outside the roots, a way out through .. or a symlink, without saying whether it exists', async () => {
    const roots = join(dir, 'roots');
    mkdirSync(join(roots, 'data'), { recursive: true });
    mkdirSync(join(roots, 'secret'), { recursive: true });
    writeFileSync(join(roots, 'secret', 'creds.json'), '[{"user": "admin", "password": "hunter2"}]');
    writeFileSync(join(roots, 'data', 'ok.csv'), 'x,y\n1,2\n');
    symlinkSync(join(roots, 'secret', 'creds.json'), join(roots, 'data', 'link.json'));
    const policy = testSources({ dataRoots: [join(roots, 'data')] });
    expect((await runIngest({ source: join(roots, 'data', 'ok.csv') }, policy)).rows).toBe(1);
    const outside = /is outside the data roots \(.*roots\/data\): files are read only under CAIRN_DATA_ROOTS/;
    await expect(runIngest({ source: join(roots, 'secret', 'creds.json') }, policy)).rejects.toThrow(outside);
    await expect(runIngest({ source: join(roots, 'data', '..', 'secret', 'creds.json') }, policy)).rejects.toThrow(outside);
    await expect(runIngest({ source: join(roots, 'data', 'link.json') }, policy)).rejects.toThrow(outside);
    await expect(runIngest({ source: '/etc/passwd', format: 'csv' }, policy)).rejects.toThrow(outside);
    // No existence oracle: a missing file outside the roots gets the same answer as a present one.
    await expect(runIngest({ source: join(roots, 'secret', 'missing.json') }, policy)).rejects.toThrow(outside);
    await expect(runIngest({ source: join(roots, 'data', 'missing.csv') }, policy)).rejects.toThrow(/no file at/);
    await expect(runIngest({ source: join(roots, 'data', 'ok.csv') }, testSources({ dataRoots: [] }))).rejects.toThrow(/outside the data roots \(none are configured\)/);
  });

  it('the landing check reports size and hash only for files under a root (it revealed /etc/shadow\'s)', async () => {
    const check = toActivity(requireFile, testServices({ artifacts, store, sources: testSources({ dataRoots: [dir] }) })) as unknown as (input: StepInput) => Promise<{ sha256: string }>;
    const input = (path: string): StepInput => ({
      run: { runId: 'cairn:test:landing', temporalRunId: 'r', pipeline: 'landing-check', specHash: 'h', trigger: 'test', params: {}, logicalDate: new Date().toISOString(), step: 'landed' },
      config: { path },
      upstream: {},
    });
    await expect(activityEnvironment().run(check, input('/etc/shadow'))).rejects.toThrow(/'\/etc\/shadow' is outside the data roots/);
    await expect(activityEnvironment().run(check, input(join(dir, 'not-yet.csv')))).rejects.toThrow(/has not landed yet/);
    const landed = (await activityEnvironment().run(check, input(file('landed.csv', 'a\n1\n'))))  as { sha256: string };
    expect(landed.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('fails at once on a worker without a metadata store, naming why (one check for every stage that needs it)', async () => {
    const storeless = toActivity(ingest, testServices({ artifacts, store: undefined })) as unknown as (input: StepInput) => Promise<unknown>;
    const input: StepInput = {
      run: { runId: 'cairn:test:nostore', temporalRunId: 'r', pipeline: 'test', specHash: 'h', trigger: 'test', params: {}, logicalDate: new Date().toISOString(), step: 'load' },
      config: { source: file('tiny.csv', 'a\n1\n') },
      upstream: {},
    };
    await expect(activityEnvironment().run(storeless, input)).rejects.toThrow("step 'load' (ingest) records to the metadata store, and this worker has none: run it with DATABASE_URL");
  });

  it('leaves the values of redacted columns out of the stored profile', async () => {
    const path = file('people.csv', 'name,salary,team\nada,100,x\nbob,200,y\n');
    const output = await runIngest({ source: path, redactProfile: ['name', 'salary'] });
    const profile = JSON.parse((await artifacts.read(output.profile.uri)).toString()) as Profile;
    const byName = new Map(profile.columns.map((c) => [c.name, c]));
    expect(byName.get('name')).toEqual({ name: 'name', type: 'VARCHAR', nulls: 0, distinct: 2, redacted: true });
    expect(byName.get('salary')?.numeric).toBeUndefined();
    expect(byName.get('team')?.categories?.map((c) => c.value).sort()).toEqual(['x', 'y']);
    expect(JSON.stringify(profile)).not.toContain('ada');
  });
});

describe('ingest from URLs', () => {
  const url = (path: string) => `http://127.0.0.1:${httpPort}${path}`;
  /** The deployment's allow-list (CAIRN_ALLOW_HOSTS, CAIRN_PRIVATE_HOSTS): the only one that can grant a host. */
  const deployment = (allowHosts: string[], privateHosts: string[] = []) => testSources({ allowHosts, privateHosts });

  it('downloads from a host the deployment allows', async () => {
    const output = await runIngest({ source: url('/data.csv') }, deployment(['127.0.0.1'], ['127.0.0.1']));
    expect(output.rows).toBe(2);
  });

  it('takes hosts from the deployment only: a step or run param can narrow the list, never widen it', async () => {
    await expect(runIngest({ source: url('/data.csv') }, deployment([]))).rejects.toThrow(/host '127\.0\.0\.1' is not in the deployment's allow-list \(CAIRN_ALLOW_HOSTS: empty\)/);
    // The reproduced escalation: allowHosts in the run's params named the host the caller wanted.
    await expect(runIngest({ source: url('/data.csv'), allowHosts: ['127.0.0.1'] }, deployment(['data.example.com']))).rejects.toThrow(/not in the deployment's allow-list/);
    await expect(runIngest({ source: url('/data.csv'), allowHosts: ['data.example.com'] }, deployment(['127.0.0.1'], ['127.0.0.1']))).rejects.toThrow(
      /host '127\.0\.0\.1' is not in the step's allowHosts \(data\.example\.com\)/,
    );
    // privateHostsAllowed was a param too: it is now the deployment's alone.
    await expect(runIngest({ source: url('/data.csv'), privateHostsAllowed: ['127.0.0.1'] }, deployment(['127.0.0.1']))).rejects.toThrow(/Unrecognized key: "privateHostsAllowed"/);
  });

  it('refuses a private address, and redirects that leave the rules', async () => {
    await expect(runIngest({ source: url('/data.csv') }, deployment(['127.0.0.1']))).rejects.toThrow(/resolves to the private address 127\.0\.0\.1/);
    await expect(runIngest({ source: url('/elsewhere.csv') }, deployment(['127.0.0.1'], ['127.0.0.1']))).rejects.toThrow(/host 'not-allowed\.example' is not in the deployment's allow-list/);
    const viaLocalhost = `http://localhost:${httpPort}/to-private.csv`;
    await expect(runIngest({ source: viaLocalhost }, deployment(['localhost', '127.0.0.1'], ['localhost']))).rejects.toThrow(/host '127\.0\.0\.1' resolves to the private address 127\.0\.0\.1/);
    await expect(runIngest({ source: 'ftp://example.com/x.csv' })).rejects.toThrow(/only files, http\(s\) URLs and sql:<connection> can be ingested/);
  });

  it('refuses loopback in its IPv4-mapped IPv6 form, directly and as a redirect target (a reproduced SSRF)', async () => {
    // The URL parser writes [::ffff:127.0.0.1] as [::ffff:7f00:1]; even a deployment that allow-lists that host is protected.
    const mapped = `http://[::ffff:127.0.0.1]:${httpPort}/data.csv`;
    await expect(runIngest({ source: mapped }, deployment(['::ffff:7f00:1']))).rejects.toThrow(/host '::ffff:7f00:1' resolves to the private address ::ffff:7f00:1/);
    await expect(runIngest({ source: url('/to-mapped.csv') }, deployment(['127.0.0.1', '::ffff:7f00:1'], ['127.0.0.1']))).rejects.toThrow(/resolves to the private address ::ffff:7f00:1/);
  });

  it('checks the address it connects to: a name that resolves to loopback is refused at connect time', async () => {
    await expect(runIngest({ source: `http://localhost:${httpPort}/data.csv` }, deployment(['localhost']))).rejects.toThrow(/host 'localhost' resolves to the private address (127\.0\.0\.1|::1)/);
  });
});

describe('ingest from a PostgreSQL query', () => {
  it('runs a read-only query and refuses a bad one or too many rows', async () => {
    const source = await createTestDatabase();
    try {
      const client = new pg.Client({ connectionString: source.url });
      await client.connect();
      await client.query('CREATE SEQUENCE order_ids; CREATE TABLE orders (id int, amount numeric, country text); INSERT INTO orders SELECT g, g * 1.5, CASE WHEN g % 2 = 0 THEN $$FR$$ ELSE $$DE$$ END FROM generate_series(1, 50) g');
      await client.end();
      // The deployment names the connection (CAIRN_SQL_CONNECTIONS); a pipeline only says sql:shop.
      const shop = testSources({ sqlConnections: { shop: source.url } });
      const output = await runIngest({ source: 'sql:shop', query: 'SELECT id, amount::float8 AS amount, country FROM orders' }, shop);
      expect(output.rows).toBe(50);
      await expect(runIngest({ source: 'sql:shop', query: 'SELECT nope FROM orders' }, shop)).rejects.toThrow(/the source query failed: column "nope" does not exist/);
      await expect(runIngest({ source: 'sql:shop', query: "SELECT nextval('order_ids')" }, shop)).rejects.toThrow(/cannot execute nextval\(\) in a read-only transaction/);
      await expect(runIngest({ source: 'sql:shop', query: 'SELECT * FROM orders', maxRows: 10 }, shop)).rejects.toThrow('more than maxRows (10) rows');
      // The reproduced injection: close the subquery, commit, write, reopen. One statement only now.
      const smuggled = 'SELECT 1) AS a; COMMIT; CREATE TABLE pwned (x int); SELECT * FROM (SELECT 1';
      await expect(runIngest({ source: 'sql:shop', query: smuggled }, shop)).rejects.toThrow('the source query must be one SELECT statement');
      const marker = join(dir, 'copy-to-program');
      await expect(runIngest({ source: 'sql:shop', query: `SELECT 1) AS a; COPY (SELECT 1) TO PROGRAM 'touch ${marker}'; SELECT * FROM (SELECT 1` }, shop)).rejects.toThrow('must be one SELECT statement');
      await expect(runIngest({ source: 'sql:shop', query: 'WITH gone AS (DELETE FROM orders RETURNING *) SELECT * FROM gone' }, shop)).rejects.toThrow(/the source query failed/);
      const check = new pg.Client({ connectionString: source.url });
      await check.connect();
      const tables = await check.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'pwned'");
      const orders = await check.query('SELECT count(*)::int AS n FROM orders');
      await check.end();
      expect(tables.rows[0].n).toBe(0);
      expect(orders.rows[0].n).toBe(50);
      expect(existsSync(marker)).toBe(false);
      await expect(runIngest({ source: 'sql:shop' }, shop)).rejects.toThrow('a sql:shop source needs a query');
      await expect(runIngest({ source: 'sql:elsewhere', query: 'SELECT 1' }, shop)).rejects.toThrow("no SQL connection named 'elsewhere' (declared: shop");
      // The reproduced escalation: the connection string itself was a param. It is refused before anything connects.
      await expect(runIngest({ source: source.url, query: 'SELECT 1' }, shop)).rejects.toThrow(/a connection string cannot be a source: declare the connection in CAIRN_SQL_CONNECTIONS/);
    } finally {
      await source.drop();
    }
  });
});

describe('ingest as a pipeline step on Temporal', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await connectTestEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('fails a bad source at once (no retries), and serves the profile of a good one', async () => {
    const registry = defineRegistry({
      pipelines: [definePipeline({ id: 'ingest-only', params: z.object({ path: z.string() }), steps: { load: { activity: 'ingest', config: (p) => ({ source: p.path }), retry: { attempts: 3 } } } })],
    });
    const worker = await startTestWorker(env, createActivities(registry, testServices({ artifacts, store })));
    try {
      const pipeline = registry.pipelines.get('ingest-only')!;
      const good = await startRun(env.client, { pipeline, params: { path: file('ok.csv', 'x,y\n1,2\n3,4\n') }, trigger: 'test', taskQueue: worker.taskQueue });
      const result = await good.handle.result();
      const output = result.outputs.load as unknown as IngestOutput;
      const app = createApp(appDeps({ client: env.client, registry, store, taskQueue: worker.taskQueue, temporalUiUrl: null }));
      const profile = (await (await app.request(`/api/v1/datasets/${output.dataset.sha256}/profile`)).json()) as { profile: Profile };
      expect(profile.profile.rows).toBe(2);
      expect((await app.request(`/api/v1/datasets/${'0'.repeat(64)}/profile`)).status).toBe(404);

      const bad = await startRun(env.client, { pipeline, params: { path: join(dir, 'missing.csv') }, trigger: 'test', taskQueue: worker.taskQueue });
      const state = await (async () => {
        for (;;) {
          const snapshot = await bad.handle.query('runState');
          const step = (snapshot as { steps: { status: string; error: { type: string; message: string } | null }[] }).steps[0];
          if (step?.status === 'awaiting_operator') return step;
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      expect(state.error).toMatchObject({ type: 'DataError', message: expect.stringContaining('no file at') });
      // The ingest step's attempts (the run also asks which notification targets listen, as an activity of its own).
      const events = (await bad.handle.fetchHistory()).events ?? [];
      const ingestScheduled = new Set(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'ingest').map((e) => String(e.eventId)));
      const attempts = events.filter((e) => ingestScheduled.has(String(e.activityTaskStartedEventAttributes?.scheduledEventId))).map((e) => e.activityTaskStartedEventAttributes?.attempt);
      expect(attempts).toEqual([1]);
      await bad.handle.terminate('test over');
    } finally {
      await worker.stop();
    }
  });

  it('heartbeats from progress: a source that stops sending fails as stalled within its heartbeat timeout, a slow live one succeeds', async () => {
    const registry = defineRegistry({
      pipelines: [
        definePipeline({
          id: 'ingest-url',
          params: z.object({ url: z.string() }),
          onFailure: { mode: 'fail' },
          // The fetch's own deadline is 10 minutes: only the missing progress can end the stalled step early.
          steps: { load: { activity: 'ingest', config: (p) => ({ source: p.url, timeoutMs: 600_000 }), retry: { attempts: 1 }, heartbeat: '2s' } },
        }),
      ],
    });
    const local = testSources({ allowHosts: ['127.0.0.1'], privateHosts: ['127.0.0.1'] });
    const worker = await startTestWorker(env, createActivities(registry, testServices({ artifacts, store, sources: local })));
    try {
      const pipeline = registry.pipelines.get('ingest-url')!;
      const started = Date.now();
      const stalled = await startRun(env.client, { pipeline, params: { url: `http://127.0.0.1:${httpPort}/stalls.csv` }, trigger: 'test', taskQueue: worker.taskQueue });
      const failure = await stalled.handle.result().then(
        () => undefined,
        (error: { cause?: { message?: string } }) => error.cause?.message ?? String(error),
      );
      expect(failure).toMatch(/reported no progress|heartbeat/i);
      expect(Date.now() - started).toBeLessThan(20_000);

      // 12 rows, one every 300 ms: 3.6 s in all, longer than the 2 s heartbeat timeout, but never silent for it.
      const slow = await startRun(env.client, { pipeline, params: { url: `http://127.0.0.1:${httpPort}/dribbles.csv` }, trigger: 'test', taskQueue: worker.taskQueue });
      const result = await slow.handle.result();
      expect((result.outputs.load as unknown as IngestOutput).rows).toBe(12);
    } finally {
      await worker.stop();
    }
  });
});
