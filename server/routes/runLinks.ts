import type { AppDeps } from '../deps';

/** Where to look at a run: Cairn's API, its page, and, when known, the Temporal Web UI. */
export function runLinks(deps: Pick<AppDeps, 'temporalUiUrl'>, runId: string, namespace = 'default') {
  return {
    self: `/api/v1/runs/${encodeURIComponent(runId)}`,
    page: `/ui/runs/${encodeURIComponent(runId)}`,
    web: deps.temporalUiUrl ? `${deps.temporalUiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(runId)}` : null,
  };
}
