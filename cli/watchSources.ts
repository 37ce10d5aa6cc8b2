import { watch } from 'chokidar';

/** Edits arrive as bursts of events (an editor writes, renames, touches): one reload per quiet moment. */
const RELOAD_QUIET_MS = 300;
/** What can change the definitions: their code, JSON they import, and Python step modules. */
const SOURCE_FILE = /\.(?:[cm]?[jt]s|json|py)$/;
/** Never sources of the definitions, and busy: installs, git's own files, Python's bytecode. */
const NEVER_WATCHED = /(?:^|[\\/])(?:node_modules|\.git|__pycache__)(?:[\\/]|$)/;

export interface SourceWatcher {
  /** Watches more paths too (a Python module a reload named); paths already watched are ignored. */
  add(paths: string[]): void;
  close(): Promise<void>;
}

/**
 * Calls `reload` once per burst of changes to source files under `paths` (directories, recursively,
 * or files), never two at once. chokidar, not node:fs's recursive watch: on Linux, Node 20 watches
 * each file of a recursive watch by its inode, so a file saved by replacing it (`sed -i`, `git
 * checkout`, an editor's safe write) was seen once and never again; chokidar watches directories.
 * A reload that throws, or a watch that fails (a directory removed, too many watches), is passed to
 * `warn` and the watch goes on. Resolves once the paths are watched.
 */
export async function watchSources(paths: string[], reload: () => Promise<void>, warn: (message: string) => void): Promise<SourceWatcher> {
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const watcher = watch(paths, { ignoreInitial: true, ignored: (path) => NEVER_WATCHED.test(path) });
  watcher.on('error', (error) => warn(`watching the definitions: ${(error as Error).message}`));
  watcher.on('all', (_event, path) => {
    if (!SOURCE_FILE.test(path)) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(reload).catch((error: unknown) => warn(`reload failed: ${(error as Error).message}`));
    }, RELOAD_QUIET_MS);
  });
  await new Promise<void>((ready) => watcher.once('ready', ready));
  return {
    add: (more) => void watcher.add(more),
    close: async () => {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
