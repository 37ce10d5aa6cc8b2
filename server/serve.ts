import { serve } from '@hono/node-server';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/** Serves the app on host:port; resolves once it listens. */
export function startApiServer(app: { fetch: (request: Request) => Response | Promise<Response> }, host: string, port: number): Promise<RunningApi> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
      resolve({
        url: `http://${host}:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
    server.once('error', reject);
  });
}
