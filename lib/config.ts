import { z } from 'zod';
import { ConfigError } from './errors';

const port = z.coerce.number().int().min(1).max(65535);
const hostPort = z.string().regex(/^[\w.-]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:7233');

/** Every environment variable Cairn reads, in one schema: the only reader of process.env. */
export const ConfigSchema = z.object({
  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Temporal Web UI, printed next to runs; `cairn dev` serves it on the dev server's port + 1000. */
  TEMPORAL_UI_URL: z.url().optional(),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  /** The time-skipping test server (tests only); scripts/setup-tools.sh installs one into .tools/. */
  TEMPORAL_TEST_SERVER_PATH: z.string().min(1).optional(),
  /** Task queue of the runPipeline workflow and of steps that name no queue. */
  CAIRN_TASK_QUEUE: z.string().regex(/^[\w.-]+$/).default('cairn-pipelines'),
  DATABASE_URL: z.url().refine((u) => /^postgres(ql)?:\/\//.test(u), 'expected a postgres:// URL').optional(),
  CAIRN_PORT: port.default(8080),
  CAIRN_HOST: z.string().min(1).default('127.0.0.1'),
  /** Local state: the dev server's SQLite file, artifacts, logs. */
  CAIRN_HOME: z.string().min(1).default('.cairn'),
  CAIRN_API_URL: z.url().default('http://127.0.0.1:8080'),
  CAIRN_API_KEY: z.string().min(1).optional(),
  /** Workers reconcile Temporal Schedules with definitions/ at start when true. */
  CAIRN_SYNC_SCHEDULES: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Parses an environment; the error names every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set", as shells and compose files tend to produce them.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}=${JSON.stringify(present[String(i.path[0])])}: ${i.message}`);
    throw new ConfigError(`invalid environment: ${problems.join('; ')}`);
  }
  return parsed.data;
}

let cached: Config | undefined;

/** The process's configuration, parsed once. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
