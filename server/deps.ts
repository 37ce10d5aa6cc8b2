import type { Client } from '@temporalio/client';
import type { Registry } from '../lib/dsl/registry';
import type { Store } from '../lib/store/openStore';

/** What the API needs; tests pass their own (a real client to a test server, a test registry). */
export interface AppDeps {
  client: Client;
  registry: Registry;
  /** Task queue the runPipeline workflow is started on. */
  taskQueue: string;
  /** Temporal Web UI base URL, for links to runs; null when unknown. */
  temporalUiUrl: string | null;
  /** The metadata store (PostgreSQL or the embedded one); routes that need it answer 503 without it. */
  store?: Store;
}
