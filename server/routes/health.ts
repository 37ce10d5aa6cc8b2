import type { AppDeps } from '../deps';
import { withTimeout } from '../../lib/faults/withTimeout';
import { RETRY_AFTER_SECONDS } from '../httpErrors';
import { ReadinessSchema, UpSchema } from '../responses/health';
import { defineRoute } from '../routeDef';

/** Each readiness check's deadline: /readyz answers within 2 s even when a dependency hangs. */
const READY_CHECK_MS = 1_500;

/** /healthz: the process is up. /readyz: Temporal (and the store, when configured) answer. */
export function healthRoutes(deps: AppDeps) {
  return [
    defineRoute({
      method: 'GET',
      path: '/healthz',
      access: 'public',
      summary: 'The process is up',
      response: UpSchema,
      responses: { 200: 'up' },
      handler: (c) => c.json({ status: 'ok' }),
    }),
    defineRoute({
      method: 'GET',
      path: '/readyz',
      access: 'public',
      summary: 'Temporal and the metadata store answer',
      response: ReadinessSchema,
      responses: { 200: 'ready', 503: 'a dependency does not answer' },
      handler: async (c) => {
        // Both checks at once, each with its own deadline, so the answer comes within 2 s whatever hangs.
        const check = (work: () => Promise<unknown>, what: string) =>
          withTimeout(work(), READY_CHECK_MS, what).then(
            () => 'ok',
            (error: unknown) => `unreachable: ${(error as Error).message}`,
          );
        const [temporal, store] = await Promise.all([
          check(() => deps.client.connection.withDeadline(Date.now() + READY_CHECK_MS, () => deps.client.workflowService.getSystemInfo({})), 'Temporal'),
          deps.store ? check(() => deps.store!.check(), 'the metadata store') : Promise.resolve('not configured'),
        ]);
        const checks = { temporal, store };
        const down = Object.entries(checks).filter(([, v]) => v !== 'ok' && v !== 'not configured').map(([name]) => name);
        if (down.length > 0) c.header('Retry-After', String(RETRY_AFTER_SECONDS));
        return c.json({ status: down.length === 0 ? 'ready' : 'not ready', down, checks }, down.length === 0 ? 200 : 503);
      },
    }),
  ] as const;
}
