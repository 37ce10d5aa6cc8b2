import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCycle, topologicalOrder } from '../../lib/dsl/graph';
import { parseDuration } from '../../lib/dsl/duration';
import { parseParamFlags, resolveLocalPaths } from '../../cli/params';

describe('graph helpers', () => {
  it('finds no cycle in a DAG and a closed path in a cyclic graph', () => {
    expect(findCycle([{ name: 'a', after: [] }, { name: 'b', after: ['a'] }])).toBeUndefined();
    expect(findCycle([{ name: 'x', after: ['x'] }])).toEqual(['x', 'x']);
  });
  it('orders a diamond', () => {
    const order = topologicalOrder([
      { name: 'd', after: ['b', 'c'] },
      { name: 'c', after: ['a'] },
      { name: 'b', after: ['a'] },
      { name: 'a', after: [] },
    ]).map((n) => n.name);
    expect(order).toEqual(['a', 'c', 'b', 'd']);
  });
});

describe('durations', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['1.5m', 90_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    [1500, 1500],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', 'ten', '5 weeks', '-1s', 0, -5, Number.NaN, Infinity, null])('%s is not a duration', (text) => expect(parseDuration(text)).toBeUndefined());
});

describe('cli --param parsing', () => {
  const schema = { properties: { name: { type: 'string' }, rows: { type: 'number' }, tags: { type: 'array' } } };
  it('keeps strings as text and reads the rest as JSON', () => {
    expect(parseParamFlags(['name=123', 'rows=5', 'tags=["a","b"]'], schema)).toEqual({ name: '123', rows: 5, tags: ['a', 'b'] });
  });
  it('reads a list param written a,b as its items (numbers as numbers), as a command line writes a list', () => {
    const optional = { properties: { features: { anyOf: [{ type: 'array' }, { type: 'null' }] }, sizes: { type: 'array' } } };
    expect(parseParamFlags(['features=alcohol, ash,color_intensity', 'sizes=1,2.5,x'], optional)).toEqual({ features: ['alcohol', 'ash', 'color_intensity'], sizes: [1, 2.5, 'x'] });
    expect(parseParamFlags(['tags=solo'], schema)).toEqual({ tags: ['solo'] });
  });
  it('passes unparseable values through for the server to name, and rejects a flag without =', () => {
    expect(parseParamFlags(['rows=many'], schema)).toEqual({ rows: 'many' });
    expect(() => parseParamFlags(['rows'], schema)).toThrow(/expected key=value/);
  });
});

describe('cli local paths', () => {
  it('sends ./relative paths to existing files as absolute paths, refuses a missing file, and leaves everything else alone', () => {
    const cwd = new URL('../..', import.meta.url).pathname;
    expect(resolveLocalPaths({ dataset: './package.json', target: 'label', outDir: './out', url: 'https://x/y.csv' }, cwd)).toEqual({
      dataset: `${cwd}package.json`,
      target: 'label',
      outDir: './out',
      url: 'https://x/y.csv',
    });
    expect(() => resolveLocalPaths({ other: './missing.csv' }, cwd)).toThrow(`--param other: no file at ${cwd}missing.csv`);
  });
  it('reads ~/ as the home directory, which the shell leaves alone after dataset=', () => {
    const home = mkdtempSync(join(tmpdir(), 'cairn-home-'));
    writeFileSync(join(home, 'my.csv'), 'a\n1\n');
    const before = process.env.HOME;
    process.env.HOME = home;
    try {
      expect(resolveLocalPaths({ dataset: '~/my.csv', label: '~user' }, '/elsewhere')).toEqual({ dataset: join(home, 'my.csv'), label: '~user' });
      expect(() => resolveLocalPaths({ dataset: '~/gone.csv' }, '/elsewhere')).toThrow(`--param dataset: no file at ${join(home, 'gone.csv')} ('~/gone.csv' resolved against ${home})`);
    } finally {
      process.env.HOME = before;
    }
  });
});
