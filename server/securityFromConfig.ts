import type { Config } from '../lib/config';
import type { SecurityOptions } from './deps';

export function securityFromConfig(cfg: Config): Partial<SecurityOptions> {
  return {
    envApiKeys: cfg.CAIRN_API_KEYS,
    corsOrigins: cfg.CAIRN_CORS_ORIGINS,
    maxBodyBytes: cfg.CAIRN_MAX_BODY_BYTES,
    rateLimitPerMinute: cfg.CAIRN_RATE_LIMIT_PER_MINUTE,
    metricsOpen: cfg.CAIRN_METRICS_OPEN,
    temporalTimeoutMs: cfg.CAIRN_TEMPORAL_TIMEOUT_MS,
    staleKeysMs: cfg.CAIRN_STALE_KEYS_MS,
    predictInstancesPerMinute: cfg.CAIRN_PREDICT_INSTANCES_PER_MINUTE,
    specSecret: cfg.CAIRN_SPEC_SECRET,
  };
}
