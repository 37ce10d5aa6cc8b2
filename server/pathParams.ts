import { z } from 'zod';

/** Path parameters, checked before any handler runs (400 naming the parameter). */
export const RunId = z.string().regex(/^[\w:.-]{1,255}$/, 'run ids are letters, digits and : . _ -');
export const StepName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/, 'step names are a letter, then letters, digits, _ and -');
export const PipelineId = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'pipeline ids are lower-case letters, digits and dashes');
export const ScheduleId = z.string().regex(/^cairn:[a-z][a-z0-9-]{0,62}:[a-z][a-z0-9-]{0,40}$/, 'schedule ids look like cairn:<pipeline>:<name>');
export const EventName = z.string().regex(/^[a-z][a-z0-9._-]{0,62}$/, 'event names are lower-case letters, digits, . _ -');
export const KeyId = z.string().regex(/^[0-9a-f]{16}$/, 'key ids are 16 hex digits');
