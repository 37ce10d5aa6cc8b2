import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compile, definePipeline, defineRegistry, defineStep, type JsonObject } from '../../lib/dsl';
import type { Pipeline } from '../../lib/dsl/definePipeline';
import { batchLanes, batchSizeFor, chunked } from '../../lib/map/batches';
import { largestItemBytes, mapItemsOf, MAX_MAP_ITEM_BYTES } from '../../lib/map/mapItems';
import { configWithItem } from '../../lib/map/itemConfig';
import { MAX_PARALLEL_BATCHES } from '../../lib/runContract/map';
import { signSpec } from '../../lib/auth/runAuthority';

// A map's declaration is checked when definitions load, naming what is wrong; its batches keep to
// the concurrency, the history budget and the payload limit whatever the list's size.
const each = defineStep({ name: 'unit-map-each', run: ({ item }) => item?.value ?? null });
const list = defineStep({ name: 'unit-map-list', run: () => ({ items: [1, 2, 3] }) });
const params = z.object({ regions: z.array(z.string()).default(['a']) });

const pipelineWith = (steps: Record<string, unknown>): Pipeline => definePipeline({ id: 'unit-map', params, steps: steps as never });

describe('a map, when definitions load', () => {
  it('compiles a mapped step and a mapped sub-pipeline, ordered, with defaults', () => {
    const { spec } = compile(
      pipelineWith({
        list: { activity: list },
        each: { activity: each, after: ['list'], map: { over: { step: 'list', field: 'items' } } },
        perRegion: {
          map: { over: { param: 'regions' }, concurrency: 3, minSuccess: 0.5 },
          steps: { second: { activity: each, after: ['first'] }, first: { activity: each } },
        },
      }),
    );
    expect(spec.steps.find((s) => s.name === 'each')!.map).toEqual({ over: { step: 'list', field: 'items' }, concurrency: 10, minSuccess: 1, as: 'item' });
    const sub = spec.steps.find((s) => s.name === 'perRegion')!;
    expect(sub.activity).toBe('cairn-map');
    expect(sub.map!.steps!.map((s) => s.name)).toEqual(['first', 'second']);
    expect(sub.map!.result).toBe('second');
    // The sub-pipeline's steps are signed by their paths, as their workers check them.
    expect(Object.keys(signSpec('secret', spec, { principal: 'x', role: 'operator' })).sort()).toEqual(['each', 'list', 'perRegion', 'perRegion.first', 'perRegion.second']);
  });

  it.each([
    [{ each: { activity: each, map: { over: { step: 'list' } } } }, /step 'each': map.over names step 'list', which is not one of its upstream steps \(none\): add it to 'after'/],
    [{ each: { activity: each, map: { over: { param: 'region' } } } }, /map.over names param 'region', which the pipeline does not declare; params: regions/],
    [{ each: { activity: each, map: { over: { param: 'regions' }, concurrency: 0 } } }, /step 'each': map.concurrency: .*>=1/],
    [{ each: { activity: each, map: { over: { param: 'regions' }, minSuccess: 1.5 } } }, /step 'each': map.minSuccess: .*<=1/],
    [{ each: { activity: each, map: { over: { param: 'regions' } }, approval: true } }, /a mapped step cannot wait for approval/],
    [{ each: { activity: each, map: { over: {} } } }, /step 'each': map.over/],
    [{ each: { steps: { a: { activity: each } } } }, /'steps' declares a sub-pipeline, which runs once per item: give it a `map`/],
    [{ each: { activity: each, steps: { a: { activity: each } }, map: { over: { param: 'regions' } } } }, /has 'steps', not an activity/],
    [{ each: { steps: { a: { activity: each }, b: { activity: each } }, map: { over: { param: 'regions' } } } }, /sub-pipeline ends in 2 steps \(a, b\): name the one whose output is each item's result with 'result'/],
    [{ each: { steps: { a: { activity: each } }, result: 'z', map: { over: { param: 'regions' } } } }, /result names 'z', which is not one of its steps \(a\)/],
    [{ each: { steps: { a: { activity: each, after: ['b'] }, b: { activity: each, after: ['a'] } }, result: 'a', map: { over: { param: 'regions' } } } }, /step 'each': cycle: /],
    [{ each: { steps: { a: { activity: each, approval: true } }, map: { over: { param: 'regions' } } } }, /step 'each': step 'a': a step inside a mapped sub-pipeline cannot wait for approval/],
    [{ each: { steps: { a: { activity: each } }, map: { over: { param: 'regions' }, as: 'config' } } }, /as: 'config' merges each item into one step's config/],
  ])('refuses %j, naming why', (steps, message) => {
    expect(() => compile(pipelineWith(steps))).toThrow(message);
  });

  it('checks the activities of a sub-pipeline\'s steps like any step\'s', () => {
    const pipeline = pipelineWith({ each: { steps: { a: { activity: 'no-such-stage' } }, map: { over: { param: 'regions' } } } });
    expect(() => defineRegistry({ pipelines: [pipeline] })).toThrow(/step 'each.a' uses activity 'no-such-stage'/);
  });
});

describe('a map\'s items and batches', () => {
  it('takes a list from a value or a field, naming what it got otherwise', () => {
    expect(mapItemsOf([1, 2], undefined, "param 'x'")).toEqual([1, 2]);
    expect(mapItemsOf({ items: ['a'] }, 'items', "step 's'")).toEqual(['a']);
    expect(() => mapItemsOf({ items: 3 }, 'items', "step 's'")).toThrow(/map over step 's': expected a list, got a number/);
    expect(() => mapItemsOf({ rows: [] }, 'items', "step 's'")).toThrow(/has no field 'items'; fields: rows/);
    expect(() => mapItemsOf(null, undefined, "step 's'")).toThrow(/got nothing \(the upstream step was skipped/);
    expect(() => largestItemBytes(['x'.repeat(MAX_MAP_ITEM_BYTES)], "param 'x'")).toThrow(/item 0 is \d+ bytes of JSON, over 65536; map over references/);
  });

  it('shares the concurrency among parallel batches, never more than it in total', () => {
    for (const concurrency of [1, 2, 7, 10, 20, 33, 100, 1000]) {
      for (const batches of [1, 3, 50]) {
        const { lanes, share } = batchLanes(concurrency, batches);
        expect(lanes).toBeLessThanOrEqual(MAX_PARALLEL_BATCHES);
        // The workflow gives a batch min(free, share): the shares of running batches never sum past the concurrency.
        expect(share).toBeGreaterThanOrEqual(1);
        expect(Math.min(lanes * share, concurrency)).toBeLessThanOrEqual(concurrency);
      }
    }
  });

  it('sizes batches for the history, the payload and the tail', () => {
    // 10,000 one-step items: batches of at most 200 (about 1,600 events each), many more than the lanes.
    const size = batchSizeFor({ count: 10_000, largestItemBytes: 10, unitSteps: 1, concurrency: 100 });
    expect(size).toBeLessThanOrEqual(200);
    expect(Math.ceil(10_000 / size)).toBeGreaterThanOrEqual(MAX_PARALLEL_BATCHES);
    // Large items: a batch's items stay under 1 MiB.
    expect(batchSizeFor({ count: 10_000, largestItemBytes: 60_000, unitSteps: 1, concurrency: 100 }) * 60_000).toBeLessThanOrEqual(1024 * 1024);
    // A 30-step sub-pipeline per item: fewer items per batch.
    expect(batchSizeFor({ count: 10_000, largestItemBytes: 10, unitSteps: 30, concurrency: 100 }) * 30 * 8).toBeLessThanOrEqual(5_000);
    // A small map still gives each lane its share.
    expect(batchSizeFor({ count: 20, largestItemBytes: 10, unitSteps: 1, concurrency: 20 })).toBeGreaterThanOrEqual(2);
    expect(chunked([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("merges an item over the config with as: 'config', and refuses one that is not an object", () => {
    const run = { step: 'sweep' } as never;
    expect(configWithItem({ run, config: { depth: 3, rate: 0.1 }, item: { index: 0, value: { depth: 5 }, as: 'config' } })).toEqual({ depth: 5, rate: 0.1 });
    expect(configWithItem({ run, config: { depth: 3 }, item: { index: 0, value: 7 } })).toEqual({ depth: 3 });
    expect(() => configWithItem({ run, config: {}, item: { index: 4, value: 7, as: 'config' } })).toThrow(/step 'sweep': map item 4 is merged over the config \(as: 'config'\), so it must be an object; got 7/);
  });

  // Promised (README, "Dynamic map"): with as: 'config' each item, an object, is merged over the
  // step's config. A step whose required config fields come only from its items was refused when
  // the definitions loaded ("config.depth: expected number, received undefined"), so as: 'config'
  // worked only for fields the config already had.
  it("lets the items of an as: 'config' map supply required config fields, and checks each item over a param before the run starts", () => {
    const fit = defineStep({ name: 'unit-map-fit', config: z.strictObject({ depth: z.number().int().min(1), rate: z.number() }), run: ({ config }) => config });
    const grid = z.object({ grid: z.array(z.record(z.string(), z.unknown())).default([{ depth: 2 }, { depth: 4 }]) });
    const sweepOver = (config: JsonObject) => definePipeline({ id: 'unit-map-config', params: grid, steps: { fit: { activity: fit, config, map: { over: { param: 'grid' }, as: 'config' } } } });
    const fitSpec = compile(sweepOver({ rate: 0.1 })).spec.steps.find((s) => s.name === 'fit')!;
    expect(fitSpec.config).toEqual({ rate: 0.1 });
    expect(fitSpec.map?.as).toBe('config');
    // Every field may come from the items; what the config does say is still checked.
    expect(() => compile(sweepOver({}), { grid: [{ depth: 2, rate: 0.5 }] })).not.toThrow();
    expect(() => compile(sweepOver({ rate: 'fast' }))).toThrow(/step 'fit': config.rate: .*expected number/);
    expect(() => compile(sweepOver({ rate: 0.1, speed: 2 }))).toThrow(/step 'fit': config.*speed/);
    // Items from a param are known before the run starts: each is checked merged over the config.
    expect(() => compile(sweepOver({ rate: 0.1 }), { grid: [{ depth: 2 }, { depth: 0 }] })).toThrow(/step 'fit': map item 1 merged over the config: config.depth: .*>=1/);
    expect(() => compile(sweepOver({ rate: 0.1 }), { grid: [{ depth: 2 }, {}] })).toThrow(/step 'fit': map item 1 merged over the config: config.depth: .*expected number/);
    // An item from an upstream step is known only at run time: the worker checks it (configWithItem, then the schema).
    const upstream = definePipeline({
      id: 'unit-map-config-step',
      params: z.object({}),
      steps: { list: { activity: list }, fit: { activity: fit, after: ['list'], config: { rate: 0.1 }, map: { over: { step: 'list', field: 'items' }, as: 'config' } } },
    });
    expect(compile(upstream).spec.steps.find((s) => s.name === 'fit')!.config).toEqual({ rate: 0.1 });
  });
});
