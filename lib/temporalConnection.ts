import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from './config';
import { ConfigError } from './errors';

/** What a connection to Temporal needs from the configuration: the address, and TLS and an API key when the cluster asks for them. */
export type TemporalConnectionConfig = Pick<Config, 'TEMPORAL_ADDRESS'> &
  Partial<Pick<Config, 'TEMPORAL_TLS' | 'TEMPORAL_TLS_CA_FILE' | 'TEMPORAL_TLS_CERT_FILE' | 'TEMPORAL_TLS_KEY_FILE' | 'TEMPORAL_TLS_SERVER_NAME' | 'TEMPORAL_API_KEY'>>;

function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(`${variable}=${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * The address, TLS settings and API key for the client's Connection and the workers'
 * NativeConnection alike (both take these fields), read from the configuration once per connection.
 */
export function temporalConnectionOptions(cfg: TemporalConnectionConfig): { address: string; tls?: TLSConfig | boolean; apiKey?: string } {
  const wantsTls =
    cfg.TEMPORAL_TLS === 'true' ||
    (cfg.TEMPORAL_TLS !== 'false' && Boolean(cfg.TEMPORAL_TLS_CA_FILE || cfg.TEMPORAL_TLS_CERT_FILE || cfg.TEMPORAL_TLS_SERVER_NAME || cfg.TEMPORAL_API_KEY));
  if (!wantsTls) return { address: cfg.TEMPORAL_ADDRESS, ...(cfg.TEMPORAL_API_KEY ? { apiKey: cfg.TEMPORAL_API_KEY } : {}) };
  const tls: TLSConfig = {
    ...(cfg.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: cfg.TEMPORAL_TLS_SERVER_NAME } : {}),
    ...(cfg.TEMPORAL_TLS_CA_FILE ? { serverRootCACertificate: readPem('TEMPORAL_TLS_CA_FILE', cfg.TEMPORAL_TLS_CA_FILE) } : {}),
    ...(cfg.TEMPORAL_TLS_CERT_FILE && cfg.TEMPORAL_TLS_KEY_FILE
      ? { clientCertPair: { crt: readPem('TEMPORAL_TLS_CERT_FILE', cfg.TEMPORAL_TLS_CERT_FILE), key: readPem('TEMPORAL_TLS_KEY_FILE', cfg.TEMPORAL_TLS_KEY_FILE) } }
      : {}),
  };
  return { address: cfg.TEMPORAL_ADDRESS, tls: Object.keys(tls).length > 0 ? tls : true, ...(cfg.TEMPORAL_API_KEY ? { apiKey: cfg.TEMPORAL_API_KEY } : {}) };
}
