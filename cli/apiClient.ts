import { CliError } from './cliError';

export interface ApiClientOptions {
  baseUrl: string;
  apiKey?: string;
  timeoutMs?: number;
}

/** The CLI's only way to Cairn: the HTTP API, so it works the same against a remote deployment. */
export function apiClient(options: ApiClientOptions) {
  const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(new URL(path, options.baseUrl), {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new CliError(
        `cannot reach the Cairn API at ${options.baseUrl} (${(error as Error).message}); start it with \`npm start\` or set CAIRN_API_URL`,
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      throw new CliError(`${method} ${path}: the API answered ${response.status} with a body that is not JSON`);
    }
    if (!response.ok) {
      const error = (json as { error?: { message?: string; details?: unknown } } | null)?.error;
      const details = Array.isArray(error?.details)
        ? `\n${(error.details as { path?: string; message?: string }[]).map((d) => `  - ${d.path || '(root)'}: ${d.message}`).join('\n')}`
        : '';
      throw new CliError(`${error?.message ?? `${method} ${path} failed with ${response.status}`}${details}`, 1, response.status);
    }
    return json as T;
  };
  return {
    get: <T>(path: string) => request<T>('GET', path),
    post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
    delete: <T>(path: string) => request<T>('DELETE', path),
    put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

export const runPath = (runId: string) => `/api/v1/runs/${encodeURIComponent(runId)}`;
