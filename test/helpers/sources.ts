import { tmpdir } from 'node:os';
import { DEFAULT_RUN_AUTHORITY, type RunAuthorityPolicy } from '../../lib/auth/runAuthority';
import type { SourcePolicy } from '../../lib/data/sourcePolicy';
import type { StepServices } from '../../lib/dsl/defineStep';
import { registry } from '../../definitions';

/**
 * The source policy tests' workers run with: files under the temp folder (where tests write theirs)
 * and the examples' data; no hosts and no SQL connections unless a test gives them.
 */
export function testSources(overrides: Partial<SourcePolicy> = {}): SourcePolicy {
  return { dataRoots: [tmpdir(), ...registry.dataRoots], allowHosts: [], privateHosts: [], sqlConnections: {}, ...overrides };
}

/** What tests' workers trust: the defaults (no spec secret, `production` protected). */
export const TEST_AUTHORITY: RunAuthorityPolicy = DEFAULT_RUN_AUTHORITY;

/** Step services for a test: its artifact store and metadata store, the test source policy and authority. */
export function testServices(services: Pick<StepServices, 'artifacts' | 'store'> & Partial<StepServices>): StepServices {
  return { sources: testSources(), authority: TEST_AUTHORITY, ...services };
}
