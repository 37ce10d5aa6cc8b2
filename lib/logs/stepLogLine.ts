import { z } from 'zod';

export const STEP_LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** One line a step logged, as stored and served. */
export const StepLogLineSchema = z.object({
  id: z.number().int(),
  step: z.string(),
  attempt: z.number().int(),
  at: z.string(),
  level: z.enum(STEP_LOG_LEVELS),
  message: z.string(),
  // Any JSON object the step passed with the line (z.unknown, as the API's other free-form JSON).
  fields: z.record(z.string(), z.unknown()).nullable(),
});
export type StepLogLine = z.infer<typeof StepLogLineSchema>;

/** A line before it is stored (no id yet). */
export type PendingStepLogLine = Omit<StepLogLine, 'id' | 'step'>;

/** A message longer than this is cut (a step that logs a whole dataset must not fill the store). */
export const MAX_LOG_MESSAGE_CHARS = 8_192;
/** Structured fields larger than this (as JSON) are replaced by a note saying so. */
export const MAX_LOG_FIELDS_CHARS = 8_192;

/** Lines kept per step when CAIRN_STEP_LOG_MAX_LINES does not say (its default in lib/config.ts). */
export const DEFAULT_STEP_LOG_MAX_LINES = 10_000;
