import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { noop } from '../../activities/noop';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { referencedArtifacts, unusableBecause } from '../../lib/cache/referencedArtifacts';
import { stepCacheKey, type StepCacheKeyParts } from '../../lib/cache/stepCacheKey';
import { compile, definePipeline, defineStep, remoteStep } from '../../lib/dsl';
import type { JsonValue } from '../../lib/dsl/spec';
import { PipelineDefinitionError } from '../../lib/errors';

const mine = defineStep({ name: 'my-step', config: z.object({ n: z.number() }), run: ({ config }) => ({ n: config.n }) });
const base: StepCacheKeyParts = { step: mine, config: { n: 1 }, upstream: { a: { rows: 3 } }, params: { p: 1 }, fingerprint: undefined };

describe('the step cache key', () => {
  it('changes with each thing the output depends on, and with nothing else', () => {
    const key = stepCacheKey(base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    // Key order is not content.
    expect(stepCacheKey({ ...base, upstream: { a: { rows: 3 } }, config: { n: 1 } })).toBe(key);
    const changed: StepCacheKeyParts[] = [
      { ...base, config: { n: 2 } },
      { ...base, upstream: { a: { rows: 4 } } },
      { ...base, upstream: { b: { rows: 3 } } },
      { ...base, params: { p: 2 } },
      { ...base, fingerprint: { sha256: 'x' } },
      { ...base, step: defineStep({ name: 'my-step', config: z.object({ n: z.number() }), run: ({ config }) => ({ n: config.n + 1 }) }) },
      { ...base, step: defineStep({ name: 'my-step', version: '2', config: z.object({ n: z.number() }), run: ({ config }) => ({ n: config.n }) }) },
    ];
    const keys = changed.map(stepCacheKey);
    expect(new Set([key, ...keys]).size).toBe(changed.length + 1);
  });

  it("leaves a built-in stage's key independent of params, which built-in stages never read", () => {
    const builtin = { ...base, step: noop, config: {} };
    expect(stepCacheKey({ ...builtin, params: { p: 1 } })).toBe(stepCacheKey({ ...builtin, params: { p: 2 } }));
  });
});

describe('artifacts a cached output refers to', () => {
  const ref = (fill: string) => ({ uri: `cas://sha256/${fill.repeat(64)}`, sha256: fill.repeat(64), size: 1, mediaType: 'application/octet-stream' });

  it('are found at any depth, with offloaded outputs, and look-alikes are not', () => {
    const output: JsonValue = {
      dataset: ref('a'),
      nested: [{ model: ref('b') }, { again: ref('a') }],
      large: { $cairnOutput: `cas://sha256/${'c'.repeat(64)}`, size: 99 },
      notARef: { uri: 'https://example.com/x', sha256: 'nope' },
    };
    expect(referencedArtifacts(output).sort()).toEqual([ref('a').uri, ref('b').uri, `cas://sha256/${'c'.repeat(64)}`]);
    expect(referencedArtifacts(null)).toEqual([]);
  });

  it('make an output unusable when one is missing or corrupt', async () => {
    const store = new ArtifactStore(mkdtempSync(join(tmpdir(), 'cairn-cache-unit-')));
    const good = await store.put(Buffer.from('kept'), 'text/plain');
    expect(await unusableBecause({ good }, store)).toBeUndefined();
    expect(await unusableBecause({ good, gone: ref('d') }, store)).toMatch(/not in the store/);
    const corrupt = await store.put(Buffer.from('original'), 'text/plain');
    writeFileSync(store.pathOf(corrupt.sha256), 'tampered');
    expect(await unusableBecause({ corrupt }, store)).toMatch(/corrupt/);
  });
});

describe('cache: true in a pipeline', () => {
  const withCache = (cache: boolean | undefined) =>
    definePipeline({ id: 'cached', params: z.object({}), steps: { a: { activity: 'noop', ...(cache === undefined ? {} : { cache }) } } });

  it('is compiled into the spec only when set, so other pipelines keep their hashes', () => {
    expect(compile(withCache(true)).spec.steps[0]!.cache).toBe(true);
    const without = compile(withCache(undefined)).spec;
    expect(without.steps[0]).not.toHaveProperty('cache');
    expect(compile(withCache(false)).spec.hash).toBe(without.hash);
    expect(compile(withCache(true)).spec.hash).not.toBe(without.hash);
  });

  it('is refused where running the step again changes more than its output, naming why', () => {
    const refused = (activity: unknown, pattern: RegExp) => {
      const pipeline = definePipeline({ id: 'refused', params: z.object({}), steps: { s: { activity: activity as 'noop', cache: true } } });
      expect(() => compile(pipeline)).toThrow(PipelineDefinitionError);
      expect(() => compile(pipeline)).toThrow(pattern);
    };
    refused('register', /not allowed on 'register'.*cacheable stages: noop, ingest, validate, train, evaluate/);
    refused('deploy', /not allowed on 'deploy'/);
    refused(remoteStep({ name: 'elsewhere', queue: 'gpu' }), /another worker runs/);
    refused(defineStep({ name: 'impure', cacheable: false, run: () => null }), /its defineStep says cacheable: false/);
  });
});
