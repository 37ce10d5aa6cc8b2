import { z } from 'zod';
import { namedTargets, type NotificationTargetInput } from './notifications/targets';
import { parseEnvApiKeys } from './auth/apiKeys';
import { redactUrl } from './auth/redact';
import { ConfigError } from './errors';
import { ID_PATTERNS } from './ids';
import { DEFAULT_STEP_LOG_MAX_LINES } from './logs/stepLogLine';
import type { RunAuthorityPolicy } from './auth/runAuthority';
import type { SourcePolicy } from './data/sourcePolicy';
import type { StoreDeadlines } from './store/deadlinedPool';

const port = z.coerce.number().int().min(1).max(65535);
/** A comma-separated list; unset or empty is none. */
const commaList = z
  .string()
  .optional()
  .transform((text) => (text ? text.split(',').map((item) => item.trim()).filter(Boolean) : []));
const SqlConnectionName = z.string().regex(ID_PATTERNS.sqlConnection, 'a connection name is lowercase letters, digits, - and _');
const postgresUrl = z.url().refine((u) => /^postgres(ql)?:\/\//.test(u), 'expected a postgres:// URL');
const hostPort = z.string().regex(/^[\w.-]+:\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:7233');

/** Every environment variable Cairn reads, in one schema: the only reader of process.env. */
export const ConfigSchema = z.object({
  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Temporal Web UI, printed next to runs; `cairn dev` serves it on the dev server's port + 1000. */
  TEMPORAL_UI_URL: z.url().optional(),
  /**
   * TLS to Temporal (a secured cluster, Temporal Cloud), with the Temporal CLI's variable names: on
   * with `true`, or when a certificate, a server name or an API key is given. The server's CA
   * (default: the system's roots) and a client certificate and key for mTLS (both or neither) each as
   * a file (`_PATH`) or inline PEM (`_DATA`); TEMPORAL_TLS_SERVER_NAME: the name to verify when it is
   * not the address's host; TEMPORAL_API_KEY: an API key sent as a bearer token (Temporal Cloud).
   */
  TEMPORAL_TLS: z.enum(['true', 'false']).optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_CERT_DATA: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_DATA: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  /** The time-skipping test server (tests only); scripts/setup-tools.sh installs one into .tools/. */
  TEMPORAL_TEST_SERVER_PATH: z.string().min(1).optional(),
  /** Task queue of the runPipeline workflow and of steps that name no queue. */
  CAIRN_TASK_QUEUE: z.string().regex(/^[\w.-]+$/).default('cairn-pipelines'),
  DATABASE_URL: postgresUrl.optional(),
  /** Deadlines on the metadata store: a stopped or frozen PostgreSQL gives a 503 within them, never a hang. */
  CAIRN_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(2_000),
  CAIRN_DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(86_400_000).default(5_000),
  /** Deadline of the Temporal calls one API request makes; past it the API answers 503. */
  CAIRN_TEMPORAL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(4_000),
  /** How long API keys created with `cairn keys create` stay accepted from memory while the store is unreachable. */
  CAIRN_STALE_KEYS_MS: z.coerce.number().int().min(0).max(7 * 86_400_000).default(15 * 60_000),
  CAIRN_PORT: port.default(8080),
  CAIRN_HOST: z.string().min(1).default('127.0.0.1'),
  /** Local state: the dev server's SQLite file, artifacts, logs. */
  CAIRN_HOME: z.string().min(1).default('.cairn'),
  /** Root of the content-addressed artifact store; default CAIRN_HOME/artifacts. Shared storage when workers are on several machines. */
  CAIRN_ARTIFACTS_DIR: z.string().min(1).optional(),
  CAIRN_API_URL: z.url().default('http://127.0.0.1:8080'),
  CAIRN_API_KEY: z.string().min(1).optional(),
  /** API keys as `role:key,role:key` (roles: viewer, operator, admin); more with `cairn keys create`. */
  CAIRN_API_KEYS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      try {
        return text ? parseEnvApiKeys(text) : [];
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** Origins allowed to call the API from a browser, comma-separated; none by default. */
  CAIRN_CORS_ORIGINS: commaList,
  /**
   * Where workers may read files for a run (ingest, evaluationDataset, landing checks), comma-separated;
   * besides the data roots the registry declares (the examples' data). Paths are realpath-checked.
   */
  CAIRN_DATA_ROOTS: commaList,
  /** Hosts ingest may fetch from, comma-separated (`*.example.com` for subdomains); a pipeline may narrow it. */
  CAIRN_ALLOW_HOSTS: commaList,
  /** Hosts of CAIRN_ALLOW_HOSTS that may resolve to private or loopback addresses (internal data servers). */
  CAIRN_PRIVATE_HOSTS: commaList,
  /** Named SQL sources as JSON, `{"warehouse":"postgres://reader:...@db/sales"}`: pipelines name them as `sql:warehouse`. */
  CAIRN_SQL_CONNECTIONS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return {};
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected a JSON object of name to postgres:// URL' });
        return z.NEVER;
      }
      const parsed = z
        .record(z.string(), postgresUrl)
        .superRefine((connections, inner) => {
          for (const name of Object.keys(connections)) {
            const checked = SqlConnectionName.safeParse(name);
            if (!checked.success) inner.addIssue({ code: 'custom', path: [name], message: checked.error.issues[0]?.message ?? 'a bad name' });
          }
        })
        .safeParse(value);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ') });
        return z.NEVER;
      }
      return parsed.data;
    }),
  CAIRN_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(1024 * 1024),
  /** Requests per minute per key (or per client address without keys) on routes that start work. */
  CAIRN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(120),
  /** Predicted instances per minute per key (per address without keys): a batch costs one per instance. */
  CAIRN_PREDICT_INSTANCES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000_000).default(600_000),
  /** Serve /metrics without an API key even when keys exist. */
  CAIRN_METRICS_OPEN: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** A standalone worker serves Cairn's metrics on this port (/metrics); the Temporal SDK's on the next port. */
  CAIRN_WORKER_METRICS_PORT: port.optional(),
  /** On SIGTERM, how long a worker lets steps in flight finish before cancelling them (they run again elsewhere). */
  CAIRN_WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  /** Lines of each step's log kept in the store; older lines are trimmed (and counted). */
  /**
   * OpenTelemetry tracing (API request -> workflow -> activities), exported over OTLP/HTTP (JSON) when
   * an endpoint is set and off otherwise: OTEL_EXPORTER_OTLP_ENDPOINT (the collector's base URL, spans
   * go to <it>/v1/traces) or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the full traces URL); headers as
   * `key=value,key=value` (an auth token); the service name the spans carry.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_HEADERS: commaList.pipe(z.array(z.string().regex(/^[^=\s]+=.*$/, 'expected key=value pairs, comma-separated'))),
  OTEL_SERVICE_NAME: z.string().min(1).default('cairn'),
  CAIRN_STEP_LOG_MAX_LINES: z.coerce.number().int().min(10).max(1_000_000).default(DEFAULT_STEP_LOG_MAX_LINES),
  /**
   * durable: a prediction is answered only once its log row is fsynced to a local journal, replayed
   * after a crash; buffered: rows wait in memory for their batch (a killed API loses up to ~0.5 s).
   */
  CAIRN_PREDICTION_LOG: z.enum(['durable', 'buffered']).default('durable'),
  /** The durable prediction log's journal; one directory per API process. Default CAIRN_HOME/prediction-journal. */
  CAIRN_PREDICTION_JOURNAL_DIR: z.string().min(1).optional(),
  /**
   * Shared by the API and the workers: the API signs what each step of a run may do and who started it,
   * workers refuse a step without that signature (a run started straight in Temporal). `cairn dev` makes one.
   */
  CAIRN_SPEC_SECRET: z.string().min(32, 'at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
  /**
   * Notification targets as a JSON array: `[{"url":"https://hooks.example/cairn"},{"url":"https://hooks.slack.com/...","format":"slack","events":["run.failed"]}]`
   * (README "Notifications"); JSON targets are signed with CAIRN_NOTIFY_SECRET.
   */
  CAIRN_NOTIFY: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return [] as NotificationTargetInput[];
      try {
        const value: unknown = JSON.parse(text);
        if (!Array.isArray(value)) throw new Error('expected a JSON array of targets');
        namedTargets([{ where: 'CAIRN_NOTIFY', targets: value as NotificationTargetInput[] }]);
        return value as NotificationTargetInput[];
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: error instanceof SyntaxError ? 'expected a JSON array of targets' : (error as Error).message });
        return z.NEVER;
      }
    }),
  /** The key JSON notifications are signed with (HMAC-SHA256, the X-Cairn-Signature header). */
  CAIRN_NOTIFY_SECRET: z.string().min(32, 'at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
  /** Aliases a run started by an operator may move only through a step an admin approved, comma-separated. */
  CAIRN_PROTECTED_ALIASES: commaList.transform((aliases) => (aliases.length > 0 ? aliases : ['production'])),
  /** Workers reconcile Temporal Schedules with definitions/ at start when true. */
  CAIRN_SYNC_SCHEDULES: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** The terminal type: `dumb` gets plain lines instead of a live display. */
  TERM: z.string().optional(),
  /** The module whose `registry` export holds the pipelines (default: this repository's definitions/index.ts); `cairn dev` watches its folder. */
  CAIRN_DEFINITIONS: z.string().min(1).optional(),
  /** The Python that runs Python steps under `cairn dev` (with cairn_steps installed); default the project's .tools/python-steps venv (`npm run setup`). */
  CAIRN_PYTHON: z.string().min(1).optional(),
  /** Set by npm: the directory `npm run ...` was started from (it moves to the package root). */
  INIT_CWD: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `json` for log collectors; `human` for people; `auto`: human on a terminal (not TERM=dumb), JSON otherwise. */
  LOG_FORMAT: z.enum(['auto', 'json', 'human']).default('auto'),
}).superRefine((cfg, context) => {
  // A client certificate without its key (or the reverse) cannot be used: say so at start, not at the first call.
  for (const item of ['SERVER_CA_CERT', 'CLIENT_CERT', 'CLIENT_KEY'] as const) {
    if (cfg[`TEMPORAL_TLS_${item}_PATH`] && cfg[`TEMPORAL_TLS_${item}_DATA`]) {
      context.addIssue({ code: 'custom', path: [`TEMPORAL_TLS_${item}_DATA`], message: `give TEMPORAL_TLS_${item}_PATH or TEMPORAL_TLS_${item}_DATA, not both` });
    }
  }
  const hasCert = Boolean(cfg.TEMPORAL_TLS_CLIENT_CERT_PATH || cfg.TEMPORAL_TLS_CLIENT_CERT_DATA);
  const hasKey = Boolean(cfg.TEMPORAL_TLS_CLIENT_KEY_PATH || cfg.TEMPORAL_TLS_CLIENT_KEY_DATA);
  if (hasCert !== hasKey) {
    const missing = hasCert ? 'TEMPORAL_TLS_CLIENT_KEY_PATH' : 'TEMPORAL_TLS_CLIENT_CERT_PATH';
    context.addIssue({ code: 'custom', path: [missing], message: 'mTLS needs both a client certificate and its key (TEMPORAL_TLS_CLIENT_CERT_PATH/_DATA and TEMPORAL_TLS_CLIENT_KEY_PATH/_DATA)' });
  }
});

