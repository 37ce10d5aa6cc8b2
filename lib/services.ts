import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore } from './artifacts/artifactStore';
import { artifactsDir, type Config } from './config';
import type { StepServices } from './dsl/defineStep';
import type { Store } from './store/openStore';

/** The services workers lend steps, as configured: CAIRN_ARTIFACTS_DIR and the metadata store. */
export function servicesFromConfig(cfg: Config, store: Store | undefined): StepServices {
  return { artifacts: new ArtifactStore(artifactsDir(cfg)), store };
}

/** Services for tests, benchmarks and tools: a fresh artifact store in a temp folder. */
export function scratchServices(store?: Store): StepServices {
  return { artifacts: new ArtifactStore(mkdtempSync(join(tmpdir(), 'cairn-artifacts-'))), store };
}
