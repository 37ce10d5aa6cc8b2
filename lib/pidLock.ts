import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

export interface PidLock {
  /** Removes the lock file, if it is still this process's. */
  release(): void;
}

/**
 * Makes this process the one owner of something on disk (an embedded database, a journal) among the
 * processes of this machine: `lockFile` appears atomically holding this process's pid (a hard link to
 * a file written first, so no one ever reads it empty and takes it for a dead process's). A lock
 * whose process has gone (killed, crashed) is taken over; one whose process runs is `inUse(pid)`,
 * thrown. Opening it again in the owning process succeeds.
 */
export function takePidLock(lockFile: string, inUse: (holder: number) => Error): PidLock {
  const lock = { release: () => (holderOf(lockFile) === process.pid ? rmSync(lockFile, { force: true }) : undefined) };
  // Twice at most: once more after removing a lock its process left behind.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (linkNew(lockFile)) return lock;
    const holder = holderOf(lockFile);
    if (holder === process.pid) return lock;
    if (holder !== undefined && isRunning(holder)) throw inUse(holder);
    rmSync(lockFile, { force: true });
  }
  throw inUse(holderOf(lockFile) ?? 0);
}

/** Creates the lock file with this process's pid in it, at once; false when it exists. */
function linkNew(lockFile: string): boolean {
  const written = `${lockFile}.${process.pid}`;
  writeFileSync(written, String(process.pid));
  try {
    linkSync(written, lockFile);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    // A file system without hard links: an exclusive create, whose content lands a moment later.
    return createExclusive(lockFile);
  } finally {
    rmSync(written, { force: true });
  }
}

function createExclusive(lockFile: string): boolean {
  try {
    writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The pid a lock file holds; undefined when it is gone or holds none (a process died while writing it). */
function holderOf(lockFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(lockFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
