import { z } from 'zod';

/**
 * Every identifier rule in one place: the DSL's load checks, the API's path and body schemas, the run
 * list's filter and the registry's names all use these (the SQL CHECK constraints in
 * lib/store/migrations state the model and alias rules once more, for the database).
 */
export const ID_PATTERNS = {
  /** Pipelines, models, step queues: lower-case letters, digits and dashes, a letter first, at most 63. */
  pipeline: /^[a-z][a-z0-9-]{0,62}$/,
  /** Step names within a pipeline: a letter, then letters, digits, _ and -. */
  step: /^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/,
  /** Activity (step function) names: a lower-case letter, then letters, digits and dashes. */
  activity: /^[a-z][a-zA-Z0-9-]{0,62}$/,
  /** Triggers of a run and aliases of a model: lower-case, at most 31. */
  short: /^[a-z][a-z0-9-]{0,30}$/,
  /** Schedule trigger names: lower-case, at most 41. */
  scheduleName: /^[a-z][a-z0-9-]{0,40}$/,
  /** Named SQL connections (CAIRN_SQL_CONNECTIONS, `sql:<name>` sources): lower-case letters, digits, - and _. */
  sqlConnection: /^[a-z][a-z0-9_-]{0,62}$/,
  /** Idempotency keys of runs and event ids: letters, digits, dot, dash, underscore. */
  key: /^[\w.-]{1,100}$/,
} as const;

const LOWER_KEBAB = 'lower-case letters, digits and dashes, a letter first';

export const PipelineIdSchema = z.string().regex(ID_PATTERNS.pipeline, `pipeline ids are ${LOWER_KEBAB}`);
export const StepNameSchema = z.string().regex(ID_PATTERNS.step, 'step names are a letter, then letters, digits, _ and -');
export const QueueNameSchema = z.string().regex(ID_PATTERNS.pipeline, `queue names are ${LOWER_KEBAB}`);
export const TriggerNameSchema = z.string().regex(ID_PATTERNS.short, `${LOWER_KEBAB} (at most 31)`);
export const ScheduleNameSchema = z.string().regex(ID_PATTERNS.scheduleName, `${LOWER_KEBAB} (at most 41)`);
export const RunKeySchema = z.string().regex(ID_PATTERNS.key, 'letters, digits, dot, dash, underscore (1-100)');
/** A Temporal Schedule that Cairn manages: `cairn:<pipeline>:<schedule name>`. */
export const ScheduleIdSchema = z
  .string()
  .regex(new RegExp(`^cairn:${ID_PATTERNS.pipeline.source.slice(1, -1)}:${ID_PATTERNS.scheduleName.source.slice(1, -1)}$`), 'schedule ids look like cairn:<pipeline>:<name>');