export type Config = z.infer<typeof ConfigSchema>;

/** Variables whose value never appears in an error (they hold keys or connection strings with passwords). */
const SECRET_VARIABLES = new Set(['CAIRN_API_KEYS', 'CAIRN_API_KEY', 'CAIRN_SQL_CONNECTIONS', 'CAIRN_SPEC_SECRET', 'CAIRN_NOTIFY', 'CAIRN_NOTIFY_SECRET', 'TEMPORAL_API_KEY', 'TEMPORAL_TLS_CLIENT_KEY_DATA']);

/** Parses an environment; the error names every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set", as shells and compose files tend to produce them.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const name = String(i.path[0]);
      // Never echo a secret back into logs.
      const shown = SECRET_VARIABLES.has(name) ? '(hidden)' : JSON.stringify(redactUrl(present[name] ?? ''));
      return `${name}=${shown}: ${i.message}`;
    });
    throw new ConfigError(`invalid environment: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The names of the environment variables set (non-empty) in this process: lib/unknownVariables checks the CAIRN_ ones. */
export function givenVariableNames(): string[] {
  return Object.entries(process.env)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([name]) => name);
}

let cached: Config | undefined;

/** The process's configuration, parsed once. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/** The metadata store's deadlines, as configured. */
/**
 * The directory the user ran the command in: `npm run cairn` moves to the package root but leaves the
 * user's directory in INIT_CWD.
 */
