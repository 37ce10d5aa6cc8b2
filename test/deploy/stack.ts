import { waitFor } from '../helpers/waitFor';

export interface StartedRun {
  runId: string;
}

export interface RunView {
  status: string;
  steps: { name: string; status: string; output: unknown; attempts?: number; infrastructureRetries?: number }[] | null;
}

/** The API of a deployed stack, as a client with an admin key sees it. */
export function stackApi(baseUrl: string, key: string) {
  const call = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers }, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  };
  return {
    ready: () => waitFor(async () => (await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(3_000) })).ok, `${baseUrl}/readyz`, 240_000, 500),
    start: (pipeline: string, params: Record<string, unknown>) => call<StartedRun>(`/api/v1/pipelines/${pipeline}/runs`, { method: 'POST', body: JSON.stringify({ params }) }),
    run: (runId: string) => call<RunView>(`/api/v1/runs/${encodeURIComponent(runId)}`),
    /** Waits for the run to end; a run that fails or waits for an operator is an error quoting its steps. */
    finished: (runId: string, timeoutMs = 180_000) =>
      waitFor(
        async () => {
          const view = await call<RunView>(`/api/v1/runs/${encodeURIComponent(runId)}`);
          if (view.status === 'succeeded') return view;
          if (view.status !== 'running') throw new Error(`run ended ${view.status}: ${JSON.stringify(view.steps)}`);
          return undefined;
        },
        `run ${runId} to succeed`,
        timeoutMs,
        500,
      ),
  };
}
