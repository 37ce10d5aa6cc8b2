import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import type { Config } from './config';
import { ConfigError } from './errors';

/** What a connection to Temporal needs from the configuration: the address, and TLS and an API key when the cluster asks for them. */
export type TemporalConnectionConfig = Pick<Config, 'TEMPORAL_ADDRESS'> &
  Partial<
    Pick<
      Config,
      | 'TEMPORAL_TLS'
      | 'TEMPORAL_TLS_SERVER_CA_CERT_PATH'
      | 'TEMPORAL_TLS_SERVER_CA_CERT_DATA'
      | 'TEMPORAL_TLS_CLIENT_CERT_PATH'
      | 'TEMPORAL_TLS_CLIENT_CERT_DATA'
      | 'TEMPORAL_TLS_CLIENT_KEY_PATH'
      | 'TEMPORAL_TLS_CLIENT_KEY_DATA'
      | 'TEMPORAL_TLS_SERVER_NAME'
      | 'TEMPORAL_API_KEY'
    >
  >;

type PemItem = 'SERVER_CA_CERT' | 'CLIENT_CERT' | 'CLIENT_KEY';

/** One PEM item, from its file (`_PATH`) or inline (`_DATA`); undefined when neither is set. */
function pem(cfg: TemporalConnectionConfig, item: PemItem): Buffer | undefined {
  const inline = cfg[`TEMPORAL_TLS_${item}_DATA`];
  if (inline) return Buffer.from(inline);
  const path = cfg[`TEMPORAL_TLS_${item}_PATH`];
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(`TEMPORAL_TLS_${item}_PATH=${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * The address, TLS settings and API key for the client's Connection and the workers'
 * NativeConnection alike (both take these fields), read from the configuration once per connection.
 * TLS is on as the Temporal CLI has it: when asked for, or when any certificate, server name or API key is set.
 */
export function temporalConnectionOptions(cfg: TemporalConnectionConfig): { address: string; tls?: TLSConfig | boolean; apiKey?: string } {
  const apiKey = cfg.TEMPORAL_API_KEY ? { apiKey: cfg.TEMPORAL_API_KEY } : {};
  const anyTlsSetting = (['SERVER_CA_CERT', 'CLIENT_CERT'] as const).some((item) => cfg[`TEMPORAL_TLS_${item}_PATH`] || cfg[`TEMPORAL_TLS_${item}_DATA`]);
  const wantsTls = cfg.TEMPORAL_TLS === 'true' || (cfg.TEMPORAL_TLS !== 'false' && (anyTlsSetting || Boolean(cfg.TEMPORAL_TLS_SERVER_NAME || cfg.TEMPORAL_API_KEY)));
  // Certificates are read only for a TLS connection (TEMPORAL_TLS=false leaves them unread).
  if (!wantsTls) return { address: cfg.TEMPORAL_ADDRESS, ...apiKey };
  const ca = pem(cfg, 'SERVER_CA_CERT');
  const crt = pem(cfg, 'CLIENT_CERT');
  const key = pem(cfg, 'CLIENT_KEY');
  const tls: TLSConfig = {
    ...(cfg.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: cfg.TEMPORAL_TLS_SERVER_NAME } : {}),
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
  };
  return { address: cfg.TEMPORAL_ADDRESS, tls: Object.keys(tls).length > 0 ? tls : true, ...apiKey };
}