export function invocationDirectory(cfg: Pick<Config, 'INIT_CWD'>): string {
  return cfg.INIT_CWD ?? process.cwd();
}

/** Standard output is a terminal a person reads (a TTY, and not TERM=dumb): live displays and human log lines. */
export function stdoutIsTerminal(cfg: Pick<Config, 'TERM'>): boolean {
  return Boolean(process.stdout.isTTY) && cfg.TERM !== 'dumb';
}

export function storeDeadlines(cfg: Config): StoreDeadlines {
  return { connectTimeoutMs: cfg.CAIRN_DB_CONNECT_TIMEOUT_MS, statementTimeoutMs: cfg.CAIRN_DB_STATEMENT_TIMEOUT_MS };
}

/** What workers trust about runs, as configured. */
export function runAuthorityPolicy(cfg: Config): RunAuthorityPolicy {
  return { specSecret: cfg.CAIRN_SPEC_SECRET, protectedAliases: cfg.CAIRN_PROTECTED_ALIASES };
}

/** The deployment's notification targets and signing key (the registry may add targets of its own). */
export function notificationSettings(cfg: Config): { targets: NotificationTargetInput[]; secret: string | undefined } {
  return { targets: cfg.CAIRN_NOTIFY, secret: cfg.CAIRN_NOTIFY_SECRET };
}

