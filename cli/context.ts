import { config } from '../lib/config';
import { apiClient, type ApiClient } from './apiClient';

/** What every command shares: the API client (made on first use, so `--help` needs no valid env) and output. */
export interface CliContext {
  api(): ApiClient;
  /** A terminal that can redraw (a TTY, and not TERM=dumb): live displays; otherwise plain lines. */
  readonly isTty: boolean;
  print(line: string): void;
  printJson(value: unknown): void;
}

export function createCliContext(): CliContext {
  let client: ApiClient | undefined;
  return {
    api: () => {
      const cfg = config();
      client ??= apiClient({ baseUrl: cfg.CAIRN_API_URL, ...(cfg.CAIRN_API_KEY ? { apiKey: cfg.CAIRN_API_KEY } : {}) });
      return client;
    },
    // Read when a command asks, not at start-up: --help must work whatever the environment holds.
    get isTty() {
      return Boolean(process.stdout.isTTY) && config().TERM !== 'dumb';
    },
    print: (line) => process.stdout.write(`${line}\n`),
    printJson: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}
