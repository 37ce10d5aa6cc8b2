import { z } from 'zod';
import { defineStep } from '../lib/dsl/defineStep';
import { ConfigError } from '../lib/errors';
import { moveAlias } from '../lib/registry/aliases';
import { upstreamOutput } from './upstreamOutput';

const Registered = z.object({ model: z.string(), version: z.number().int() });

/** deploy: points an alias (default `production`) at the version the upstream register step made, recording the move. */
export const deploy = defineStep({
  name: 'deploy',
  config: z.strictObject({ alias: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/).default('production'), from: z.string().optional() }),
  run: async ({ run, config, upstream }, runtime) => {
    if (!runtime.store) throw new ConfigError('deploy moves aliases in the model registry: run the worker with DATABASE_URL');
    const { model, version } = upstreamOutput(upstream, Registered, config.from, 'a registered model version (a register output)');
    const moved = await moveAlias(runtime.store.pool, { model, alias: config.alias, version, actor: `run ${run.runId}`, reason: `deployed by pipeline ${run.pipeline}` });
    return { model, alias: config.alias, version, previous: moved?.previous ?? null, moved: moved !== undefined };
  },
});
