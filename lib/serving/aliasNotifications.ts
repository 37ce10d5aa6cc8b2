import pg from 'pg';
import { logger } from '../logger';

/** The channel moveAlias notifies on commit; the payload is `<model>/<alias>`. */
export const ALIAS_CHANNEL = 'cairn_alias_moved';

type Listener = (model: string, alias: string) => void;

/**
 * Tells this process the moment an alias moves anywhere (PostgreSQL LISTEN/NOTIFY), so a served model
 * changes within milliseconds instead of at the next 2 s alias re-read. Polling stays underneath: when
 * the listening connection drops (or the store cannot LISTEN), moves still arrive within 2 s, and the
 * connection is retried every few seconds.
 */
export class AliasNotifications {
  private client: pg.Client | undefined;
  private readonly listeners = new Set<Listener>();
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly retryMs = 5_000,
  ) {}

  /** Every connection option of the store's pool, for the one extra connection that listens. */
  static forPool(pool: pg.Pool): AliasNotifications {
    return new AliasNotifications(pool.options as pg.ClientConfig);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects and listens; resolves either way (a failure is logged and retried, polling covers the gap). */
  async start(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client(this.config);
    client.on('notification', ({ channel, payload }) => {
      if (channel !== ALIAS_CHANNEL || !payload) return;
      const slash = payload.indexOf('/');
      for (const listener of this.listeners) listener(payload.slice(0, slash), payload.slice(slash + 1));
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${ALIAS_CHANNEL}`);
      this.client = client;
    } catch (error) {
      this.lost(client, error);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.stopped || (this.client !== undefined && this.client !== client)) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    logger.warn({ err: error }, 'alias notifications lost; alias moves arrive by polling until they are back');
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.start(), this.retryMs);
    this.retry.unref();
  }
}
