import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore } from './artifacts/artifactStore';
import { artifactsDir, notificationSettings, runAuthorityPolicy, sourcePolicy, type Config } from './config';
import { DEFAULT_RUN_AUTHORITY } from './auth/runAuthority';
import { NOTHING_ALLOWED, type SourcePolicy } from './data/sourcePolicy';
import type { StepServices } from './dsl/defineStep';
import type { Store } from './store/openStore';

/**
 * The services workers lend steps, as configured: CAIRN_ARTIFACTS_DIR, the metadata store, and the
 * source policy (the environment's, plus the data roots the registry or `cairn dev` adds).
 */
export function servicesFromConfig(cfg: Config, store: Store | undefined, dataRoots: readonly string[] = []): StepServices {
  return {
    artifacts: new ArtifactStore(artifactsDir(cfg)),
    store,
    sources: sourcePolicy(cfg, dataRoots),
    authority: runAuthorityPolicy(cfg),
    stepLogMaxLines: cfg.CAIRN_STEP_LOG_MAX_LINES,
    notifications: notificationSettings(cfg),
  };
}

/** Services for tests, benchmarks and tools: a fresh artifact store in a temp folder; no sources unless given. */
export function scratchServices(store?: Store, sources: SourcePolicy = NOTHING_ALLOWED): StepServices {
  return { artifacts: new ArtifactStore(mkdtempSync(join(tmpdir(), 'cairn-artifacts-'))), store, sources, authority: DEFAULT_RUN_AUTHORITY };
}
