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
        // Stops accepting and lets requests in flight finish; keep-alive connections are closed as soon as
        // they are idle (checked every 100 ms), so a client's open connection cannot hold the shutdown
        // for the keep-alive timeout, nor keep being served by a server that is stopping.
        close: () =>
          new Promise<void>((done) => {
            const idle = 'closeIdleConnections' in server ? () => server.closeIdleConnections() : () => undefined;
            const sweeper = setInterval(idle, 100);
            server.close(() => {
              clearInterval(sweeper);
              done();
            });
            idle();
          }),
      });
    });
    server.once('error', reject);
  });
}
