import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { z } from 'zod';
import { isScheduleTrigger, nextFireTimes, scheduleName } from '../../lib/dsl/triggers';
import { describeTrigger } from '../../lib/dsl/describeTriggers';
import { desiredSchedules } from '../../lib/schedules/desiredSchedules';
import { describeSchedules, managedScheduleIds, toScheduleView } from '../../lib/schedules/listSchedules';
import { syncSchedules } from '../../lib/schedules/syncSchedules';
import type { AppDeps } from '../deps';
import { HttpError } from '../httpErrors';
import { PipelineId, ScheduleId } from '../pathParams';
import { BackfillSchema, NextFireTimesSchema, ScheduleListSchema, ScheduleViewSchema, SyncResultSchema, TriggeredSchema } from '../responses/schedules';
import { defineRoute } from '../routeDef';

const ReasonBody = z.strictObject({ reason: z.string().max(200).optional() });
const BackfillBody = z
  .strictObject({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }) })
  .refine((b) => Date.parse(b.start) < Date.parse(b.end), { message: 'start must be before end', path: ['end'] })
  .refine((b) => Date.parse(b.end) - Date.parse(b.start) <= 366 * 86_400_000, { message: 'a backfill spans at most a year', path: ['end'] });
const ScheduleParams = z.object({ scheduleId: ScheduleId });

/** Schedules: the cron and interval triggers of definitions/, held as Temporal Schedules. */
export function scheduleRoutes(deps: AppDeps) {
  const existing = async (id: string) => {
    const handle = deps.client.schedule.getHandle(id);
    try {
      await handle.describe();
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) throw new HttpError(404, 'schedule_not_found', `no schedule '${id}': run \`cairn schedules sync\`?`);
      throw error;
    }
    return handle;
  };
  const pauseRoute = (action: 'pause' | 'unpause') =>
    defineRoute({
      method: 'POST',
      path: `/api/v1/schedules/:scheduleId/${action}`,
      access: 'operator',
      summary: action === 'pause' ? 'Pause a schedule, recording why' : 'Unpause a schedule, recording why',
      params: ScheduleParams,
      body: ReasonBody,
      response: ScheduleViewSchema,
      responses: { 200: 'the schedule', 404: 'no such schedule' },
      handler: async (c, { params: { scheduleId }, body: { reason } }) => {
        const handle = await existing(scheduleId);
        await handle[action](reason ?? `${action}d through the Cairn API`);
        return c.json(toScheduleView(await handle.describe()));
      },
    });

  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/schedules',
      access: 'viewer',
      summary: 'Schedules with their state, next and last runs, and triggers not synced yet',
      response: ScheduleListSchema,
      responses: { 200: 'the schedules' },
      handler: async (c) => {
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
              .map((d) => ({ scheduleId: d.scheduleId, pipeline: d.pipeline, trigger: describeTrigger(d.trigger), inDefinitions: true as const, synced: false as const })),
          ],
        });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/schedules/sync',
      access: 'operator',
      summary: 'Reconcile Temporal Schedules with definitions/ (idempotent)',
      response: SyncResultSchema,
      responses: { 200: 'what was created, updated, deleted and left unchanged' },
      handler: async (c) => c.json(await syncSchedules(deps.client, deps.registry, deps.taskQueue, deps.security?.specSecret)),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/schedules/next/:pipeline',
      access: 'viewer',
      summary: "Next fire times of a pipeline's schedule triggers, in each trigger's time zone",
      params: z.object({ pipeline: PipelineId }),
      query: z.strictObject({ count: z.coerce.number().int().min(1).max(100).default(5) }),
      response: NextFireTimesSchema,
      responses: { 200: 'the fire times', 404: 'no such pipeline' },
      handler: (c, { params, query: { count } }) => {
        const pipeline = deps.registry.pipelines.get(params.pipeline);
        if (!pipeline) throw new HttpError(404, 'pipeline_not_found', `no pipeline '${params.pipeline}'`);
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
      },
    }),
    pauseRoute('pause'),
    pauseRoute('unpause'),
    defineRoute({
      method: 'POST',
      path: '/api/v1/schedules/:scheduleId/trigger',
      access: 'operator',
      rateLimited: true,
      summary: 'Start a run of a schedule now',
      params: ScheduleParams,
      response: TriggeredSchema,
      status: 202,
      responses: { 202: 'triggered', 404: 'no such schedule' },
      handler: async (c, { params: { scheduleId } }) => {
        await (await existing(scheduleId)).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
        return c.json({ scheduleId, triggered: true }, 202);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/schedules/:scheduleId/backfill',
      access: 'operator',
      rateLimited: true,
      summary: 'One run per fire time in [start, end), each with that fire time as its logical date',
      params: ScheduleParams,
      body: BackfillBody,
      response: BackfillSchema,
      status: 202,
      responses: { 202: 'backfill requested', 404: 'no such schedule', 422: 'a bad range, named' },
      handler: async (c, { params: { scheduleId }, body: { start, end } }) => {
        const handle = await existing(scheduleId);
        // Temporal includes both ends; Cairn's range is half-open [start, end), like most time ranges.
        await handle.backfill({ start: new Date(start), end: new Date(Date.parse(end) - 1), overlap: ScheduleOverlapPolicy.ALLOW_ALL });
        return c.json({ scheduleId, start, end }, 202);
      },
    }),
  ] as const;
}
