import { Client, Connection } from '@temporalio/client';
import type { Config } from './config';
import { temporalConnectionOptions, type TemporalConnectionConfig } from './temporalConnection';
import { currentTracing } from './tracing/tracing';

/** A client to the configured Temporal: its address, and TLS or an API key when the cluster asks for them; with tracing on, runs it starts carry the caller's trace. */
export async function connectClient(cfg: TemporalConnectionConfig & Pick<Config, 'TEMPORAL_NAMESPACE'>, options: { lazy?: boolean } = {}): Promise<Client> {
  // lazy: connects on the first call, so a process that can work without Temporal (the API serving
  // predictions) starts while Temporal is down; its calls fail within their deadlines until it is up.
  const connectionOptions = {
    ...temporalConnectionOptions(cfg),
    connectTimeout: '5s',
    // gRPC backs off up to 2 minutes between reconnects by default; a restarted Temporal should be
    // usable again within about a second, so the API recovers without a restart.
    channelArgs: { 'grpc.initial_reconnect_backoff_ms': 250, 'grpc.max_reconnect_backoff_ms': 1_000, 'grpc.min_reconnect_backoff_ms': 250 },
  };
  const connection = options.lazy ? Connection.lazy(connectionOptions) : await Connection.connect(connectionOptions);
  const tracing = currentTracing();
  const interceptors = tracing ? (await import('./tracing/temporalTracing')).tracingClientInterceptors(tracing) : undefined;
  return new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE, ...(interceptors ? { interceptors } : {}) });
}
