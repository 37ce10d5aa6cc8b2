import { z } from 'zod';
import { STAGES } from './index';

type Schema = { description?: string; type?: string | string[]; properties?: Record<string, Schema>; required?: string[]; default?: unknown; enum?: unknown[]; anyOf?: Schema[]; items?: Schema };

function typeOf(schema: Schema): string {
  if (schema.description) return schema.description;
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(' \\| ');
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
  if (Array.isArray(schema.type)) return schema.type.join(' \\| ');
  return schema.type ?? 'any';
}

/** `name` (type, default or required) for every top-level field of a schema. */
function fields(schema: z.ZodType, io: 'input' | 'output'): string {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Schema;
  const required = new Set(json.required ?? []);
  const entries = Object.entries(json.properties ?? {});
  if (entries.length === 0) return io === 'input' ? 'any (ignored)' : 'none';
  return entries
    .map(([name, field]) => {
      const note = field.default !== undefined ? `, default ${JSON.stringify(field.default)}` : io === 'input' && required.has(name) ? ', required' : '';
      return `\`${name}\` (${typeOf(field)}${note})`;
    })
    .join(', ');
}

/**
 * The stage reference as README table lines, made from the contracts themselves (`npm run
 * stage-reference` prints it; a test checks the README holds every line).
 */
export function stageReferenceLines(): string[] {
  return [
    '| stage | config | output |',
    '|---|---|---|',
    ...Object.values(STAGES).map((stage) => `| \`${stage.name}\` | ${fields(stage.config, 'input')} | ${fields(stage.output, 'output')} |`),
  ];
}
