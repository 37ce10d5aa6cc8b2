import { z } from 'zod';
import type { RouteDef } from './routeDef';

const ErrorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
};

/** The document's outline, as the route that serves it declares its answer. */
export const OpenApiDocumentSchema = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  servers: z.array(z.looseObject({ url: z.string() })),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});

/** A schema as JSON Schema: requests as a client writes them ('input'), answers as the server sends them ('output'). */
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input') => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

/** Parameters from a zod object schema (path or query). */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

/** A stable operationId from the method and path: GET /api/v1/runs/:runId -> getRunsByRunId. */
export function operationIdOf(route: Pick<RouteDef, 'method' | 'path'>): string {
  const words = route.path
    .replace(/^\/api\/v1\//, '/')
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.startsWith(':') ? `By-${segment.slice(1)}` : segment))
    .flatMap((segment) => segment.split(/[^a-zA-Z0-9]+/))
    .filter(Boolean);
  return [route.method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

/** The resource a route belongs to, as its OpenAPI tag: the first segment after /api/v1 (health for the probes). */
function tagOf(path: string): string {
  const match = /^\/api\/v1\/([a-z.-]+)/.exec(path);
  if (!match) return path === '/metrics' ? 'metrics' : 'health';
  return match[1] === 'openapi.json' ? 'meta' : (match[1] as string);
}

/** What a route answers with a status: the error shape, its declared JSON body, or its text. */
function contentOf(route: RouteDef, status: number) {
  if (status >= 400) return { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
  if (route.response) return { 'application/json': { schema: jsonSchema(route.response, 'output') } };
  return { [route.contentType ?? 'text/plain']: { schema: { type: 'string' } } };
}

/** The OpenAPI 3.1 document, generated from the route definitions the app itself serves. */
export function openApiDocument(routes: RouteDef[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId: operationIdOf(route),
      tags: [tagOf(route.path)],
      summary: route.summary,
      ...(route.access === 'public' ? { security: [] } : { 'x-cairn-role': route.access }),
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } } : {}),
      responses: Object.fromEntries(
        Object.entries({
          ...route.responses,
          ...(route.access === 'public' ? {} : { 401: 'no or unknown API key (once keys exist)', 403: 'the key lacks the role' }),
          ...(route.rateLimited ? { 429: 'rate limit reached; see Retry-After' } : {}),
        }).map(([status, description]) => [status, { description, content: contentOf(route, Number(status)) }]),
      ),
    };
  }
  return {
    openapi: '3.1.0' as const,
    info: { title: 'Cairn API', version, description: 'Durable ML pipelines on Temporal. Errors always have the Error shape.' },
    // Relative: the document is served by the API it describes, wherever that is deployed.
    servers: [{ url: '/', description: 'the Cairn API that serves this document' }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <key> (or X-API-Key)' } },
      schemas: { Error: ErrorBody },
    },
    paths,
  };
}
