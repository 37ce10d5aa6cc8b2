import { ScheduleNameSchema } from '../ids';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { DriftThresholdsSchema, type DriftThresholdsInput } from '../drift/driftReport';
import { AliasNameSchema, ModelNameSchema } from '../registry/names';
import { parseDuration, type Duration } from './duration';
import type { JsonObject } from './spec';
import { durationSchema } from './stepOptions';
import { feedbackSourceProblem, feedbackSourceText, parseFeedbackSource } from '../data/feedbackSource';

/** What a scheduled run does when the previous one is still going (Temporal's overlap policies). */
export const OVERLAP_POLICIES = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

const ScheduleOptionsSchema = z.strictObject({
  /** Stable name within the pipeline: the Temporal schedule id is `cairn:<pipeline>:<name>`. */
  name: ScheduleNameSchema.optional(),
  params: z.record(z.string(), z.json()).optional(),
  overlap: z.enum(OVERLAP_POLICIES).optional(),
  /** How late a missed fire time may still run (after downtime); older ones are skipped. */
  catchupWindow: durationSchema.optional(),
  note: z.string().max(200).optional(),
});
export type ScheduleOptions = z.input<typeof ScheduleOptionsSchema>;

export interface CronTrigger extends ScheduleOptions {
  kind: 'cron';
  expression: string;
  timezone: string;
}
export interface IntervalTrigger extends ScheduleOptions {
  kind: 'interval';
  every: Duration;
}
/**
 * Watches a served model for drift every `every`; past the thresholds, starts this pipeline
 * (trigger=drift) with `params`, at most once per `cooldown` for the model.
 */
export interface DriftTrigger extends ScheduleOptions {
  kind: 'drift';
  model: string;
  alias: string;
  every: Duration;
  /** How far back logged predictions count (never before the alias's last move). */
  window: Duration;
  /** Fewer logged predictions than this in the window: no verdict. */
  minRows: number;
  maxRows: number;
  cooldown: Duration;
  thresholds: DriftThresholdsInput;
  /**
   * 'production-feedback' (the default when the pipeline takes a `dataset` param the trigger does not
   * set; 'params' keeps the params as given): the retrain learns from what the model served, labelled by feedback: its
   * `feedback.param` param (default `dataset`) becomes `feedback:<model>?...` (the window defaults to
   * the trigger's), and drift with fewer labelled predictions than `feedback.minLabelled` in that
   * window starts no retrain: the drift report says so instead.
   */
  retrainOn?: 'production-feedback' | 'params';
  feedback?: RetrainFeedback;
}
/** How a production-feedback retrain assembles its data (see lib/data/feedbackSource.ts). */
export interface RetrainFeedback {
  param?: string;
  window?: Duration;
  training?: 'include' | 'exclude';
  maxRows?: number;
  minLabelled?: number;
}
export type DriftOptions = ScheduleOptions & Partial<Omit<DriftTrigger, 'kind' | 'model' | keyof ScheduleOptions>>;

export interface EventTrigger {
  kind: 'event';
  event: string;
  /** Turns the event's payload into params (validated by the pipeline's schema); default: no params. */
  params?: (payload: unknown) => JsonObject;
}
/** Every trigger Cairn keeps as a Temporal Schedule (a drift trigger's schedule runs the watcher). */
export type ScheduleTrigger = CronTrigger | IntervalTrigger | DriftTrigger;
export type Trigger = ScheduleTrigger | EventTrigger;

/** Runs on a cron expression (five fields: minute hour day-of-month month day-of-week) in a time zone. */
export function cron(expression: string, options: ScheduleOptions & { timezone?: string } = {}): CronTrigger {
  return { ...options, kind: 'cron', expression, timezone: options.timezone ?? 'UTC' };
}

/** Runs every `interval`, e.g. every('6h'). */
export function every(interval: Duration, options: ScheduleOptions = {}): IntervalTrigger {
  return { ...options, kind: 'interval', every: interval };
}

