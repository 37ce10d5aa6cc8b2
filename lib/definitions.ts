import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { RUNNING_COMPILED } from './compiled';
import { invocationDirectory, type Config } from './config';
import type { Registry } from './dsl/registry';
import { ConfigError } from './errors';
import { readJsonFile } from './jsonFile';

/** This repository's own pipelines: what Cairn loads unless CAIRN_DEFINITIONS names another module. */
export const BUNDLED_DEFINITIONS = fileURLToPath(new URL('../definitions/index.ts', import.meta.url));

/** A project's cairn.config.json (what `cairn init` writes), found from the working directory upwards. */
export const PROJECT_CONFIG_FILE = 'cairn.config.json';
const ProjectConfigSchema = z.object({
  /** The module whose `registry` export holds the pipelines, relative to the config file. */
  definitions: z.string().min(1),
});

/**
 * The definitions module to load: CAIRN_DEFINITIONS (relative to the directory the command was typed
 * in), else the `definitions` of the nearest cairn.config.json from that directory up, else this
 * repository's own examples (a checkout of Cairn; the installed package has none).
 */
export function definitionsPath(cfg: Pick<Config, 'CAIRN_DEFINITIONS' | 'INIT_CWD'>): string {
  const cwd = invocationDirectory(cfg);
  if (cfg.CAIRN_DEFINITIONS) return isAbsolute(cfg.CAIRN_DEFINITIONS) ? cfg.CAIRN_DEFINITIONS : resolve(cwd, cfg.CAIRN_DEFINITIONS);
  const projectConfig = findUp(cwd, PROJECT_CONFIG_FILE);
  if (projectConfig) return resolve(dirname(projectConfig), readJsonFile(projectConfig, ProjectConfigSchema, '{"definitions": "./definitions/index.ts"}').definitions);
  if (existsSync(BUNDLED_DEFINITIONS)) return BUNDLED_DEFINITIONS;
  throw new ConfigError(`no definitions to load: set CAIRN_DEFINITIONS to your definitions module, or run from a project with a ${PROJECT_CONFIG_FILE} (\`cairn init <dir>\` makes one)`);
}

function findUp(from: string, name: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, name))) return join(dir, name);
    if (dirname(dir) === dir) return undefined;
  }
}

/** TypeScript definitions load through tsx (a project's own code; Cairn itself runs compiled). */
const TYPESCRIPT = /\.[cm]?tsx?$/;
/** Under tsx (this repository's sources and tests) a TypeScript module imports like any other, sharing the process's modules. */
const needsTsImport = (path: string) => TYPESCRIPT.test(path) && RUNNING_COMPILED;

function isRegistry(value: unknown): value is Registry {
  const candidate = value as Partial<Registry> | undefined;
  return candidate?.pipelines instanceof Map && candidate.steps instanceof Map && Array.isArray(candidate.dataRoots);
}

/**
 * The `registry` a definitions module exports. A TypeScript module loads through tsx's tsImport,
 * JavaScript through Node's own import. With `fresh`, the module and every module it imports
 * are loaded anew (tsx's tsImport loads each call in a namespace of its own), so edited files are
 * read again while the process runs (`cairn dev`); without it, Node's module cache applies.
 */
export async function loadRegistry(path: string, fresh = false): Promise<Registry> {
  const url = pathToFileURL(path).href;
  let loaded: { registry?: unknown };
  try {
    if (fresh || needsTsImport(path)) {
      const { tsImport } = await import('tsx/esm/api');
      loaded = (await tsImport(url, { parentURL: import.meta.url })) as { registry?: unknown };
    } else {
      loaded = (await import(url)) as { registry?: unknown };
    }
  } catch (error) {
    if (error instanceof ConfigError || (error as Error).name === 'ConfigError') throw error;
    throw new ConfigError(`the definitions in ${path} could not be loaded: ${(error as Error).message}`, { cause: error });
  }
  if (!isRegistry(loaded.registry)) throw new ConfigError(`${path} exports no \`registry\` (export const registry = defineRegistry({ pipelines: [...] }))`);
  return loaded.registry;
}
