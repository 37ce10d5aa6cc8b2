import { z } from 'zod';
import { LIST_INDEX } from '../runContract/stepCondition';
import type { JsonValue } from './spec';

/**
 * What a `when` reads, checked against the schema of what it reads (an upstream step's declared
 * output, or a param): a typo ('candidateIsBeter'), a name where a list needs an item's index, or a
 * value the field never holds (`equals: 'yes'` on a boolean, `'prod'` where the param is one of
 * 'dev' and 'production') would skip the step on every run, or run it on every run with
 * `notEquals`; each is refused when definitions load. Only what the schema rules out is refused: a
 * record, `unknown`, a transform or a loose object may hold any field and any value.
 */
export function conditionProblem(read: ConditionRead, path: string | undefined, compared: { key: 'equals' | 'notEquals'; value: JsonValue }): string | undefined {
  const reached = schemaAt(read, path);
  if (typeof reached === 'string') return reached;
  if (!reached) return undefined;
  const checked = reached.safeParse(compared.value);
  if (checked.success) return undefined;
  const issue = checked.error.issues[0]?.message ?? 'its schema refuses it';
  return `when.${compared.key} is ${JSON.stringify(compared.value)}, which ${read.subject}${path === undefined ? '' : ` at '${path}'`} never holds (${issue})`;
}

/** What a condition reads: `step 'score'` with its declared output, or `param 'env'` with the param's schema. */
export interface ConditionRead {
  subject: string;
  schema: z.ZodType;
  /** What the subject's value is called where the path has not gone into it yet: 'its output', or nothing for a param. */
  whole?: string;
}

/** The schema of the value at a dotted path, a problem naming why the path leads nowhere, or undefined where any value may be there. */
function schemaAt(read: ConditionRead, path: string | undefined): z.ZodType | string | undefined {
  let current: z.ZodType = read.schema;
  const walked: string[] = [];
  for (const key of path === undefined ? [] : path.split('.')) {
    current = unwrapped(current);
    const at = walked.length > 0 ? ` at '${walked.join('.')}'` : '';
    if (current instanceof z.ZodArray) {
      if (!LIST_INDEX.test(key)) return `${read.subject} gives a list${at}, which has no field '${key}': name an item by its index ('${[...walked, '0'].join('.')}')`;
      walked.push(key);
      current = current.element as z.ZodType;
      continue;
    }
    if (!(current instanceof z.ZodObject)) return undefined;
    const shape = current.shape as Record<string, z.ZodType>;
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (field === undefined) {
      const catchall = current.def.catchall;
      if (catchall !== undefined && !(catchall instanceof z.ZodNever)) return undefined;
      const container = walked.length > 0 ? ` in '${walked.join('.')}'` : read.whole ? ` in ${read.whole}` : '';
      return `${read.subject} has no field '${key}'${container} (fields: ${Object.keys(current.shape).join(', ') || 'none'})`;
    }
    walked.push(key);
    current = field;
  }
  // A transform's stored value is its output, which its input schema does not describe.
  return unwrapped(current) instanceof z.ZodPipe ? undefined : current;
}

/** The schema under optional, nullable and default wrappers. */
function unwrapped(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
  return current;
}
