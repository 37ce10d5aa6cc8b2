import { z } from 'zod';

/** Path parameters, checked before any handler runs (400 naming the parameter). */
export const RunId = z.string().regex(/^[\w:.-]{1,255}$/, 'run ids are letters, digits and : . _ -');
export { StepNameSchema as StepName, PipelineIdSchema as PipelineId, ScheduleIdSchema as ScheduleId } from '../lib/ids';
export const EventName = z.string().regex(/^[a-z][a-z0-9._-]{0,62}$/, 'event names are lower-case letters, digits, . _ -');
export const KeyId = z.string().regex(/^[0-9a-f]{16}$/, 'key ids are 16 hex digits');