/** Where the durable prediction log keeps its journal. */
export function predictionJournalDir(cfg: Config): string {
  return cfg.CAIRN_PREDICTION_JOURNAL_DIR ?? `${cfg.CAIRN_HOME}/prediction-journal`;
}

/** Where artifacts live for this configuration. */
/** Where spans go: the traces URL and its headers, or null when tracing is off. */
export function otlpTraces(cfg: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_EXPORTER_OTLP_HEADERS' | 'OTEL_SERVICE_NAME'>): { url: string; headers: Record<string, string>; serviceName: string } | null {
  const url = cfg.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (cfg.OTEL_EXPORTER_OTLP_ENDPOINT ? `${cfg.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (!url) return null;
  const headers = Object.fromEntries(cfg.OTEL_EXPORTER_OTLP_HEADERS.map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), decodeURIComponent(pair.slice(pair.indexOf('=') + 1).trim())]));
  return { url, headers, serviceName: cfg.OTEL_SERVICE_NAME };
}

export function artifactsDir(cfg: Config): string {
  return cfg.CAIRN_ARTIFACTS_DIR ?? `${cfg.CAIRN_HOME}/artifacts`;
}

/** The deployment's source policy: CAIRN_DATA_ROOTS plus the roots the registry declares, hosts, SQL connections. */
export function sourcePolicy(cfg: Config, registryRoots: readonly string[] = []): SourcePolicy {
  return {
    dataRoots: [...registryRoots, ...cfg.CAIRN_DATA_ROOTS],
    allowHosts: cfg.CAIRN_ALLOW_HOSTS,
    privateHosts: cfg.CAIRN_PRIVATE_HOSTS,
    sqlConnections: cfg.CAIRN_SQL_CONNECTIONS,
  };
}

/** The environment for a child process Cairn starts (a Python worker): this one's, with `overrides` on top. */
export function childEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}