/** Runs once per delivered event id of `event` (POST /api/v1/events/:event). */
export function onEvent(event: string, options: { params?: (payload: unknown) => JsonObject } = {}): EventTrigger {
  return { kind: 'event', event, ...(options.params ? { params: options.params } : {}) };
}

/** Watches `model` (its `production` alias unless told) for drift and retrains with this pipeline when it drifts. */
export function onDrift(model: string, options: DriftOptions = {}): DriftTrigger {
  const trigger: DriftTrigger = {
    alias: 'production',
    every: '1h',
    window: '7d',
    minRows: 100,
    maxRows: 100_000,
    cooldown: '1d',
    thresholds: {},
    name: `drift-${model}`.slice(0, 41),
    ...options,
    kind: 'drift',
    model,
  };
  if (trigger.retrainOn !== 'production-feedback' || trigger.params?.[feedbackParam(trigger)] !== undefined) return trigger;
  return retrainingOnFeedback(trigger);
}

/** The trigger with its retrain's feedback param set to the model's feedback source. */
function retrainingOnFeedback(trigger: DriftTrigger): DriftTrigger {
  return { ...trigger, retrainOn: 'production-feedback', params: { ...trigger.params, [feedbackParam(trigger)]: retrainSource(trigger) } };
}

const feedbackParam = (trigger: DriftTrigger) => trigger.feedback?.param ?? 'dataset';

/**
 * The default for a drift trigger that says nothing of its retrain's data: when its pipeline takes
 * the feedback param (`dataset`) and the trigger does not set it, the retrain learns from production
 * feedback; otherwise it would read the param's default, the data the model already learned from.
 * `retrainOn: 'params'` keeps the params as given.
 */
export function withRetrainDefault(trigger: Trigger, paramNames: readonly string[]): Trigger {
  if (trigger.kind !== 'drift' || trigger.retrainOn !== undefined) return trigger;
  const param = feedbackParam(trigger);
  if (!paramNames.includes(param) || trigger.params?.[param] !== undefined) return trigger;
  return retrainingOnFeedback(trigger);
}

/** The feedback source a production-feedback retrain reads. */
function retrainSource(trigger: DriftTrigger): string {
  const { window = trigger.window, training, maxRows, minLabelled } = trigger.feedback ?? {};
  return feedbackSourceText(trigger.model, { alias: trigger.alias, window: typeof window === 'number' ? `${window}ms` : window, training, maxRows, minLabelled });
}

function retrainFeedbackProblem(trigger: DriftTrigger): string | undefined {
  const problem = feedbackSourceProblem(retrainSource(trigger));
  if (problem) return `feedback: ${problem}`;
  const param = feedbackParam(trigger);
  const given = trigger.params?.[param];
  if (given === undefined) return `params.${param}: not set; build the trigger with onDrift(), which sets it to ${retrainSource(trigger)}`;
  return given === retrainSource(trigger) ? undefined : `params.${param}: a production-feedback retrain sets it (to ${retrainSource(trigger)}); drop it from params or set feedback.param to another param`;
}

/** What the watcher checks before a production-feedback retrain: enough labelled predictions in the window. */
export function feedbackNeeds(trigger: DriftTrigger): { windowMs: number; minLabelled: number } {
  const { windowMs, minLabelled } = parseFeedbackSource(retrainSource(trigger));
  return { windowMs, minLabelled };
}

export function isScheduleTrigger(trigger: Trigger): trigger is ScheduleTrigger {
  return trigger.kind === 'cron' || trigger.kind === 'interval' || trigger.kind === 'drift';
}

