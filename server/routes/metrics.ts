import { registerDriftGauges } from '../../lib/metrics/driftGauges';
import { registerRunGauges } from '../../lib/metrics/runGauges';
import { registry } from '../../lib/metrics/metrics';
import type { AppDeps } from '../deps';
import { defineRoute } from '../routeDef';

/** Prometheus metrics of this process (API, and in `cairn dev` the workers too) and run counts from Temporal. */
export function metricsRoutes(deps: AppDeps, open: boolean) {
  registerRunGauges(deps.client, () => [...deps.registry.pipelines.keys()]);
  registerDriftGauges(() => deps.store?.pool);
  return [
    defineRoute({
      method: 'GET',
      path: '/metrics',
      access: open ? 'public' : 'viewer',
      summary: 'Prometheus metrics',
      contentType: 'text/plain',
      responses: { 200: 'metrics in the Prometheus text format' },
      handler: async (c) => c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }),
    }),
  ] as const;
}
