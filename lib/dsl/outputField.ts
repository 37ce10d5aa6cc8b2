import { z } from 'zod';
import { LIST_INDEX } from '../runContract/stepCondition';

/**
 * Whether an output schema can hold a value at a dotted path, for a `when` that names a field: a
 * typo ('candidateIsBeter'), or a name where a list needs an item's index, is refused when
 * definitions load instead of skipping the step on every run. Only what the schema rules out is refused: a record, `unknown`, a transform or a loose object
 * may hold any field.
 */
export function missingOutputField(schema: z.ZodType, path: string): string | undefined {
  let current: z.ZodType = schema;
  const walked: string[] = [];
  for (const key of path.split('.')) {
    current = unwrapped(current);
    if (current instanceof z.ZodArray) {
      const at = walked.length > 0 ? `'${walked.join('.')}'` : 'its output';
      if (!LIST_INDEX.test(key)) return `gives a list at ${at}, which has no field '${key}': name an item by its index ('${[...walked, '0'].join('.')}')`;
      walked.push(key);
      current = current.element as z.ZodType;
      continue;
    }
    if (!(current instanceof z.ZodObject)) return undefined;
    const field = (current.shape as Record<string, z.ZodType>)[key];
    if (field === undefined) {
      const catchall = current.def.catchall;
      if (catchall !== undefined && !(catchall instanceof z.ZodNever)) return undefined;
      const at = walked.length > 0 ? `'${walked.join('.')}'` : 'its output';
      return `has no field '${key}' in ${at} (fields: ${Object.keys(current.shape).join(', ') || 'none'})`;
    }
    walked.push(key);
    current = field;
  }
  return undefined;
}

/** The schema under optional, nullable and default wrappers. */
function unwrapped(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
  return current;
}