const atLeastOneSecond = z.custom<Duration>((v) => (parseDuration(v) ?? 0) >= 1000, { message: "expected a duration of at least 1s, such as '30m' or '1d'" });
const DriftFieldsSchema = z.strictObject({
  model: ModelNameSchema,
  alias: AliasNameSchema,
  every: atLeastOneSecond,
  window: atLeastOneSecond,
  minRows: z.number().int().min(1),
  maxRows: z.number().int().min(1).max(1_000_000),
  cooldown: atLeastOneSecond,
  thresholds: DriftThresholdsSchema,
  retrainOn: z.enum(['production-feedback', 'params']).optional(),
  feedback: z
    .strictObject({
      param: z.string().min(1).optional(),
      window: atLeastOneSecond.optional(),
      training: z.enum(['include', 'exclude']).optional(),
      maxRows: z.number().int().min(1).optional(),
      minLabelled: z.number().int().min(1).optional(),
    })
    .optional(),
});
const DRIFT_FIELDS = Object.keys(DriftFieldsSchema.shape);

/** Default names: schedule-1, schedule-2... in declaration order among a pipeline's schedule triggers. */
export function scheduleName(trigger: ScheduleTrigger, index: number): string {
  return trigger.name ?? `schedule-${index + 1}`;
}

export function isValidTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks one trigger; returns the problem in words, or undefined. Cron expressions are parsed
 * with cron-parser and limited to five fields, the form Temporal Schedules read the same way.
 */
export function triggerProblem(trigger: Trigger): string | undefined {
  if (trigger.kind === 'event') {
    return /^[a-z][a-z0-9._-]{0,62}$/.test(trigger.event) ? undefined : `event name '${trigger.event}' must be lower-case letters, digits, '.', '_' or '-'`;
  }
  const own = trigger.kind === 'drift' ? DRIFT_FIELDS : ['expression', 'timezone', 'every'];
  const options = Object.fromEntries(Object.entries(trigger).filter(([key]) => key !== 'kind' && !own.includes(key)));
  const parsed = ScheduleOptionsSchema.safeParse(options);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  if (trigger.kind === 'drift') {
    const drift = DriftFieldsSchema.safeParse(Object.fromEntries(Object.entries(trigger).filter(([key]) => DRIFT_FIELDS.includes(key))));
    if (!drift.success) return drift.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    if (trigger.minRows > trigger.maxRows) return `minRows ${trigger.minRows} is more than maxRows ${trigger.maxRows}`;
    return trigger.retrainOn === 'production-feedback' ? retrainFeedbackProblem(trigger) : undefined;
  }
  if (trigger.kind === 'interval') {
    const ms = parseDuration(trigger.every);
    return ms !== undefined && ms >= 1000 ? undefined : `every: '${String(trigger.every)}' is not a duration of at least 1s`;
  }
  if (!isValidTimeZone(trigger.timezone)) return `timezone: '${trigger.timezone}' is not an IANA time zone (e.g. 'America/Los_Angeles')`;
  if (trigger.expression.trim().split(/\s+/).length !== 5) {
    return `cron: '${trigger.expression}' must have five fields (minute hour day-of-month month day-of-week)`;
  }
  try {
    CronExpressionParser.parse(trigger.expression, { tz: trigger.timezone });
  } catch (error) {
    return `cron: '${trigger.expression}': ${(error as Error).message}`;
  }
  return undefined;
}

/** The next `count` fire times after `from`, as Temporal will compute them. */
export function nextFireTimes(trigger: ScheduleTrigger, count: number, from = new Date()): Date[] {
  if (trigger.kind === 'cron') {
    const expression = CronExpressionParser.parse(trigger.expression, { tz: trigger.timezone, currentDate: from });
    return Array.from({ length: count }, () => expression.next().toDate());
  }
  // Temporal aligns intervals (a drift watcher's too) to the Unix epoch (plus offset, which Cairn does not set).
  const ms = parseDuration(trigger.every) as number;
  const first = Math.floor(from.getTime() / ms) * ms + ms;
  return Array.from({ length: count }, (_, i) => new Date(first + i * ms));
}
