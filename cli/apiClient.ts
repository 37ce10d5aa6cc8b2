import { hc, type InferResponseType } from 'hono/client';
import type { AppType } from '../server/appType';
import { CliError } from './cliError';

export interface ApiClientOptions {
  baseUrl: string;
  apiKey?: string;
  timeoutMs?: number;
}

/**
 * The CLI's only way to Cairn: the HTTP API (so it works the same against a remote deployment),
 * through Hono's client typed by the server's own route definitions (`AppType`, a type-only import:
 * nothing of the server is loaded). Paths, params, bodies and answers are all checked by TypeScript.
 */
export function apiClient(options: ApiClientOptions) {
  const reachableFetch: typeof fetch = async (input, init) => {
    try {
      return await fetch(input, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
    } catch (error) {
      throw new CliError(
        `cannot reach the Cairn API at ${options.baseUrl} (${(error as Error).message}); start it with \`npm start\` or set CAIRN_API_URL`,
      );
    }
  };
  return hc<AppType>(options.baseUrl, {
    fetch: reachableFetch,
    headers: { accept: 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
  });
}

export type ApiClient = ReturnType<typeof apiClient>;

/** What a typed call answers: the route's declared success body. */
export type Answer<Call> = InferResponseType<Call>;

/** The JSON body of a success; any other answer is a CliError with the API's message, each detail, and the status. */
export async function answer<T>(pending: Promise<{ ok: boolean; status: number; url: string; text(): Promise<string>; json(): Promise<T> }>): Promise<T> {
  const response = await pending;
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new CliError(`${new URL(response.url).pathname}: the API answered ${response.status} with a body that is not JSON`);
  }
  if (!response.ok) {
    const error = (json as { error?: { message?: string; details?: unknown } } | null)?.error;
    const details = Array.isArray(error?.details)
      ? `\n${(error.details as { path?: string; message?: string }[]).map((d) => `  - ${d.path || '(root)'}: ${d.message}`).join('\n')}`
      : '';
    throw new CliError(`${error?.message ?? `${new URL(response.url).pathname} failed with ${response.status}`}${details}`, 1, response.status);
  }
  return json as T;
}

/** Path params as the URL carries them: ids may hold characters (`:` in run ids) that a path segment must escape. */
export function pathParams<P extends Record<string, string>>(params: P): P {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, encodeURIComponent(v)])) as P;
}
