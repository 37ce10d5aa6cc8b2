import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { takePidLock } from '../../lib/pidLock';

// One process owns the embedded store (or a prediction journal) at a time: of processes racing for
// it, exactly one gets it and the others are told which process has it; a lock left by a process
// that died is taken over.

const dir = mkdtempSync(join(tmpdir(), 'cairn-pidlock-'));
const inUse = (holder: number) => new Error(`in use by ${holder}`);
const pidLockModule = fileURLToPath(new URL('../../lib/pidLock.ts', import.meta.url));

/**
 * A process that says it is ready (a file of its own), waits for `go`, tries the lock and prints
 * `got <pid>` or the error, then holds what it got until `release` appears: however slowly a busy
 * machine starts them, every contender tries while the winner holds the lock.
 */
function contender(lockFile: string, ready: string, go: string, release: string): { said: Promise<string>; answered: () => boolean } {
  const script = `
    import { existsSync, writeFileSync } from 'node:fs';
    import { takePidLock } from ${JSON.stringify(pidLockModule)};
    const until = async (path) => { while (!existsSync(path)) await new Promise((r) => setTimeout(r, 2)); };
    writeFileSync(${JSON.stringify(ready)} + process.pid, '');
    await until(${JSON.stringify(go)});
    try {
      const lock = takePidLock(${JSON.stringify(lockFile)}, (holder) => new Error('in use by ' + holder));
      console.log('got ' + process.pid);
      await until(${JSON.stringify(release)});
      lock.release();
    } catch (error) {
      console.log(error.message);
    }`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { said: new Promise((resolve) => child.once('exit', () => resolve(out.trim()))), answered: () => out.includes('\n') };
}

/** Resolves once `done()` holds, checking every 10 ms; rejects after `ms`. */
async function until(done: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('pid locks', () => {
  it('lets exactly one of six racing processes in and names it to the others', async () => {
    const lockFile = join(dir, 'race.lock');
    const ready = join(dir, 'ready-');
    const go = join(dir, 'go');
    const release = join(dir, 'release');
    const racing = Array.from({ length: 6 }, () => contender(lockFile, ready, go, release));
    await until(() => readdirSync(dir).filter((name) => name.startsWith('ready-')).length === 6, 'six contenders to start');
    writeFileSync(go, '');
    await until(() => racing.every((c) => c.answered()), 'every contender to try the lock');
    writeFileSync(release, '');
    const said = await Promise.all(racing.map((c) => c.said));
    const winners = said.filter((line) => line.startsWith('got '));
    expect(winners, said.join('\n')).toHaveLength(1);
    const winner = winners[0]?.slice(4);
    expect(said.filter((line) => line === `in use by ${winner}`)).toHaveLength(5);
    expect(existsSync(lockFile)).toBe(false);
  }, 120_000);

  it('takes over a lock whose process is gone, and holds it again in the same process', () => {
    const lockFile = join(dir, 'stale.lock');
    writeFileSync(lockFile, '2147483646'); // no such process
    const lock = takePidLock(lockFile, inUse);
    expect(readFileSync(lockFile, 'utf8')).toMatch(new RegExp(`^${process.pid} \\d+$`));
    expect(() => takePidLock(lockFile, inUse)).not.toThrow();
    lock.release();
    expect(existsSync(lockFile)).toBe(false);
  });

  it('refuses a lock a running process holds; takes one whose holder died while writing it; releases only its own', () => {
    const lockFile = join(dir, 'held.lock');
    const holder = process.ppid; // a running process that is not this one
    writeFileSync(lockFile, String(holder));
    expect(() => takePidLock(lockFile, inUse)).toThrow(`in use by ${holder}`);
    const emptyFile = join(dir, 'empty.lock');
    writeFileSync(emptyFile, '');
    const lock = takePidLock(emptyFile, inUse);
    expect(readFileSync(emptyFile, 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    // Should another process have taken it over meanwhile, releasing leaves that process's lock alone.
    writeFileSync(emptyFile, String(holder));
    lock.release();
    expect(readFileSync(emptyFile, 'utf8')).toBe(String(holder));
  });

  it('takes over a lock whose pid now names another process (a restart reused it), by its start time', () => {
    const lockFile = join(dir, 'reused.lock');
    const running = process.ppid;
    const stat = readFileSync(`/proc/${running}/stat`, 'utf8');
    const started = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    writeFileSync(lockFile, `${running} ${started}`);
    expect(() => takePidLock(lockFile, inUse)).toThrow(`in use by ${running}`);
    writeFileSync(lockFile, `${running} ${Number(started) - 1}`);
    takePidLock(lockFile, inUse).release();
    expect(existsSync(lockFile)).toBe(false);
  });
});
