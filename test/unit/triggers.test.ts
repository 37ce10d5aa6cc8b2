import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseTimeFlag } from '../../cli/timeFlags';
import { cron, definePipeline, defineRegistry, every, nextFireTimes, onEvent } from '../../lib/dsl';
import { downstreamOf } from '../../lib/dsl/graph';
import { runListQuery } from '../../lib/runs/listRuns';
import { desiredSchedules } from '../../lib/schedules/desiredSchedules';
import { registryError } from '../helpers/registryError';

const withTriggers = (triggers: Parameters<typeof definePipeline>[0]['triggers']) =>
  definePipeline({ id: 'nightly', params: z.object({ rows: z.number().default(1) }), steps: { a: { activity: 'noop' } }, triggers });
const loadError = (triggers: Parameters<typeof definePipeline>[0]['triggers']) => registryError([withTriggers(triggers)]);

describe('triggers in definitions', () => {
  it('rejects an invalid cron expression when definitions load, naming the pipeline and trigger', () => {
    expect(loadError([cron('0 25 * * *', { name: 'nightly' })])).toMatch(/^pipeline 'nightly': trigger 'nightly': cron: '0 25 \* \* \*': .*0-23/);
    expect(loadError([cron('*/5 * * * * *')])).toContain("trigger 'schedule-1': cron: '*/5 * * * * *' must have five fields");
    expect(loadError([cron('every day')])).toContain("trigger 'schedule-1': cron: 'every day' must have five fields");
  });

  it('rejects an unknown time zone, a short interval, bad options and bad trigger params', () => {
    expect(loadError([cron('0 3 * * *', { timezone: 'Mars/Olympus_Mons' })])).toContain("timezone: 'Mars/Olympus_Mons' is not an IANA time zone");
    expect(loadError([every('100ms')])).toContain("every: '100ms' is not a duration of at least 1s");
    expect(loadError([cron('0 3 * * *', { overlap: 'sometimes' as never })])).toMatch(/trigger 'schedule-1': overlap: /);
    expect(loadError([cron('0 3 * * *', { params: { rows: 'many' } })])).toMatch(/trigger 'schedule-1': invalid params: rows: /);
    expect(loadError([cron('0 3 * * *', { name: 'x' }), every('1h', { name: 'x' })])).toContain("two schedule triggers are named 'x'");
    expect(loadError([onEvent('New Data!')])).toContain("event name 'New Data!'");
  });

  it("computes the next fire times in the trigger's time zone, across a DST change", () => {
    const trigger = cron('0 3 * * *', { timezone: 'America/Los_Angeles' });
    const times = nextFireTimes(trigger, 3, new Date('2026-03-07T00:00:00Z')).map((d) => d.toISOString());
    // 03:00 PST is 11:00Z; after the switch on 8 March, 03:00 PDT is 10:00Z.
    expect(times).toEqual(['2026-03-07T11:00:00.000Z', '2026-03-08T10:00:00.000Z', '2026-03-09T10:00:00.000Z']);
    expect(nextFireTimes(every('6h'), 2, new Date('2026-01-01T07:30:00Z')).map((d) => d.toISOString())).toEqual([
      '2026-01-01T12:00:00.000Z',
      '2026-01-01T18:00:00.000Z',
    ]);
  });

  it('gives each schedule a stable id and a hash that changes with the trigger or the pipeline', () => {
    const registry = (expression: string) => defineRegistry({ pipelines: [withTriggers([cron(expression, { name: 'nightly', params: { rows: 5 } })])] });
    const [first] = desiredSchedules(registry('0 3 * * *'), 'q');
    expect(first).toMatchObject({ scheduleId: 'cairn:nightly:nightly', params: { rows: 5 } });
    expect(desiredSchedules(registry('0 3 * * *'), 'q')[0]?.hash).toBe(first?.hash);
    expect(desiredSchedules(registry('0 4 * * *'), 'q')[0]?.hash).not.toBe(first?.hash);
    expect(desiredSchedules(registry('0 3 * * *'), 'other-queue')[0]?.hash).not.toBe(first?.hash);
  });
});

describe('run operations helpers', () => {
  it('builds visibility queries from checked filters', () => {
    expect(runListQuery({ pipeline: 'quickstart', status: 'failed', since: new Date('2026-11-01T00:00:00Z') })).toBe(
      "WorkflowType = 'runPipeline' AND CairnPipeline = 'quickstart' AND ExecutionStatus IN ('Failed', 'Terminated', 'TimedOut') AND StartTime >= '2026-11-01T00:00:00.000Z'",
    );
    expect(() => runListQuery({ pipeline: "x' OR 1=1" })).toThrow(/bad pipeline id/);
  });

  it('reads --since as a duration back from now or as a time', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(parseTimeFlag('2h', '--since', { durationBack: true, now })).toBe('2026-11-26T10:00:00.000Z');
    expect(parseTimeFlag('2026-11-01', '--since', { durationBack: true, now })).toBe('2026-11-01T00:00:00.000Z');
    expect(() => parseTimeFlag('yesterday-ish', '--since', { durationBack: true, now })).toThrow(/expected a duration/);
    expect(() => parseTimeFlag('2h', '--from')).toThrow('--from 2h: expected a time such as 2026-11-01');
  });

  it('finds a step and everything downstream of it', () => {
    const nodes = [
      { name: 'a', after: [] },
      { name: 'b', after: ['a'] },
      { name: 'c', after: ['b'] },
      { name: 'side', after: ['a'] },
    ];
    expect([...downstreamOf(nodes, 'b')].sort()).toEqual(['b', 'c']);
    expect([...downstreamOf(nodes, 'a')].sort()).toEqual(['a', 'b', 'c', 'side']);
  });
});
