import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

export interface PidLock {
  /** Removes the lock file, if it is still this process's. */
  release(): void;
}

/**
 * Makes this process the one owner of something on disk (an embedded database, a journal) among the
 * processes of this machine: `lockFile` appears atomically holding this process's pid and start time
 * (a hard link to a file written first, so no one ever reads it empty and takes it for a dead
 * process's). A lock whose process has gone (killed, crashed; or its pid now names another process,
 * as after a container restart) is taken over; one whose process runs is `inUse(pid)`, thrown.
 * Opening it again in the owning process succeeds.
 */
export function takePidLock(lockFile: string, inUse: (holder: number) => Error): PidLock {
  const lock = { release: () => (holderOf(lockFile)?.pid === process.pid ? rmSync(lockFile, { force: true }) : undefined) };
  // Twice at most: once more after removing a lock its process left behind.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (linkNew(lockFile)) return lock;
    const holder = holderOf(lockFile);
    if (holder?.pid === process.pid) return lock;
    if (holder !== undefined && isRunning(holder)) throw inUse(holder.pid);
    rmSync(lockFile, { force: true });
  }
  throw inUse(holderOf(lockFile)?.pid ?? 0);
}

/** What a lock file says of its holder: `<pid> <start time>` (the start time where /proc tells it). */
interface Holder {
  pid: number;
  start?: string;
}

/** This process as a lock file names it. */
function ownIdentity(): string {
  const start = startTimeOf(process.pid);
  return start === undefined ? String(process.pid) : `${process.pid} ${start}`;
}

/** When a process started, in clock ticks since boot (/proc/<pid>/stat, field 22); undefined without /proc or the process. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Creates the lock file with this process's pid in it, at once; false when it exists. */
function linkNew(lockFile: string): boolean {
  const written = `${lockFile}.${process.pid}`;
  writeFileSync(written, ownIdentity());
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
    writeFileSync(lockFile, ownIdentity(), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The holder a lock file names; undefined when it is gone or names none (a process died while writing it). */
function holderOf(lockFile: string): Holder | undefined {
  try {
    const [pidText, start] = readFileSync(lockFile, 'utf8').trim().split(' ');
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    return start ? { pid, start } : { pid };
  } catch {
    return undefined;
  }
}

/** Whether the holder still runs: its pid answers and, where both are known, started when the lock says. */
function isRunning(holder: Holder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = holder.start === undefined ? undefined : startTimeOf(holder.pid);
  return start === undefined || start === holder.start;
}
