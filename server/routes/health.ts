import type { AppDeps } from '../deps';
import { defineRoute, type RouteDef } from '../routeDef';

/** /healthz: the process is up. /readyz: Temporal (and the store, when configured) answer. */
export function healthRoutes(deps: AppDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/healthz',
      access: 'public',
      summary: 'The process is up',
      responses: { 200: 'up' },
      handler: (c) => c.json({ status: 'ok' }),
    }),
    defineRoute({
      method: 'GET',
      path: '/readyz',
      access: 'public',
      summary: 'Temporal and the metadata store answer',
      responses: { 200: 'ready', 503: 'a dependency does not answer' },
      handler: async (c) => {
        const checks: Record<string, string> = {};
        try {
          await deps.client.connection.withDeadline(Date.now() + 3_000, () => deps.client.workflowService.getSystemInfo({}));
          checks.temporal = 'ok';
        } catch (error) {
          checks.temporal = `unreachable: ${(error as Error).message}`;
        }
        if (deps.store) {
          try {
            await deps.store.check();
            checks.store = 'ok';
          } catch (error) {
            checks.store = `unreachable: ${(error as Error).message}`;
          }
        } else {
          checks.store = 'not configured';
        }
        const ready = Object.values(checks).every((v) => v === 'ok' || v === 'not configured');
        return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503);
      },
    }),
  ];
}
