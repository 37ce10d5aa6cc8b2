import type { Context, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { AppEnv } from './security/middleware';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** Who may call a route: `public` needs no key even when keys exist (health probes). */
export type Access = Role | 'public';
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
/** The status of a route's success answer. */
export type SuccessStatus = 200 | 201 | 202;

type AnySchema = z.ZodType;
type MaybeSchema = AnySchema | undefined;
type Output<S> = S extends z.ZodType ? z.output<S> : undefined;
type MaybePromise<T> = T | Promise<T>;

/**
 * What a handler returns: for a route with a JSON `response` schema, `c.json(...)` of a body the
 * schema accepts (Hono's TypedResponse carries the body's JSON type, so TypeScript checks it against
 * the schema); for a route that answers text (metrics), any Response.
 */
export type HandlerResult<R extends MaybeSchema> = R extends z.ZodType ? MaybePromise<Response & TypedResponse<z.input<R>, ContentfulStatusCode, 'json'>> : MaybePromise<Response>;

/**
 * One API route: its contract (path params, query, body and success response as zod schemas), who
 * may call it, its rate limit, and its handler. The app registers, authorizes and validates routes
 * from these; the OpenAPI document and the typed client's `AppType` are derived from the very same
 * definitions, so none of them can drift from what is served.
 */
export interface RouteDef<
  Path extends string = string,
  M extends Method = Method,
  P extends MaybeSchema = MaybeSchema,
  Q extends MaybeSchema = MaybeSchema,
  B extends MaybeSchema = MaybeSchema,
  R extends MaybeSchema = MaybeSchema,
  S extends SuccessStatus = SuccessStatus,
> {
  method: M;
  /** Hono path, e.g. /api/v1/runs/:runId */
  path: Path;
  access: Access;
  summary: string;
  /** Routes that start work share a per-key rate limit. */
  rateLimited?: boolean;
  /** False for routes that never call Temporal (they then run outside a Temporal deadline context). */
  callsTemporal?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /** The success answer's JSON body; left out only by routes that answer text (their `contentType`). */
  response?: R;
  /** The success status: 200 unless said. */
  status?: S;
  /** For a route that answers text rather than JSON. */
  contentType?: string;
  /** Status -> description, for the OpenAPI document (errors all share one body shape). */
  responses: Record<number, string>;
  // A method, not a property, so a route with specific schemas is still a RouteDef (parameters compare bivariantly).
  handler(c: Context<AppEnv>, input: { params: Output<P>; query: Output<Q>; body: Output<B> }): HandlerResult<R>;
}

/** Declares a route, keeping its literal path and schemas in its type (the typed client is built from them). */
export function defineRoute<
  const Path extends string,
  M extends Method,
  P extends MaybeSchema = undefined,
  Q extends MaybeSchema = undefined,
  B extends MaybeSchema = undefined,
  R extends MaybeSchema = undefined,
  S extends SuccessStatus = 200,
>(route: RouteDef<Path, M, P, Q, B, R, S>): RouteDef<Path, M, P, Q, B, R, S> {
  return route;
}
