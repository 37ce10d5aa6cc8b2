import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { isScheduleTrigger, nextFireTimes, scheduleName, type ScheduleTrigger } from '../../lib/dsl/triggers';
import { desiredSchedules } from '../../lib/schedules/desiredSchedules';
import { describeSchedules, managedScheduleIds, toScheduleView } from '../../lib/schedules/listSchedules';
import { syncSchedules } from '../../lib/schedules/syncSchedules';
import type { AppDeps } from '../deps';
import { HttpError } from '../httpErrors';
import { jsonBody } from '../validate';

const ReasonBody = z.strictObject({ reason: z.string().max(200).optional() });
const BackfillBody = z
  .strictObject({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }) })
  .refine((b) => Date.parse(b.start) < Date.parse(b.end), { message: 'start must be before end', path: ['end'] })
  .refine((b) => Date.parse(b.end) - Date.parse(b.start) <= 366 * 86_400_000, { message: 'a backfill spans at most a year', path: ['end'] });
const SCHEDULE_ID = /^cairn:[a-z][a-z0-9-]{0,62}:[a-z][a-z0-9-]{0,40}$/;

export function describeTrigger(trigger: ScheduleTrigger): string {
  return trigger.kind === 'cron' ? `cron '${trigger.expression}' (${trigger.timezone})` : `every ${String(trigger.every)}`;
}

/** Schedules: the cron and interval triggers of definitions/, held as Temporal Schedules. */
export function scheduleRoutes(deps: AppDeps) {
  const handleFor = async (c: Context) => {
    const id = c.req.param('scheduleId') ?? '';
    if (!SCHEDULE_ID.test(id)) throw new HttpError(400, 'invalid_schedule_id', 'schedule ids look like cairn:<pipeline>:<name>');
    const handle = deps.client.schedule.getHandle(id);
    try {
      await handle.describe();
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) throw new HttpError(404, 'schedule_not_found', `no schedule '${id}': run \`cairn schedules sync\`?`);
      throw error;
    }
    return handle;
  };

  return new Hono()
    .get('/', async (c) => {
      const desired = desiredSchedules(deps.registry, deps.taskQueue);
      const ids = [...desired.map((d) => d.scheduleId), ...(await managedScheduleIds(deps.client, deps.taskQueue))];
      const views = await describeSchedules(deps.client, ids);
      const synced = new Set(views.map((v) => v.scheduleId));
      return c.json({
        schedules: [
          ...views.map((view) => {
            const wanted = desired.find((d) => d.scheduleId === view.scheduleId);
            return { ...view, trigger: wanted ? describeTrigger(wanted.trigger) : null, inDefinitions: Boolean(wanted) };
          }),
          // Declared but not synced yet: shown so nobody wonders why it does not run.
          ...desired
            .filter((d) => !synced.has(d.scheduleId))
            .map((d) => ({ scheduleId: d.scheduleId, pipeline: d.pipeline, trigger: describeTrigger(d.trigger), inDefinitions: true, synced: false })),
        ],
      });
    })
    .post('/sync', async (c) => c.json(await syncSchedules(deps.client, deps.registry, deps.taskQueue)))
    .get('/next/:pipeline', (c) => {
      const pipeline = deps.registry.pipelines.get(c.req.param('pipeline'));
      if (!pipeline) throw new HttpError(404, 'pipeline_not_found', `no pipeline '${c.req.param('pipeline')}'`);
      const count = z.coerce.number().int().min(1).max(100).catch(5).parse(c.req.query('count') ?? 5);
      const triggers = pipeline.triggers.filter(isScheduleTrigger).map((trigger, index) => {
        const timezone = trigger.kind === 'cron' ? trigger.timezone : 'UTC';
        const format = new Intl.DateTimeFormat('sv-SE', { timeZone: timezone, dateStyle: 'short', timeStyle: 'short' });
        return {
          name: scheduleName(trigger, index),
          trigger: describeTrigger(trigger),
          timezone,
          next: nextFireTimes(trigger, count).map((at) => ({ at: at.toISOString(), local: format.format(at) })),
        };
      });
      return c.json({ pipeline: pipeline.id, triggers });
    })
    .post('/:scheduleId/pause', async (c) => {
      const handle = await handleFor(c);
      const { reason } = await jsonBody(c, ReasonBody);
      await handle.pause(reason ?? 'paused through the Cairn API');
      return c.json(toScheduleView(await handle.describe()));
    })
    .post('/:scheduleId/unpause', async (c) => {
      const handle = await handleFor(c);
      const { reason } = await jsonBody(c, ReasonBody);
      await handle.unpause(reason ?? 'unpaused through the Cairn API');
      return c.json(toScheduleView(await handle.describe()));
    })
    .post('/:scheduleId/trigger', async (c) => {
      const handle = await handleFor(c);
      await handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
      return c.json({ scheduleId: handle.scheduleId, triggered: true }, 202);
    })
    .post('/:scheduleId/backfill', async (c) => {
      const handle = await handleFor(c);
      const { start, end } = await jsonBody(c, BackfillBody);
      // Temporal includes both ends; Cairn's range is half-open [start, end), like most time ranges.
      await handle.backfill({ start: new Date(start), end: new Date(Date.parse(end) - 1), overlap: ScheduleOverlapPolicy.ALLOW_ALL });
      return c.json({ scheduleId: handle.scheduleId, start, end }, 202);
    });
}
