import type { Client } from '@temporalio/client';
import type { EnvApiKey } from '../lib/auth/apiKeys';
import type { Registry } from '../lib/dsl/registry';
import type { Store } from '../lib/store/openStore';
import type { ArtifactStore } from '../lib/artifacts/artifactStore';
import type { ModelCache } from '../lib/serving/modelCache';
import type { PredictionLog } from '../lib/serving/predictionLog';

/**
 * What the API needs, every field required: `startApi` builds them from the configuration, and tests
 * pass their own (a real client to a test server, a test registry) or null for what they go without.
 */
export interface AppDeps {
  client: Client;
  registry: Registry;
  /** Task queue the runPipeline workflow is started on. */
  taskQueue: string;
  /** Temporal Web UI base URL, for links to runs; null when unknown. */
  temporalUiUrl: string | null;
  /** The metadata store (PostgreSQL or the embedded one); null: routes that need it answer 503. */
  store: Store | null;
  /** Where run outputs that travelled by reference are read from; null: they are shown as references. */
  artifacts: ArtifactStore | null;
  /** The models served (lib/serving/servingModels.ts builds it from the store and artifacts); null: serving answers 503. */
  models: ModelCache | null;
  /** Where served predictions are logged; null: serving answers 503 (a prediction is never served unlogged). */
  predictionLog: PredictionLog | null;
  /** Unset fields take DEFAULT_SECURITY's values. */
  security: Partial<SecurityOptions>;
}

export interface SecurityOptions {
  /** Keys from CAIRN_API_KEYS; keys in the store are read too. With none anywhere, the API is open (loopback only). */
  envApiKeys: EnvApiKey[];
  /** Browser origins allowed by CORS; none by default. */
  corsOrigins: string[];
  maxBodyBytes: number;
  rateLimitPerMinute: number;
  /** Deadline for the Temporal calls a request makes. */
  temporalTimeoutMs: number;
  /** Serve /metrics without a key even when keys exist (for a scraper inside a trusted network). */
  metricsOpen: boolean;
  /** How long stored keys stay accepted from memory while the store is unreachable. */
  staleKeysMs: number;
  /** Predicted instances per minute per key (or per address without keys): a batch costs one per instance. */
  predictInstancesPerMinute: number;
  /** CAIRN_SPEC_SECRET: signs every run this API starts (and every approval) for workers to check. */
  specSecret: string | undefined;
}

export const DEFAULT_SECURITY: SecurityOptions = {
  envApiKeys: [],
  corsOrigins: [],
  maxBodyBytes: 1024 * 1024,
  rateLimitPerMinute: 120,
  temporalTimeoutMs: 4_000,
  metricsOpen: false,
  staleKeysMs: 15 * 60_000,
  predictInstancesPerMinute: 600_000,
  specSecret: undefined,
};

/**
 * A run's state query gets this share of a request's Temporal deadline: a run no worker answers for
 * (none running, or none polling its task queue) is still described, its steps unavailable and why,
 * within the deadline, rather than the whole request answering 503.
 */
export function stateQueryTimeoutMs(security: Partial<SecurityOptions>): number {
  return Math.floor(0.6 * (security.temporalTimeoutMs ?? DEFAULT_SECURITY.temporalTimeoutMs));
}
