import type { Pool } from 'pg';
import { logger } from '../logger';
import { predictionLogDropped, predictionLogWritten } from '../metrics/metrics';

export interface LoggedPrediction {
  model: string;
  version: number;
  alias: string | null;
  requestId: string;
  item: number;
  features: Record<string, unknown>;
  prediction: string | number;
  predictedAt: Date;
}

export interface PredictionLogOptions {
  flushIntervalMs?: number;
  /** Rows per INSERT. */
  maxBatch?: number;
  /** Rows held while PostgreSQL is slow or down; beyond this, new rows are dropped and counted. */
  maxBuffered?: number;
}

/**
 * Writes served predictions to PostgreSQL in batches, off the request path: a request only appends
 * to an in-memory buffer; a timer writes it with one multi-row INSERT per batch. If PostgreSQL is
 * unreachable, rows wait (up to maxBuffered) and the write is retried on the next tick; serving
 * never waits for, or fails because of, the log. The cost: rows not yet written are lost if the
 * process is killed (close() writes them on a normal shutdown).
 */
export class PredictionLog {
  private buffer: LoggedPrediction[] = [];
  private writing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly maxBatch: number;
  private readonly maxBuffered: number;

  constructor(
    private readonly pool: Pool,
    options: PredictionLogOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 2_000;
    this.maxBuffered = options.maxBuffered ?? 100_000;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 500);
    this.timer.unref();
  }

  append(rows: LoggedPrediction[]): void {
    const room = this.maxBuffered - this.buffer.length;
    if (rows.length > room) {
      predictionLogDropped.inc(rows.length - Math.max(0, room));
      rows = rows.slice(0, Math.max(0, room));
    }
    for (const row of rows) this.buffer.push(row);
  }

  /** Whether a prediction of this request is still waiting to be written by this process. */
  isPending(model: string, requestId: string): boolean {
    return this.buffer.some((row) => row.model === model && row.requestId === requestId);
  }

  /** Writes everything buffered so far; one write at a time. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.buffer.length === 0) return;
    this.writing = this.writeAll().finally(() => {
      this.writing = undefined;
    });
    await this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, this.maxBatch);
      try {
        // One JSON document per batch: a single JSON.stringify is several times cheaper for this
        // process than pg's escaping of eight parallel arrays, and PostgreSQL unpacks it on its own core.
        await this.pool.query(
          `INSERT INTO prediction_log (model, version, alias, request_id, item, features, prediction, predicted_at)
           SELECT model, version, alias, "requestId", item, features, prediction, "predictedAt"
             FROM jsonb_to_recordset($1::jsonb) AS x(model text, version int, alias text, "requestId" text, item int, features jsonb, prediction jsonb, "predictedAt" timestamptz)
           ON CONFLICT (model, request_id, item) DO NOTHING`,
          [JSON.stringify(batch)],
        );
      } catch (error) {
        logger.warn({ err: error, buffered: this.buffer.length }, 'prediction log write failed; will retry');
        return;
      }
      this.buffer.splice(0, batch.length);
      predictionLogWritten.inc(batch.length);
    }
  }
}
