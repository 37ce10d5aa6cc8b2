import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Config } from './config';

/** Workflow ids say what a run is: `cairn:<pipeline>:<trigger>:<key>`. */
export function runWorkflowId(pipeline: string, trigger: string, key?: string): string {
  return `cairn:${pipeline}:${trigger}:${key ?? newRunKey()}`;
}

/** A sortable, unique key: UTC time to the millisecond and 4 random bytes. */
export function newRunKey(now = new Date()): string {
  return `${now.toISOString().replace(/[-:.]/g, '').replace('T', 't').replace('Z', 'z')}-${randomBytes(4).toString('hex')}`;
}

export async function connectClient(cfg: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'>): Promise<Client> {
  const connection = await Connection.connect({
    address: cfg.TEMPORAL_ADDRESS,
    connectTimeout: '5s',
    // gRPC backs off up to 2 minutes between reconnects by default; a restarted Temporal should be
    // usable again within about a second, so the API recovers without a restart.
    channelArgs: { 'grpc.initial_reconnect_backoff_ms': 250, 'grpc.max_reconnect_backoff_ms': 1_000, 'grpc.min_reconnect_backoff_ms': 250 },
  });
  return new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
}
