import type { Hono } from 'hono';
import type { z } from 'zod';
import type { ApiRoute } from './app';
import type { RouteDef } from './routeDef';
import type { AppEnv } from './security/middleware';

/** Hono's empty input (an object type with no keys: the client's argument is then optional). */
type Blank = Record<never, never>;
type Input<P, Q, B> = (P extends z.ZodType ? { param: z.input<P> } : Blank) &
  (Q extends z.ZodType ? { query: z.input<Q> } : Blank) &
  (B extends z.ZodType ? { json: z.input<B> } : Blank);

/** One route as an entry of Hono's schema: `{ '/path': { $get: { input, output, outputFormat, status } } }`. */
type RouteSchema<R> =
  R extends RouteDef<infer Path, infer M, infer P, infer Q, infer B, infer Res, infer S>
    ? {
        [K in Path]: {
          [X in `$${Lowercase<M>}`]: {
            input: Input<P, Q, B>;
            output: Res extends z.ZodType ? z.output<Res> : string;
            outputFormat: Res extends z.ZodType ? 'json' : 'text';
            status: S;
          };
        };
      }
    : never;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/**
 * The API's type, derived from the route definitions: `hc<AppType>(url)` (hono/client) is a client
 * whose paths, inputs and answers TypeScript knows. Import it with `import type`: it costs nothing at run time.
 */
export type AppType = Hono<AppEnv, UnionToIntersection<RouteSchema<ApiRoute>>, '/'>;
