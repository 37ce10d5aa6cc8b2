import fc from 'fast-check';

/** The subset of JSON Schema that the served OpenAPI document uses (zod's toJSONSchema output). */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
}

/** Integers every handler must survive: the schema's own bounds and one past them, and the edges of int4 and of doubles. */
function boundaryIntegers(schema: JsonSchema): number[] {
  const edges = [0, -1, 1, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, 9_007_199_254_740_990, -(2 ** 53)];
  for (const bound of [schema.minimum, schema.maximum]) if (bound !== undefined) edges.push(bound, bound - 1, bound + 1);
  return edges;
}

const anyJson = fc.jsonValue({ maxDepth: 2 });

/**
 * Values for a schema: mostly ones it accepts (so requests get past validation into the handlers),
 * often the boundary cases of its numbers and lengths, sometimes a value of the wrong kind.
 */
export function arbitraryFor(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return anyJson;
  const wrong = fc.oneof(fc.constant(null), fc.boolean(), fc.string({ maxLength: 8 }), fc.double(), fc.constant([]), fc.constant({}));
  const withWrong = (valid: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: valid, weight: 8 }, { arbitrary: wrong, weight: 1 });
  if (schema.anyOf ?? schema.oneOf) return fc.oneof(...(schema.anyOf ?? schema.oneOf ?? []).map((s) => arbitraryFor(s, depth + 1)));
  if (schema.const !== undefined) return withWrong(fc.constant(schema.const));
  if (schema.enum) return withWrong(fc.constantFrom(...schema.enum));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'integer': {
      const min = schema.minimum ?? -1_000_000;
      const max = schema.maximum ?? 1_000_000;
      return withWrong(fc.oneof(fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }), fc.constantFrom(...boundaryIntegers(schema)), fc.constant(1.5)));
    }
    case 'number':
      return withWrong(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9 }), fc.constantFrom(...boundaryIntegers(schema), 1e308, -1e308)));
    case 'boolean':
      return withWrong(fc.boolean());
    case 'null':
      return fc.constant(null);
    case 'string': {
      const lengths = fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 300) });
      const valid = schema.pattern ? fc.stringMatching(new RegExp(schema.pattern)) : lengths;
      const edges = fc.constantFrom('', 'x'.repeat((schema.maxLength ?? 255) + 1), '../../etc/passwd', "' OR 1=1 --", '\u0000', '%ZZ');
      return withWrong(fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: edges, weight: 1 }));
    }
    case 'array':
      return withWrong(fc.array(arbitraryFor(schema.items, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) }));
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, arbitraryFor(s, depth + 1)])),
        { requiredKeys: Object.keys(properties).filter((name) => required.has(name)) },
      );
      const open = schema.additionalProperties !== false && Object.keys(properties).length === 0;
      const base = open ? fc.dictionary(fc.string({ maxLength: 12 }), anyJson, { maxKeys: 5 }) : record;
      // Now and then a required field missing, or one the schema does not know.
      const mangled = base.chain((value) =>
        fc.constantFrom('keep', 'drop', 'extra').map((how) => {
          const copy = { ...(value as Record<string, unknown>) };
          if (how === 'drop') delete copy[[...required][0] ?? ''];
          if (how === 'extra') copy.unexpected = 1;
          return copy;
        }),
      );
      return withWrong(fc.oneof({ arbitrary: base, weight: 3 }, { arbitrary: mangled, weight: 1 }));
    }
    default:
      return anyJson;
  }
}
