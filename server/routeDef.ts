import type { Context } from 'hono';
import type { z } from 'zod';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
/** Who may call a route: `public` needs no key even when keys exist (health probes). */
export type Access = Role | 'public';

type AnySchema = z.ZodType;
type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * One API route: its contract (path params, query, body as zod schemas; responses), who may call
 * it, and its handler. The app registers, authorizes and validates routes from these, and the
 * OpenAPI document is generated from the very same definitions, so the two cannot drift apart.
 */
export interface RouteDef<P extends AnySchema | undefined = AnySchema | undefined, Q extends AnySchema | undefined = AnySchema | undefined, B extends AnySchema | undefined = AnySchema | undefined> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Hono path, e.g. /api/v1/runs/:runId */
  path: string;
  access: Access;
  summary: string;
  /** Routes that start work share a per-key rate limit. */
  rateLimited?: boolean;
  /** False for routes that never call Temporal (they then run outside a Temporal deadline context). */
  callsTemporal?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  /** Status -> description, for the OpenAPI document (errors all share one body shape). */
  responses: Record<number, string>;
  handler: (c: Context, input: { params: Output<P>; query: Output<Q>; body: Output<B> }) => Promise<Response> | Response;
}

export function defineRoute<P extends AnySchema | undefined = undefined, Q extends AnySchema | undefined = undefined, B extends AnySchema | undefined = undefined>(
  route: RouteDef<P, Q, B>,
): RouteDef {
  return route as unknown as RouteDef;
}
