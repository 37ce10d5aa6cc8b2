import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from './errors';
import { readJsonFile } from './jsonFile';

/** The starter project `cairn init` copies (templates/project, shipped in the package). */
export const PROJECT_TEMPLATE = fileURLToPath(new URL('../templates/project/', import.meta.url));
export const PACKAGE_NAME = '@cairn-ml/cairn';

/** npm drops .gitignore files from packages, so the template keeps it under another name. */
const RENAMED: Record<string, string> = { gitignore: '.gitignore' };

const PackageJsonSchema = z
  .object({
    name: z.string().optional(),
    type: z.string().optional(),
    scripts: z.record(z.string(), z.string()).optional(),
    dependencies: z.record(z.string(), z.string()).optional(),
    devDependencies: z.record(z.string(), z.string()).optional(),
  })
  .loose();
type PackageJson = z.infer<typeof PackageJsonSchema>;

export interface ScaffoldResult {
  dir: string;
  written: string[];
  packageJson: 'created' | 'merged';
  /** Set when an existing package.json said "commonjs" and nothing in the folder relied on it. */
  switchedFromCommonJs?: boolean;
}

/** Extensions whose module system follows package.json's "type" (.mjs/.cjs/.mts/.cts do not). */
const TYPE_FOLLOWING = /\.(js|jsx|ts|tsx)$/;

/**
 * The first source in `dir` (outside node_modules and dot-folders) whose meaning would change if
 * "type" went from commonjs to module, or undefined. `npm init -y` writes "type": "commonjs" into
 * an empty folder; such a package has nothing to break, so init may switch it.
 */
function commonJsSource(dir: string, depth = 0): string | undefined {
  if (depth > 4) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = commonJsSource(path, depth + 1);
      if (found) return found;
    } else if (TYPE_FOLLOWING.test(entry.name) && !entry.name.endsWith('.d.ts')) return path;
  }
  return undefined;
}

function templateFiles(dir = PROJECT_TEMPLATE): string[] {
  return readdirSync(dir).flatMap((entry) => (statSync(join(dir, entry)).isDirectory() ? templateFiles(join(dir, entry)) : [join(dir, entry)]));
}

/** A project name npm accepts, from the folder's name. */
function projectName(dir: string): string {
  return basename(dir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'cairn-project';
}

/**
 * Writes the starter project into `dir`: one pipeline, one custom step, sample data, a test of the
 * pipeline on the time-skipping test server, cairn.config.json and a README. Refuses to overwrite a
 * file that is already there; an existing package.json (say, from `npm install @cairn-ml/cairn`) is
 * kept and given what the project needs (ESM, the scripts and dependencies it lacks).
 * `cairnSpec` is the dependency written when package.json does not already name Cairn.
 */
export function scaffoldProject(dir: string, cairnSpec: string): ScaffoldResult {
  const files = templateFiles().map((source) => {
    const path = relative(PROJECT_TEMPLATE, source);
    return { source, target: join(dir, dirname(path), RENAMED[basename(path)] ?? basename(path)), path };
  });
  const clashes = files.filter((f) => f.path !== 'package.json' && existsSync(f.target)).map((f) => relative(dir, f.target));
  if (clashes.length) throw new ConfigError(`${dir} already has ${clashes.join(', ')}: cairn init does not overwrite files (choose an empty folder)`);
  const name = projectName(dir);
  // package.json first: a package.json Cairn cannot use stops init before it writes anything.
  const manifest = files.find((f) => f.path === 'package.json');
  const packageJson: ScaffoldResult['packageJson'] = manifest && existsSync(manifest.target) ? 'merged' : 'created';
  const template = JSON.parse(readFileSync(join(PROJECT_TEMPLATE, 'package.json'), 'utf8').replaceAll('{{name}}', name)) as PackageJson;
  const existing = packageJson === 'merged' ? readJsonFile(join(dir, 'package.json'), PackageJsonSchema) : undefined;
  const switchedFromCommonJs = existing?.type === 'commonjs';
  if (existing?.type && existing.type !== 'module') refuseModuleType(dir, existing.type);
  const merged = mergePackageJson(existing, template, cairnSpec);
  const written: string[] = [];
  for (const file of files) {
    mkdirSync(dirname(file.target), { recursive: true });
    writeFileSync(file.target, file.path === 'package.json' ? `${JSON.stringify(merged, null, 2)}\n` : readFileSync(file.source, 'utf8').replaceAll('{{name}}', name));
    written.push(relative(dir, file.target));
  }
  return { dir, written, packageJson, ...(switchedFromCommonJs ? { switchedFromCommonJs } : {}) };
}

/** Cairn projects are ES modules: a "type" other than module is switched only when nothing relies on it. */
function refuseModuleType(dir: string, type: string): void {
  const why = `package.json says "type": "${type}"`;
  const fix = `Cairn projects are ES modules ("type": "module"): run cairn init in a folder of its own, or move this package to ES modules (npm pkg set type=module) and run it again`;
  if (type !== 'commonjs') throw new ConfigError(`${why}: ${fix}`);
  const source = commonJsSource(dir);
  if (source) throw new ConfigError(`${why} and ${relative(dir, source)} may rely on it: ${fix}`);
}

/** `npm init` writes a test script that only fails; the project's own test replaces it. */
const NPM_INIT_TEST = 'echo "Error: no test specified" && exit 1';

function withoutPlaceholders(scripts: Record<string, string> | undefined): Record<string, string> | undefined {
  return scripts && Object.fromEntries(Object.entries(scripts).filter(([name, command]) => !(name === 'test' && command === NPM_INIT_TEST)));
}

/** The existing package.json wins where it says something; the template fills in what it lacks. */
function mergePackageJson(existing: PackageJson | undefined, template: PackageJson, cairnSpec: string): PackageJson {
  const base = existing ?? template;
  const named = existing?.dependencies?.[PACKAGE_NAME] ?? existing?.devDependencies?.[PACKAGE_NAME];
  return {
    ...template,
    ...base,
    name: base.name ?? template.name,
    type: 'module',
    scripts: { ...template.scripts, ...withoutPlaceholders(existing?.scripts) },
    dependencies: { ...template.dependencies, ...existing?.dependencies, ...(named ? {} : { [PACKAGE_NAME]: cairnSpec }) },
    devDependencies: { ...template.devDependencies, ...existing?.devDependencies },
  };
}
