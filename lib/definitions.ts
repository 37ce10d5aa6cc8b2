import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Config } from './config';
import type { Registry } from './dsl/registry';
import { ConfigError } from './errors';

/** This repository's own pipelines: what Cairn loads unless CAIRN_DEFINITIONS names another module. */
export const BUNDLED_DEFINITIONS = fileURLToPath(new URL('../definitions/index.ts', import.meta.url));

/** The definitions module to load: CAIRN_DEFINITIONS (relative to the directory the command was typed in), else the bundled one. */
export function definitionsPath(cfg: Pick<Config, 'CAIRN_DEFINITIONS' | 'INIT_CWD'>): string {
  if (!cfg.CAIRN_DEFINITIONS) return BUNDLED_DEFINITIONS;
  return isAbsolute(cfg.CAIRN_DEFINITIONS) ? cfg.CAIRN_DEFINITIONS : resolve(cfg.INIT_CWD ?? process.cwd(), cfg.CAIRN_DEFINITIONS);
}

function isRegistry(value: unknown): value is Registry {
  const candidate = value as Partial<Registry> | undefined;
  return candidate?.pipelines instanceof Map && candidate.steps instanceof Map && Array.isArray(candidate.dataRoots);
}

/**
 * The `registry` a definitions module exports. With `fresh`, the module and every module it imports
 * are loaded anew (tsx's tsImport loads each call in a namespace of its own), so edited files are
 * read again while the process runs (`cairn dev`); without it, Node's module cache applies.
 */
export async function loadRegistry(path: string, fresh = false): Promise<Registry> {
  const url = pathToFileURL(path).href;
  let loaded: { registry?: unknown };
  try {
    if (fresh) {
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
