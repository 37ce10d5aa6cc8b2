import type * as ConfigModule from '../lib/config';
import type { Config } from '../lib/config';
import { apiClient, type ApiClient } from './apiClient';

/**
 * What every command shares: the configuration, the API client (made on first use) and output. The
 * configuration module (and zod with it) is loaded just before a command's action runs (`load()`, a
 * preAction hook), so `--help` and `--version` load neither and work whatever the environment holds.
 */
export interface CliContext {
  load(): Promise<void>;
  config(): Config;
  api(): ApiClient;
  /** A terminal that can redraw (a TTY, and not TERM=dumb): live displays; otherwise plain lines. */
  readonly isTty: boolean;
  print(line: string): void;
  printJson(value: unknown): void;
}

export function createCliContext(): CliContext {
  let configModule: typeof ConfigModule | undefined;
  let client: ApiClient | undefined;
  const loaded = () => {
    if (!configModule) throw new Error('the CLI read its configuration before loading it (call load() first)');
    return configModule;
  };
  const config = () => loaded().config();
  return {
    load: async () => {
      configModule ??= await import('../lib/config');
      const { warnUnknownVariablesOnce } = await import('../lib/unknownVariables');
      warnUnknownVariablesOnce((line) => process.stderr.write(`cairn: warning: ${line}\n`));
    },
    config,
    api: () => {
      const cfg = config();
      client ??= apiClient({ baseUrl: cfg.CAIRN_API_URL, ...(cfg.CAIRN_API_KEY ? { apiKey: cfg.CAIRN_API_KEY } : {}) });
      return client;
    },
    get isTty() {
      return loaded().stdoutIsTerminal(config());
    },
    print: (line) => process.stdout.write(`${line}\n`),
    printJson: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}
