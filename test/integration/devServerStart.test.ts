import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { config } from '../../lib/config';
import { isTemporalReachable, resolveTemporalCli, startDevServer } from '../../lib/temporalDevServer';

// The dev server panics (exit 2) when one of the internal ports it picked is taken by the time it
// binds it: a race with every other process on the machine, seen once in CI. Start-up must survive a
// first attempt that dies that way, and say what the server printed when every attempt dies.
const dir = mkdtempSync(join(tmpdir(), 'cairn-devserver-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for the Temporal CLI that dies like a port collision for its first `failures` starts. */
function flakyCli(failures: number): { path: string; attempts: () => number } {
  const counter = join(dir, `attempts-${failures}-${Math.random().toString(36).slice(2)}`);
  const path = `${counter}.sh`;
  writeFileSync(
    path,
    [
      '#!/usr/bin/env bash',
      `echo x >> '${counter}'`,
      `if [ "$(wc -l < '${counter}')" -le ${failures} ]; then`,
      '  echo "panic: listen tcp 127.0.0.1:41234: bind: address already in use" >&2',
      '  exit 2',
      'fi',
      `exec '${resolveTemporalCli(config().TEMPORAL_CLI_PATH)}' "$@"`,
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return { path, attempts: () => readFileSync(counter, 'utf8').trim().split('\n').length };
}

describe('starting the Temporal dev server', () => {
  it('tries again on a fresh port when the server dies before it answers', async () => {
    const cli = flakyCli(1);
    const server = await startDevServer({ cliPath: cli.path, port: 'any' });
    try {
      expect(cli.attempts()).toBe(2);
      expect(await isTemporalReachable(server.address)).toBe(true);
    } finally {
      await server.stop();
    }
  }, 90_000);

  it('gives up after three attempts and shows what the server printed', async () => {
    const cli = flakyCli(99);
    const logFile = join(dir, 'temporal.log');
    await expect(startDevServer({ cliPath: cli.path, port: 'any', logFile })).rejects.toThrow(/exited with 2 before it answered .*\n.*address already in use/);
    expect(cli.attempts()).toBe(3);
  });

  it('keeps the output in memory when there is no log file', async () => {
    const cli = flakyCli(99);
    await expect(startDevServer({ cliPath: cli.path, port: 'any' })).rejects.toThrow(/address already in use/);
  });
});
